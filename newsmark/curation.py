"""Curation: several annotators' versions of one article merged into one plan for ``gold``.

Each annotator's layer (spans and events) becomes a set of *items*: a span is its extent and
label; an event is its trigger extent and type, its arguments as (role, argument extent) and its
attributes (a value equal to the schema's default counts as not set). Two annotators agree on an
item when both have it. The plan:

- ``accepted``: items every chosen annotator has (rule ``unanimous``), or more than half of them
  (rule ``majority``): written to gold when curation starts;
- ``disagreements``: every item that is not accepted, grouped with the items it overlaps (spans
  with spans, events with events by their triggers, transitively) into one disagreement, which
  holds each annotator's version of that stretch of text (possibly nothing). Taking a version
  makes gold's items among the disagreement's items exactly that version's.

Everything is ordered by text position, so the same layers always give the same plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import NewsmarkError
from .model import Event, Schema, Span

RULES = ("unanimous", "majority")
GOLD = "gold"


class CurationError(NewsmarkError, ValueError):
    """A curation that cannot be planned (no annotators, an unknown rule)."""


@dataclass(frozen=True, slots=True)
class SpanItem:
    start: int
    end: int
    label: str

    kind = "span"

    @property
    def key(self) -> tuple:
        return ("span", self.start, self.end, self.label)


@dataclass(frozen=True, slots=True)
class ArgumentItem:
    """An event's argument: the role and the filler's extent; ``label`` is the filler span's label
    in the version it comes from (what gold gets when it has no span there), not compared."""

    role: str
    start: int
    end: int
    label: str = field(compare=False)


@dataclass(frozen=True, slots=True)
class EventItem:
    start: int
    end: int
    type: str
    arguments: tuple[ArgumentItem, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()  # (name, value), defaults left out, sorted

    kind = "event"

    @property
    def key(self) -> tuple:
        return ("event", self.start, self.end, self.type,
                tuple((a.role, a.start, a.end) for a in self.arguments), self.attributes)


Item = SpanItem | EventItem


def position(item: Item) -> tuple:
    """The sort key of items: by text position, spans before events at the same place."""
    return (item.start, -item.end, 0 if item.kind == "span" else 1, item.key)


@dataclass(frozen=True, slots=True)
class Version:
    """One annotator's items in a disagreement (empty: nothing there)."""

    annotator: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Disagreement:
    start: int
    end: int
    kind: str  # span | event
    versions: tuple[Version, ...]  # one per chosen annotator, in their order
    accepted: tuple[Item, ...] = ()  # items of it the rule accepted (majority)

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item any version has, once, in text order."""
        seen: dict[tuple, Item] = {}
        for version in self.versions:
            for item in version.items:
                seen.setdefault(item.key, item)
        return tuple(sorted(seen.values(), key=position))

    def version(self, annotator: str) -> Version:
        return next(v for v in self.versions if v.annotator == annotator)

    def both(self, *annotators: str) -> tuple[Item, ...]:
        """The union of the named annotators' versions, once each, in text order."""
        seen: dict[tuple, Item] = {}
        for who in annotators:
            for item in self.version(who).items:
                seen.setdefault(item.key, item)
        return tuple(sorted(seen.values(), key=position))

    def matching(self, gold: Iterable[Item]) -> list[str]:
        """The annotators whose version gold has now (among this disagreement's items)."""
        mine = {i.key for i in self.items}
        now = {i.key for i in gold if i.key in mine}
        return [v.annotator for v in self.versions if {i.key for i in v.items} == now]


@dataclass(frozen=True, slots=True)
class Plan:
    annotators: tuple[str, ...]
    rule: str
    accepted: tuple[Item, ...]
    disagreements: tuple[Disagreement, ...]


# --- layers to items -------------------------------------------------------------------------


def span_items(spans: Iterable[Span]) -> list[SpanItem]:
    return sorted({SpanItem(s.start, s.end, s.label) for s in spans}, key=position)


def event_item(event: Event, spans_by_id: Mapping[int, Span],
               defaults: Mapping[str, str] | None = None) -> EventItem:
    """The event as an item: arguments resolved to their spans' extents (an argument whose span
    is not in ``spans_by_id`` is left out), default attribute values left out."""
    args = []
    for a in event.arguments:
        span = spans_by_id.get(a.span_id)
        if span is not None:
            args.append(ArgumentItem(a.role, span.start, span.end, span.label))
    args.sort(key=lambda a: (a.role, a.start, a.end))
    defaults = defaults or {}
    attrs = tuple(sorted((k, v) for k, v in event.attributes.items() if defaults.get(k) != v))
    return EventItem(event.start, event.end, event.type, tuple(args), attrs)


def layer_items(spans: Sequence[Span], events: Sequence[Event],
                schema: Schema | None = None) -> list[Item]:
    """One annotator's spans and events as items, in text order."""
    defaults = {a.name: a.default for a in schema.attributes} if schema else {}
    by_id = {s.id: s for s in spans if s.id is not None}
    items: set[Item] = set(span_items(spans))
    items.update(event_item(e, by_id, defaults) for e in events)
    return sorted(items, key=position)


# --- the plan --------------------------------------------------------------------------------


def plan(layers: Mapping[str, Sequence[Item]], rule: str = "unanimous") -> Plan:
    """The curation plan of the annotators' items (``layers``: annotator -> items, in the order
    the columns are shown)."""
    if rule not in RULES:
        raise CurationError(f"unknown curation rule {rule!r} (known: {', '.join(RULES)})")
    if not layers:
        raise CurationError("no annotators to curate")
    names = tuple(layers)
    n = len(names)
    have: dict[tuple, set[str]] = {}
    by_key: dict[tuple, Item] = {}
    for who in names:
        for item in layers[who]:
            have.setdefault(item.key, set()).add(who)
            by_key.setdefault(item.key, item)
    needed = n if rule == "unanimous" else n // 2 + 1
    accepted_keys = {k for k, who in have.items() if len(who) >= needed}
    accepted = tuple(sorted((by_key[k] for k in accepted_keys), key=position))
    # the items not every annotator has, grouped by overlap (spans and events apart)
    pool = [by_key[k] for k, who in have.items() if len(who) < n]
    groups: list[list[Item]] = []
    for kind in ("span", "event"):
        current: list[Item] = []
        reach = -1
        for item in sorted((i for i in pool if i.kind == kind), key=position):
            if current and item.start >= reach:
                groups.append(current)
                current = []
            current.append(item)
            reach = max(reach, item.end) if len(current) > 1 else item.end
        if current:
            groups.append(current)
    disagreements = []
    for group in groups:
        if all(i.key in accepted_keys for i in group):
            continue  # every item of it has a majority: resolved
        keys = {i.key for i in group}
        versions = tuple(Version(who, tuple(sorted(
            (by_key[k] for k in keys if who in have[k]), key=position))) for who in names)
        disagreements.append(Disagreement(
            min(i.start for i in group), max(i.end for i in group), group[0].kind, versions,
            tuple(i for i in sorted(group, key=position) if i.key in accepted_keys)))
    disagreements.sort(key=lambda d: (d.start, d.end, d.kind))
    return Plan(names, rule, accepted, tuple(disagreements))


def plan_layers(layers: Mapping[str, tuple[Sequence[Span], Sequence[Event]]],
                rule: str = "unanimous", schema: Schema | None = None) -> Plan:
    """``plan`` of the annotators' stored spans and events (annotator -> (spans, events))."""
    return plan({who: layer_items(spans, events, schema)
                 for who, (spans, events) in layers.items()}, rule)
