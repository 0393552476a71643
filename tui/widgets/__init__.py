"""Widgets: they show things and post messages; they never touch storage.

The reader's widgets are imported when first used (``tui.widgets.DocumentView`` works as before):
the library's first paint does not wait for them.
"""

from .article_list import ArticleList
from .safe import literal, visible, visible_line

__all__ = ["ArticleList", "DocumentView", "literal", "visible", "visible_line"]


def __getattr__(name: str):
    if name == "DocumentView":
        from .document import DocumentView

        return DocumentView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
