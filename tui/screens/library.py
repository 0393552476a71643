"""The library: every article of the database in a virtual list, filtered, sorted, with progress.

The list shows pages of ``store.library(...)`` on demand (see ``ArticleList``), so it opens and
scrolls the same at 100,000 articles as at 100. Reads run in thread workers on the app's read
connection; each write (bulk status, undo, redo) goes to the store thread in key order
(``app.calls``), and a failed one is one notice. Whenever
the list changes, ``article_ids`` gets the ids of the whole filtered, sorted list (the reader is
given it for the next and previous article).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Callable, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from newsmark.model import ArticleRow
from newsmark.query import SORTS, Query, QueryError, in_queue, parse_query
from storage.warnings import WarningCounts

from ..widgets import ArticleList, visible_line
from ..widgets.article_list import PAGE
from ..widgets.key_footer import KeyFooter
from ..widgets.library_bars import (
    FeedsLine,
    HeaderInfo,
    LibraryHeader,
    Progress,
    ProgressLine,
)
from .library_actions import LibraryActions
from .library_keys import LIBRARY_BINDINGS, LIBRARY_HELP
from .library_sources import Sources

if TYPE_CHECKING:
    from storage.repo import Store

    from ..app import NewsmarkApp
    from .reader import ReaderScreen

T = TypeVar("T")

# Sorts whose order reversed is exactly the opposite direction (every key in the same direction):
# pages past the middle of the list are read from its end.
REVERSIBLE = {"date"}


class _ReadFailed(Exception):
    """A library read failed; the app's one error handler has said why."""


