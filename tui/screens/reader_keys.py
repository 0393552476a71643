"""The reader's keys: its bindings (each with an id a keymap can remap) and what the help
screen says of the ones whose meaning depends on the schema or on argument mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from .reader import ReaderScreen

READER_BINDINGS = [
    Binding("slash", "find", "Find", id="reader.find"),
    Binding("n", "find_next", "Find next", show=False, id="reader.find_next"),
    *[
        Binding(str(n), f"label('{n}')", f"Label {n}", show=False, id=f"reader.label_{n}")
        for n in range(1, 10)
    ],
    # in argument mode, enter finishes the event instead (one binding per key: the help and
    # the palette list one per key)
    Binding("enter", "label_selected", "Apply selected label", show=False,
            id="reader.label_selected"),
    Binding("x", "delete_span", "Delete span", id="reader.delete_span"),
    # suggestions (tui/screens/suggestions_mode.py); x on a suggestion rejects it
    Binding("P", "propagate", "Propagate the span to its other occurrences", show=False,
            id="reader.propagate"),
    Binding("a", "accept_suggestion", "Accept the suggestion", show=False,
            id="reader.accept_suggestion"),
    Binding("A", "accept_all", "Accept all suggestions", show=False, id="reader.accept_all"),
    Binding("T", "retrain", "Retrain the model in the background", show=False,
            id="reader.retrain"),
    Binding("e", "new_event", "New event", id="reader.new_event"),
    Binding("m", "modality", "Cycle the event's modality", show=False, id="reader.modality"),
    Binding("E", "focus_events", "Events panel", show=False, id="reader.focus_events"),
    Binding("u", "undo", "Undo", id="reader.undo"),
    Binding("ctrl+r", "redo", "Redo", show=False, id="reader.redo"),
    Binding("d", "finish('done')", "Done", id="reader.done"),
    Binding("s", "finish('skipped')", "Skip", id="reader.skip"),
    Binding("f", "flag", "Flag", id="reader.flag"),
    Binding("right_square_bracket", "article(1)", "Next article", show=False,
            id="reader.next_article"),
    Binding("left_square_bracket", "article(-1)", "Previous article", show=False,
            id="reader.prev_article"),
    Binding("r", "raw", "Raw", id="reader.raw"),
    Binding("o", "other_annotator", "Other annotator's spans", show=False,
            id="reader.other_annotator"),
    Binding("p", "toggle_panel", "Span and events panels", show=False,
            id="reader.toggle_panel"),
    Binding("g", "guidelines", "Guidelines", show=False, id="reader.guidelines"),
    Binding("escape", "escape", "Back", id="reader.escape"),
]



def describe_key(screen: ReaderScreen, binding: Binding) -> str | None:
    """A description of ``binding`` that knows the schema and argument mode (the help screen
    and the palette), or None for the binding's own."""
    if binding.action.startswith("label('"):
        label = screen.app.schema.by_key(binding.action[len("label('"):-2])
        return f"Apply label {label.name}" if label else "Apply label (none on this key)"
    if binding.action == "delete_span" and screen.building is None:
        return "Delete span (on a suggestion: reject it)"
    if binding.action == "label_selected" and screen.building is None:
        return f"Apply the selected label ({screen.app.selected_label or 'none'})"
    return screen.events_mode.help_description(binding)
