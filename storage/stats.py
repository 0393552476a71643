"""Counts for ``newsmark stats``.

Status counts are over the newest version of each article (what the library lists: what is left
to do). Span and event counts are over every stored annotation (what an export contains), and a
"record" is an article and annotator with spans, events or the status done, as in the export.
Events are validated against the schema batch by batch, never all in memory.
"""

from __future__ import annotations

import sqlite3

from newsmark.events import validate
from newsmark.model import STATUSES, Argument, Event, Schema, Span

from .assignments import Assignments

EVENT_BATCH = 1000
_NEWEST = "a.id in (select id from library)"  # the newest versions


class Stats:
    """``newsmark stats``'s counts, on one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def stats(self, schema: Schema) -> dict:
        q = self.conn.execute
        articles = q(f"select count(*) from articles a where {_NEWEST}").fetchone()[0]
        names = [r[0] for r in q(
            "select annotator from status union select annotator from spans "
            "union select annotator from events order by 1")]
        annotators: dict[str, dict] = {
            n: {**{s: 0 for s in STATUSES}, "flagged": 0, "spans": 0, "events": 0} for n in names}
        for ann, status, n, flagged in q(
            f"select st.annotator, st.status, count(*), sum(st.flagged) from status st "
            f"join articles a on a.id = st.article_id where {_NEWEST} "
            "group by st.annotator, st.status"
        ):
            if status in STATUSES and status != "todo":
                annotators[ann][status] += n
            annotators[ann]["flagged"] += flagged or 0
        for ann, n in q("select annotator, count(*) from spans group by annotator"):
            annotators[ann]["spans"] = n
        for ann, n in q("select annotator, count(*) from events group by annotator"):
            annotators[ann]["events"] = n
        for counts in annotators.values():
            counts["todo"] = articles - sum(counts[s] for s in STATUSES if s != "todo")

        by_label = dict(q("select label, count(*) from spans group by label order by label"))
        total_spans = sum(by_label.values())
        records = q(
            "select count(*) from (select article_id, annotator from spans "
            "union select article_id, annotator from events "
            "union select article_id, annotator from status where status = 'done')"
        ).fetchone()[0]

        by_type: dict[str, dict[str, int]] = {}
        for event, spans in self._iter_events_for_stats():
            warnings = validate(event, schema, spans)
            t = by_type.setdefault(event.type, {"events": 0, "flagged": 0, "warnings": 0})
            t["events"] += 1
            t["flagged"] += bool(warnings)
            t["warnings"] += len(warnings)
        by_type = dict(sorted(by_type.items()))
        return {
            "schema": schema.name,
            "articles": articles,
            "annotators": annotators,
            "assignments": Assignments(self.conn).progress(),  # per annotator; {} when none
            "records": records,
            "spans": {
                "total": total_spans,
                "mean_per_article": round(total_spans / records, 2) if records else 0.0,
                "by_label": by_label,
                "not_in_schema": sorted(set(by_label) - set(schema.names)),
                # label -> articles with such spans: a label taken out of the schema is listed
                "not_in_schema_articles": {label: q(
                    "select count(distinct article_id) from spans where label = ?",
                    [label]).fetchone()[0] for label in sorted(set(by_label) - set(schema.names))},
            },
            "events": {
                "total": sum(t["events"] for t in by_type.values()),
                "flagged": sum(t["flagged"] for t in by_type.values()),
                "warnings": sum(t["warnings"] for t in by_type.values()),
                "by_type": by_type,
                "not_in_schema": sorted(t for t in by_type if schema.event_type(t) is None),
            },
        }

    def _iter_events_for_stats(self):
        """(event with arguments and attributes, {span id: span} of its arguments), by event id."""
        last = 0
        while True:
            rows = self.conn.execute(
                "select id, type, start, end from events where id > ? order by id limit ?",
                [last, EVENT_BATCH],
            ).fetchall()
            if not rows:
                return
            lo, hi = rows[0][0], rows[-1][0]
            last = hi
            events = {r[0]: Event(start=r[2], end=r[3], type=r[1], id=r[0]) for r in rows}
            spans: dict[int, dict[int, Span]] = {}
            for eid, aid, role, sid, label, start, end in self.conn.execute(
                "select a.event_id, a.id, a.role, a.span_id, s.label, s.start, s.end "
                "from event_arguments a left join spans s on s.id = a.span_id "
                "where a.event_id between ? and ? order by a.event_id, a.id", [lo, hi]
            ):
                events[eid].arguments.append(Argument(role, sid, aid))
                if label is not None:
                    spans.setdefault(eid, {})[sid] = Span(start, end, label, id=sid)
            for eid, name, value in self.conn.execute(
                "select event_id, name, value from event_attributes where event_id between ? and ?",
                [lo, hi],
            ):
                events[eid].attributes[name] = value
            for eid, event in events.items():
                yield event, spans.get(eid, {})