class LibraryScreen(LibraryActions, Screen):
    """Lists the articles; ``enter`` opens one in the reader. Refreshes whenever it is shown."""

    BINDINGS = LIBRARY_BINDINGS
    HELP = LIBRARY_HELP

    app: NewsmarkApp

    def __init__(self) -> None:
        super().__init__(id="library")
        self.query_text = ""
        self.filter_query = Query()
        self.queue = False  # the annotator has assignments: the list is their queue by default
        self.sort = "date"
        self.descending: bool | None = None  # None: the sort's natural direction
        self.sorts = SORTS  # + "uncertain" once a model has scored articles (newsmark score)
        self.last_opened: int | None = None
        self.progress: tuple[int, int, dict[str, int]] | None = None
        self.warnings: WarningCounts | None = None  # the annotator's event warnings
        self._progress_stale = True
        self._first_page_shown = False
        self._reloading = False  # a new list is being read (ready_for_keys)
        self._close_filter_on_rows = False  # the filter prompt closes with the new rows
        # the ids of the whole list as it is filtered and sorted (the reader's ] and [)
        self.article_ids: list[int] = []
        self.sources = Sources(self)
        self._reader: ReaderScreen | None = None  # the reader opened last
        self._follow: int | None = None  # the article the highlight goes to once ids are read
        self.first_paint: float | None = None  # perf_counter() when rows were first painted
        self.last_paint: tuple[int, float] = (0, 0.0)  # (list generation, perf_counter())
        self.last_paint_cpu = 0.0  # process_time() then

    # --- composition ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield LibraryHeader(id="library-header")
        yield ProgressLine(self.app.schema, id="library-progress")
        yield FeedsLine(id="library-sources")
        yield Static(id="library-columns")
        yield ArticleList(id="articles")
        yield Static(id="filter-error")
        yield Input(id="source", select_on_focus=False,
                    placeholder="A page or feed URL (enter: fetch, escape: cancel)")
        yield Input(id="filter", select_on_focus=False, placeholder='Filter: status:todo source:zeit lang:de label:PER '
                    'after:2025-06-01 before:2025-07-01 "free text"  (enter: apply, escape: cancel)')
        yield KeyFooter()

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#filter", Input)

    @property
    def feeds_line(self) -> FeedsLine:
        return self.query_one(FeedsLine)

    def on_mount(self) -> None:
        # The first page is read right here (a LIMIT over the date index: about a millisecond at
        # any size), so the first frame already shows rows; the rest comes from ``_load``.
        app = self.app
        self.queue = bool(app.calls.read_now(lambda s: s.has_assignments(app.annotator)))
        self._uncertainty_sort()
        ann, q, sort, desc = app.annotator, self.list_query, self.sort, self.effective_descending
        rows = app.calls.read_now(lambda s: s.library(ann, q, sort, desc, 0, PAGE), default=[])
        self.article_list.reset(rows, None)
        self._first_page_shown = True
        self.article_list.focus()
        self._show_header()
        self._show_progress()
        self.sources.show()

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_columns)

    def on_screen_resume(self) -> None:
        # back from the reader: the highlight goes to the article shown last (d, s, ] and [
        # may have moved on from the one opened here), once the list's ids are read
        reader = self._reader
        self._follow = reader.article_id if reader is not None else None
        self.reload(keep_cursor=True, progress=True)

    # --- loading --------------------------------------------------------------------------------

    @property
    def list_query(self) -> Query:
        """The filter, in the annotator's own queue (``assigned:me``) when they have assignments
        and the filter names no ``assigned:`` term."""
        return in_queue(self.filter_query) if self.queue else self.filter_query

    @property
    def effective_descending(self) -> bool:
        return (self.sort == "date") if self.descending is None else self.descending

    async def _read(self, fn: Callable[[Store], T]) -> T:
        """``fn(store)`` in a thread, on the app's read connection. A failure is shown by the
        app's one error handler and ends the worker that read (``_ReadFailed``), never the
        app."""
        try:
            return await self.app.calls.read(fn)
        except Exception as exc:  # noqa: BLE001
            self.app.calls.report(exc, reading=True)
            raise _ReadFailed from exc

    @property
    def ready_for_keys(self) -> bool:
        """False from a new filter or sort until its first rows are shown: the app holds the
        keys typed meanwhile (``enter`` right after the filter opens the row the new list
        shows, not the one the old list had there)."""
        return not self._reloading

    def reload(self, keep_cursor: bool = False, progress: bool = False) -> None:
        """Show the list for the current filter and sort (again); ``progress``: the progress
        line too (the data changed)."""
        self._progress_stale = self._progress_stale or progress
        if progress:  # (assignments made meanwhile)
            ann = self.app.annotator
            self.queue = bool(self.app.calls.read_now(lambda s: s.has_assignments(ann)))
        cursor = self.article_list.cursor if keep_cursor else 0
        self._reloading = True
        self._load(cursor)

    @work(exclusive=True, group="library-list")
    async def _load(self, cursor: int = 0) -> None:
        try:
            await self._load_list(cursor)
        except _ReadFailed:
            pass
        finally:
            self._rows_arrived()
            self._reloading = False

    async def _load_list(self, cursor: int) -> None:
        """The first rows first (a LIMIT over an index); once they are on screen, the count,
        the progress line and the ids of the whole list (the slow parts at 100,000 articles)."""
        ann, q, sort, desc = self.app.annotator, self.list_query, self.sort, self.effective_descending
        article_list = self.article_list
        if cursor < PAGE:
            if self._first_page_shown:  # by on_mount, just now
                self._first_page_shown = False
                generation, asked, rows = article_list.generation, PAGE, []
            else:
                # a screenful (and the cursor's row), not the whole page: at 100,000 articles a
                # filter's page walks the list until it has its rows, so fewer rows come sooner
                asked = min(PAGE, cursor + article_list.size.height + 4) if article_list.size.height else PAGE
                rows = await self._read(lambda s: s.library(ann, q, sort, desc, 0, asked))
                self._rows_arrived()
                generation = article_list.reset(rows, None, cursor, asked)
            self._reloading = False  # the first rows are there: keys act on them
            self._show_header()
            await self._painted_or_timeout(generation)
            if asked < PAGE and len(rows) == asked:  # the rest of the first page, for scrolling
                article_list.put_page(generation, 0, await self._read(
                    lambda s: s.library(ann, q, sort, desc, 0, PAGE)))
            total = await self._read(lambda s: s.library_count(ann, q))
            article_list.set_total(total, generation)
        else:
            # Coming back far down the list: its length and the page under the cursor.
            def both(s: Store) -> tuple[int, list[ArticleRow], list[ArticleRow]]:
                page = cursor // PAGE
                return (s.library_count(ann, q), s.library(ann, q, sort, desc, 0, PAGE),
                        s.library(ann, q, sort, desc, page * PAGE, PAGE))

            total, first, here = await self._read(both)
            self._rows_arrived()
            generation = article_list.reset(first, total, cursor)
            article_list.put_page(generation, cursor // PAGE, here)
            self._reloading = False
        self._show_header()
        if self._progress_stale:
            self.progress = await self._read(lambda s: s.progress(ann))
            self._progress_stale = False
            self._show_progress()
            self._count_warnings()
        ids = await self._read(lambda s: s.library_ids(ann, q, sort, desc))
        if generation == article_list.generation:
            self.article_ids = ids
            if self._follow in ids:
                article_list.move_cursor(ids.index(self._follow))
            self._follow = None

    @work(exclusive=True, group="library-warnings")
    async def _count_warnings(self) -> None:
        """The annotator's event warnings for the progress line: one store call per batch of
        events, so the shared connection is free in between (the reader can open meanwhile)."""
        ann, schema = self.app.annotator, self.app.schema
        total, after = WarningCounts(), 0
        while after is not None:
            try:
                part, after = await self._read(
                    lambda s, a=after: s.event_warnings_batch(ann, schema, a))
            except _ReadFailed:
                return
            total += part
        self.warnings = total
        self._show_progress()

    async def _painted_or_timeout(self, generation: int, timeout: float = 0.25) -> None:
        """Wait until the list has painted ``generation`` (or ``timeout`` seconds): the slow
        queries wait for the first rows to be on screen."""
        deadline = time.perf_counter() + timeout
        while self.last_paint[0] < generation and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)

    @on(ArticleList.PageWanted)
    def _page_wanted(self, event: ArticleList.PageWanted) -> None:
        event.stop()
        if event.generation == self.article_list.generation:
            self._load_page(event.generation, event.page)

    @work(group="library-pages")
    async def _load_page(self, generation: int, page: int) -> None:
        ann, q, sort, desc = self.app.annotator, self.list_query, self.sort, self.effective_descending
        if generation != self.article_list.generation:
            return
        total = self.article_list.total
        start, end = page * PAGE, min((page + 1) * PAGE, total)
        if sort in REVERSIBLE and self.article_list.total_known and start > total // 2 and end > start:
            # Past the middle, read the page from the other end (OFFSET skips fewer rows).
            def read(s: Store) -> list[ArticleRow]:
                return s.library(ann, q, sort, not desc, total - end, end - start)[::-1]
        else:
            def read(s: Store) -> list[ArticleRow]:
                return s.library(ann, q, sort, desc, start, PAGE)
        try:
            rows = await self._read(read)
        except _ReadFailed:
            return
        self.article_list.put_page(generation, page, rows)

    @on(ArticleList.Painted)
    def _painted(self, event: ArticleList.Painted) -> None:
        # (for the benchmarks: when a list first showed its rows)
        if self.first_paint is None:
            self.first_paint = event.painted_at
        self.last_paint = (event.generation, event.painted_at)
        self.last_paint_cpu = event.painted_cpu

    # --- the lines above the list ---------------------------------------------------------------

    def _show_header(self) -> None:
        article_list = self.article_list
        self.query_one(LibraryHeader).info = HeaderInfo(
            article_list.total, article_list.total_known, self.app.annotator, self.sort,
            self.effective_descending, self.query_text, self.queue and not self.filter_query.assigned)
        self._show_columns()

    def _show_columns(self) -> None:
        self.query_one("#library-columns", Static).update(self.article_list.header())

    def _show_progress(self) -> None:
        if self.progress is not None:
            done, total, labels = self.progress
            self.query_one(ProgressLine).progress = Progress(done, total,
                                                             tuple(labels.items()), self.warnings)

    # --- filter ---------------------------------------------------------------------------------

    def action_filter(self) -> None:
        field = self.filter_input
        field.value = self.query_text
        field.select_all()  # typing replaces the filter; an arrow key keeps it to edit
        field.add_class("visible")
        self.set_focus(field)  # now: the keys already on their way belong to the prompt

    def _close_filter(self) -> None:
        self.filter_input.remove_class("visible")
        self._show_error(None)
        self.set_focus(self.article_list)

    def _show_error(self, message: str | None) -> None:
        error = self.query_one("#filter-error", Static)
        error.set_class(message is not None, "visible")
        error.update(Text(visible_line(message or ""), style="bold red"))  # it quotes the filter

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.apply_filter(event.value)

    def apply_filter(self, text: str) -> bool:
        """Filter the list by ``text``; False (and the message shown) when it does not parse."""
        try:
            query = parse_query(text)
        except QueryError as exc:
            self._show_error(str(exc))
            return False
        self.query_text = text.strip()
        self.filter_query = query
        # the prompt closes when the new rows are put, in the same frame: the screen shows the
        # filter until its result replaces it (no frame in between without either)
        self._close_filter_on_rows = self.filter_input.has_class("visible")
        self.reload()
        return True

    def _rows_arrived(self) -> None:
        if self._close_filter_on_rows:
            self._close_filter_on_rows = False
            self._close_filter()

    def action_escape(self) -> None:
        source = self.query_one("#source", Input)
        if source.has_class("visible"):
            source.remove_class("visible")
            self.set_focus(self.article_list)
        elif self.filter_input.has_class("visible"):
            self._close_filter()
        elif self.query_text:
            self.apply_filter("")

    def help_description(self, binding: Binding) -> str | None:
        """A longer description of ``binding`` (for the key list and the command palette)."""
        if binding.id == "library.sort":
            following = self.sorts[(self.sorts.index(self.sort) + 1) % len(self.sorts)]
            return f"Sort by {following} ({', '.join(self.sorts)})"
        return self.HELP.get(binding.id or "")

    # --- sort -----------------------------------------------------------------------------------

    def _uncertainty_sort(self) -> None:
        """Offer the ``uncertain`` sort (the least certain first, by the config's ``[suggest]``
        model, else the model scored last) when a model has scored articles."""
        from newsmark.suggest.model import model_name

        configured = getattr(self.app.settings, "model", None)
        model = model_name(configured) if configured else None
        self.app.store.uncertainty_model = model
        if self.app.calls.read_now(lambda s: s.training.has_scores(model), default=False):
            self.sorts = (*SORTS, "uncertain")

    def action_sort(self) -> None:
        self.sort = self.sorts[(self.sorts.index(self.sort) + 1) % len(self.sorts)]
        self.descending = None
        self.reload()

    def action_reverse(self) -> None:
        self.descending = not self.effective_descending
        self.reload()

    # --- opening articles -----------------------------------------------------------------------

    @on(ArticleList.Selected)
    def _selected(self, event: ArticleList.Selected) -> None:
        event.stop()
        self.open_index(event.index)

    def article_id_at(self, index: int) -> int | None:
        row = self.article_list.row(index)
        if row is not None:
            return row.id
        ids = self.article_ids
        if self.article_list.total == len(ids) and 0 <= index < len(ids):
            return ids[index]
        return None

    def current_article_id(self) -> int | None:
        return self.article_id_at(self.article_list.cursor) if self.article_list.total else None

    def open_index(self, index: int) -> None:
        article_id = self.article_id_at(index)
        if article_id is None:  # a row not loaded yet: fetch just that one
            app = self.app
            q, sort, desc = self.list_query, self.sort, self.effective_descending
            rows = app.calls.read_now(
                lambda s: s.library(app.annotator, q, sort, desc, index, 1), default=[])
            article_id = rows[0].id if rows else None
        if article_id is not None:
            self.open_article(article_id)

    def open_article(self, article_id: int) -> None:
        from .reader import ReaderScreen

        self.last_opened = article_id
        self._reader = ReaderScreen(article_id, lambda: self.article_ids)
        self.app.push_screen(self._reader)

    def action_open(self) -> None:
        self.article_list.action_select()

    @work(exclusive=True, group="library-next")
    async def action_next_todo(self) -> None:
        after = self.last_opened
        try:
            article_id = await self._read(
                lambda s: s.next_todo(self.app.annotator, after, self.sort))
        except _ReadFailed:
            return
        if article_id is None:
            self.notify("Nothing left to do", markup=False)
            return
        self.open_article(article_id)

    def action_refresh(self) -> None:
        self.reload(keep_cursor=True, progress=True)

    # (Textual finds @on handlers in the screen class itself, not in its mixins)
    @on(Input.Submitted, "#source")
    def _source_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.remove_class("visible")
        self.set_focus(self.article_list)
        if event.value.strip():
            self.sources.add(event.value.strip())
