"""The reader: one article's text, its spans, a token cursor, and the annotation keys.

The rules of annotating live in ``storage.session.AnnotationSession``; this screen turns keys
into session calls (``call``) and shows the state each call returns. Every call goes through the
app's one path to the store (``tui.store.StoreCalls``): in the order the keys were pressed, on
the store thread, never dropped; the cursor and selection a call acts on are read at the key
press. When a call lands, the screen shows what it stored; when it fails, one notice says so and
the screen reads back what is really stored.

Around it: the title and status lines are widgets bound to this screen's reactives
(``tui.widgets.reader_bars``); events and argument mode are ``EventsMode``
(``tui.screens.events_mode``); the raw source is its own screen (``RawScreen``). Besides
labelling, the reader moves through the library's current list (``]``/``[``), finishes articles
(``d`` done, ``s`` skip, ``f`` flag with a note), shows other annotators' spans read-only
(``o``), and remembers the cursor and scroll position per article and annotator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Input

from newsmark.model import Article, Event, Span
from storage.session import AnnotationSession, Cursor, Outcome, State

from ..widgets import DocumentView, visible_line
from ..widgets.argument_bar import ArgumentBar
from ..widgets.events_panel import EventsPanel, surface
from ..widgets.labels import label_style
from ..widgets.reader_bars import Heading, StatusBar, StatusLine, TitleBar
from ..widgets.span_panel import SpanPanel
from .confirm import ConfirmScreen
from .events_mode import NOT_WHILE_BUILDING, Building, EventsMode
from .history import describe
from .raw import RawScreen

if TYPE_CHECKING:
    from textual.app import SystemCommand

    from storage.repo import Store

    from ..app import NewsmarkApp

PANEL_MIN_WIDTH = 100  # the side panels are shown from the start on terminals at least this wide


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
    """Read and annotate one article; ``article_ids()`` is the library's current list (for
    ``]`` and ``[``)."""

    DEFAULT_CSS = """
    ReaderScreen #reader-body { height: 1fr; }
    ReaderScreen #reader-side { width: auto; height: 1fr; }
    ReaderScreen Input.prompt { display: none; dock: bottom; margin-bottom: 1; }
    ReaderScreen Input.prompt.visible { display: block; }
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

    # the title line's parts (TitleBar.heading is computed from them)
    article_title: reactive[str | None] = reactive(None)
    article_source: reactive[str] = reactive("")
    status: reactive[str] = reactive("todo")
    flag_note: reactive[str | None] = reactive(None)
    showing: reactive[str | None] = reactive(None)  # another annotator's spans, read-only
    older_versions: reactive[tuple[int, ...]] = reactive(())
    heading: reactive[Heading] = reactive(Heading)
    status_line: reactive[StatusLine] = reactive(StatusLine)

    def __init__(self, article_id: int,
                 article_ids: Callable[[], list[int]] | None = None) -> None:
        super().__init__(id="reader")
        self.article_id = article_id
        self.article_ids = article_ids or (lambda: [])
        self.article: Article | None = None
        self.session: AnnotationSession | None = None
        self.events_mode = EventsMode(self)
        self.last_query = ""
        self._panel_span: Span | None = None
        self._queued = 0  # this screen's session calls not landed yet
        self._loading = True  # the article is being read: the keys typed meanwhile wait (app)
        self._view: DocumentView | None = None

    def compute_heading(self) -> Heading:
        return Heading(self.article_title, self.article_source, self.showing,
                       self.older_versions, self.flag_note, self.status)

    @property
    def ready_for_keys(self) -> bool:
        """False while the article is read: the app holds the keys typed meanwhile, which are
        meant for this article (``enter`` then ``/…`` at once)."""
        return not self._loading

    @property
    def building(self) -> Building | None:
        """The event whose arguments are being assigned (argument mode), or None."""
        return self.events_mode.building

    @property
    def events(self) -> list[Event]:
        return self.events_mode.events

    @property
    def spans_by_id(self) -> dict[int, Span]:
        return self.events_mode.spans_by_id

    # --- composition and loading ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        schema = self.app.schema
        yield TitleBar(id="reader-titlebar").data_bind(ReaderScreen.heading)
        yield StatusBar(schema, id="reader-statusbar").data_bind(line=ReaderScreen.status_line)
        with Horizontal(id="reader-body"):
            yield DocumentView(id="document", colors={lab.name: lab.color for lab in schema.labels})
            with Vertical(id="reader-side"):
                yield SpanPanel({lab.name: lab.color for lab in schema.labels}, id="span-panel")
                yield EventsPanel(schema, id="events-panel")
        yield ArgumentBar(id="argument-bar")
        yield Input(id="find", classes="prompt",
                    placeholder="Find (enter: select the next match, escape: cancel)")
        yield Input(id="flag-note", classes="prompt",
                    placeholder="Flag note (enter: flag the article, escape: cancel)")
        yield Footer()

    @property
    def view(self) -> DocumentView:
        """The document (the article's text with its spans)."""
        if self._view is None:
            self._view = self.query_one("#document", DocumentView)
        return self._view

    @property
    def panel(self) -> SpanPanel:
        return self.query_one(SpanPanel)

    @property
    def events_panel(self) -> EventsPanel:
        return self.query_one(EventsPanel)

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
        self._show_status()
        self._start_load(self.article_id)

    def on_unmount(self) -> None:
        # Leaving the reader (escape, or quitting the app): remember where the annotator was.
        try:
            self._save_position()
        except Exception:  # the app is going away; never fail on the way out
            pass

    def _start_load(self, article_id: int) -> None:
        """Read the article, its spans and events, and show them: on the spot when the read
        connection is free (the first frame already shows the text), else in a worker (a
        background read holds it: the library's counts)."""
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
        return _Loaded(article=store.article(article_id), spans=store.spans(article_id, who),
                       events=store.events(article_id, who),
                       position=store.position(article_id, who),
                       older=store.older_annotated_versions(article_id),
                       flag=store.flagged(article_id, who), status=store.status(article_id, who))

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
        self.article_title, self.article_source = article.display_title, article.source
        self.older_versions = tuple(loaded.older)
        self.flag_note, self.status = loaded.flag, loaded.status
        cursor, scroll = loaded.position or (0, None)
        self.view.load(article.text, article.tokens, loaded.spans, cursor=cursor, scroll=scroll)
        self._show_spans(loaded.spans, loaded.events)

    def open_article(self, article_id: int) -> None:
        """Show another article in this reader (the current one's position is saved first)."""
        self._save_position()
        self.article_id = article_id
        self.article = self.session = None
        self.showing = self.article_title = None
        self._panel_span = None
        self.events_mode.stop()
        self._close_prompts()
        self._start_load(article_id)

    def _save_position(self) -> None:
        view = self._view
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

    def call(self, fn: Callable[[AnnotationSession], Outcome],
             then: Callable[[Outcome], object] | None = None) -> None:
        """Queue ``fn(session)`` on the store path; show its outcome when it lands, or read back
        what is stored when it fails."""
        session = self.session
        if session is None:
            return
        self._queued += 1
        self.app.calls.write(lambda _store: fn(session), done=partial(self._landed, session, then),
                             failed=partial(self._failed, session))

    def _landed(self, session: AnnotationSession, then, outcome: Outcome) -> None:
        self._queued -= 1
        if outcome.message:
            self.notify(visible_line(outcome.message), severity=outcome.severity, markup=False)
        if session is not self.session or not self.is_attached:  # moved on meanwhile
            return
        if outcome.label:
            self.app.selected_label = outcome.label
        self._show_state(outcome.state)
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
        if self.showing is None:
            self._show_spans(list(state.spans), list(state.events))
        self.events_mode.follow(state.building.event_id if state.building else None,
                                state.building.new if state.building else True,
                                settled=self._queued == 0)

    def _show_spans(self, spans: list[Span], events: list[Event]) -> None:
        self.view.set_spans(spans)
        self.panel.set_spans(spans, self.view.text, owner=self.showing)
        self.events_mode.show(events, spans)
        self._sync_panel(force=True)
        self._show_status()

    def _show_status(self) -> None:
        view = self.view
        here: tuple[str, ...] = ()
        selected = None
        if self.article is not None and view.loaded:
            here = tuple(span.label for span in view.spans_at_cursor())
            selection = view.selection
            selected = None if selection is None else selection[1] - selection[0]
        self.status_line = StatusLine(self.app.annotator, self.showing, self.app.selected_label,
                                      here, selected)

    @on(DocumentView.CursorMoved)
    def _cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        self._show_status()
        self._sync_panel()
        self.events_mode.sync()

    def _sync_panel(self, force: bool = False) -> None:
        """Highlight the panel entry of the span under the cursor."""
        span = self.view.span_at_cursor()
        if force or span is not self._panel_span:
            self._panel_span = span
            self.panel.show_current(span)

    @on(SpanPanel.SpanChosen)
    def _span_chosen(self, event: SpanPanel.SpanChosen) -> None:
        self.view.choose_span(event.span)
        self.set_focus(self.view)

    # --- prompts: find, flag --------------------------------------------------------------------

    def _open_prompt(self, prompt: Input, value: str) -> None:
        """Show ``prompt`` and give it the focus at once (the keys already on their way belong
        to it); its text selected, so typing replaces it."""
        self._close_prompts()
        prompt.add_class("visible")
        prompt.value = value
        prompt.select_all()
        self.set_focus(prompt)

    def _close_prompts(self) -> bool:
        closed = False
        for prompt in (self.find_input, self.flag_input):
            if prompt.has_class("visible"):
                prompt.remove_class("visible")
                closed = True
        if closed:
            self.set_focus(self.view)
        return closed

    def action_find(self) -> None:
        if self.article is not None:
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
        if query.strip() and not self.view.find(query):
            self.notify(f"Not found: {visible_line(query)}", severity="warning", markup=False)

    def action_flag(self) -> None:
        if self.article is not None:
            self._open_prompt(self.flag_input, self.flag_note or "")

    @on(Input.Submitted, "#flag-note")
    def _flag_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close_prompts()
        note = event.value.strip()
        self.call(lambda s: s.flag(note), lambda _: self.notify(
            "Flagged" + (f": {visible_line(note)}" if note else ""), markup=False))

    # --- annotation -----------------------------------------------------------------------------

    def read_only(self) -> bool:
        """True (after saying so) when annotation keys must do nothing."""
        if self.article is None or self.session is None:
            return True
        if self.showing is not None:
            self.notify(f"read-only: these are {visible_line(self.showing)}'s spans "
                        "(o: back to yours)", severity="warning", markup=False)
            return True
        return False

    def action_label(self, key: str) -> None:
        label = self.app.schema.by_key(key)
        if label is None:
            self.notify(f"No label on key {key}", severity="warning", markup=False)
            return
        self.apply_label(label.name)

    def action_label_selected(self) -> None:
        if self.building is not None:
            self.events_mode.finish()
        elif self.app.selected_label:
            self.apply_label(self.app.selected_label)

    def apply_label(self, name: str) -> None:
        """Label as ``name`` (the session's rule: a selection becomes a span, a span under the
        cursor is relabelled, else the token under the cursor becomes a span), acting on the
        cursor and selection as they are now."""
        if self.read_only():
            return
        at = self.cursor()
        if at.target is None:
            return
        self.app.selected_label = name
        self.view.clear_selection()
        self.call(lambda s: s.label(name, at))

    def action_delete_span(self) -> None:
        """Delete the span under the cursor; when event arguments point at it, ask first (naming
        the events and roles), then delete it with those arguments as one undoable action."""
        if not self.read_only():
            at = self.cursor()
            self.call(lambda s: s.delete_span(at), partial(self._confirm_delete, at))

    def _confirm_delete(self, at: Cursor, outcome: Outcome) -> None:
        span = outcome.span
        if not outcome.confirm or span is None:
            return
        text = self.view.text
        question = Text(end="")
        question.append("Delete ")
        question.append(f" {visible_line(span.label)} ",
                        label_style(self.app.schema.color(span.label)))
        question.append(" ")
        question.append(surface(text, span.start, span.end), "bold")
        question.append("? It is an argument of:\n")
        for event, role in outcome.confirm:
            question.append("  • ")
            question.append(visible_line(role), "bold")
            question.append(" of ")
            question.append(visible_line(event.type), "bold")
            question.append(" ")
            question.append(surface(text, event.start, event.end), "italic")
            question.append("\n")
        n = len(outcome.confirm)
        question.append(f"The span and {'this argument' if n == 1 else f'these {n} arguments'} "
                        "are removed together (u brings them back).")

        def answer(yes: bool | None) -> None:
            if yes:
                self.call(lambda s: s.delete_span(at, span_id=span.id, confirmed=True))

        self.app.push_screen(ConfirmScreen(question, title="Delete a span used in events"), answer)

    def action_undo(self) -> None:
        if not self.read_only():
            self.call(lambda s: s.undo(), partial(self._history_done, "Undone"))

    def action_redo(self) -> None:
        if not self.read_only():
            self.call(lambda s: s.redo(), partial(self._history_done, "Redone"))

    def _history_done(self, word: str, outcome: Outcome) -> None:
        if outcome.action is not None:
            self.notify(f"{word}: {visible_line(describe(outcome.action, here=True))}",
                        markup=False)

    # --- events (EventsMode does the work) ------------------------------------------------------

    def action_new_event(self) -> None:
        self.events_mode.new_event()

    def on_key(self, event: Key) -> None:
        """In argument mode a role's key wins over the reader's own keys (the text focused)."""
        if self.events_mode.role_key(event):
            event.stop()
            event.prevent_default()

    def action_modality(self) -> None:
        self.events_mode.cycle_modality(self.events_mode.current())

    def action_focus_events(self) -> None:
        if not self.events_panel.display:
            self.panel.display = self.events_panel.display = True
        self._close_prompts()
        self.set_focus(self.events_panel.list)

    @on(EventsPanel.Highlighted)
    def _event_highlighted(self, message: EventsPanel.Highlighted) -> None:
        if message.event is not None:
            self.view.move_to_offset(message.event.start)  # the text follows the panel
        self.events_mode.sync()

    @on(EventsPanel.BackRequested)
    def _panel_back(self) -> None:
        self.set_focus(self.view)

    @on(EventsPanel.ShowRequested)
    def _panel_show(self, message: EventsPanel.ShowRequested) -> None:
        self.view.move_to_offset(message.event.start)
        self.set_focus(self.view)

    @on(EventsPanel.ModalityRequested)
    def _panel_modality(self, message: EventsPanel.ModalityRequested) -> None:
        self.events_mode.cycle_modality(message.event)

    @on(EventsPanel.TypeRequested)
    def _panel_type(self, message: EventsPanel.TypeRequested) -> None:
        self.events_mode.change_type(message.event)

    @on(EventsPanel.ArgumentsRequested)
    def _panel_arguments(self, message: EventsPanel.ArgumentsRequested) -> None:
        self.events_mode.edit_arguments(message.event)

    @on(EventsPanel.DeleteRequested)
    def _panel_delete(self, message: EventsPanel.DeleteRequested) -> None:
        self.events_mode.delete(message.event, message.argument)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.building is None or action not in NOT_WHILE_BUILDING

    # --- moving on: next/previous article, done, skip -------------------------------------------

    def _ids(self) -> list[int]:
        ids = self.article_ids()
        if not ids:  # no list from the library (yet): the whole library
            who = self.app.annotator
            ids = self.app.calls.read_now(lambda s: s.library_ids(who), default=[]) or []
        return list(ids)

    def action_article(self, direction: int) -> None:
        ids = self._ids()
        if not ids:
            self.notify("The list is empty", markup=False)
            return
        i = ids.index(self.article_id) + direction if self.article_id in ids else (
            0 if direction > 0 else len(ids) - 1)
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
        self.call(lambda s: s.finish(status))
        if following is None:
            self.notify(f"{word}. Nothing left to do.", markup=False)
            self._save_position()
            self.article = self.session = None  # saved: nothing more to save on the way out
            self.app.pop_screen()
            return
        self.notify(f"{word}; next article to do.", markup=False)
        self.open_article(following)

    # --- the raw source, other annotators, the panels -------------------------------------------

    def action_raw(self) -> None:
        article = self.article
        if article is None:
            return
        if not article.raw:
            self.notify("No raw source is stored for this article", severity="warning",
                        markup=False)
            return
        self.app.push_screen(RawScreen(article.display_title, article.raw))

    def action_other_annotator(self) -> None:
        """Cycle: my spans, then each other annotator's (read-only), then mine again."""
        if self.article is None:
            return
        article_id, me = self.article_id, self.app.annotator
        others = [a for a in self.app.calls.read_now(lambda s: s.annotators(article_id),
                                                     default=[]) or [] if a != me]
        cycle: list[str | None] = [None, *others]
        i = cycle.index(self.showing) if self.showing in cycle else 0
        self.showing = owner = cycle[(i + 1) % len(cycle)]
        if not others:
            self.notify("No other annotator has spans on this article", markup=False)
        else:
            self.notify("Your spans" if owner is None
                        else f"{visible_line(owner)}'s spans (read-only)", markup=False)
        if owner is None:
            state = self.session.current if self.session is not None else None
            spans = list(state.spans) if state is not None else self.view.spans
            events = list(state.events) if state is not None else self.events
        else:
            got = self.app.calls.read_now(
                lambda s: (s.spans(article_id, owner), s.events(article_id, owner)))
            spans, events = got if got is not None else ([], [])
        self._show_spans(spans, events)

    def action_toggle_panel(self) -> None:
        shown = not self.panel.display
        self.panel.display = self.events_panel.display = shown
        if not shown and self.events_panel.list.has_focus:
            self.set_focus(self.view)

    def action_escape(self) -> None:
        if self._close_prompts():
            return
        if self.building is not None:
            if not self.view.clear_selection():
                self.events_mode.cancel()
        elif not self.view.clear_selection():
            self.app.pop_screen()

    # --- help and the command palette -----------------------------------------------------------

    def help_description(self, binding: Binding) -> str | None:
        """A description of ``binding`` that knows the schema (for the help screen)."""
        if binding.action.startswith("label('"):
            label = self.app.schema.by_key(binding.action[len("label('"):-2])
            return f"Apply label {label.name}" if label else "Apply label (none on this key)"
        if binding.action == "label_selected":
            if self.building is not None:
                return "Finish the event"
            return f"Apply the selected label ({self.app.selected_label or 'none'})"
        if binding.action == "escape" and self.building is not None:
            return "Cancel the event" if self.building.new else "Stop editing the event"
        return None

    def commands(self) -> list[SystemCommand]:
        """The palette's commands that are not keys (every key is a command already): a label
        by its name, and in argument mode each role, finish and cancel."""
        from textual.app import SystemCommand

        commands = [SystemCommand(f"Label {lab.name}",
                                  f"Apply {lab.name} to the selection or the span (key {lab.key})",
                                  partial(self.apply_label, lab.name))
                    for lab in self.app.schema.labels]
        etype = self.events_mode.building_type()
        if etype is not None:
            commands += [SystemCommand(f"Assign {role.name}",
                                       f"The span under the cursor as {role.name} (key {role.key})",
                                       partial(self.events_mode.assign, role))
                         for role in etype.roles]
            commands.append(SystemCommand("Finish event", "Leave argument mode (key enter)",
                                          self.events_mode.finish))
            commands.append(SystemCommand("Cancel event", "Delete the event being annotated",
                                          self.events_mode.cancel))
        return commands
