"""Event validation warnings per annotator (for the library's progress line).

Validation never blocks (``newsmark.events.validate``); this only counts. Events are read in
batches by id with their arguments' span labels and their attributes, never all at once; a caller
that shares the connection (the TUI, under its lock) asks batch by batch with ``after``, so the
connection is free in between (100,000 events take about a second in all).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from newsmark.events import validate
from newsmark.model import Argument, Event, Schema, Span

BATCH = 2000


@dataclass(frozen=True, slots=True)
class WarningCounts:
    events: int = 0  # the annotator's events
    flagged: int = 0  # of which have at least one warning
    warnings: int = 0  # warnings in all

    def __add__(self, other: WarningCounts) -> WarningCounts:
        return WarningCounts(self.events + other.events, self.flagged + other.flagged,
                             self.warnings + other.warnings)


class Warnings:
    """Counting validation warnings, on one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def event_warnings(self, annotator: str, schema: Schema) -> WarningCounts:
        """How many of ``annotator``'s events there are, how many have validation warnings
        against ``schema``, and how many warnings in all."""
        total, after = WarningCounts(), 0
        while after is not None:
            part, after = self.event_warnings_batch(annotator, schema, after)
            total += part
        return total

    def event_warnings_batch(self, annotator: str, schema: Schema, after: int = 0,
                             limit: int = BATCH) -> tuple[WarningCounts, int | None]:
        """``event_warnings`` over the next ``limit`` events with ids above ``after``; and the
        ``after`` to ask with next, or None when there are no more."""
        events = flagged = warnings = 0
        q = self.conn.execute
        rows = q("select id, type, start, end from events where annotator = ? and id > ? "
                 "order by id limit ?", [annotator, after, limit]).fetchall()
        if rows:
            lo, last = rows[0][0], rows[-1][0]
            batch = {r[0]: Event(start=r[2], end=r[3], type=r[1], id=r[0]) for r in rows}
            spans: dict[int, dict[int, Span]] = {}
            for eid, aid, role, sid, label, start, end in q(
                "select a.event_id, a.id, a.role, a.span_id, s.label, s.start, s.end "
                "from event_arguments a join events e on e.id = a.event_id "
                "left join spans s on s.id = a.span_id "
                "where e.annotator = ? and a.event_id between ? and ?", [annotator, lo, last]
            ):
                batch[eid].arguments.append(Argument(role, sid, aid))
                if label is not None:
                    spans.setdefault(eid, {})[sid] = Span(start, end, label, id=sid)
            for eid, name, value in q(
                "select t.event_id, t.name, t.value from event_attributes t "
                "join events e on e.id = t.event_id "
                "where e.annotator = ? and t.event_id between ? and ?", [annotator, lo, last]
            ):
                batch[eid].attributes[name] = value
            for eid, event in batch.items():
                found = validate(event, schema, spans.get(eid, {}))
                events += 1
                flagged += bool(found)
                warnings += len(found)
        more = len(rows) == limit
        return WarningCounts(events, flagged, warnings), (rows[-1][0] if more else None)
