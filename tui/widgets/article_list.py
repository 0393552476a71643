"""The library's article list: a virtual list that renders only the rows on screen.

It is a Line API widget (a ``ScrollView``) whose virtual height is the number of articles in the
current list, however many that is. Rows arrive in pages of ``PAGE`` rows: when a line on screen
falls in a page the list does not hold, it shows a placeholder and posts ``PageWanted``; the
screen fetches the page (``store.library(..., offset, limit)``) in a worker and hands it back with
``put_page``. Pages are cached (the least recently used are dropped past ``MAX_PAGES``), and each
rendered row is cached as a ``Strip`` until its data, the width or the theme changes, so opening
and scrolling cost the same at 100,000 articles as at 100.

Every cell is a ``rich.text.Text`` built from ``literal`` (web text is data, never markup). The
widget knows nothing about storage.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsmark.model import ArticleRow

from .safe import literal

PAGE = 100
MAX_PAGES = 64

# (header, width) of the fixed columns after the title; the title takes what is left.
SOURCE_WIDTH, DATE_WIDTH, STATUS_WIDTH, SPANS_WIDTH = 18, 10, 13, 5
GAP = 2
STATUS_STYLES = {
    "todo": Style(dim=True),
    "in_progress": Style(color="yellow"),
    "done": Style(color="green"),
    "skipped": Style(dim=True, italic=True),
}
FLAG = "⚑"
FLAG_STYLE = Style(color="red", bold=True)


def status_text(status: str, flagged: bool = False) -> Text:
    """The status cell: ``in progress``, ``done ⚑``, …"""
    text = Text(status.replace("_", " "), style=STATUS_STYLES.get(status, Style()), end="")
    if flagged:
        text.append(" " + FLAG, FLAG_STYLE)
    return text


def _cell(text: Text, width: int, justify: str = "left") -> Text:
    text = text.copy()
    text.no_wrap = True
    text.end = ""
    text.truncate(width, overflow="ellipsis", pad=False)
    pad = width - text.cell_len
    if pad > 0:
        if justify == "right":
            text = Text(" " * pad, end="") + text
        else:
            text.append(" " * pad)
    return text


class ArticleList(ScrollView, can_focus=True, inherit_bindings=False):
    """One line per article (title, source, date, status with flag, span count) and a cursor."""

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--odd",
        "article-list--pending",
    }

    DEFAULT_CSS = """
    ArticleList {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-gutter: stable;
    }
    ArticleList > .article-list--cursor {
        background: $block-cursor-blurred-background;
        text-style: bold;
    }
    ArticleList:focus > .article-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    ArticleList > .article-list--odd {
        background: $surface-lighten-1 40%;
    }
    ArticleList > .article-list--pending {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("enter", "select", "Open", id="library.open"),
        Binding("up", "move(-1)", "Previous article", show=False, id="library.cursor_up"),
        Binding("down", "move(1)", "Next article", show=False, id="library.cursor_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="library.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="library.page_down"),
        Binding("home", "edge(-1)", "First article", show=False, id="library.first"),
        Binding("end", "edge(1)", "Last article", show=False, id="library.last"),
    ]

    class PageWanted(Message):
        """Rows ``page * PAGE`` … are on screen but not loaded: the screen should ``put_page``."""

        def __init__(self, article_list: ArticleList, generation: int, page: int) -> None:
            super().__init__()
            self.article_list = article_list
            self.generation = generation
            self.page = page

        @property
        def control(self) -> ArticleList:
            return self.article_list

    class Selected(Message):
        """``enter`` (or a click on the highlighted row) on row ``index``."""

        def __init__(self, article_list: ArticleList, index: int) -> None:
            super().__init__()
            self.article_list = article_list
            self.index = index

        @property
        def control(self) -> ArticleList:
            return self.article_list

    class Painted(Message):
        """The list was painted with its rows (or empty) for the first time since ``reset``."""

        def __init__(self, article_list: ArticleList, generation: int) -> None:
            super().__init__()
            self.article_list = article_list
            self.generation = generation
            self.painted_at = time.perf_counter()  # when it was rendered (for benchmarks)
            self.painted_cpu = time.process_time()

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.generation = 0
        self.total = 0
        self.total_known = True
        self.cursor = 0
        self._pages: OrderedDict[int, list[ArticleRow]] = OrderedDict()
        self._wanted: set[int] = set()
        self._strips: dict[int, Strip] = {}
        self._painted = False
        self._width = 0

    # --- content --------------------------------------------------------------------------------

    def reset(self, first_page: list[ArticleRow], total: int | None = None,
              cursor: int = 0, asked: int = PAGE) -> int:
        """Show a new list: its first page of rows and its length (``None``: not counted yet).
        ``asked``: how many rows were read for ``first_page`` (a screenful can be fewer than a
        page; the rest of the page is read like any other when a line shows it).

        Returns the new generation: pages posted for an older one are ignored.
        """
        self.generation += 1
        self._pages.clear()
        self._wanted.clear()
        self._strips.clear()
        self._painted = False
        if first_page:
            self._pages[0] = list(first_page)
        if total is None:
            self.total_known = len(first_page) < asked
            total = len(first_page)
        else:
            self.total_known = True
        self._set_total(total)
        self.cursor = max(0, min(cursor, self.total - 1))
        self._scroll_to_cursor(center=cursor > 0)
        self.refresh()
        return self.generation

    def set_total(self, total: int, generation: int | None = None) -> None:
        """The list's length, once counted."""
        if generation is not None and generation != self.generation:
            return
        self.total_known = True
        self._set_total(total)
        if self.cursor >= self.total:
            self.cursor = max(0, self.total - 1)
        self.refresh()

    def _set_total(self, total: int) -> None:
        self.total = total
        self.virtual_size = Size(self.scrollable_content_region.width, total)

    def put_page(self, generation: int, page: int, rows: list[ArticleRow]) -> None:
        """Rows for ``page`` (from a ``PageWanted``); ignored if the list was reset since."""
        if generation != self.generation:
            return
        self._wanted.discard(page)
        self._pages[page] = list(rows)
        self._pages.move_to_end(page)
        while len(self._pages) > MAX_PAGES:
            old, _ = self._pages.popitem(last=False)
            for i in range(old * PAGE, (old + 1) * PAGE):
                self._strips.pop(i, None)
        for i in range(page * PAGE, page * PAGE + PAGE):
            self._strips.pop(i, None)
        if not self.total_known and page * PAGE + len(rows) > self.total:
            self._set_total(page * PAGE + len(rows))
        self.refresh_lines(page * PAGE, PAGE)

    def invalidate(self) -> None:
        """Forget every loaded row (the data changed): visible pages are asked for again."""
        self._pages.clear()
        self._wanted.clear()
        self._strips.clear()
        self.refresh()

    def row(self, index: int) -> ArticleRow | None:
        """The row at ``index`` if its page is loaded."""
        page = self._pages.get(index // PAGE)
        if page is None:
            return None
        offset = index - (index // PAGE) * PAGE
        return page[offset] if offset < len(page) else None

    def loaded_rows(self) -> list[ArticleRow]:
        """Every loaded row in list order (for tests and debugging)."""
        return [row for _, page in sorted(self._pages.items()) for row in page]

    @property
    def current(self) -> ArticleRow | None:
        """The row under the cursor, if loaded."""
        return self.row(self.cursor) if self.total else None

    # --- cursor ---------------------------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        if not self.total:
            return
        index = max(0, min(self.total - 1, index))
        if index != self.cursor:
            old = self.cursor
            self.cursor = index
            self.refresh_line(old)
            self.refresh_line(index)
        self._scroll_to_cursor()

    def _scroll_to_cursor(self, center: bool = False) -> None:
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        y = self.cursor
        if center and height:
            self.scroll_to(y=max(0, y - height // 2), animate=False, immediate=True)
        elif y < top:
            self.scroll_to(y=y, animate=False, immediate=True)
        elif height and y >= top + height:
            self.scroll_to(y=y - height + 1, animate=False, immediate=True)

    def action_move(self, delta: int) -> None:
        self.move_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_edge(self, direction: int) -> None:
        self.move_cursor(0 if direction < 0 else self.total - 1)

    def action_select(self) -> None:
        if self.total:
            self.post_message(self.Selected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_y) + offset.y
        if 0 <= index < self.total:
            if index == self.cursor or event.chain > 1:
                self.move_cursor(index)
                self.action_select()
            else:
                self.move_cursor(index)

    # --- rendering ------------------------------------------------------------------------------

    def title_width(self, width: int | None = None) -> int:
        width = self.scrollable_content_region.width if width is None else width
        fixed = SOURCE_WIDTH + DATE_WIDTH + STATUS_WIDTH + SPANS_WIDTH + 4 * GAP + 2
        return max(10, width - fixed)

    def header(self) -> Text:
        """The column titles, aligned with the rows (for a line above the list)."""
        titles = ["Title", "Source", "Date", "Status", "Spans"]
        return self._line(
            [(Text(t), width, justify) for t, (width, justify) in zip(titles, self._widths())]
        )

    def _line(self, cells: list[tuple[Text, int, str]]) -> Text:
        line = Text(" ", end="", no_wrap=True)
        for i, (text, width, justify) in enumerate(cells):
            if i:
                line.append(" " * GAP)
            line.append_text(_cell(text, width, justify))
        line.append(" ")
        return line

    def _widths(self) -> list[tuple[int, str]]:
        return [(self.title_width(), "left"), (SOURCE_WIDTH, "left"), (DATE_WIDTH, "left"),
                (STATUS_WIDTH, "left"), (SPANS_WIDTH, "right")]

    def cells(self, row: ArticleRow) -> list[Text]:
        """The cells of ``row`` as shown (cut to their column's width, not padded)."""
        cells = [
            literal(row.title),
            literal(row.source),
            literal((row.published or "")[:10]),
            status_text(row.status, bool(row.extra.get("flagged"))),
            Text(str(row.spans), end=""),
        ]
        out = []
        for cell, (width, _) in zip(cells, self._widths()):
            cell.truncate(width, overflow="ellipsis")
            out.append(cell)
        return out

    def row_text(self, row: ArticleRow) -> Text:
        """The cells of ``row`` as one line of text."""
        return self._line(
            [(cell, width, justify) for cell, (width, justify) in zip(self.cells(row), self._widths())]
        )

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            self._strips.clear()
            self.virtual_size = Size(width, self.total)
        self._scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def _render_row(self, index: int) -> Strip:
        width = self.size.width
        row = self.row(index)
        cursor = index == self.cursor
        if not cursor and row is not None:
            strip = self._strips.get(index)
            if strip is not None:
                return strip
        style = self.rich_style
        if index % 2:
            style += self.get_component_rich_style("article-list--odd", partial=True)
        if row is None:
            page = index // PAGE
            if page not in self._wanted:
                self._wanted.add(page)
                self.post_message(self.PageWanted(self, self.generation, page))
            style += self.get_component_rich_style("article-list--pending", partial=True)
            text = Text(" …", end="", no_wrap=True)
        else:
            text = self.row_text(row)
        if cursor:
            style += self.get_component_rich_style("article-list--cursor", partial=True)
        text.stylize_before(style)
        strip = Strip(text.render(self.app.console)).crop_extend(0, width, style)
        if row is not None and not cursor:
            self._strips[index] = strip
        return strip

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        if index >= self.total:
            if not self.total and not self._painted and self.total_known:
                self._painted = True  # an empty list is painted too
                self.post_message(self.Painted(self, self.generation))
            return Strip.blank(self.size.width, self.rich_style)
        strip = self._render_row(index)
        if not self._painted and self.row(index) is not None:
            self._painted = True
            self.post_message(self.Painted(self, self.generation))
        return strip
