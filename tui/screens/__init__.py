"""Screens: they own the widgets and are the only part of the TUI that calls storage."""

from .confirm import ConfirmScreen
from .help import HelpScreen
from .library import LibraryScreen
from .reader import ReaderScreen

__all__ = ["ConfirmScreen", "HelpScreen", "LibraryScreen", "ReaderScreen"]
