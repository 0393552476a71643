"""Screens: they own the widgets and are the only part of the TUI that calls storage.

The reader, the key list and the confirm dialog are imported when first used
(``tui.screens.ReaderScreen`` works as before): the library's first paint does not wait for
them.
"""

from .library import LibraryScreen

__all__ = ["ConfirmScreen", "HelpScreen", "LibraryScreen", "ReaderScreen"]


def __getattr__(name: str):
    if name == "ReaderScreen":
        from .reader import ReaderScreen

        return ReaderScreen
    if name == "HelpScreen":
        from .help import HelpScreen

        return HelpScreen
    if name == "ConfirmScreen":
        from .confirm import ConfirmScreen

        return ConfirmScreen
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
