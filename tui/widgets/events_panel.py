"""The reader's events panel: every event of the article with its type, trigger, modality, its
arguments (role: text) and its validation warnings.

The list is a Line API widget with one row per event, argument and warning. Replacing the events
builds plain tuples (validation included, a few microseconds an event); only the rows on screen
are ever rendered into ``Text`` and cached, so an article with 200 events opens like one with 2.

The list takes the keyboard when focused (``E`` in the reader, or a click): up/down move between
events and arguments, and the keys below post one message per intent
(``EventsPanel.DeleteRequested``, ``TypeRequested``, ``ArgumentsRequested``,
``ModalityRequested``, ``ShowRequested``, ``BackRequested``); the screen does the rest. Moving the cursor posts ``EventsPanel.Highlighted`` so the screen can mark the
event in the text. Trigger and argument text is web text: shown through ``visible_line`` inside
``Text`` objects, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from newsmark.events import validate
from newsmark.model import Event, Schema, Span

from .labels import label_style
from .safe import surface, visible_line
from .side_panel import SidePanel

WIDTH = 36  # the list's width in the reader (before it is laid out)

# Row kinds.
EVENT, ARGUMENT, WARNING, EMPTY = "event", "argument", "warning", "empty"


class Row(NamedTuple):
    """One line of the list; the text shown is built when the line is rendered."""

    kind: str
    event: int  # index into the panel's events (-1 for EMPTY)
    argument: int | None = None  # the argument's id (ARGUMENT rows)
    span: int | None = None  # ARGUMENT: the filler's span id
    role: str = ""  # ARGUMENT: the role; WARNING: "" on a warning's first line, "cont" after
    text: str = ""  # WARNING and EMPTY: the line


def wrap(line: str, width: int) -> list[str]:
    """``line`` wrapped greedily at spaces into lines of at most ``width`` characters (a word
    longer than that gets a line of its own)."""
    if len(line) <= width:
        return [line]
    out: list[str] = []
    current = ""
    for word in line.split(" "):
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return out


class EventList(ScrollView, can_focus=True):
    """The rows of the events panel, with a cursor on an event or argument row."""

    COMPONENT_CLASSES = {
        "event-list--cursor",
        "event-list--cursor-blurred",
        "event-list--warning",
        "event-list--role",
        "event-list--modality",
        "event-list--empty",
    }

    DEFAULT_CSS = """
    EventList {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
        background: $surface;
    }
    EventList > .event-list--cursor {
        background: $primary;
        color: $text;
        text-style: bold;
    }
    EventList > .event-list--cursor-blurred {
        background: $primary-muted;
        text-style: bold;
    }
    EventList > .event-list--warning {
        color: $text-warning;
    }
    EventList > .event-list--role {
        color: $text-muted;
    }
    EventList > .event-list--modality {
        color: $text-accent;
        text-style: italic;
    }
    EventList > .event-list--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    inherit_bindings = False
    BINDINGS = [
        Binding("up", "move(-1)", "Previous event or argument", show=False, id="events.up"),
        Binding("down", "move(1)", "Next event or argument", show=False, id="events.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="events.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="events.page_down"),
        Binding("home", "edge(-1)", "First event", show=False, id="events.first"),
        Binding("end", "edge(1)", "Last event", show=False, id="events.last"),
        Binding("delete,x,backspace", "request('delete')", "Delete",
                id="events.delete"),
        Binding("t", "request('type')", "Change event type", id="events.type"),
        Binding("a", "request('arguments')", "Add arguments", id="events.arguments"),
        Binding("m", "request('modality')", "Cycle modality", id="events.modality"),
        Binding("enter", "request('show')", "Show in the text", show=False, id="events.show"),
        Binding("escape", "request('back')", "Back to the text", id="events.back"),
    ]

    class Moved(Message):
        def __init__(self, row: int | None) -> None:
            super().__init__()
            self.row = row

    class Request(Message):
        def __init__(self, what: str, row: int | None) -> None:
            super().__init__()
            self.what = what
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[Row] = []
        self._render_row = None  # set by the panel: (row index, base style) -> Text
        self._cache: dict[int, Strip] = {}
        self.cursor: int | None = None

    # --- content --------------------------------------------------------------------------------

    def set_rows(self, rows: list[Row], cursor: int | None) -> None:
        self._rows = rows
        self._cache.clear()
        self.cursor = cursor
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows))
        self.refresh()
        if cursor is not None:
            self._scroll_to(cursor)

    @property
    def rows(self) -> list[Row]:
        return self._rows

    def _selectable(self, index: int) -> bool:
        return 0 <= index < len(self._rows) and self._rows[index].kind in (EVENT, ARGUMENT)

    def set_cursor(self, index: int | None, *, post: bool = True) -> None:
        """Cursor on row ``index`` (or none), scrolled into view."""
        if index is not None and not self._selectable(index):
            index = None
        if index != self.cursor:
            for row in (self.cursor, index):
                if row is not None:
                    self._cache.pop(row, None)
                    self.refresh_line(row - round(self.scroll_y))
            self.cursor = index
            if post:
                self.post_message(self.Moved(index))
        if index is not None:
            self._scroll_to(index)

    def _scroll_to(self, index: int) -> None:
        self.scroll_to_region(Region(0, index, 1, 1), animate=False, immediate=True)

    def _step(self, start: int, direction: int) -> int | None:
        i = start
        while 0 <= i < len(self._rows):
            if self._selectable(i):
                return i
            i += direction
        return None

    # --- actions --------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        if self.cursor is None:
            target = self._step(0, 1)
        else:
            target = self._step(self.cursor + delta, delta)
        if target is not None:
            self.set_cursor(target)

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        start = (self.cursor or 0) + direction * height
        start = max(0, min(len(self._rows) - 1, start))
        target = self._step(start, direction) or self._step(start, -direction)
        if target is not None:
            self.set_cursor(target)

    def action_edge(self, direction: int) -> None:
        target = self._step(0, 1) if direction < 0 else self._step(len(self._rows) - 1, -1)
        if target is not None:
            self.set_cursor(target)

    def action_request(self, what: str) -> None:
        self.post_message(self.Request(what, self.cursor))

    def on_focus(self, event: events.Focus) -> None:
        if self.cursor is None:
            first = self._step(0, 1)
            if first is not None:
                self.set_cursor(first)
        elif self.cursor is not None:
            self._cache.pop(self.cursor, None)
            self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        if self.cursor is not None:
            self._cache.pop(self.cursor, None)
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + round(self.scroll_y)
        if 0 <= index < len(self._rows):
            event.stop()
            self.focus()
            target = index if self._selectable(index) else self._step(index, -1)
            if target is not None:
                self.set_cursor(target)

    # --- rendering ------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))

    def component_style(self, name: str) -> Style:
        return self.get_component_rich_style(f"event-list--{name}", partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        if not 0 <= index < len(self._rows) or width <= 0 or self._render_row is None:
            return Strip.blank(self.size.width, self.rich_style)
        strip = self._cache.get(index)
        if strip is not None and strip.cell_length == width:
            return strip
        base = self.rich_style
        if index == self.cursor:
            base = base + self.component_style("cursor" if self.has_focus else "cursor-blurred")
        text = self._render_row(index, base)
        text.truncate(width, overflow="ellipsis", pad=True)
        strip = Strip(text.render(self.app.console), width).crop_extend(0, width, base)
        self._cache[index] = strip
        return strip


class EventsPanel(SidePanel):
    """A header ("Events (n) · k warnings") over the list of events."""

    class Highlighted(Message):
        """The list's cursor moved onto an event (or one of its arguments), or off all."""

        def __init__(self, event: Event | None) -> None:
            super().__init__()
            self.event = event

    class EventRequest(Message):
        """A key in the list about ``event``; ``argument`` is the argument's id when the
        cursor is on an argument row. One subclass per intent."""

        def __init__(self, event: Event, argument: int | None = None) -> None:
            super().__init__()
            self.event = event
            self.argument = argument

    class DeleteRequested(EventRequest):
        """``x``/``delete``: delete the event, or remove the argument under the cursor."""

    class TypeRequested(EventRequest):
        """``t``: change the event's type."""

    class ArgumentsRequested(EventRequest):
        """``a``: assign arguments to the event (argument mode)."""

    class ModalityRequested(EventRequest):
        """``m``: cycle the event's modality."""

    class ShowRequested(EventRequest):
        """``enter``: back to the text, the cursor on the event's trigger."""

    class BackRequested(Message):
        """``escape``: back to the text."""

    def __init__(self, schema: Schema, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._schema = schema
        self._defaults = {a.name: a.default for a in schema.attributes}
        self._events: list[Event] = []
        self._warnings: list[list[str]] = []
        self._first_row: dict[int, int] = {}  # event id -> its row
        self._text = ""
        self._spans: dict[int, Span] = {}
        self.warning_count = 0
        self._list: EventList

    def compose(self) -> ComposeResult:
        yield Static(id="events-panel-header", classes="side-panel--header")
        self._list = EventList(id="event-list")
        self._list._render_row = self._render_row
        yield self._list

    @property
    def list(self) -> EventList:
        return self._list

    @property
    def events(self) -> list[Event]:
        return list(self._events)

    def warnings(self, event: Event) -> list[str]:
        i = next((i for i, e in enumerate(self._events) if e.id == event.id), None)
        return [] if i is None else list(self._warnings[i])

    def set_events(
        self,
        events: Iterable[Event],
        spans: dict[int, Span],
        text: str,
        owner: str | None = None,
    ) -> None:
        """Show ``events`` of ``text`` (their arguments point into ``spans``, by id); the cursor
        stays on the same event (or argument) if it is still there. ``owner`` names whose they
        are when they are not the reader's own."""
        event_list = self.list
        keep = self.current_event()
        keep_row = event_list.rows[event_list.cursor] if event_list.cursor is not None else None
        # where the kept event was: when it is gone (deleted) from the same text, the cursor
        # goes to the event that now stands there, so the panel's keys keep working
        same_text = text == self._text
        old_pos = keep_row.event if keep is not None and same_text else None
        self._events = sorted(events, key=lambda e: (e.start, e.end, e.id or 0))
        self._text = text
        self._spans = spans
        rows: list[Row] = []
        self._warnings = []
        wrap_at = max(20, (event_list.scrollable_content_region.width or WIDTH) - 5)
        self._first_row = {}
        count = 0
        for i, event in enumerate(self._events):
            warnings = validate(event, self._schema, spans, text)
            self._warnings.append(warnings)
            count += len(warnings)
            self._first_row[event.id] = len(rows)
            rows.append(Row(EVENT, i))
            etype = self._schema.event_type(event.type)
            order = {r.name: k for k, r in enumerate(etype.roles)} if etype else {}
            # by role, in the type's order (roles it does not have last), then in text order
            arguments = sorted(event.arguments, key=lambda a: (
                order.get(a.role, len(order)),
                spans[a.span_id].start if a.span_id in spans else -1))
            for arg in arguments:
                rows.append(Row(ARGUMENT, i, arg.id, arg.span_id, arg.role))
            for warning in warnings:  # wrapped: a warning is read whole
                for k, part in enumerate(wrap(visible_line(warning), wrap_at)):
                    rows.append(Row(WARNING, i, role="" if k == 0 else "cont", text=part))
        if not rows:
            rows.append(Row(EMPTY, -1, text="No events (e: new event)"))
        self.warning_count = count
        cursor = None
        if keep is not None and keep.id not in self._first_row and old_pos is not None and self._events:
            keep, keep_row = self._events[min(old_pos, len(self._events) - 1)], None
        if keep is not None and keep.id in self._first_row:
            cursor = self._first_row[keep.id]
            if keep_row is not None and keep_row.kind == ARGUMENT:
                cursor = next((j for j, r in enumerate(rows) if r.kind == ARGUMENT
                               and r.argument == keep_row.argument), cursor)
        event_list.set_rows(rows, cursor)
        header = Text(no_wrap=True, overflow="ellipsis", end="")
        header.append(f"Events ({len(self._events)})")
        if count:
            header.append(" · ", "dim")
            header.append(f"⚠ {count} warning{'s' if count != 1 else ''}", "bold")
        if owner is not None:
            header.append(" · ", "dim")
            header.append(visible_line(owner), "italic")
        self.query_one("#events-panel-header", Static).update(header, layout=False)

    def current_event(self) -> Event | None:
        """The event under the list's cursor (its own row or one of its arguments)."""
        event_list = self.list
        if event_list.cursor is None or not event_list.rows:
            return None
        row = event_list.rows[event_list.cursor]
        return self._events[row.event] if row.event >= 0 else None

    def show_event(self, event: Event | None) -> None:
        """Put the cursor on ``event``'s row (or nowhere), without posting ``Highlighted``."""
        event_list = self.list
        if event is None:
            if event_list.cursor is not None and not event_list.has_focus:
                event_list.set_cursor(None, post=False)
            return
        if self.current_event() is not None and self.current_event().id == event.id:
            return
        row = self._first_row.get(event.id)
        if row is not None:
            event_list.set_cursor(row, post=False)

    def entries(self) -> list[str]:
        """Every row as plain text (for tests)."""
        return [self._render_row(i, Style()).plain for i in range(len(self.list.rows))]

    # --- rendering ------------------------------------------------------------------------------

    def _render_row(self, index: int, base: Style) -> Text:
        event_list = self._list
        row = event_list.rows[index]
        text = Text(no_wrap=True, overflow="ellipsis", end="", style=base)
        if row.kind == EMPTY:
            text.append(" " + row.text, event_list.component_style("empty"))
            return text
        event = self._events[row.event]
        if row.kind == EVENT:
            etype = self._schema.event_type(event.type)
            color = etype.color if etype else "#abb2bf"
            text.append(" ")
            text.append(f" {visible_line(event.type)} ", label_style(color))
            text.append(" ")
            text.append(surface(self._text, event.start, event.end), "bold")
            for name, value in event.attributes.items():
                if value != self._defaults.get(name):
                    text.append(" ")
                    text.append(visible_line(value), event_list.component_style("modality"))
        elif row.kind == ARGUMENT:
            text.append("   ")
            text.append(f"{visible_line(row.role)}: ", event_list.component_style("role"))
            span = self._spans.get(row.span)
            if span is not None:
                text.append(surface(self._text, span.start, span.end),
                            label_style(self._schema.color(span.label)))
            else:
                text.append("(missing span)", "italic")
        else:
            text.append("   ⚠ " if row.role != "cont" else "     ",
                        event_list.component_style("warning"))
            text.append(row.text, event_list.component_style("warning"))
        return text

    # --- messages from the list -----------------------------------------------------------------

    def on_event_list_moved(self, message: EventList.Moved) -> None:
        message.stop()
        self.post_message(self.Highlighted(self.current_event()))

    def on_event_list_request(self, message: EventList.Request) -> None:
        message.stop()
        if message.what == "back":
            self.post_message(self.BackRequested())
            return
        event = self.current_event()
        if event is None:
            return
        row = None if message.row is None else self.list.rows[message.row]
        argument = row.argument if row is not None and row.kind == ARGUMENT else None
        request = {"delete": self.DeleteRequested, "type": self.TypeRequested,
                   "arguments": self.ArgumentsRequested, "modality": self.ModalityRequested,
                   "show": self.ShowRequested}[message.what]
        self.post_message(request(event, argument))
