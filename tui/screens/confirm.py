"""A yes/no question in a modal: ``push_screen(ConfirmScreen(text), callback)`` gets True/False."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """Asks ``question`` (a ``Text``: it may quote web text); ``y``/``enter`` yes, ``n``/``escape`` no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: Text | str, title: str = "Confirm") -> None:
        super().__init__(id="confirm")
        self.question = question if isinstance(question, Text) else Text(question)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(self.title_text, style="bold"), id="confirm-title")
            yield Static(self.question, id="confirm-question")
            yield Static(id="confirm-hint")

    def on_mount(self) -> None:
        # The live keys (a keymap may have moved them).
        keys: dict[str, list[str]] = {}
        for active in self.active_bindings.values():
            if active.binding.id:
                keys.setdefault(active.binding.id, []).append(
                    self.app.get_key_display(active.binding)
                )
        yes = "/".join(keys.get("confirm.yes", [])) or "?"
        no = "/".join(keys.get("confirm.no", [])) or "?"
        self.query_one("#confirm-hint", Static).update(Text(f"{yes}: yes  ·  {no}: no", style="dim"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
