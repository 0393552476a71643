"""Pick an event type: ``push_screen(EventTypeScreen(schema, trigger), callback)`` gets the type's
name, or None when cancelled.

Every type of the schema is listed with its key and its roles (``m  MEET  Participant+ Place?
Time? Topic?``). The type's key picks it at once; up/down and enter pick the highlighted one;
escape cancels. The type keys come from the schema (like the label keys), so they are matched
here rather than bound; the other keys are bindings with ids.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from newsmark.model import Schema

from ..widgets.labels import label_style
from ..widgets.safe import visible_line


class EventTypeScreen(ModalScreen[str | None]):
    """The schema's event types; the key of one picks it."""

    DEFAULT_CSS = """
    EventTypeScreen {
        align: center middle;
    }
    EventTypeScreen #event-type-box {
        width: 96;
        max-width: 100%;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    EventTypeScreen #event-type-title, EventTypeScreen #event-type-hint {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    EventTypeScreen #event-type-list {
        height: auto;
        margin: 1 0;
    }
    """

    BINDINGS = [
        Binding("up", "move(-1)", "Previous type", show=False, id="event_type.up"),
        Binding("down", "move(1)", "Next type", show=False, id="event_type.down"),
        Binding("enter", "pick", "Pick the highlighted type", id="event_type.pick"),
        Binding("escape", "cancel", "Cancel", id="event_type.cancel"),
    ]

    def __init__(self, schema: Schema, trigger: str, current: str | None = None,
                 title: str = "Event type") -> None:
        super().__init__(id="event-type")
        self.schema = schema
        self.trigger = trigger
        self.title_text = title
        names = [e.name for e in schema.events]
        self.highlighted = names.index(current) if current in names else 0

    def compose(self) -> ComposeResult:
        with Vertical(id="event-type-box"):
            title = Text(no_wrap=True, end="")
            title.append(self.title_text, "bold")
            title.append(" for ")
            title.append(visible_line(self.trigger), "bold italic")
            yield Static(title, id="event-type-title")
            yield Static(self._list(), id="event-type-list")
            yield Static(Text("type key: pick  ·  ↑↓ enter: pick the highlighted  ·  escape: cancel",
                              style="dim"), id="event-type-hint")

    def _list(self) -> Text:
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        width = max((len(e.name) for e in self.schema.events), default=0)
        for i, etype in enumerate(self.schema.events):
            if i:
                text.append("\n")
            mark = "▶ " if i == self.highlighted else "  "
            text.append(mark, "bold")
            text.append(f" {visible_line(etype.key)} ", "bold reverse")
            text.append(" ")
            text.append(f" {visible_line(etype.name):<{width}} ", label_style(etype.color, bold=True))
            text.append("  ")
            roles = "  ".join(f"{r.name}{r.cardinality} [{r.key}]" for r in etype.roles)
            text.append(visible_line(roles), "dim")
        return text

    def on_key(self, event: events.Key) -> None:
        if event.character is None or not event.is_printable:
            return
        etype = self.schema.event_by_key(event.character)
        if etype is not None:
            event.stop()
            event.prevent_default()
            self.dismiss(etype.name)

    def action_move(self, delta: int) -> None:
        if not self.schema.events:
            return
        self.highlighted = (self.highlighted + delta) % len(self.schema.events)
        self.query_one("#event-type-list", Static).update(self._list())

    def action_pick(self) -> None:
        if self.schema.events:
            self.dismiss(self.schema.events[self.highlighted].name)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
