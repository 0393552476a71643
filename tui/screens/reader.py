"""The reader: one article's text, its spans, a token cursor, and the annotation keys.

The rules of annotating live in ``storage.session.AnnotationSession``; this screen turns keys
into session calls (``call``: in key order on the store path, the cursor and selection read at
the key press) and shows the state each returns. The title and status lines are widgets bound
to its reactives; events and argument mode are ``EventsMode``; suggestions are
``SuggestionsMode`` (its keys ``SuggestionKeys``); the raw source, other annotators' spans, the
guidelines and the panels are ``ReaderViews``; the keys are ``reader_keys``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.reactive import reactive
from textual.screen import Screen

from newsmark.model import Article, Event, Span
from storage.session import (
    AnnotationSession,
    Cursor,
    Opened,
    Outcome,
    open_article,
)

from ..store import SessionCalls
from ..widgets import DocumentView, visible_line
from ..widgets.argument_bar import ArgumentBar
from ..widgets.events_panel import EventsPanel
from ..widgets.key_footer import KeyFooter
from ..widgets.prompts import Prompt, Prompts
from ..widgets.reader_bars import Heading, StatusBar, StatusLine, TitleBar
from ..widgets.span_panel import SpanPanel
from .confirm import ConfirmScreen, delete_span_question
from .events_mode import NOT_WHILE_BUILDING, Building, EventsMode
from .history import describe
from .reader_keys import READER_BINDINGS, describe_key
from .reader_views import ReaderViews
from .suggestions_mode import SuggestionKeys, SuggestionsMode

if TYPE_CHECKING:
    from textual.app import SystemCommand

    from ..app import NewsmarkApp
    from ..widgets.guidelines import GuidelinesPane

PANEL_MIN_WIDTH = 100  # the side panels are shown from the start on terminals at least this wide


class ReaderScreen(SuggestionKeys, ReaderViews, Screen):
    """Read and annotate one article; ``article_ids()`` is the library's current list (for
    ``]`` and ``[``)."""

    DEFAULT_CSS = """
    ReaderScreen #reader-body { height: 1fr; }
    ReaderScreen #reader-side { width: auto; height: 1fr; }
    /* in argument mode the bar at the bottom is read: notices go to the top */
    ReaderScreen.-arguments ToastRack { dock: top; align: right top; margin-top: 2; }
    """

    BINDINGS = READER_BINDINGS

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
        self.suggestions_mode = SuggestionsMode(self)
        self.training = ""  # the model's training progress (status line)
        self.last_query = ""
        self._panel_span: Span | None = None
        self._calls: SessionCalls | None = None
        self._loading = True  # the article is being read: the keys typed meanwhile wait (app)
        self._view: DocumentView | None = None
        self._guidelines: GuidelinesPane | None = None  # made at the first g
        self.prompts = Prompts(self, lambda: self.view)  # find, the flag's note

    def compute_heading(self) -> Heading:  # recomputed when any of its parts changes
        return Heading(self.article_title, self.article_source, self.showing,
                       self.older_versions, self.flag_note, self.status)

    @property
    def ready_for_keys(self) -> bool:
        """False while the article is read: the app holds the keys typed meanwhile (for it)."""
        return not self._loading

    @property
    def building(self) -> Building | None:
        """The event whose arguments are being assigned (argument mode), or None."""
        return self.events_mode.building

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
        yield from self.prompts.widgets()
        yield KeyFooter()

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


    def on_mount(self) -> None:
        shown = self.app.size.width >= PANEL_MIN_WIDTH
        self.panel.display = self.events_panel.display = shown
        self.set_focus(self.view)
        self._show_status()
        self._start_load(self.article_id)

    def on_unmount(self) -> None:
        self._save_position()  # leaving (escape, or quitting the app): remember where

    def _start_load(self, article_id: int) -> None:
        """Read the article with its spans and events (on the spot when the read connection is
        free: the first frame shows the text), and show it."""
        self._loading = True
        who = self.app.annotator
        self.app.calls.read_soon(lambda store: open_article(store, article_id, who),
                                 partial(self._show_loaded, article_id), self._load_failed)

    def _load_failed(self) -> None:
        """The read failed (the one handler has said why): back to the library."""
        self._loading = False
        if self.article is None:
            self.call_later(self.app.pop_screen)

    def _show_loaded(self, article_id: int, loaded: Opened) -> None:
        if article_id != self.article_id:  # another article was asked for meanwhile
            return
        self._loading = False
        self.article = article = loaded.article
        self.session = self.app.calls.session(article_id, self.app.annotator, self.app.schema)
        self.article_title, self.article_source = article.display_title, article.source
        self.older_versions = tuple(loaded.older)
        self.flag_note, self.status = loaded.flag, loaded.status
        cursor, scroll = loaded.position or (0, None)
        self.view.load(article.text, article.tokens, loaded.spans, cursor=cursor, scroll=scroll,
                       blocks=article.blocks)
        self._show_spans(loaded.spans, loaded.events)
        self.suggestions_mode.opened(article, loaded.spans, loaded.rejected)
        known = set(self.app.schema.names)
        odd: dict[str, tuple[int, int]] = {}
        for span in loaded.spans:  # labels the schema lacks: said once (the spans stay grey)
            if span.label not in known:
                odd[span.label] = (odd.get(span.label, (0, 0))[0] + 1, 0)
        if odd:
            self.app.warn_labels_not_in_schema(odd)

    def open_article(self, article_id: int) -> None:
        """Show another article in this reader (the current one's position is saved first)."""
        self._save_position()
        self.article_id = article_id
        self.article = self.session = None
        self.showing = self.article_title = None
        self._panel_span = None
        self.events_mode.stop()
        self.prompts.close()
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
        """Queue ``fn(session)`` on the store path (``SessionCalls``): its outcome is shown
        when it lands, what is stored is read back when it fails."""
        if self._calls is None:
            self._calls = SessionCalls(self.app.calls, self._current_session, self._landed)
        self._calls.call(fn, then)

    def _current_session(self) -> AnnotationSession | None:
        return self.session if self.is_attached else None

    def _landed(self, outcome: Outcome, settled: bool) -> None:
        state = outcome.state
        self.app.selected_label = outcome.label or self.app.selected_label
        self.status, self.flag_note = state.status, state.flag
        if self.showing is None:
            self._show_spans(list(state.spans), list(state.events))
        self.suggestions_mode.stored(state)
        self.events_mode.follow(state.building.event_id if state.building else None,
                                state.building.new if state.building else True, settled)

    def _show_spans(self, spans: list[Span], events: list[Event]) -> None:
        self.view.set_spans(spans)
        self.view.set_suggestions(self.suggestions_mode.visible if self.showing is None else [])
        self.panel.set_spans(spans, self.view.text, owner=self.showing)
        self.events_mode.show(events, spans)
        self._sync_panel(force=True)
        self._show_status()

    def _show_status(self) -> None:
        view = self.view
        here: tuple[str, ...] = ()
        selected = suggested = None
        if self.article is not None and view.loaded:
            suggestion = self.suggestions_mode.at_cursor()
            suggested = (suggestion.label, suggestion.source) if suggestion else None
            here = tuple(span.label for span in view.spans_at_cursor())
            selection = view.selection
            selected = None if selection is None else selection[1] - selection[0]
        self.status_line = StatusLine(self.app.annotator, self.showing, self.app.selected_label,
                                      here, selected, suggested, self.training)

    @on(DocumentView.CursorMoved)
    def _cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        self._show_status()
        self._sync_panel()
        self.events_mode.sync()
        self._sync_guidelines()

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

    def action_find(self) -> None:
        if self.article is not None:
            self.prompts.open("find", self.last_query)

    def action_find_next(self) -> None:
        if self.last_query:
            self._find(self.last_query)

    def _find(self, query: str) -> None:
        if query.strip() and not self.view.find(query):
            self.notify(f"Not found: {visible_line(query)}", severity="warning", markup=False)

    def action_flag(self) -> None:
        if self.article is not None:
            self.prompts.open("flag-note", self.flag_note or "")

    @on(Prompt.Done)
    def _prompted(self, event: Prompt.Done) -> None:
        if event.kind == "find":
            self.last_query = event.value
            self._find(event.value)
            return
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
        the events and roles), then delete it with those arguments as one undoable action. On a
        suggestion (no span is ever under one): reject it."""
        suggestion = self.suggestions_mode.at_cursor()
        if suggestion is not None and not self.view.spans_at_cursor():
            self.suggestions_mode.reject(suggestion)
        elif not self.read_only():
            at = self.cursor()
            self.call(lambda s: s.delete_span(at), partial(self._confirm_delete, at))

    def _confirm_delete(self, at: Cursor, outcome: Outcome) -> None:
        span = outcome.span
        if not outcome.confirm or span is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.call(lambda s: s.delete_span(at, span_id=span.id, confirmed=True))

        question = delete_span_question(self.app.schema, self.view.text, span, outcome.confirm)
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
        self.prompts.close()
        self.set_focus(self.events_panel.list)

    @on(EventsPanel.Highlighted)
    def _event_highlighted(self, message: EventsPanel.Highlighted) -> None:
        if message.event is not None:
            self.view.move_to_offset(message.event.start)  # the text follows the panel
        self.events_mode.sync()

    @on(EventsPanel.BackRequested)
    def _panel_back(self) -> None:
        self.set_focus(self.view)

    @on(EventsPanel.EventRequest)
    def _panel_request(self, message: EventsPanel.EventRequest) -> None:
        self.events_mode.request(message)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.building is None or action not in NOT_WHILE_BUILDING

    # --- moving on: next/previous article, done, skip -------------------------------------------

    def action_article(self, direction: int) -> None:
        who = self.app.annotator  # no list from the library (yet): the whole library
        ids = list(self.article_ids() or self.app.calls.read_now(lambda s: s.library_ids(who))
                   or [])
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

    def action_finish(self, status: str) -> None:
        """Set this article's status, and open the next one to do (or go back to the library)
        at once, so the keys that follow act on it; the status is saved on the store path."""
        if self.article is None or self.session is None:
            return
        article_id, who = self.article_id, self.app.annotator
        word = "Done" if status == "done" else "Skipped"
        following = self.app.calls.read_now(lambda s: s.next_todo(who, after=article_id))
        self.status = status
        self.call(lambda s: s.finish(status))
        self.notify(f"{word}; next article to do." if following is not None else
                    f"{word}. Nothing left to do.", markup=False)
        if following is not None:
            self.open_article(following)
            return
        self._save_position()
        self.article = self.session = None  # saved: nothing more to save on the way out
        self.app.pop_screen()

    def action_escape(self) -> None:
        if self.prompts.close():
            return
        if self.building is not None:
            if not self.view.clear_selection():
                self.events_mode.cancel()
        elif not self.view.clear_selection():
            self.app.pop_screen()

    # --- help and the command palette -----------------------------------------------------------

    def help_description(self, binding: Binding) -> str | None:
        """A description of ``binding`` that knows the schema (for the help screen)."""
        return describe_key(self, binding)

    def commands(self) -> list[SystemCommand]:
        """The palette's commands that are not keys (every key is a command already): a label
        by its name, and in argument mode each role, finish and cancel."""
        from textual.app import SystemCommand

        return [SystemCommand(f"Label {lab.name}",
                              f"Apply {lab.name} to the selection or the span (key {lab.key})",
                              partial(self.apply_label, lab.name))
                for lab in self.app.schema.labels] + self.events_mode.commands()
