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
        table.add_column("Title", key="title")
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
        self._fill(rows)

    def _fill(self, rows: list[ArticleRow]) -> None:
        table = self.query_one(ArticleTable)
        current = self.current_article_id()
        self.rows = rows
        table.clear()
        title_width = max(20, self.size.width - 18 - 10 - 11 - 5 - 12)
        for row in rows:
            title = literal(row.title)
            title.truncate(title_width, overflow="ellipsis")
            table.add_row(
                title,
                literal(row.source),
                literal((row.published or "")[:10]),
                Text(row.status.replace("_", " "), style=STATUS_STYLES.get(row.status, "")),
                Text(str(row.spans), justify="right"),
                key=str(row.id),
            )
        if current is not None:
            ids = [row.id for row in rows]
            if current in ids:
                table.move_cursor(row=ids.index(current), animate=False)
        self._show_header()

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
