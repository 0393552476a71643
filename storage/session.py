"""One annotator's work on one article: the rules of annotating, without Textual.

``AnnotationSession`` owns what the reader's keys do to the stored annotations: label, relabel,
delete (asking first when events would lose arguments), events and their arguments (argument
mode), modality, type, undo, redo, the article's status and flag, and suggestions (issue 15):
propagating a span to the other occurrences of its words, accepting suggestions (one, or all
visible ones as one action) with their origin, rejecting one so it stays hidden. Each method is the whole of
one key's effect: it acts on the cursor and selection *as they were when the key was pressed*
(the caller passes them), writes through the ``Store`` (each write one committed transaction,
one undoable action), reads back what is stored and returns it as an ``Outcome``: the new
``State`` and, where there is something to say, a one-line message.

The TUI runs these methods one at a time, in key order, on its store thread (``tui.store``), and
shows each returned state; the load test and the unit tests drive the same methods directly.
Errors are ``StorageError``\\ s (busy, disk full, refused offsets); after one, ``state()``
reads what is really stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from newsmark.events import validate
from newsmark.model import Article, Event, EventType, Schema, Span, inner_first
from newsmark.suggest import PROPAGATED, Suggestion, propagate, shown

from .errors import StorageError
from .repo import Action, Store

Range = tuple[int, int]


class SessionError(StorageError):
    """A key that cannot act here (no event being annotated, a span that is gone, …)."""


@dataclass(frozen=True, slots=True)
class Building:
    """The event whose arguments are being assigned (argument mode); ``new``: created in this
    argument mode, so cancelling deletes it."""

    event_id: int
    new: bool


@dataclass(frozen=True, slots=True)
class State:
    """What is stored for one annotator on one article, as the screen should show it."""

    article_id: int
    spans: tuple[Span, ...] = ()
    events: tuple[Event, ...] = ()
    status: str = "todo"
    flag: str | None = None  # the flag's note ('' without one), None when not flagged
    building: Building | None = None
    rejected: tuple[tuple[int, int, str], ...] = ()  # (start, end, label) of rejected suggestions

    @property
    def spans_by_id(self) -> dict[int, Span]:
        return {s.id: s for s in self.spans if s.id is not None}

    def event(self, event_id: int | None) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)

    @property
    def building_event(self) -> Event | None:
        return None if self.building is None else self.event(self.building.event_id)

    def spans_at(self, where: Range | None, chosen: int | None = None) -> list[Span]:
        """Spans overlapping ``where`` (the token under the cursor), innermost first; the span
        ``chosen`` (by id: a click in the span panel, tab) first when it is among them."""
        if where is None:
            return []
        here = sorted((s for s in self.spans if s.overlaps(*where)), key=inner_first)
        picked = next((s for s in here if s.id == chosen), None) if chosen is not None else None
        if picked is not None:
            here.remove(picked)
            here.insert(0, picked)
        return here

    def arguments_using(self, span_id: int) -> list[tuple[Event, str]]:
        """(event, role) of every argument that points at the span."""
        return [(e, a.role) for e in self.events for a in e.arguments if a.span_id == span_id]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The effect of one key: the stored state afterwards, and what to tell the annotator."""

    state: State
    message: str = ""
    severity: str = "information"  # information | warning | error, as Textual's notify
    changed: bool = False  # something was written
    label: str | None = None  # the label applied (it becomes the label used last)
    confirm: tuple[tuple[Event, str], ...] = ()  # delete_span: these arguments would go too
    span: Span | None = None  # the span acted on (delete_span: the one to confirm)
    action: Action | None = None  # undo / redo: the action undone or redone
    next_article: int | None = None  # finish: the next article still to do
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Opened:
    """An article as a reader opens it for one annotator: its text and tokens, the annotator's
    spans, events, status, flag and remembered position, and older annotated versions."""

    article: Article
    spans: list[Span]
    events: list[Event]
    position: tuple[int, int] | None
    older: list[int]
    flag: str | None
    status: str
    rejected: tuple[tuple[int, int, str], ...] = ()  # suggestions the annotator rejected here


