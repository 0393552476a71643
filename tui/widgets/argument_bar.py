"""The reader's argument bar: shown while the arguments of one event are being assigned.

One line names the event (type, trigger, modality) and every role of its type with its key, its
cardinality and its current fillers::

     MEET  Gesprächen · asserted   Participant [p] + Russlands, Ukraine   Place [l] ? —  …

a second line shows the event's validation warnings (or the keys, when there are none). Role
names and filler text are web text or schema text: built as ``Text``, never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from newsmark.model import Event, Schema, Span

from .labels import label_style
from .safe import surface, visible_line

HINT = ("tab next span · role key: assign the span or selection · 1–9 label in place · "
        "m modality · enter finish · esc cancel")


class ArgumentBar(Static):
    """Roles, keys and fillers of the event being annotated (hidden otherwise)."""

    DEFAULT_CSS = """
    ArgumentBar {
        display: none;
        height: auto;
        max-height: 6;
        padding: 0 1;
        background: $boost;
        border-top: solid $accent;
    }
    ArgumentBar.visible {
        display: block;
    }
    """

    def show_event(
        self,
        event: Event,
        schema: Schema,
        spans: dict[int, Span],
        text: str,
        warnings: list[str],
        new: bool,
    ) -> None:
        """Show ``event`` (``new``: created in this mode, so escape deletes it)."""
        etype = schema.event_type(event.type)
        line = Text(end="")
        line.append(f" {visible_line(event.type)} ",
                    label_style(etype.color if etype else "#abb2bf", bold=True))
        line.append(" ")
        line.append(surface(text, event.start, event.end), "bold")
        for attr in schema.attributes:
            line.append(" · ", "dim")
            line.append(visible_line(event.attributes.get(attr.name, attr.default)), "italic")
        line.append("  ")
        line.append("new event" if new else "editing", "dim")
        line.append("\n")
        roles = etype.roles if etype else ()
        by_role: dict[str, list[Span | None]] = {}
        for arg in event.arguments:
            by_role.setdefault(arg.role, []).append(spans.get(arg.span_id))
        for i, role in enumerate(roles):
            if i:
                line.append("   ")
            fillers = by_role.pop(role.name, [])
            missing = role.required and not fillers
            line.append(visible_line(role.name), "bold reverse" if missing else "bold")
            line.append(f" [{visible_line(role.key)}] ", "bold")
            line.append(role.cardinality, "dim")
            line.append(" ")
            self._fillers(line, fillers, schema, text)
        for name, fillers in by_role.items():  # roles the type does not have
            line.append("   ")
            line.append(visible_line(name), "bold strike")
            line.append(" ")
            self._fillers(line, fillers, schema, text)
        line.append("\n")
        if warnings:
            line.append("⚠ ", "bold")
            line.append(visible_line("; ".join(warnings)), "italic")
        else:
            line.append(HINT, "dim")
        self.update(line)
        self.add_class("visible")

    @staticmethod
    def _fillers(line: Text, fillers: list[Span | None], schema: Schema, text: str) -> None:
        if not fillers:
            line.append("—", "dim")
            return
        for j, span in enumerate(fillers):
            if j:
                line.append(", ")
            if span is None:
                line.append("(missing span)", "italic")
            else:
                line.append(surface(text, span.start, span.end), label_style(schema.color(span.label)))

    def hide(self) -> None:
        self.remove_class("visible")
