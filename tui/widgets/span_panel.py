"""The reader's side panel: the spans of the article in text order, each with its label and text.

The list is a Line API widget: replacing the spans only sorts them, and only the rows on screen
are ever rendered (their text cut out of the article then, and cached), so labelling costs the
same with 10 spans as with 1,000.

Clicking an entry posts ``SpanPanel.SpanChosen``; the screen moves the document cursor there. The
entry of the span under the document cursor is highlighted. Span text is web text: it is shown
through ``visible_line`` inside ``Text`` objects, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from newsmark.model import Span

from .labels import label_style
from .safe import visible_line
from .side_panel import SidePanel

SURFACE_CHARS = 80


def _key(span: Span) -> tuple[int, int, str, int | None]:
    return (span.start, span.end, span.label, span.id)


class SpanList(ScrollView, can_focus=False):
    """One row per span: the label on its colour, then the span's text. Not focusable (the
    document keeps the keyboard), so it has no keys; the mouse wheel scrolls it."""

    COMPONENT_CLASSES = {"span-list--highlight"}

    DEFAULT_CSS = """
    SpanList {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        background: $surface;
    }
    SpanList > .span-list--highlight {
        background: $primary-muted;
        text-style: bold;
    }
    """

    inherit_bindings = False
    BINDINGS = []

    class Clicked(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, colors: dict[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._colors = colors
        self._rows: list[Span] = []
        self._text = ""
        self._cache: dict[int, Strip] = {}
        self.highlighted: int | None = None

    def set_rows(self, rows: list[Span], text: str) -> None:
        """One row per span of ``text`` (its surface is cut out when the row is rendered)."""
        self._rows = rows
        self._text = text
        self._cache.clear()
        self.highlighted = None
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        self.refresh()

    def highlight(self, index: int | None) -> None:
        """Highlight row ``index`` (or none) and scroll it into view."""
        if index == self.highlighted:
            return
        for row in (self.highlighted, index):
            if row is not None:
                self._cache.pop(row, None)
                self.refresh_line(row)
        self.highlighted = index
        if index is not None:
            self.scroll_to_region(Region(0, index, 1, 1), animate=False, immediate=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))

    def _render_row(self, index: int, width: int) -> Strip:
        strip = self._cache.get(index)
        if strip is not None and strip.cell_length == width:
            return strip
        label, surface = self._row(index)
        base = self.rich_style
        if index == self.highlighted:
            base = base + self.get_component_rich_style("span-list--highlight", partial=True)
        text = Text(no_wrap=True, overflow="ellipsis", end="", style=base)
        text.append(f" {label} ", label_style(self._colors.get(label, "#abb2bf")))
        text.append(" ")
        text.append(surface)
        text.truncate(width, overflow="ellipsis", pad=True)
        strip = Strip(text.render(self.app.console), width).crop_extend(0, width, base)
        self._cache[index] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        if not 0 <= index < len(self._rows) or width <= 0:
            return Strip.blank(self.size.width, self.rich_style)
        return self._render_row(index, width)

    def _row(self, index: int) -> tuple[str, str]:
        """(label, surface on one line) of row ``index``."""
        span = self._rows[index]
        surface = visible_line(self._text[span.start : min(span.end, span.start + SURFACE_CHARS)])
        if span.end - span.start > SURFACE_CHARS:
            surface = surface[:-1] + "…"
        return visible_line(span.label), surface  # an imported label may be any text

    def row_text(self, index: int) -> str:
        label, surface = self._row(index)
        return f" {label}  {surface}"

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + round(self.scroll_y)
        if 0 <= index < len(self._rows):
            event.stop()
            self.post_message(self.Clicked(index))


class SpanPanel(SidePanel):
    """A header ("Spans (n)") over the list of spans."""

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

    def compose(self) -> ComposeResult:
        yield Static(id="span-panel-header", classes="side-panel--header")
        yield SpanList(self._colors, id="span-list")

    @property
    def list(self) -> SpanList:
        return self.query_one(SpanList)

    @property
    def spans(self) -> list[Span]:
        return list(self._spans)

    def entries(self) -> list[str]:
        """The entries as plain text (for tests)."""
        span_list = self.list
        return [span_list.row_text(i) for i in range(len(self._spans))]

    def set_spans(self, spans: Iterable[Span], text: str, owner: str | None = None) -> None:
        """Show ``spans`` of ``text`` (sorted into text order); ``owner`` names whose they are
        when they are not the reader's own."""
        self._spans = sorted(spans, key=lambda s: (s.start, -s.end, s.id or 0))
        self._index = {_key(s): i for i, s in enumerate(self._spans)}
        self.list.set_rows(self._spans, text)
        header = Text(no_wrap=True, overflow="ellipsis", end="")
        header.append(f"Spans ({len(self._spans)})")
        if owner is not None:
            header.append(" · ", "dim")
            header.append(visible_line(owner), "italic")
        # fixed size (see DEFAULT_CSS): no layout pass when the count changes
        self.query_one("#span-panel-header", Static).update(header, layout=False)

    def show_current(self, span: Span | None) -> None:
        """Highlight the entry of ``span`` (the one under the document cursor), or none."""
        self.list.highlight(None if span is None else self._index.get(_key(span)))

    def on_span_list_clicked(self, event: SpanList.Clicked) -> None:
        event.stop()
        if 0 <= event.index < len(self._spans):
            self.post_message(self.SpanChosen(self._spans[event.index]))
