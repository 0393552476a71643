"""Schema changes mid-project: renaming a span label or an event type, or merging one into
another, over every stored annotation (``newsmark labels``).

A change is one transaction and one undoable action. It is logged as row operations (``ops``,
``storage.actions``) with ``article_id`` NULL (it spans many articles) under the annotator
``LABELS_ANNOTATOR``, not under any person's name: an annotator's own ``u`` in the TUI never
takes back a team-wide change, and ``undo_change`` takes back the last one only.

What changes:

- a span label ``A`` renamed or merged into ``B``: every span labelled ``A`` (every annotator,
  ``gold`` included, or one annotator) becomes ``B``. The event arguments that point at those
  spans follow them (an argument points at a span, not at a label): they are counted as
  changed. On a merge, an ``A`` span whose annotator already has a ``B`` span on the same extent
  of the same article is a duplicate (the spans' unique index forbids two): it is deleted, and
  its arguments are moved to the ``B`` span (an argument the event already has with the same
  role and the ``B`` span is dropped instead);
- an event type ``A``: every event of type ``A`` becomes ``B`` (events have no unique index: two
  events of one type on one trigger stay two).

Undo is careful: a row changed since (a span relabelled again, an event retyped, a span deleted)
is left as it is and counted; a deleted duplicate that cannot come back (its place is taken) is
counted, and the arguments that would point at it stay where they are.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from newsmark.model import Schema

from .actions import Action, ActionLog
from .errors import StorageError
from .rows import insert, now, select

# who the action log says made a label change (no person: see the module's docstring)
LABELS_ANNOTATOR = "newsmark:labels"
KINDS = ("label", "event")


class LabelError(StorageError):
    """A rename or merge that cannot be done as asked; nothing was written."""


@dataclass(slots=True)
class LabelChange:
    """What a rename or merge changed (or, ``dry_run``, would change), per annotator:
    ``spans``, ``events``, ``arguments`` changed and ``duplicates`` (spans deleted on a merge)."""

    kind: str  # "label" (span label) or "event" (event type)
    old: str
    new: str
    merge: bool
    annotator: str | None = None  # only this annotator's annotations; None: everyone's
    dry_run: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, annotator: str, what: str, n: int = 1) -> None:
        row = self.counts.setdefault(
            annotator, {"spans": 0, "events": 0, "arguments": 0, "duplicates": 0})
        row[what] += n

    def total(self, what: str) -> int:
        return sum(c[what] for c in self.counts.values())

    @property
    def verb(self) -> str:
        return "merge" if self.merge else "rename"


@dataclass(slots=True)
class UndoneChange:
    """A label change taken back: what it was, the rows restored, and the rows left as they
    are because they changed since (``skipped``)."""

    action: Action
    restored: int
    skipped: int


def decide_kind(schema: Schema, old: str, new: str, stored: tuple[bool, bool],
                kind: str | None = None) -> str:
    """Is ``old`` a span label (``"label"``) or an event type (``"event"``)?

    ``kind`` given: that. Else the active schema decides, by ``old``, then by ``new`` (after the
    schema was edited, only the new name is in it); ``stored`` (spans use the name, events use
    it) decides a name the schema has neither as label nor as event type. A name that is both
    (in the schema, or else in the database) is refused: ``--kind`` must say which."""
    if kind is not None:
        if kind not in KINDS:
            raise LabelError(f"unknown kind {kind!r}; expected label or event")
        return kind
    for name in (old, new):
        as_label, as_event = schema.label(name) is not None, schema.event_type(name) is not None
        if as_label and as_event:
            raise LabelError(f"{name} is both a span label and an event type in the schema "
                             f"{schema.name}: say which with --kind label or --kind event")
        if as_label or as_event:
            return "label" if as_label else "event"
    in_spans, in_events = stored
    if in_spans and in_events:
        raise LabelError(f"{old} is stored both as a span label and as an event type: say "
                         "which with --kind label or --kind event")
    if not in_spans and not in_events:
        raise LabelError(f"no span label or event type {old} is stored, and the schema "
                         f"{schema.name} has neither {old} nor {new} (nothing changed)")
    return "label" if in_spans else "event"


class Labels:
    """Label renames and merges on one connection; writes run in the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection, actions: ActionLog) -> None:
        self.conn = conn
        self.actions = actions

    def stored(self, name: str) -> tuple[bool, bool]:
        """(spans use ``name`` as label, events use it as type)."""
        q = self.conn.execute
        return (q("select 1 from spans where label = ? limit 1", [name]).fetchone() is not None,
                q("select 1 from events where type = ? limit 1", [name]).fetchone() is not None)

    def not_in_schema(self, schema: Schema) -> dict[str, tuple[int, int]]:
        """{label: (spans, articles)} for every stored span label the schema does not have.
        The distinct labels are found one index seek each (``spans(label)``), not by reading
        every span; only the spans of such labels are counted."""
        q = self.conn.execute
        known = set(schema.names)
        out: dict[str, tuple[int, int]] = {}
        label = q("select min(label) from spans").fetchone()[0]
        while label is not None:
            if label not in known:
                out[label] = tuple(q("select count(*), count(distinct article_id) from spans "
                                     "where label = ?", [label]).fetchone())
            label = q("select min(label) from spans where label > ?", [label]).fetchone()[0]
        return out

    def plan(self, schema: Schema, old: str, new: str, merge: bool, annotator: str | None = None,
             kind: str | None = None) -> tuple[LabelChange, list]:
        """What the change would do: its counts and the row operations doing it (nothing is
        written)."""
        if old == new:
            raise LabelError(f"{old}: the old and the new name are the same (nothing changed)")
        kind = decide_kind(schema, old, new, self.stored(old), kind)
        change = LabelChange(kind, old, new, merge, annotator)
        who, args = ("and annotator = ? ", [annotator]) if annotator is not None else ("", [])
        if kind == "event":
            return change, self._plan_events(change, who, args)
        if not merge:
            taken = self.conn.execute(f"select count(*) from spans where label = ? {who}",
                                      [new, *args]).fetchone()[0]
            if taken:
                raise LabelError(f"{new} is already the label of {taken} span"
                                 f"{'s' if taken != 1 else ''}: `newsmark labels merge {old} "
                                 f"{new}` merges {old} into it (nothing changed)")
        return change, self._plan_spans(change, who, args)

    def _plan_events(self, change: LabelChange, who: str, args: list) -> list:
        if not change.merge:
            taken = self.conn.execute(f"select count(*) from events where type = ? {who}",
                                      [change.new, *args]).fetchone()[0]
            if taken:
                raise LabelError(f"{change.new} is already the type of {taken} event"
                                 f"{'s' if taken != 1 else ''}: `newsmark labels merge "
                                 f"{change.old} {change.new}` merges {change.old} into it "
                                 "(nothing changed)")
        stamp = now()
        ops = []
        for eid, annotator, updated in self.conn.execute(
                f"select id, annotator, updated from events where type = ? {who} order by id",
                [change.old, *args]):
            change.count(annotator, "events")
            ops.append(["update", "events", {"id": eid}, {"type": change.old, "updated": updated},
                        {"type": change.new, "updated": stamp}])
        return ops

    def _plan_spans(self, change: LabelChange, who: str, args: list) -> list:
        old, new = change.old, change.new
        stamp = now()
        # the spans to relabel, and on a merge the B span on the same extent, if any
        rows = select(self.conn, f"select * from spans where label = ? {who} order by id",
                      [old, *args])
        twins: dict[int, int] = {}
        if change.merge:  # each B span found through the unique index, from its A span
            twins = dict(self.conn.execute(f"""
                select a.id, b.id from spans a join spans b
                  on b.article_id = a.article_id and b.annotator = a.annotator
                 and b.start = a.start and b.end = a.end and b.label = ?
                where a.label = ? {who.replace('annotator', 'a.annotator')}""",
                [new, old, *args]))
        ops: list = []
        relabelled: list[int] = []
        for row in rows:
            twin = twins.get(row["id"])
            if twin is None:
                change.count(row["annotator"], "spans")
                relabelled.append(row["id"])
                ops.append(["update", "spans", {"id": row["id"]},
                            {"label": old, "updated": row["updated"]},
                            {"label": new, "updated": stamp}])
                continue
            change.count(row["annotator"], "duplicates")
            kept = {tuple(r) for r in self.conn.execute(
                "select event_id, role from event_arguments where span_id = ?", [twin])}
            for arg in select(self.conn, "select * from event_arguments where span_id = ? "
                                         "order by id", [row["id"]]):
                change.count(row["annotator"], "arguments")
                if (arg["event_id"], arg["role"]) in kept:
                    ops.append(["delete", "event_arguments", arg])
                else:
                    kept.add((arg["event_id"], arg["role"]))
                    ops.append(["update", "event_arguments", {"id": arg["id"]},
                                {"span_id": row["id"]}, {"span_id": twin}])
            ops.append(["delete", "spans", row])
        # the arguments whose filler is relabelled (they are not rows that change)
        for start in range(0, len(relabelled), 500):
            part = relabelled[start:start + 500]
            marks = ", ".join("?" for _ in part)
            for annotator, n in self.conn.execute(
                    f"select s.annotator, count(*) from event_arguments g join spans s "
                    f"on s.id = g.span_id where g.span_id in ({marks}) group by s.annotator",
                    part):
                change.count(annotator, "arguments", n)
        return ops

    def change(self, schema: Schema, old: str, new: str, merge: bool,
               annotator: str | None = None, kind: str | None = None) -> LabelChange:
        """Rename ``old`` to ``new`` (``merge``: merge ``old`` into ``new``), one action."""
        change, ops = self.plan(schema, old, new, merge, annotator, kind)
        if not ops:
            return change
        self.actions.run_ops(ops)
        self.actions.log(LABELS_ANNOTATOR, None, "ops", {
            "label": f"labels {change.verb} {old} -> {new}"
                     + (f" ({annotator}'s)" if annotator is not None else ""),
            "labels": {"kind": change.kind, "old": old, "new": new, "merge": merge,
                       "annotator": annotator, "counts": change.counts},
            "ops": ops})
        return change

    def undo_change(self) -> UndoneChange | None:
        """Take back the last label change not taken back yet; None when there is none. Rows
        changed since are left as they are (counted in ``skipped``)."""
        action = self.actions.next_action(LABELS_ANNOTATOR, None, "done")
        if action is None:
            return None
        restored = skipped = 0
        lost: set[int] = set()  # spans that could not come back: leave their arguments be
        stamp = now()
        for op in reversed(action.payload["ops"]):
            kind, table = op[0], op[1]
            if kind == "update":
                key, old, new = op[2], op[3], op[4]
                first = next(iter(new))  # the value that changed: still there?
                if table == "event_arguments" and old[first] in lost:
                    skipped += 1
                    continue
                values = {**old, "updated": stamp} if "updated" in old else old
                sets = ", ".join(f"[{k}] = ?" for k in values)
                try:
                    n = self.conn.execute(
                        f"update [{table}] set {sets} where id = ? and [{first}] = ?",
                        [*values.values(), key["id"], new[first]]).rowcount
                except sqlite3.IntegrityError:  # its place is taken meanwhile
                    n = 0
                restored += n
                skipped += 1 - n
            else:  # a delete: insert the row again
                row = op[2]
                if table == "event_arguments" and row["span_id"] in lost:
                    skipped += 1
                    continue
                try:
                    insert(self.conn, table, row)
                    restored += 1
                except sqlite3.IntegrityError:
                    skipped += 1
                    if table == "spans":
                        lost.add(row["id"])
        self.conn.execute("update actions set state = 'undone' where id = ?", [action.id])
        return UndoneChange(action, restored, skipped)
