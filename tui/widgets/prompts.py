"""The reader's one-line prompts under the text: find and the flag's note.

Each is a ``Prompt`` (an ``Input`` docked at the bottom, hidden until opened). ``Prompts``, a
small helper over a screen's prompts, opens one and gives it the focus at once (the keys
already on their way belong to it), its text selected so that typing replaces it, and closes
whichever is open, giving the focus back to the widget ``home()`` names, at once. Enter in a
prompt posts ``Prompt.Done(kind, value)`` after closing it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

PLACEHOLDERS = {
    "find": "Find (enter: select the next match, escape: cancel)",
    "flag-note": "Flag note (enter: flag the article, escape: cancel)",
}


class Prompt(Input):
    """One prompt, ``kind`` ``find`` or ``flag-note``."""

    DEFAULT_CSS = """
    Prompt { display: none; dock: bottom; margin-bottom: 1; }
    Prompt.visible { display: block; }
    """

    class Done(Message):
        def __init__(self, kind: str, value: str) -> None:
            super().__init__()
            self.kind = kind
            self.value = value

    def __init__(self, kind: str, prompts: Prompts) -> None:
        super().__init__(id=kind, classes="prompt", placeholder=PLACEHOLDERS[kind])
        self.kind = kind
        self.prompts = prompts

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.prompts.close()
        self.post_message(self.Done(self.kind, event.value))


class Prompts:
    """The prompts of ``screen``; ``home()``: the widget that has the focus when none is open."""

    def __init__(self, screen: Screen, home: Callable[[], Widget]) -> None:
        self.screen = screen
        self.home = home

    def widgets(self) -> list[Prompt]:
        return [Prompt(kind, self) for kind in PLACEHOLDERS]

    def prompt(self, kind: str) -> Prompt:
        return self.screen.query_one(f"#{kind}", Prompt)

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
        for prompt in self.screen.query(Prompt):
            if prompt.has_class("visible"):
                prompt.remove_class("visible")
                closed = True
        if closed and refocus:
            self.screen.set_focus(self.home())
        return closed