def open_article(store: Store, article_id: int, annotator: str) -> Opened:
    """Everything a reader shows of ``article_id`` for ``annotator``: reads only."""
    return Opened(store.article(article_id), store.spans(article_id, annotator),
                  store.events(article_id, annotator), store.position(article_id, annotator),
                  store.older_annotated_versions(article_id), store.flagged(article_id, annotator),
                  store.status(article_id, annotator),
                  tuple(store.rejected_suggestions(article_id, annotator)))


def others_annotations(store: Store, article_id: int, annotator: str
                       ) -> dict[str, tuple[list[Span], list[Event]]]:
    """Every other annotator's spans and events on the article (to show them read-only)."""
    return {who: (store.spans(article_id, who), store.events(article_id, who))
            for who in store.annotators(article_id) if who != annotator}


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a key was pressed: the token under the cursor, the selection (if any), and the span
    chosen in the panel (by id), all as they were at that key press."""

    token: Range | None = None
    selection: Range | None = None
    chosen: int | None = None

    @property
    def target(self) -> Range | None:
        """What a new span covers: the selection, else the token under the cursor."""
        return self.selection or self.token


class AnnotationSession:
    """``annotator``'s work on article ``article_id`` in ``store``, by the rules of ``schema``."""

    def __init__(self, store: Store, article_id: int, annotator: str, schema: Schema) -> None:
        self.store = store
        self.article_id = article_id
        self.annotator = annotator
        self.schema = schema
        self.building: Building | None = None
        self._state: State | None = None
        self._article: Article | None = None  # read when first needed (propagate)

    # --- reading --------------------------------------------------------------------------------

    def state(self) -> State:
        """Read what is stored (spans, events, status, flag) and remember it."""
        store, a, who = self.store, self.article_id, self.annotator
        spans = tuple(store.spans(a, who))
        events = tuple(store.events(a, who))
        building = self.building
        if building is not None and not any(e.id == building.event_id for e in events):
            building = self.building = None  # the event was undone or deleted
        self._state = State(a, spans, events, store.status(a, who), store.flagged(a, who),
                            building, tuple(store.rejected_suggestions(a, who)))
        return self._state

    @property
    def current(self) -> State:
        """The state as last read (read now if never)."""
        return self._state if self._state is not None else self.state()

    def _done(self, message: str = "", severity: str = "information", **kw) -> Outcome:
        return Outcome(self.state(), message, severity, changed=True, **kw)

    def _say(self, message: str, severity: str = "warning", **kw) -> Outcome:
        return Outcome(self.current, message, severity, **kw)

    # --- spans ----------------------------------------------------------------------------------

    def label(self, name: str, at: Cursor) -> Outcome:
        """Label as ``name``:

        * a selection: a new span over it (a span over exactly those characters with another
          label is relabelled instead of doubled);
        * no selection, the cursor on a span: that span (the chosen, else the innermost) is
          relabelled;
        * otherwise: a new span over the token under the cursor.
        """
        if self.schema.labels and name not in {lab.name for lab in self.schema.labels}:
            return self._say(f"No label {name} in the schema")
        state = self.current
        under = state.spans_at(at.token, at.chosen)[:1] if at.selection is None else []
        target = at.target
        if under:
            span = under[0]
            if span.label == name:
                return self._say("", label=name)
            self.store.relabel_span(span.id, self.annotator, name)
            return self._done(label=name)
        if target is None:
            return self._say("")
        same = [s for s in state.spans if (s.start, s.end) == target]
        if same and all(s.label != name for s in same):
            self.store.relabel_span(same[0].id, self.annotator, name)
        else:
            self.store.add_span(self.article_id, self.annotator, *target, name)
        return self._done(label=name)

    def span_under(self, at: Cursor) -> Span | None:
        """The span a key at ``at`` acts on: the chosen one, else the innermost."""
        here = self.current.spans_at(at.token, at.chosen)
        return here[0] if here else None

    def delete_span(self, at: Cursor, span_id: int | None = None, confirmed: bool = False
                    ) -> Outcome:
        """Delete the span under the cursor (or ``span_id``). When event arguments point at it
        and it is not ``confirmed``, nothing is deleted: the outcome lists them (``confirm``) so
        the caller can ask and call again with ``confirmed=True``; then the span and those
        arguments go as one undoable action."""
        state = self.current
        span = state.spans_by_id.get(span_id) if span_id is not None else self.span_under(at)
        if span is None:
            return self._say("No span under the cursor" if span_id is None
                             else "That span is gone (changed meanwhile)")
        uses = self._uses(span.id)
        if uses and not confirmed:
            return self._say("", "information", confirm=tuple(uses), span=span)
        self.store.delete_span(span.id, self.annotator)
        return self._done(span=span)

    def _uses(self, span_id: int) -> list[tuple[Event, str]]:
        """(event, role) of the arguments pointing at the span, as stored now (another process
        may have changed them since the last state was read)."""
        rows = self.store.arguments_using(span_id)
        state = self.current
        if any(state.event(event_id) is None for event_id, _ in rows):
            state = self.state()
        return [(event, role) for event_id, role in rows
                if (event := state.event(event_id)) is not None]

    # --- events ---------------------------------------------------------------------------------

    def new_event(self, type_name: str, trigger: Range) -> Outcome:
        """A new event of ``type_name`` with ``trigger``; argument mode starts on it."""
        if self.schema.event_type(type_name) is None:
            return self._say(f"No event type {type_name} in the schema")
        event = self.store.add_event(self.article_id, self.annotator, type_name, *trigger)
        self.building = Building(event.id, True)
        return self._done()

    def edit_arguments(self, event_id: int) -> Outcome:
        """Argument mode on an existing event (cancelling then just ends it)."""
        if self.current.event(event_id) is None:
            return self._say("That event is gone (changed meanwhile)")
        self.building = Building(event_id, False)
        self._state = replace(self.current, building=self.building)
        return Outcome(self._state)

    def _building(self) -> tuple[Event, EventType | None]:
        event = self.current.building_event
        if event is None:
            raise SessionError("No event is being annotated")
        return event, self.schema.event_type(event.type)

    def assign_role(self, role_name: str, at: Cursor, fallback_label: str | None = None
                    ) -> Outcome:
        """The span under the cursor (the innermost one the role accepts), or the span over
        exactly the selection, becomes a ``role_name`` argument of the event being annotated.
        With no such span, one is created first over the selection (or the token under the
        cursor), labelled by ``Schema.filler_label``: the first mention label the role accepts
        (a filler is a mention, not a named entity, unless it was labelled first), else the
        role's first accepted label (a role that accepts any label: ``fallback_label``, the
        label used last): two undoable actions. A filler that is the
        event's own trigger, or any part of it, is refused."""
        event, etype = self._building()
        role = etype.role(role_name) if etype is not None else None
        if role is None:
            return self._say(f"{event.type} has no role {role_name}")
        state = self.current
        if at.selection is not None:
            candidates = [s for s in state.spans if (s.start, s.end) == at.selection]
        else:
            candidates = state.spans_at(at.token, at.chosen)
        accepted = [s for s in candidates if role.accepts(s.label)]
        span = (accepted or candidates or [None])[0]
        where = (span.start, span.end) if span is not None else at.target
        if where is None:
            return self._say("")
        if where[0] < event.end and event.start < where[1]:
            return self._say(f"The trigger cannot be an argument of its own event: this "
                             f"overlaps it ({role.name} not assigned)")
        created = None
        if span is None:
            label = self.schema.filler_label(role, fallback_label)
            span = self.store.add_span(self.article_id, self.annotator, *where, label)
            created = label
        if any(a.role == role.name and a.span_id == span.id for a in event.arguments):
            return Outcome(self.state(), f"Already the {role.name} of this event",
                           changed=created is not None)
        self.store.add_argument(event.id, self.annotator, role.name, span.id)
        message = f"{created} span created for {role.name}" if created else ""
        return self._done(message, span=span)

    def finish_event(self) -> Outcome:
        """Leave argument mode; the message names the event and its warnings (never blocking)."""
        event = self.current.building_event
        self.building = None
        self._state = replace(self.current, building=None)
        if event is None:
            return Outcome(self._state)
        warnings = validate(event, self.schema, self._state.spans_by_id)
        n = len(event.arguments)
        message = f"{event.type} saved with {n} argument{'s' if n != 1 else ''}"
        if warnings:
            return Outcome(self._state, message + ": " + "; ".join(warnings), "warning")
        return Outcome(self._state, message)

    def cancel_event(self) -> Outcome:
        """Leave argument mode; a new event is deleted (one undoable action, so ``u`` brings it
        back with its arguments; spans labelled meanwhile stay); editing just ends."""
        building, event = self.building, self.current.building_event
        self.building = None
        if building is None or event is None or not building.new:
            self._state = replace(self.current, building=None)
            return Outcome(self._state)
        self.store.delete_event(event.id, self.annotator)
        return self._done(f"{event.type} cancelled (u brings it back)")

    def cycle_modality(self, event_id: int | None) -> Outcome:
        """The event's modality (the schema's ``modality``, else its first attribute) to its
        next value."""
        event = self.current.event(event_id)
        if event is None:
            return self._say("No event under the cursor")
        schema = self.schema
        attr = schema.attribute("modality") or (schema.attributes[0] if schema.attributes else None)
        if attr is None:
            return self._say("The schema has no event attributes")
        value = attr.next_value(event.attributes.get(attr.name, attr.default))
        self.store.set_attribute(event.id, self.annotator, attr.name, value)
        return self._done(f"{event.type}: {attr.name} {value}")

    def set_event_type(self, event_id: int, type_name: str) -> Outcome:
        if self.schema.event_type(type_name) is None:
            return self._say(f"No event type {type_name} in the schema")
        self.store.set_event_type(event_id, self.annotator, type_name)
        return self._done()

    def delete_event(self, event_id: int) -> Outcome:
        event = self.current.event(event_id)
        self.store.delete_event(event_id, self.annotator)
        if self.building is not None and self.building.event_id == event_id:
            self.building = None
        name = event.type if event is not None else "Event"
        return self._done(f"{name} deleted (u brings it back)")

    def remove_argument(self, argument_id: int) -> Outcome:
        self.store.remove_argument(argument_id, self.annotator)
        return self._done("Argument removed (u brings it back)")

    # --- history --------------------------------------------------------------------------------

    def undo(self) -> Outcome:
        return self._history(self.store.undo, "undo")

    def redo(self) -> Outcome:
        return self._history(self.store.redo, "redo")

    def _history(self, step, which: str) -> Outcome:
        action = step(self.annotator, self.article_id)
        if action is None:
            return self._say(f"Nothing to {which}", "information")
        return self._done(action=action)

    # --- the article ----------------------------------------------------------------------------

    def finish(self, status: str) -> Outcome:
        """Set the article's status (done, skipped, …) and find the next one still to do."""
        self.store.set_status([self.article_id], self.annotator, status)
        following = self.store.next_todo(self.annotator, after=self.article_id)
        return self._done(next_article=following)

    def flag(self, note: str | None) -> Outcome:
        """Flag the article with ``note`` (``None`` clears the flag), as one undoable action."""
        self.store.flag(self.article_id, self.annotator, note)
        return self._done()

    # --- suggestions (newsmark.suggest) ---------------------------------------------------------

    @property
    def article(self) -> Article:
        if self._article is None:
            self._article = self.store.article(self.article_id)
        return self._article

    def _in_schema(self, label: str) -> bool:
        return not self.schema.labels or label in {lab.name for lab in self.schema.labels}

    def propagate(self, at: Cursor, span_id: int | None = None) -> Outcome:
        """Label every other occurrence of the span under the cursor (or ``span_id``) -- the same
        words, token for token -- with its label, as ONE undoable action whose spans have origin
        ``propagated``; occurrences overlapping a stored span are left out. ``extra["count"]``:
        how many were added; the message says it ("3 more PER: Olaf Scholz")."""
        state = self.current
        span = state.spans_by_id.get(span_id) if span_id is not None else self.span_under(at)
        if span is None:
            return self._say("No span under the cursor to propagate")
        if not self._in_schema(span.label):
            return self._say(f"No label {span.label} in the schema: not propagated")
        article = self.article
        found = propagate(article.text, article.tokens, span, state.spans)
        words = " ".join(article.text[span.start:span.end].split())
        if not found:
            return self._say(f"No other occurrence of {span.label}: {words}", "information",
                             extra={"count": 0})
        added = self.store.accept_suggestions(
            self.article_id, self.annotator, [(s.start, s.end, s.label, PROPAGATED) for s in found],
            f"propagate {span.label}")
        return self._done(f"{len(added)} more {span.label}: {words}", span=span,
                          label=span.label, extra={"count": len(added)})

    def _stale(self, suggestion: Suggestion) -> str:
        """Why ``suggestion`` cannot be accepted now ('' when it can)."""
        if not self._in_schema(suggestion.label):
            return f"No label {suggestion.label} in the schema"
        if any(s.overlaps(suggestion.start, suggestion.end) for s in self.current.spans):
            return "A span is there now: the suggestion is gone"
        return ""

    def accept(self, suggestion: Suggestion) -> Outcome:
        """The suggestion becomes a span (one undoable action) whose origin is its source."""
        why = self._stale(suggestion)
        if why:
            return self._say(why)
        s = suggestion
        self.store.add_span(self.article_id, self.annotator, s.start, s.end, s.label, s.source)
        return self._done(f"{s.label} accepted ({s.source})", label=s.label,
                          extra={"count": 1})

    def visible(self, suggestions: list[Suggestion]) -> list[Suggestion]:
        """What the reader shows of ``suggestions`` beside what is stored now (``shown``)."""
        state = self.current
        return shown(suggestions, state.spans, self.schema, state.rejected)

    def accept_all(self, suggestions: list[Suggestion]) -> Outcome:
        """Every one of ``suggestions`` still visible (``visible``: schema labels, no stored
        span there, not rejected, the longest of overlapping ones) becomes a span with its
        source as origin, all as ONE undoable action."""
        keep = self.visible(suggestions)
        if not keep:
            return self._say("No suggestions to accept", "information", extra={"count": 0})
        added = self.store.accept_suggestions(
            self.article_id, self.annotator, [(s.start, s.end, s.label, s.source) for s in keep],
            f"accept {len(keep)} suggestion{'s' if len(keep) != 1 else ''}")
        by_label: dict[str, int] = {}
        for span in added:
            by_label[span.label] = by_label.get(span.label, 0) + 1
        counts = ", ".join(f"{n} {label}" for label, n in sorted(by_label.items()))
        return self._done(f"{len(added)} accepted" + (f": {counts}" if counts else ""),
                          extra={"count": len(added)})

    def reject(self, suggestion: Suggestion) -> Outcome:
        """Hide the suggestion for this annotator on this article (one undoable action)."""
        s = suggestion
        self.store.reject_suggestion(self.article_id, self.annotator, s.start, s.end, s.label,
                                     s.source)
        return self._done(f"{s.label} suggestion rejected (u brings it back)")
