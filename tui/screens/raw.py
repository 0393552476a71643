"""The stored raw source of an article, shown literally and read-only: its own screen, pushed by
the reader's ``r`` and left with ``r`` or ``escape``."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Static

from ..widgets import DocumentView, visible_line
from ..widgets.document import whitespace_tokens
from ..widgets.key_footer import KeyFooter

# keys that annotate in the reader: here they say why nothing happens
_ANNOTATING = set("123456789xemd")


class RawView(DocumentView):
    """The raw source as text (no spans, no structure): the cursor moves, nothing is labelled."""


class RawScreen(Screen):
    """``RawScreen(title, raw)``: the bytes as stored, decoded as UTF-8 (bad bytes as �),
    control characters as visible stand-ins."""

    DEFAULT_CSS = """
    RawScreen #raw-title { height: 1; background: $panel; padding: 0 1; text-wrap: nowrap;
                           text-overflow: ellipsis; }
    RawScreen #raw { height: 1fr; }
    """

    BINDINGS = [
        Binding("r", "close", "Back to the text", id="raw.close"),
        Binding("escape", "close", "Back to the text", show=False, id="raw.escape"),
    ]

    def __init__(self, title: str, raw: bytes) -> None:
        super().__init__(id="raw-screen")
        self.title_text = title
        self.text = raw.decode("utf-8", errors="replace")

    def compose(self) -> ComposeResult:
        heading = Text(end="")
        heading.append(visible_line(self.title_text), "bold")
        heading.append("  ·  ")
        heading.append("raw source, read-only (r: back)", "bold reverse")
        yield Static(heading, id="raw-title")
        yield RawView(id="raw")
        yield KeyFooter()

    @property
    def view(self) -> RawView:
        return self.query_one(RawView)

    def on_mount(self) -> None:
        self.view.load(self.text, whitespace_tokens(self.text), structured=False)
        self.set_focus(self.view)

    def on_key(self, event: Key) -> None:
        if event.character in _ANNOTATING:
            event.stop()
            self.notify("The raw source is read-only (r: back to the text)", severity="warning",
                        markup=False)

    def action_close(self) -> None:
        self.dismiss()
