"""The library: one row per article with its title, source, date, status and span count."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from newsmark.model import ArticleRow

from ..widgets import ArticleTable, literal, visible_line

if TYPE_CHECKING:
    from ..app import NewsmarkApp

STATUS_STYLES = {"todo": "dim", "in_progress": "yellow", "done": "green", "skipped": "dim italic"}


class LibraryScreen(Screen):
    """Lists the articles; ``enter`` opens one in the reader. Refreshes whenever it is shown."""

    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="library.refresh"),
    ]

    app: NewsmarkApp

    def __init__(self) -> None:
        super().__init__(id="library")
        self.rows: list[ArticleRow] = []

    def compose(self) -> ComposeResult:
        yield Static(id="library-header")
        yield ArticleTable(id="articles")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(ArticleTable)
        # Fixed widths: the table never measures 100,000 cells (the title takes what is left).
        table.add_column("Title", key="title", width=self._title_width())
        table.add_column("Source", key="source", width=18)
        table.add_column("Date", key="date", width=10)
        table.add_column("Status", key="status", width=11)
        table.add_column("Spans", key="spans", width=5)
        table.focus()
        self._show_header()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_worker(self._load(), exclusive=True, group="library")

    async def _load(self) -> None:
        app = self.app

        def query() -> list[ArticleRow]:
            with app.store_lock:
                return app.store.list_articles(app.annotator)

        rows = await asyncio.to_thread(query)
        await self._fill(rows)

    def _title_width(self) -> int:
        return max(20, self.app.size.width - (18 + 10 + 11 + 5) - 2 * 5 - 2)

    def on_resize(self) -> None:
        self.query_one(ArticleTable).set_column_width("title", self._title_width())

    def _cells(self, row: ArticleRow) -> list[Text]:
        return [
            literal(row.title, overflow="ellipsis"),
            literal(row.source),
            literal((row.published or "")[:10]),
            Text(row.status.replace("_", " "), style=STATUS_STYLES.get(row.status, "")),
            Text(str(row.spans), justify="right"),
        ]

    async def _fill(self, rows: list[ArticleRow]) -> None:
        """Show ``rows``. The same articles as before: only changed cells are updated (coming back
        from the reader); otherwise the table is rebuilt in chunks, yielding to the UI."""
        table = self.query_one(ArticleTable)
        current = self.current_article_id()
        old = self.rows
        self.rows = rows
        if table.row_count == len(old) and [r.id for r in old] == [r.id for r in rows]:
            columns = ("title", "source", "date", "status", "spans")
            for before, after in zip(old, rows):
                if before != after:
                    for column, cell in zip(columns, self._cells(after)):
                        table.update_cell(str(after.id), column, cell)
            self._show_header()
            return
        table.clear()
        self._show_header()
        chunk = 10_000
        for i in range(0, len(rows), chunk):
            for row in rows[i : i + chunk]:
                table.add_row(*self._cells(row), key=str(row.id))
            if current is not None and any(r.id == current for r in rows[i : i + chunk]):
                table.move_cursor(row=[r.id for r in rows].index(current), animate=False)
            if i + chunk < len(rows):
                await asyncio.sleep(0)

    def _show_header(self) -> None:
        n = len(self.rows)
        header = Text.assemble(
            ("newsmark", "bold"),
            f"  {n} article{'s' if n != 1 else ''}  ·  annotator ",
            (visible_line(self.app.annotator), "bold"),
        )
        self.query_one("#library-header", Static).update(header)

    def current_article_id(self) -> int | None:
        table = self.query_one(ArticleTable)
        if not self.rows or table.row_count == 0:
            return None
        row = min(table.cursor_row, len(self.rows) - 1)
        return self.rows[row].id

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.open_article(int(event.row_key.value))

    def open_article(self, article_id: int) -> None:
        from .reader import ReaderScreen

        self.app.push_screen(ReaderScreen(article_id))

    def action_open(self) -> None:
        article_id = self.current_article_id()
        if article_id is not None:
            self.open_article(article_id)

    def commands(self) -> list:
        from textual.app import SystemCommand

        return [
            SystemCommand("Open article", "Open the highlighted article", self.action_open),
            SystemCommand("Refresh library", "Reload the article list", self.action_refresh),
        ]
