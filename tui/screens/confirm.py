"""A yes/no question in a modal: ``push_screen(ConfirmScreen(text), callback)`` gets True/False."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from newsmark.model import Event, Schema, Span

from ..widgets.labels import label_style
from ..widgets.safe import surface, visible_line


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


def delete_span_question(schema: Schema, text: str, span: Span,
                         uses: Iterable[tuple[Event, str]]) -> Text:
    """"Delete PER Olaf Scholz? It is an argument of: • Speaker of STATEMENT sagt …": the
    question ``x`` asks when events use the span (web text shown literally)."""
    uses = list(uses)
    question = Text(end="")
    question.append("Delete ")
    question.append(f" {visible_line(span.label)} ", label_style(schema.color(span.label)))
    question.append(" ")
    question.append(surface(text, span.start, span.end), "bold")
    question.append("? It is an argument of:\n")
    for event, role in uses:
        question.append("  • ")
        question.append(visible_line(role), "bold")
        question.append(" of ")
        question.append(visible_line(event.type), "bold")
        question.append(" ")
        question.append(surface(text, event.start, event.end), "italic")
        question.append("\n")
    n = len(uses)
    question.append(f"The span and {'this argument' if n == 1 else f'these {n} arguments'} "
                    "are removed together (u brings them back).")
    return question
