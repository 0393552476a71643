"""The reader's one-line prompts under the text: find and the flag's note.

``Prompts.open(kind, value)`` shows one and gives it the focus at once (the keys already on
their way belong to it), its text selected so that typing replaces it; enter posts
``Prompts.Submitted(kind, value)`` and closes it; ``close()`` hides whichever is open and gives
the focus back to the widget ``home()`` names, at once.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

PLACEHOLDERS = {
    "find": "Find (enter: select the next match, escape: cancel)",
    "flag-note": "Flag note (enter: flag the article, escape: cancel)",
}


class Prompts(Vertical):
    """Holds the prompts; at most one is shown."""

    DEFAULT_CSS = """
    Prompts { dock: bottom; height: auto; margin-bottom: 1; }
    Prompts Input { display: none; }
    Prompts Input.visible { display: block; }
    """

    class Submitted(Message):
        def __init__(self, kind: str, value: str) -> None:
            super().__init__()
            self.kind = kind
            self.value = value

    def __init__(self, home: Callable[[], Widget], **kwargs) -> None:
        super().__init__(**kwargs)
        self.home = home

    def compose(self) -> ComposeResult:
        for kind, placeholder in PLACEHOLDERS.items():
            yield Input(id=kind, classes="prompt", placeholder=placeholder)

    def prompt(self, kind: str) -> Input:
        return self.query_one(f"#{kind}", Input)

    def open(self, kind: str, value: str) -> None:
        self.close(refocus=False)
        prompt = self.prompt(kind)
        prompt.add_class("visible")
        prompt.value = value
        prompt.select_all()
        self.screen.set_focus(prompt)

    def close(self, refocus: bool = True) -> bool:
        """Hide the open prompt (True when one was open); the focus goes back ``home``."""
        closed = False
        for prompt in self.query(Input):
            if prompt.has_class("visible"):
                prompt.remove_class("visible")
                closed = True
        if closed and refocus:
            self.screen.set_focus(self.home())
        return closed

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close()
        self.post_message(self.Submitted(event.input.id or "", event.value))
