"""The reader's events: showing them, and argument mode, as a small controller the reader owns.

``EventsMode`` marks the triggers in the text, fills the events panel and the argument bar,
knows which event keys like ``m`` act on, and runs argument mode: ``e`` makes the selection (or
the token under the cursor) the trigger of a new event of the type picked in a modal, argument
mode starts at once (``building``), a role's key assigns the span under the cursor (the rules
are the session's), ``enter`` finishes and ``escape`` cancels. Every change goes through the
reader's ``call`` to the session; the reader forwards the events panel's messages here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.events import Key

from newsmark.events import validate
from newsmark.model import Event, EventType, Role, Span

from ..widgets.events_panel import EventsPanel
from ..widgets.safe import surface
from .event_type import EventTypeScreen

if TYPE_CHECKING:
    from textual.app import SystemCommand
    from textual.binding import Binding

    from storage.session import AnnotationSession

    from .reader import ReaderScreen

# Keys that leave the article or change what is shown: off while an event's arguments are assigned.
NOT_WHILE_BUILDING = {"finish", "flag", "article", "raw", "other_annotator", "new_event"}


@dataclass
class Building:
    """Argument mode, as the screen knows it the moment the key is pressed: the event's type,
    and its id once the store thread has created it (``None`` until then); ``new``: created in
    this argument mode (so escape deletes it), else an existing event being edited."""

    type: str
    event_id: int | None
    new: bool


class EventsMode:
    """The events of the reader ``screen`` and its argument mode."""

    def __init__(self, screen: ReaderScreen) -> None:
        self.screen = screen
        self.events: list[Event] = []
        self.spans_by_id: dict[int, Span] = {}
        self.building: Building | None = None

    @property
    def schema(self):
        return self.screen.app.schema

    # --- showing --------------------------------------------------------------------------------

    def show(self, events: list[Event], spans: list[Span]) -> None:
        """Show ``events`` (their arguments point into ``spans``): triggers in the text, the
        events panel, the argument bar, and the current event marked."""
        screen, schema = self.screen, self.schema
        self.events = events
        self.spans_by_id = {s.id: s for s in spans}
        screen.view.set_triggers(
            (e.start, e.end, et.color if (et := schema.event_type(e.type)) else "#abb2bf")
            for e in events)
        screen.events_panel.set_events(events, self.spans_by_id, screen.view.text,
                                       owner=screen.showing)
        self.show_bar()
        self.sync()

    def event(self, event_id: int | None) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)

    def building_event(self) -> Event | None:
        return None if self.building is None else self.event(self.building.event_id)

    def building_type(self) -> EventType | None:
        return None if self.building is None else self.schema.event_type(self.building.type)

    def at_cursor(self) -> list[Event]:
        """The events whose trigger overlaps the token under the cursor."""
        cursor = self.screen.view.cursor_range
        if cursor is None:
            return []
        return [e for e in self.events if e.start < cursor[1] and cursor[0] < e.end]

    def current(self) -> Event | None:
        """The event keys like ``m`` act on: the one being annotated; else the one picked in the
        focused events panel; else the one whose trigger is under the cursor (the panel's pick
        first, when several are)."""
        if self.building is not None:
            return self.building_event()
        panel = self.screen.events_panel
        picked = panel.current_event()
        if picked is not None and panel.list.has_focus:
            return picked
        here = self.at_cursor()
        if picked is not None and any(e.id == picked.id for e in here):
            return picked
        return here[0] if here else None

    def sync(self) -> None:
        """Mark the current event's trigger and arguments in the text, and its row in the panel."""
        screen = self.screen
        event = self.current()
        if event is None:
            screen.view.set_current_event(None)
        else:
            arguments = [(s.start, s.end) for a in event.arguments
                         if (s := self.spans_by_id.get(a.span_id)) is not None]
            screen.view.set_current_event((event.start, event.end), arguments)
        if not screen.events_panel.list.has_focus:
            screen.events_panel.show_event(event)

    def show_bar(self) -> None:
        bar = self.screen.argument_bar
        event = self.building_event()
        if event is None:
            bar.hide()
            return
        text = self.screen.view.text
        warnings = validate(event, self.schema, self.spans_by_id, text)
        bar.show_event(event, self.schema, self.spans_by_id, text, warnings, self.building.new)

    # --- argument mode --------------------------------------------------------------------------

    def start(self, type_name: str, event_id: int | None, new: bool) -> None:
        self.building = Building(type_name, event_id, new)
        self.screen.add_class("-arguments")
        self.show_bar()
        self.sync()
        self.screen.refresh_bindings()

    def stop(self) -> None:
        if self.building is None:
            return
        self.building = None
        self.screen.remove_class("-arguments")
        self.screen.argument_bar.hide()
        self.sync()
        self.screen.refresh_bindings()

    def follow(self, stored_id: int | None, new: bool, settled: bool) -> None:
        """Argument mode as the session stored it (``stored_id``: the event being built, or
        None); ``settled``: no other call of the screen is on its way, so the session's word
        is final (before that, only the id of a new event is taken over)."""
        if self.building is not None and self.building.event_id is None and stored_id:
            self.building.event_id = stored_id  # the new event now exists
            self.show_bar()
            self.sync()
        if not settled:
            return
        if stored_id is None:
            self.stop()
        elif self.building is None or self.building.event_id != stored_id:
            event = self.event(stored_id)
            self.start(event.type if event else "", stored_id, new)

    def new_event(self) -> None:
        """The selection (or the token under the cursor) becomes the trigger of a new event of
        the type picked next; then argument mode."""
        screen = self.screen
        if screen.read_only():
            return
        if not self.schema.events:
            screen.notify("The schema has no event types", severity="warning", markup=False)
            return
        target = screen.view.target
        if target is None:
            return
        trigger = surface(screen.view.text, *target)
        screen.app.push_screen(EventTypeScreen(self.schema, trigger),
                               partial(self._type_picked, screen.session, *target))

    def _type_picked(self, session: AnnotationSession | None, start: int, end: int,
                     name: str | None) -> None:
        """Argument mode starts now, with the keys that follow; the event is created on the
        store path before any of them is acted on."""
        screen = self.screen
        if name is None or session is None or session is not screen.session:
            return
        screen.view.clear_selection()
        screen.view.move_to_offset(start)
        self.start(name, None, True)
        screen.call(lambda s: s.new_event(name, (start, end)))

    def role_key(self, event: Key) -> bool:
        """In argument mode a role's key (from the schema) assigns a filler, while the text has
        the focus; True when it did (the key is then consumed)."""
        screen = self.screen
        if self.building is None or not event.is_printable or event.character is None:
            return False
        if screen.focused is not screen.view:  # the find prompt, the events panel: their keys
            return False
        etype = self.building_type()
        role = etype.role_by_key(event.character) if etype is not None else None
        if role is None:
            return False
        self.assign(role)
        return True

    def assign(self, role: Role) -> None:
        """The span under the cursor (or over exactly the selection) becomes a ``role`` argument
        of the event being annotated; with none, one is created first (the session's rule).
        Cursor and selection are read now, at the key press; the trigger itself is refused."""
        screen = self.screen
        if self.building is None or screen.read_only():
            return
        at = screen.cursor()
        fallback = screen.app.selected_label
        screen.view.clear_selection()
        screen.call(lambda s: s.assign_role(role.name, at, fallback))

    def finish(self) -> None:
        if self.building is not None:
            self.stop()
            self.screen.call(lambda s: s.finish_event())

    def cancel(self) -> None:
        """Escape in argument mode: a new event is deleted (one undoable action, so ``u`` brings
        it back with its arguments; spans labelled meanwhile stay); editing just ends."""
        if self.building is not None:
            self.stop()
            self.screen.call(lambda s: s.cancel_event())

    def cycle_modality(self, event: Event | None) -> None:
        """The event's modality (the schema's first attribute) to its next value."""
        if not self.screen.read_only():
            event_id = event.id if event is not None else None
            self.screen.call(lambda s: s.cycle_modality(event_id))

    # --- the events panel's requests ------------------------------------------------------------

    def request(self, message: EventsPanel.EventRequest) -> None:
        """A key in the events panel about one event."""
        event, screen = message.event, self.screen
        if isinstance(message, EventsPanel.ShowRequested):
            screen.view.move_to_offset(event.start)
            screen.set_focus(screen.view)
        elif isinstance(message, EventsPanel.ModalityRequested):
            self.cycle_modality(event)
        elif isinstance(message, EventsPanel.TypeRequested):
            self.change_type(event)
        elif isinstance(message, EventsPanel.ArgumentsRequested):
            self.edit_arguments(event)
        elif isinstance(message, EventsPanel.DeleteRequested):
            self.delete(event, message.argument)

    def change_type(self, event: Event) -> None:
        screen = self.screen
        if screen.read_only():
            return

        def picked(name: str | None) -> None:
            if name is not None and not screen.read_only():
                screen.call(lambda s: s.set_event_type(event.id, name))

        screen.app.push_screen(
            EventTypeScreen(self.schema, surface(screen.view.text, event.start, event.end),
                            current=event.type, title="Change the type"), picked)

    def edit_arguments(self, event: Event) -> None:
        screen = self.screen
        if screen.read_only():
            return
        screen.view.move_to_offset(event.start)
        screen.set_focus(screen.view)
        self.start(event.type, event.id, new=False)
        screen.call(lambda s: s.edit_arguments(event.id))

    def delete(self, event: Event, argument_id: int | None) -> None:
        screen = self.screen
        if screen.read_only():
            return
        if argument_id is not None:
            screen.call(lambda s: s.remove_argument(argument_id))
            return
        if self.building is not None and self.building.event_id == event.id:
            self.stop()
        screen.call(lambda s: s.delete_event(event.id))

    # --- help and the palette -------------------------------------------------------------------

    def help_description(self, binding: Binding) -> str | None:
        """What ``enter`` and ``escape`` do in argument mode (for the help screen)."""
        if self.building is None:
            return None
        if binding.action == "label_selected":
            return "Finish the event"
        if binding.action == "escape":
            return "Cancel the event" if self.building.new else "Stop editing the event"
        return None

    def commands(self) -> list[SystemCommand]:
        """In argument mode: each role of the event's type, finish and cancel."""
        from textual.app import SystemCommand

        etype = self.building_type()
        if etype is None:
            return []
        return [SystemCommand(f"Assign {role.name}",
                              f"The span under the cursor as {role.name} (key {role.key})",
                              partial(self.assign, role)) for role in etype.roles] + [
            SystemCommand("Finish event", "Leave argument mode (key enter)", self.finish),
            SystemCommand("Cancel event", "Delete the event being annotated", self.cancel)]
