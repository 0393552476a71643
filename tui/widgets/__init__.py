"""Widgets: they show things and post messages; they never touch storage."""

from .document import DocumentView
from .safe import literal, visible, visible_line
from .table import ArticleTable

__all__ = ["ArticleTable", "DocumentView", "literal", "visible", "visible_line"]
