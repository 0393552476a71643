"""Screens: they own the widgets and are the only part of the TUI that calls storage.

The reader is imported when first used (``tui.screens.ReaderScreen`` works as before): the
library's first paint does not wait for it.
"""

from .confirm import ConfirmScreen
from .help import HelpScreen
from .library import LibraryScreen

__all__ = ["ConfirmScreen", "HelpScreen", "LibraryScreen", "ReaderScreen"]


def __getattr__(name: str):
    if name == "ReaderScreen":
        from .reader import ReaderScreen

        return ReaderScreen
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
