"""The library's article table: a DataTable whose bindings carry ids (for keymaps)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey


class ArticleTable(DataTable):
    """One row per article; ``enter`` posts ``DataTable.RowSelected`` for the screen to open."""

    inherit_bindings = False
    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="library.open"),
        Binding("up", "cursor_up", "Previous article", show=False, id="library.cursor_up"),
        Binding("down", "cursor_down", "Next article", show=False, id="library.cursor_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="library.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="library.page_down"),
        Binding("home", "scroll_top", "First article", show=False, id="library.first"),
        Binding("end", "scroll_bottom", "Last article", show=False, id="library.last"),
    ]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)

    def set_column_width(self, key: str, width: int) -> None:
        """Give a fixed-width column a new width (DataTable has no public API for this)."""
        column = self.columns.get(ColumnKey(key))
        if column is None or column.width == width:
            return
        column.width = width
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh()
