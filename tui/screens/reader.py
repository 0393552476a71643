"""The reader: one article's text, its spans, a token cursor, and the annotation keys.

The rules of annotating live in ``storage.session.AnnotationSession``; this screen only turns
keys into session calls and shows the state each call returns. Every call goes through the app's
one path to the store (``tui.store.StoreCalls``): in the order the keys were pressed, on the
store thread, never dropped; the cursor and selection a call acts on are read at the key press.
When a call lands, the screen shows what it stored; when it fails, one notice says so and the
screen reads back what is really stored.

Besides labelling, the reader moves through the current list (``]``/``[``), finishes articles
(``d`` done, ``s`` skip, ``f`` flag with a note), shows the stored raw source (``r``), shows other
annotators' spans read-only (``o``), and remembers the cursor and scroll position per article and
annotator.

Events: ``e`` makes the selection (or the token under the cursor) the trigger of a new event, of
the type picked in a modal; the reader enters *argument mode* at once (``self.building``): a bar
shows the type's roles with their keys and fillers, ``tab`` jumps between spans, a role's key
assigns the span under the cursor (or the selection, creating the span when there is none),
digits still label in place, ``enter`` finishes and ``escape`` cancels the whole event (one
undoable deletion). ``m`` cycles the modality of the event under the cursor. The events panel
(``E``) lists the events with their arguments and validation warnings; there ``x``/``delete``
deletes an event or removes an argument, ``t`` changes the type, ``a`` adds arguments. Warnings
flag, they never block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from newsmark.events import validate
from newsmark.model import Article, Event, EventType, Role, Span
from storage.session import AnnotationSession, Cursor, Outcome, State

from ..widgets import DocumentView, visible_line
from ..widgets.argument_bar import ArgumentBar
from ..widgets.document import whitespace_tokens
from ..widgets.events_panel import EventsPanel, surface
from ..widgets.labels import label_style
from ..widgets.span_panel import SpanPanel
from .confirm import ConfirmScreen
from .event_type import EventTypeScreen

if TYPE_CHECKING:
    from textual.app import SystemCommand

    from storage.repo import Store

    from ..app import NewsmarkApp

PANEL_MIN_WIDTH = 100  # the side panels are shown from the start on terminals at least this wide
# Keys that leave the article or change what is shown: off while an event's arguments are assigned.
_NOT_WHILE_BUILDING = {"done", "skip", "flag", "article", "raw", "other_annotator", "new_event"}
# the palette's own commands (ReaderScreen.commands) by title -> the action their key runs
_COMMAND_ACTIONS = {"Done": "done", "Skip": "skip", "Flag": "flag", "Next article": "article",
                    "Previous article": "article", "Raw source": "raw",
                    "Other annotator": "other_annotator"}


class RawView(DocumentView):
    """The stored raw source, shown literally (read-only, no spans, no structure)."""


@dataclass
class _Building:
    """Argument mode, as the screen knows it the moment the key is pressed: the event's type,
    and its id once the store thread has created it (``None`` until then); ``new``: created in
    this argument mode (so escape deletes it), else an existing event being edited."""

    type: str
    event_id: int | None
    new: bool


@dataclass
class _Loaded:
    article: Article
    spans: list[Span]
    events: list[Event]
    position: tuple[int, int] | None
    older: list[int] = field(default_factory=list)
    flag: str | None = None
    status: str = "todo"


class ReaderScreen(Screen):
    """Read and annotate one article."""

    DEFAULT_CSS = """
    ReaderScreen #reader-titlebar, ReaderScreen #reader-statusbar {
        height: 1;
        background: $panel;
    }
    ReaderScreen #reader-title, ReaderScreen #reader-status {
        width: 1fr;
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ReaderScreen #reader-notes, ReaderScreen #reader-legend {
        width: auto;
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
    }
    ReaderScreen #reader-body {
        height: 1fr;
    }
    ReaderScreen #reader-side {
        width: auto;
        height: 1fr;
    }
    ReaderScreen Input.prompt {
        display: none;
        dock: bottom;
        margin-bottom: 1;
    }
    ReaderScreen Input.prompt.visible {
        display: block;
    }
    """

    BINDINGS = [
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
        Binding("e", "new_event", "New event", id="reader.new_event"),
        Binding("m", "modality", "Cycle the event's modality", show=False, id="reader.modality"),
        Binding("E", "focus_events", "Events panel", show=False, id="reader.focus_events"),
        Binding("u", "undo", "Undo", id="reader.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="reader.redo"),
        Binding("d", "done", "Done", id="reader.done"),
        Binding("s", "skip", "Skip", id="reader.skip"),
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
        Binding("escape", "escape", "Back", id="reader.escape"),
    ]

    app: NewsmarkApp

    def __init__(self, article_id: int) -> None:
        super().__init__(id="reader")
        self.article_id = article_id
        self.article: Article | None = None
        self.session: AnnotationSession | None = None
        self.last_query = ""
        self.showing: str | None = None  # another annotator whose spans are shown, read-only
        self.raw_mode = False
        self.older_versions: list[int] = []
        self.flag_note: str | None = None
        self.status = "todo"
        self._document: DocumentView | None = None
        self._raw: RawView | None = None
        self._panel: SpanPanel | None = None
        self._events_panel: EventsPanel | None = None
        self._panel_span: Span | None = None
        self.events: list[Event] = []
        self.spans_by_id: dict[int, Span] = {}
        self.building: _Building | None = None
        self._queued = 0  # this screen's session calls not landed yet
        self._loading = True  # the article is being read: the keys typed meanwhile wait (app)

    @property
    def ready_for_keys(self) -> bool:
        """False while the article is read: the app holds the keys typed meanwhile, which are
        meant for this article (``enter`` then ``/…`` at once)."""
        return not self._loading

    # --- composition and loading ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        colors = {lab.name: lab.color for lab in self.app.schema.labels}
        with Horizontal(id="reader-titlebar"):
            yield Static(id="reader-title")
            yield Static(id="reader-notes")
        with Horizontal(id="reader-statusbar"):
            yield Static(id="reader-status")
            yield Static(id="reader-legend")
        with Horizontal(id="reader-body"):
            self._document = DocumentView(id="document", colors=colors)
            yield self._document
            with Vertical(id="reader-side"):
                self._panel = SpanPanel(colors, id="span-panel")
                yield self._panel
                self._events_panel = EventsPanel(self.app.schema, id="events-panel")
                yield self._events_panel
        yield ArgumentBar(id="argument-bar")
        yield Input(id="find", classes="prompt",
                    placeholder="Find (enter: select the next match, escape: cancel)")
        yield Input(id="flag-note", classes="prompt",
                    placeholder="Flag note (enter: flag the article, escape: cancel)")
        yield Footer()

    @property
    def view(self) -> DocumentView:
        """The document (the article's text with its spans)."""
        assert self._document is not None
        return self._document

    @property
    def active_view(self) -> DocumentView:
        """What is on screen: the document, or the raw source."""
        return self._raw if self.raw_mode and self._raw is not None else self.view

    @property
    def panel(self) -> SpanPanel:
        assert self._panel is not None
        return self._panel

    @property
    def events_panel(self) -> EventsPanel:
        assert self._events_panel is not None
        return self._events_panel

    @property
    def argument_bar(self) -> ArgumentBar:
        return self.query_one(ArgumentBar)

    @property
    def find_input(self) -> Input:
        return self.query_one("#find", Input)

    @property
    def flag_input(self) -> Input:
        return self.query_one("#flag-note", Input)

    def on_mount(self) -> None:
        shown = self.app.size.width >= PANEL_MIN_WIDTH
        self.panel.display = self.events_panel.display = shown
        self.set_focus(self.view)
        self._show_legend()
        self._show_title()
        self._show_status()
        self._start_load(self.article_id)

    def on_unmount(self) -> None:
        # Leaving the reader (escape, or quitting the app): remember where the annotator was.
        try:
            self._save_position()
        except Exception:  # the app is going away; never fail on the way out
            pass

    def _start_load(self, article_id: int) -> None:
        """Read the article, its spans and events, and show them.

        When the read connection is free the read happens on the spot (10–20 ms even with 1,000
        spans and 200 events, under a frame), so the first frame already shows the text; when a
        background read holds it (the library's counts), in a worker, and the screen stays
        responsive meanwhile. A read in a thread would also compete for the GIL with the
        screen's first paint, row by row (sqlite3 releases it for every row), and take several
        times as long on a busy frame."""
        self._loading = True
        ran, loaded = self.app.calls.read_if_free(partial(self._query, article_id=article_id))
        if not ran:
            self.run_worker(self._load(article_id), exclusive=True, group="reader")
        elif loaded is None:
            self._load_failed()
        else:
            self._show_loaded(article_id, loaded)

    def _query(self, store: Store, article_id: int) -> _Loaded:
        who = self.app.annotator
        return _Loaded(
            article=store.article(article_id),
            spans=store.spans(article_id, who),
            events=store.events(article_id, who),
            position=store.position(article_id, who),
            older=store.older_annotated_versions(article_id),
            flag=store.flagged(article_id, who),
            status=store.status(article_id, who),
        )

    def _load_failed(self) -> None:
        """The read failed (the one handler has said why): back to the library."""
        self._loading = False
        if self.article is None:
            self.call_later(self.app.pop_screen)

    async def _load(self, article_id: int) -> None:
        try:
            loaded = await self.app.calls.read(partial(self._query, article_id=article_id))
        except Exception as exc:  # noqa: BLE001
            self.app.calls.report(exc, reading=True)
            self._load_failed()
            return
        self._show_loaded(article_id, loaded)

    def _show_loaded(self, article_id: int, loaded: _Loaded) -> None:
        if article_id != self.article_id:  # another article was asked for meanwhile
            return
        self._loading = False
        article = loaded.article
        app = self.app
        self.article = article
        try:
            writer = app.calls.writer
        except Exception as exc:  # noqa: BLE001 - cannot write (a newer database, …): read-only
            app.calls.report(exc)
        else:
            self.session = AnnotationSession(writer, article_id, app.annotator, app.schema)
        self.older_versions = loaded.older
        self.flag_note = loaded.flag
        self.status = loaded.status
        cursor, scroll = loaded.position or (0, None)
        self.view.load(article.text, article.tokens, loaded.spans, cursor=cursor, scroll=scroll)
        self.panel.set_spans(loaded.spans, article.text)
        self._show_events(loaded.events, loaded.spans)
        self._sync_panel(force=True)
        self._show_title()
        self._show_status()

    def open_article(self, article_id: int) -> None:
        """Show another article in this reader (the current one's position is saved first)."""
        self._save_position()
        self.article_id = article_id
        self.article = None
        self.session = None
        self.showing = None
        self._panel_span = None
        self._stop_building()
        if self.raw_mode:
            self._leave_raw()
        if self._raw is not None:
            self._raw.loaded = False
        self._close_prompts()
        self._show_title()
        self._show_status()
        self._start_load(article_id)

    def _save_position(self) -> None:
        view = self._document
        if self.article is None or view is None or not view.loaded:
            return
        article_id, who = self.article_id, self.app.annotator
        cursor, scroll = view.cursor_offset, view.scroll_line
        self.app.calls.write(lambda store: store.save_position(article_id, who, cursor, scroll))

    # --- calls to the session, and what they return ---------------------------------------------

    def cursor(self) -> Cursor:
        """The token under the cursor, the selection and the chosen span, as they are now (at
        the key press): what the session call will act on, however late it runs."""
        view = self.view
        return Cursor(token=view.cursor_range, selection=view.selection, chosen=view.chosen_id)

    def _call(self, fn: Callable[[AnnotationSession], Outcome],
              then: Callable[[Outcome], object] | None = None) -> None:
        """Queue ``fn(session)`` on the store path; show its outcome when it lands, or read back
        what is stored when it fails."""
        session = self.session
        if session is None:
            return
        self._queued += 1
        self.app.calls.write(lambda _store: fn(session),
                             done=partial(self._landed, session, then),
                             failed=partial(self._failed, session))

    def _landed(self, session: AnnotationSession, then, outcome: Outcome) -> None:
        self._queued -= 1
        if session is not self.session or not self.is_attached:  # moved on meanwhile
            if outcome.message:
                self.notify(visible_line(outcome.message), severity=outcome.severity,
                            markup=False)
            return
        if outcome.label:
            self.app.selected_label = outcome.label
        self._show_state(outcome.state)
        if outcome.message:
            self.notify(visible_line(outcome.message), severity=outcome.severity, markup=False)
        if then is not None:
            then(outcome)

    def _failed(self, session: AnnotationSession, _exc: BaseException) -> None:
        """A call failed (the notice is shown): show what is really stored. (When reading it
        back fails too, that is said once more, and the screen keeps what it shows.)"""
        self._queued -= 1
        if session is self.session and self.is_attached:
            self._queued += 1
            self.app.calls.write(lambda _store: Outcome(session.state()),
                                 done=partial(self._landed, session, None),
                                 failed=partial(self._gave_up, session))

    def _gave_up(self, session: AnnotationSession, _exc: BaseException) -> None:
        self._queued -= 1

    def _show_state(self, state: State) -> None:
        """Show a state the store returned: spans, events, status, flag; argument mode follows
        the session once no other call of this screen is still on its way."""
        self.status, self.flag_note = state.status, state.flag
        if self._queued == 0:
            stored = state.building
            if stored is None:
                self._stop_building()
            elif self.building is None or self.building.event_id != stored.event_id:
                event = state.event(stored.event_id)
                self._start_building(event.type if event else "", stored.event_id, stored.new)
        elif self.building is not None and self.building.event_id is None and state.building:
            self.building.event_id = state.building.event_id  # the new event now exists
        if self.showing is None:
            spans = list(state.spans)
            self.view.set_spans(spans)
            self.panel.set_spans(spans, self.view.text)
            self._show_events(list(state.events), spans)
            self._sync_panel(force=True)
        self._show_title()
        self._show_status()

    # --- the title and status lines -------------------------------------------------------------

    def _show_title(self) -> None:
        article = self.article
        title = Text(end="")
        if article is None:
            title.append("Loading…", "dim")
        else:
            title.append(visible_line(article.display_title), "bold")
            if article.source:
                title.append("  ·  ")
                title.append(visible_line(article.source), "italic")
        notes = Text(end="")

        def note(text: str, style: str = "") -> None:
            if notes:
                notes.append("  ·  ", "dim")
            notes.append(text, style)

        if article is not None:
            if self.raw_mode:
                note("raw source (r: back)", "bold reverse")
            if self.showing is not None:
                note(f"{visible_line(self.showing)}'s spans, read-only (o: next)", "bold reverse")
            if self.older_versions:
                ids = ", ".join(f"#{i}" for i in self.older_versions)
                note(f"an older annotated version exists ({ids})", "bold")
            if self.flag_note is not None:
                note("flagged" + (f": {visible_line(self.flag_note)}" if self.flag_note else ""),
                     "bold")
            note(self.status.replace("_", " "), "dim")
        # One line each, fixed: no layout pass on every keystroke.
        self.query_one("#reader-title", Static).update(title, layout=False)
        self.query_one("#reader-notes", Static).update(notes)

    def _show_legend(self) -> None:
        legend = Text(end="")
        for i, lab in enumerate(self.app.schema.labels):
            if i:
                legend.append(" ")
            legend.append(f" {lab.key} {visible_line(lab.name)} ", label_style(lab.color))
        self.query_one("#reader-legend", Static).update(legend)

    def _show_status(self) -> None:
        app = self.app
        schema = app.schema
        line = Text(end="")
        line.append("annotator ")
        line.append(visible_line(app.annotator), "bold")
        if self.showing is not None:
            line.append(" (showing ")
            line.append(visible_line(self.showing), "bold")
            line.append(")")
        line.append("  ·  label ")
        selected = app.selected_label
        if selected:
            line.append(f" {visible_line(selected)} ", label_style(schema.color(selected)))
        else:
            line.append("none", "dim")
        view = self.active_view
        if self.article is not None and view.loaded:
            if not self.raw_mode:
                here = view.spans_at_cursor()
                if here:
                    line.append("  ·  at cursor ")
                    for i, span in enumerate(here):
                        if i:
                            line.append(" ")
                        line.append(f" {visible_line(span.label)} ",
                                    label_style(schema.color(span.label)))
            selection = view.selection
            if selection is not None:
                line.append("  ·  selected ")
                line.append(f"{selection[1] - selection[0]} chars", "bold")
        self.query_one("#reader-status", Static).update(line, layout=False)

    @on(DocumentView.CursorMoved)
    def _cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        self._show_status()
        if event.view is self._document:
            self._sync_panel()
            self._sync_event()

    def _sync_panel(self, force: bool = False) -> None:
        """Highlight the panel entry of the span under the cursor."""
        span = self.view.span_at_cursor()
        if force or span is not self._panel_span:
            self._panel_span = span
            self.panel.show_current(span)

    @on(SpanPanel.SpanChosen)
    def _span_chosen(self, event: SpanPanel.SpanChosen) -> None:
        if self.raw_mode:
            self._leave_raw()
        self.view.choose_span(event.span)
        self.view.focus()

    # --- prompts: find, flag --------------------------------------------------------------------

    def _open_prompt(self, field: Input, value: str) -> None:
        """Show ``field`` and give it the focus at once (not after the keys already on their
        way: they belong to the prompt)."""
        self._close_prompts()
        field.add_class("visible")
        field.value = value
        self.set_focus(field)

    def _close_prompts(self) -> bool:
        closed = False
        for prompt in (self.find_input, self.flag_input):
            if prompt.has_class("visible"):
                prompt.remove_class("visible")
                closed = True
        if closed:
            self.set_focus(self.active_view)
        return closed

    def action_find(self) -> None:
        if self.article is None:
            return
        self._open_prompt(self.find_input, self.last_query)

    @on(Input.Submitted, "#find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close_prompts()
        self.last_query = event.value
        self._find(event.value)

    def action_find_next(self) -> None:
        if self.last_query:
            self._find(self.last_query)

    def _find(self, query: str) -> None:
        if query.strip() and not self.active_view.find(query):
            self.notify(f"Not found: {visible_line(query)}", severity="warning", markup=False)

    def action_flag(self) -> None:
        if self.article is None:
            return
        self._open_prompt(self.flag_input, self.flag_note or "")

    @on(Input.Submitted, "#flag-note")
    def _flag_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close_prompts()
        if self.article is None:
            return
        note = event.value.strip()
        self._call(lambda s: s.flag(note), lambda _: self.notify(
            "Flagged" + (f": {visible_line(note)}" if note else ""), markup=False))

    # --- annotation -----------------------------------------------------------------------------

    def _read_only(self) -> bool:
        """True (after saying so) when annotation keys must do nothing."""
        if self.article is None or self.session is None:
            return True
        if self.raw_mode:
            self.notify("The raw source is read-only (r: back to the text)", severity="warning",
                        markup=False)
            return True
        if self.showing is not None:
            self.notify(f"read-only: these are {visible_line(self.showing)}'s spans "
                        "(o: back to yours)", severity="warning", markup=False)
            return True
        return False

    def _show_other(self) -> None:
        """Show another annotator's spans and events (read-only), or your own again."""
        owner = self.showing
        if owner is None:
            state = self.session.current if self.session is not None else None
            spans = list(state.spans) if state is not None else self.view.spans
            events = list(state.events) if state is not None else self.events
        else:
            article_id = self.article_id
            got = self.app.calls.read_now(
                lambda s: (s.spans(article_id, owner), s.events(article_id, owner)))
            spans, events = got if got is not None else ([], [])
        self.view.set_spans(spans)
        self.panel.set_spans(spans, self.view.text, owner=owner)
        self._show_events(events, spans)
        self._sync_panel(force=True)
        self._show_status()

    def action_label(self, key: str) -> None:
        label = self.app.schema.by_key(key)
        if label is None:
            self.notify(f"No label on key {key}", severity="warning", markup=False)
            return
        self.apply_label(label.name)

    def action_label_selected(self) -> None:
        if self.building is not None:
            self.action_finish_event()
            return
        if self.app.selected_label:
            self.apply_label(self.app.selected_label)

    def apply_label(self, name: str) -> None:
        """Label as ``name`` (the session's rule: a selection becomes a span, a span under the
        cursor is relabelled, else the token under the cursor becomes a span), acting on the
        cursor and selection as they are now."""
        if self._read_only():
            return
        at = self.cursor()
        if at.target is None:
            return
        self.app.selected_label = name
        self.view.clear_selection()
        self._call(lambda s: s.label(name, at))

    def action_delete_span(self) -> None:
        """Delete the span under the cursor; when event arguments point at it, ask first (naming
        the events and roles), then delete it with those arguments as one undoable action."""
        if self._read_only():
            return
        at = self.cursor()
        self._call(lambda s: s.delete_span(at), partial(self._confirm_delete, at))

    def _confirm_delete(self, at: Cursor, outcome: Outcome) -> None:
        span = outcome.span
        if not outcome.confirm or span is None:
            return
        question = Text(end="")
        question.append("Delete ")
        question.append(f" {visible_line(span.label)} ",
                        label_style(self.app.schema.color(span.label)))
        question.append(" ")
        question.append(surface(self.view.text, span.start, span.end), "bold")
        question.append("? It is an argument of:\n")
        for event, role in outcome.confirm:
            question.append("  • ")
            question.append(visible_line(role), "bold")
            question.append(" of ")
            question.append(visible_line(event.type), "bold")
            question.append(" ")
            question.append(surface(self.view.text, event.start, event.end), "italic")
            question.append("\n")
        n = len(outcome.confirm)
        question.append(f"The span and {'this argument' if n == 1 else f'these {n} arguments'} "
                        "are removed together (u brings them back).")

        def answer(yes: bool | None) -> None:
            if yes:
                self._call(lambda s: s.delete_span(at, span_id=span.id, confirmed=True))

        self.app.push_screen(ConfirmScreen(question, title="Delete a span used in events"), answer)

    def action_undo(self) -> None:
        if not self._read_only():
            self._call(lambda s: s.undo())

    def action_redo(self) -> None:
        if not self._read_only():
            self._call(lambda s: s.redo())

    # --- events ---------------------------------------------------------------------------------

    def _show_events(self, events: list[Event], spans: list[Span]) -> None:
        """Show ``events`` (their arguments point into ``spans``): triggers in the text, the
        events panel, the argument bar, and the current event marked."""
        schema = self.app.schema
        self.events = events
        self.spans_by_id = {s.id: s for s in spans}
        self.view.set_triggers(
            (e.start, e.end, et.color if (et := schema.event_type(e.type)) else "#abb2bf")
            for e in events
        )
        self.events_panel.set_events(events, self.spans_by_id, self.view.text, owner=self.showing)
        self._show_bar()
        self._sync_event()

    def _event(self, event_id: int | None) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)

    def _building_event(self) -> Event | None:
        return None if self.building is None else self._event(self.building.event_id)

    def events_at_cursor(self) -> list[Event]:
        """The events whose trigger overlaps the token under the cursor."""
        cursor = self.view.cursor_range
        if cursor is None:
            return []
        return [e for e in self.events if e.start < cursor[1] and cursor[0] < e.end]

    def current_event(self) -> Event | None:
        """The event keys like ``m`` act on: the one being annotated; else the one picked in the
        focused events panel; else the one whose trigger is under the cursor (the panel's pick
        first, when several are)."""
        if self.building is not None:
            return self._building_event()
        picked = self.events_panel.current_event()
        if picked is not None and self.events_panel.list.has_focus:
            return picked
        here = self.events_at_cursor()
        if picked is not None and any(e.id == picked.id for e in here):
            return picked
        return here[0] if here else None

    def _sync_event(self) -> None:
        """Mark the current event's trigger and arguments in the text, and its row in the panel."""
        event = self.current_event()
        if event is None:
            self.view.set_current_event(None)
        else:
            arguments = [(s.start, s.end) for a in event.arguments
                         if (s := self.spans_by_id.get(a.span_id)) is not None]
            self.view.set_current_event((event.start, event.end), arguments)
        if not self.events_panel.list.has_focus:
            self.events_panel.show_event(event)

    def _show_bar(self) -> None:
        event = self._building_event()
        if event is None:
            self.argument_bar.hide()
            return
        warnings = validate(event, self.app.schema, self.spans_by_id, self.view.text)
        self.argument_bar.show_event(event, self.app.schema, self.spans_by_id, self.view.text,
                                     warnings, self.building.new)

    def _start_building(self, type_name: str, event_id: int | None, new: bool) -> None:
        self.building = _Building(type_name, event_id, new)
        self._show_bar()
        self._sync_event()
        self.refresh_bindings()

    def _stop_building(self) -> None:
        if self.building is None:
            return
        self.building = None
        self.argument_bar.hide()
        self._sync_event()
        self.refresh_bindings()

    def action_new_event(self) -> None:
        """The selection (or the token under the cursor) becomes the trigger of a new event of
        the type picked next; then argument mode."""
        if self._read_only():
            return
        if not self.app.schema.events:
            self.notify("The schema has no event types", severity="warning", markup=False)
            return
        target = self.view.target
        if target is None:
            return
        start, end = target
        trigger = surface(self.view.text, start, end)
        self.app.push_screen(EventTypeScreen(self.app.schema, trigger),
                             partial(self._type_picked, self.session, start, end))

    def _type_picked(self, session: AnnotationSession | None, start: int, end: int,
                     name: str | None) -> None:
        """Argument mode starts now, with the keys that follow; the event is created on the
        store path before any of them is acted on."""
        if name is None or session is None or session is not self.session:
            return
        self.view.clear_selection()
        self.view.move_to_offset(start)
        self._start_building(name, None, True)
        self._call(lambda s: s.new_event(name, (start, end)))

    def building_type(self) -> EventType | None:
        return None if self.building is None else self.app.schema.event_type(self.building.type)

    def on_key(self, event: Key) -> None:
        """In argument mode a role's key (from the schema) assigns a filler; it wins over the
        reader's own keys while the text has the focus."""
        if self.building is None or not event.is_printable or event.character is None:
            return
        if self.focused is not self.view:  # the find prompt, the events panel: their own keys
            return
        etype = self.building_type()
        role = etype.role_by_key(event.character) if etype is not None else None
        if role is None:
            return
        event.stop()
        event.prevent_default()
        self.assign_role(role)

    def assign_role(self, role: Role) -> None:
        """The span under the cursor (or over exactly the selection) becomes a ``role`` argument
        of the event being annotated; with none, one is created first (the session's rule).
        Cursor and selection are read now, at the key press; the trigger itself is refused."""
        if self.building is None or self._read_only():
            return
        at = self.cursor()
        fallback = self.app.selected_label
        self.view.clear_selection()
        self._call(lambda s: s.assign_role(role.name, at, fallback))

    def action_finish_event(self) -> None:
        if self.building is None:
            return
        self._stop_building()
        self._call(lambda s: s.finish_event())

    def cancel_event(self) -> None:
        """Escape in argument mode: a new event is deleted (one undoable action, so ``u`` brings
        it back with its arguments; spans labelled meanwhile stay); editing just ends."""
        if self.building is None:
            return
        self._stop_building()
        self._call(lambda s: s.cancel_event())

    def action_modality(self) -> None:
        self.cycle_modality(self.current_event())

    def cycle_modality(self, event: Event | None) -> None:
        """The event's modality (the schema's first attribute) to its next value."""
        if self._read_only():
            return
        event_id = event.id if event is not None else None
        self._call(lambda s: s.cycle_modality(event_id))

    def action_focus_events(self) -> None:
        if self.raw_mode:
            self._leave_raw()
        if not self.events_panel.display:
            self.panel.display = self.events_panel.display = True
        self._close_prompts()
        self.set_focus(self.events_panel.list)

    @on(EventsPanel.Highlighted)
    def _event_highlighted(self, message: EventsPanel.Highlighted) -> None:
        event = message.event
        if event is not None:
            if self.raw_mode:
                self._leave_raw()
            self.view.move_to_offset(event.start)  # the text follows the panel
        self._sync_event()

    @on(EventsPanel.Requested)
    def _event_requested(self, message: EventsPanel.Requested) -> None:
        what, event = message.what, message.event
        if what == "back":
            self.view.focus()
            return
        if event is None:
            return
        if what == "show":
            self.view.move_to_offset(event.start)
            self.view.focus()
            return
        if self._read_only():
            return
        if what == "modality":
            self.cycle_modality(event)
        elif what == "type":
            self.app.push_screen(
                EventTypeScreen(self.app.schema, surface(self.view.text, event.start, event.end),
                                current=event.type, title="Change the type"),
                partial(self._change_type, event.id),
            )
        elif what == "arguments":
            self.view.move_to_offset(event.start)
            self.set_focus(self.view)
            self._start_building(event.type, event.id, new=False)
            self._call(lambda s: s.edit_arguments(event.id))
        elif what == "delete":
            self._delete_from_panel(event, message.argument)

    def _change_type(self, event_id: int, name: str | None) -> None:
        if name is not None and not self._read_only():
            self._call(lambda s: s.set_event_type(event_id, name))

    def _delete_from_panel(self, event: Event, argument_id: int | None) -> None:
        if argument_id is not None:
            self._call(lambda s: s.remove_argument(argument_id))
            return
        if self.building is not None and self.building.event_id == event.id:
            self._stop_building()
        self._call(lambda s: s.delete_event(event.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.building is not None:
            return action not in _NOT_WHILE_BUILDING
        return True

    # --- moving on: next/previous article, done, skip -------------------------------------------

    def _article_ids(self) -> list[int]:
        ids = getattr(self.app, "article_ids", None)
        if not ids:  # no list from the library (yet): the whole library
            who = self.app.annotator
            ids = self.app.calls.read_now(lambda s: s.library_ids(who), default=[])
        return list(ids or [])

    def action_article(self, direction: int) -> None:
        ids = self._article_ids()
        if not ids:
            self.notify("The list is empty", markup=False)
            return
        if self.article_id in ids:
            i = ids.index(self.article_id) + direction
        else:
            i = 0 if direction > 0 else len(ids) - 1
        if not 0 <= i < len(ids):
            where = "last" if direction > 0 else "first"
            self.notify(f"This is the {where} article in the list", markup=False)
            return
        self.open_article(ids[i])

    def action_done(self) -> None:
        self._finish("done")

    def action_skip(self) -> None:
        self._finish("skipped")

    def _finish(self, status: str) -> None:
        """Set this article's status, and open the next one to do (or go back to the library)
        at once, so the keys that follow act on it; the status is saved on the store path."""
        if self.article is None or self.session is None:
            return
        article_id, who = self.article_id, self.app.annotator
        word = "Done" if status == "done" else "Skipped"
        following = self.app.calls.read_now(lambda s: s.next_todo(who, after=article_id))
        self.status = status
        self._call(lambda s: s.finish(status))
        if following is None:
            self.notify(f"{word}. Nothing left to do.", markup=False)
            self._save_position()
            self.article = self.session = None  # saved: nothing more to save on the way out
            self.app.pop_screen()
            return
        self.notify(f"{word}; next article to do.", markup=False)
        self.open_article(following)

    # --- the raw source, other annotators, the panel --------------------------------------------

    def action_raw(self) -> None:
        if self.article is None:
            return
        if self.raw_mode:
            self._leave_raw()
            return
        raw = self.article.raw or b""
        if not raw:
            self.notify("No raw source is stored for this article", severity="warning",
                        markup=False)
            return
        if self._raw is None:
            self._raw = RawView(id="raw")
            self.query_one("#reader-body", Horizontal).mount(self._raw, after=self.view)
            self.call_after_refresh(self._show_raw)
        self.raw_mode = True
        self.view.display = False
        self._raw.display = True
        self.set_focus(self._raw)
        if self._raw.is_mounted:
            self._show_raw()
        self._show_title()
        self._show_status()

    def _show_raw(self) -> None:
        raw_view = self._raw
        if raw_view is None or self.article is None or raw_view.loaded:
            return
        text = (self.article.raw or b"").decode("utf-8", errors="replace")
        raw_view.load(text, whitespace_tokens(text), structured=False)

    def _leave_raw(self) -> None:
        self.raw_mode = False
        if self._raw is not None:
            self._raw.display = False
        self.view.display = True
        self.view.focus()
        self._show_title()
        self._show_status()

    def action_other_annotator(self) -> None:
        """Cycle: my spans, then each other annotator's (read-only), then mine again."""
        if self.article is None:
            return
        article_id, me = self.article_id, self.app.annotator
        others = [a for a in self.app.calls.read_now(lambda s: s.annotators(article_id),
                                                     default=[]) or [] if a != me]
        cycle: list[str | None] = [None, *others]
        i = cycle.index(self.showing) if self.showing in cycle else 0
        self.showing = cycle[(i + 1) % len(cycle)]
        if not others:
            self.notify("No other annotator has spans on this article", markup=False)
        elif self.showing is None:
            self.notify("Your spans", markup=False)
        else:
            self.notify(f"{visible_line(self.showing)}'s spans (read-only)", markup=False)
        self._show_other()
        self._show_title()

    def action_toggle_panel(self) -> None:
        shown = not self.panel.display
        self.panel.display = self.events_panel.display = shown
        if not shown and self.events_panel.list.has_focus:
            self.view.focus()

    def action_escape(self) -> None:
        if self._close_prompts():
            return
        if self.building is not None:
            if not self.view.clear_selection():
                self.cancel_event()
            return
        if self.raw_mode:
            self._leave_raw()
        elif not self.active_view.clear_selection():
            self.app.pop_screen()

    # --- help and the command palette -----------------------------------------------------------

    def help_description(self, binding: Binding) -> str | None:
        """A description of ``binding`` that knows the schema (for the help screen)."""
        if binding.action.startswith("label('"):
            key = binding.action[len("label('") : -2]
            label = self.app.schema.by_key(key)
            return f"Apply label {label.name}" if label else "Apply label (none on this key)"
        if binding.action == "label_selected":
            if self.building is not None:
                return "Finish the event"
            return f"Apply the selected label ({self.app.selected_label or 'none'})"
        if binding.action == "escape" and self.building is not None:
            return "Cancel the event" if self.building.new else "Stop editing the event"
        return None

    def commands(self) -> list[SystemCommand]:
        from textual.app import SystemCommand

        commands = [
            SystemCommand("Find", "Find text in the article and select it", self.action_find),
            SystemCommand("Find next", "Select the next match of the last search",
                          self.action_find_next),
            SystemCommand("Next span", "Cursor to the start of the next span",
                          partial(self.view.jump_to_span, 1)),
            SystemCommand("Previous span", "Cursor to the start of the previous span",
                          partial(self.view.jump_to_span, -1)),
            SystemCommand("Delete span", "Delete the span under the cursor", self.action_delete_span),
            SystemCommand("Undo", "Undo the last action on this article", self.action_undo),
            SystemCommand("Redo", "Redo the last undone action on this article", self.action_redo),
            SystemCommand("Done", "Mark the article done and open the next one to do",
                          self.action_done),
            SystemCommand("Skip", "Mark the article skipped and open the next one to do",
                          self.action_skip),
            SystemCommand("Flag", "Flag the article with a note", self.action_flag),
            SystemCommand("Next article", "Open the next article in the list",
                          partial(self.action_article, 1)),
            SystemCommand("Previous article", "Open the previous article in the list",
                          partial(self.action_article, -1)),
            SystemCommand("Raw source", "Show or hide the stored raw source", self.action_raw),
            SystemCommand("Other annotator", "Show another annotator's spans (read-only)",
                          self.action_other_annotator),
            SystemCommand("Span panel", "Show or hide the list of spans", self.action_toggle_panel),
            SystemCommand("Back to library", "Close the article", self.app.pop_screen),
        ]
        if self.building is not None:  # the palette honours argument mode like the keys do
            blocked = {_COMMAND_ACTIONS.get(c.title) for c in commands} & _NOT_WHILE_BUILDING
            commands = [c for c in commands if _COMMAND_ACTIONS.get(c.title) not in blocked]
        etype = self.building_type()
        if etype is not None:
            for role in etype.roles:
                commands.append(
                    SystemCommand(f"Assign {role.name}",
                                  f"The span under the cursor as {role.name} (key {role.key})",
                                  partial(self.assign_role, role))
                )
            commands.append(SystemCommand("Finish event", "Leave argument mode (key enter)",
                                          self.action_finish_event))
            commands.append(SystemCommand("Cancel event", "Delete the event being annotated",
                                          self.cancel_event))
        for lab in self.app.schema.labels:
            commands.append(
                SystemCommand(f"Label {lab.name}",
                              f"Apply {lab.name} to the selection or the span (key {lab.key})",
                              partial(self.apply_label, lab.name))
            )
        return commands
