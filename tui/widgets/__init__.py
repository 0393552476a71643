"""Widgets: they show things and post messages; they never touch storage."""

from .article_list import ArticleList
from .document import DocumentView
from .safe import literal, visible, visible_line

__all__ = ["ArticleList", "DocumentView", "literal", "visible", "visible_line"]
