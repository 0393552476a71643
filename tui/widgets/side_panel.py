"""The reader's side panels (spans, events): a one-line header over a list, right of the text."""

from __future__ import annotations

from textual.containers import Vertical


class SidePanel(Vertical):
    """The frame both panels share; their header is a ``Static`` with the class
    ``side-panel--header`` (type selectors match subclasses, so this CSS styles both)."""

    DEFAULT_CSS = """
    SidePanel {
        width: 38;
        height: 1fr;
        border-left: vkey $foreground 25%;
        background: $surface;
    }
    SidePanel > .side-panel--header {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """
