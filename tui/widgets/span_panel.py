"""The reader's side panel: the spans of the article in text order, each with its label and text.

Clicking an entry posts ``SpanPanel.SpanChosen``; the screen moves the document cursor there. The
entry of the span under the document cursor is highlighted. Span text is web text: it is shown
through ``visible_line`` inside ``Text`` objects, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsmark.model import Span

from .labels import label_style
from .safe import visible_line

SURFACE_CHARS = 60


class SpanList(OptionList, can_focus=False):
    """The list itself: not focusable, so the document keeps the keyboard (and no keys)."""

    inherit_bindings = False
    BINDINGS = []

    DEFAULT_CSS = """
    SpanList {
        height: 1fr;
        border: none;
        padding: 0;
        background: $surface;
    }
    SpanList:focus {
        border: none;
    }
    """


class SpanPanel(Vertical):
    """A header ("Spans (n)") over the list of spans."""

    DEFAULT_CSS = """
    SpanPanel {
        width: 38;
        height: 1fr;
        border-left: vkey $foreground 25%;
        background: $surface;
    }
    SpanPanel > #span-panel-header {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-style: bold;
    }
    """

    class SpanChosen(Message):
        """An entry was clicked."""

        def __init__(self, span: Span) -> None:
            super().__init__()
            self.span = span

    def __init__(self, colors: dict[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._colors = dict(colors)
        self._spans: list[Span] = []
        self._index: dict[tuple[int, int, str, int | None], int] = {}
        self._prompts: list[Text] = []
        self._owner: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="span-panel-header")
        yield SpanList(id="span-list")

    @property
    def list(self) -> SpanList:
        return self.query_one(SpanList)

    @property
    def spans(self) -> list[Span]:
        return list(self._spans)

    def entries(self) -> list[str]:
        """The entries as plain text (for tests)."""
        return [prompt.plain for prompt in self._prompts]

    def set_spans(self, spans: Iterable[Span], text: str, owner: str | None = None) -> None:
        """Show ``spans`` of ``text`` (sorted into text order); ``owner`` names whose they are
        when they are not the reader's own."""
        self._spans = sorted(spans, key=lambda s: (s.start, -s.end, s.id or 0))
        self._index = {_key(s): i for i, s in enumerate(self._spans)}
        self._owner = owner
        options = []
        for span in self._spans:
            surface = visible_line(text[span.start : span.end])
            if len(surface) > SURFACE_CHARS:
                surface = surface[: SURFACE_CHARS - 1] + "…"
            prompt = Text(no_wrap=True, overflow="ellipsis", end="")
            prompt.append(f" {span.label} ", label_style(self._colors.get(span.label, "#abb2bf")))
            prompt.append(" ")
            prompt.append(surface)
            options.append(Option(prompt))
        self._prompts = [option.prompt for option in options]
        span_list = self.list
        span_list.set_options(options)
        header = Text(no_wrap=True, overflow="ellipsis", end="")
        header.append(f"Spans ({len(self._spans)})")
        if owner is not None:
            header.append(" · ", "dim")
            header.append(visible_line(owner), "italic")
        self.query_one("#span-panel-header", Static).update(header)

    def show_current(self, span: Span | None) -> None:
        """Highlight the entry of ``span`` (the one under the document cursor), or none."""
        index = None if span is None else self._index.get(_key(span))
        span_list = self.list
        if span_list.highlighted != index:
            span_list.highlighted = index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._spans):
            self.post_message(self.SpanChosen(self._spans[event.option_index]))


def _key(span: Span) -> tuple[int, int, str, int | None]:
    return (span.start, span.end, span.label, span.id)
