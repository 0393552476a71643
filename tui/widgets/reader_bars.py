"""The reader's two lines above the text, driven by reactives.

``TitleBar.heading`` and ``StatusBar.line`` are immutable values the reader screen computes
from its own reactives and binds with ``data_bind``: when the article, its status, the flag,
the annotator shown or the cursor change, the value changes and the bar repaints itself; nothing
calls a repaint by hand. Outside text goes through ``visible_line`` into ``Text`` objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static

from newsmark.model import Schema

from .document import suggestion_style
from .labels import label_style
from .safe import visible_line


@dataclass(frozen=True, slots=True)
class Heading:
    """What the title line says: the article (None while it loads) and its notes."""

    title: str | None = None
    source: str = ""
    showing: str | None = None  # another annotator whose spans are shown, read-only
    older: tuple[int, ...] = ()  # older versions with annotations
    flag: str | None = None  # the flag's note ('' for a flag without one); None: not flagged
    status: str = "todo"


@dataclass(frozen=True, slots=True)
class StatusLine:
    """What the status line says: whose work, the label used last, the labels under the
    cursor and the size of the selection."""

    annotator: str = ""
    showing: str | None = None
    label: str | None = None
    here: tuple[str, ...] = ()  # the labels of the spans under the cursor, innermost first
    selected: int | None = None  # characters selected
    suggested: tuple[str, str] | None = None  # (label, source) of the suggestion at the cursor
    note: str = ""  # e.g. the model's training progress


class TitleBar(Horizontal):
    """The article's title and source, then its notes (read-only view, versions, flag,
    status)."""

    DEFAULT_CSS = """
    TitleBar { height: 1; background: $panel; }
    TitleBar #reader-title { width: 1fr; height: 1; padding: 0 1; text-wrap: nowrap;
                             text-overflow: ellipsis; }
    TitleBar #reader-notes { width: auto; height: 1; padding: 0 1; text-wrap: nowrap; }
    """

    heading: reactive[Heading] = reactive(Heading, layout=False)

    def compose(self) -> ComposeResult:
        yield Static(id="reader-title")
        yield Static(id="reader-notes")

    def watch_heading(self, heading: Heading) -> None:
        title = Text(end="")
        if heading.title is None:
            title.append("Loading…", "dim")
        else:
            title.append(visible_line(heading.title), "bold")
            if heading.source:
                title.append("  ·  ")
                title.append(visible_line(heading.source), "italic")
        notes = Text(end="")

        def note(text: str, style: str = "") -> None:
            if notes:
                notes.append("  ·  ", "dim")
            notes.append(text, style)

        if heading.title is not None:
            if heading.showing is not None:
                note(f"{visible_line(heading.showing)}'s spans, read-only (o: next)",
                     "bold reverse")
            if heading.older:
                ids = ", ".join(f"#{i}" for i in heading.older)
                note(f"an older annotated version exists ({ids})", "bold")
            if heading.flag is not None:
                note("flagged" + (f": {visible_line(heading.flag)}" if heading.flag else ""),
                     "bold")
            note(heading.status.replace("_", " "), "dim")
        # one line each, fixed: no layout pass on every keystroke
        self.query_one("#reader-title", Static).update(title, layout=False)
        self.query_one("#reader-notes", Static).update(notes)


class StatusBar(Horizontal):
    """The annotator, the label used last, the labels at the cursor, the selection; then the
    legend: each label's key and colour."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; }
    StatusBar #reader-status { width: 1fr; height: 1; padding: 0 1; text-wrap: nowrap;
                               text-overflow: ellipsis; }
    StatusBar #reader-legend { width: auto; height: 1; padding: 0 1; text-wrap: nowrap; }
    """

    line: reactive[StatusLine] = reactive(StatusLine, layout=False)

    def __init__(self, schema: Schema, **kwargs) -> None:
        super().__init__(**kwargs)
        self.schema = schema

    def compose(self) -> ComposeResult:
        yield Static(id="reader-status")
        legend = Text(end="")
        for i, lab in enumerate(self.schema.labels):
            if i:
                legend.append(" ")
            legend.append(f" {lab.key} {visible_line(lab.name)} ", label_style(lab.color))
        yield Static(legend, id="reader-legend")

    def _chip(self, text: Text, label: str) -> None:
        text.append(f" {visible_line(label)} ", label_style(self.schema.color(label)))

    def watch_line(self, line: StatusLine) -> None:
        text = Text(end="")
        text.append("annotator ")
        text.append(visible_line(line.annotator), "bold")
        if line.showing is not None:
            text.append(" (showing ")
            text.append(visible_line(line.showing), "bold")
            text.append(")")
        text.append("  ·  label ")
        if line.label:
            self._chip(text, line.label)
        else:
            text.append("none", "dim")
        if line.here:
            text.append("  ·  at cursor ")
            for i, label in enumerate(line.here):
                if i:
                    text.append(" ")
                self._chip(text, label)
        if line.selected is not None:
            text.append("  ·  selected ")
            text.append(f"{line.selected} chars", "bold")
        if line.suggested is not None:
            label, source = line.suggested
            text.append("  ·  suggested ")
            text.append(f"·{visible_line(label)}", suggestion_style(
                self.schema.color(label), self.app.current_theme.dark))
            text.append(f" ({visible_line(source)}) a accepts, x rejects", "dim")
        if line.note:
            text.append("  ·  ")
            text.append(visible_line(line.note), "italic")
        self.query_one("#reader-status", Static).update(text, layout=False)
