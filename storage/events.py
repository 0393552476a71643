"""Events, their role arguments and attributes.

Every change is one undoable action recorded as row operations (``ops``, ``storage.actions``):
undo applies the inverse operations in reverse order, redo applies them again, so one mechanism
covers adding, editing and deleting events and arguments, and deleting a span together with the
arguments that point at it. Writes run inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3

from newsmark.model import Argument, Event

from .actions import ActionLog
from .articles import Articles
from .errors import StorageError
from .rows import insert, now, select, update
from .status import touch_status


class EventError(StorageError):
    pass


class Events:
    """The ``events``, ``event_arguments`` and ``event_attributes`` tables of one connection."""

    def __init__(self, conn: sqlite3.Connection, articles: Articles, actions: ActionLog) -> None:
        self.conn = conn
        self.articles = articles
        self.actions = actions

    # --- reading --------------------------------------------------------------------------------

    def events(self, article_id: int, annotator: str) -> list[Event]:
        rows = self.conn.execute(
            "select id, article_id, annotator, type, start, end, text_hash, created, updated "
            "from events where article_id = ? and annotator = ? order by start, end, id",
            [article_id, annotator],
        ).fetchall()
        if not rows:
            return []
        ids = [r[0] for r in rows]
        marks = ", ".join("?" for _ in ids)
        args: dict[int, list[Argument]] = {}
        for aid, eid, role, span_id in self.conn.execute(
            f"select a.id, a.event_id, a.role, a.span_id from event_arguments a "
            f"join spans s on s.id = a.span_id where a.event_id in ({marks}) order by s.start, a.id",
            ids,
        ):
            args.setdefault(eid, []).append(Argument(role, span_id, aid))
        attrs: dict[int, dict[str, str]] = {}
        for eid, name, value in self.conn.execute(
            f"select event_id, name, value from event_attributes where event_id in ({marks}) "
            "order by name",
            ids,
        ):
            attrs.setdefault(eid, {})[name] = value
        return [
            Event(start=r[4], end=r[5], type=r[3], arguments=args.get(r[0], []),
                  attributes=attrs.get(r[0], {}), article_id=r[1], annotator=r[2],
                  text_hash=r[6], id=r[0], created=r[7], updated=r[8])
            for r in rows
        ]

    def event(self, event_id: int) -> Event:
        row = self.conn.execute("select article_id, annotator from events where id = ?", [event_id]).fetchone()
        if row is None:
            raise EventError(f"no event {event_id}")
        return next(e for e in self.events(row[0], row[1]) if e.id == event_id)

    def arguments_using(self, span_id: int) -> list[tuple[int, str]]:
        """(event id, role) of every argument that points at the span."""
        return [tuple(r) for r in self.conn.execute(
            "select event_id, role from event_arguments where span_id = ? order by event_id", [span_id]
        ).fetchall()]

    # --- writing: each method is one action ------------------------------------------------------

    def add_event(
        self,
        article_id: int,
        annotator: str,
        type: str,
        start: int,
        end: int,
        arguments: list[tuple[str, int]] | None = None,
        attributes: dict[str, str] | None = None,
    ) -> Event:
        text_hash = self.articles.check_offsets(article_id, start, end, "trigger")
        stamp = now()
        ops: list = []
        row = {"article_id": article_id, "annotator": annotator, "type": type, "start": start,
               "end": end, "text_hash": text_hash, "created": stamp, "updated": stamp}
        row["id"] = insert(self.conn, "events", row)
        ops.append(["insert", "events", row])
        for role, span_id in arguments or []:
            ops.append(["insert", "event_arguments", self._insert_argument(row["id"], role, span_id, annotator)])
        for name, value in (attributes or {}).items():
            arow = {"event_id": row["id"], "name": name, "value": value}
            insert(self.conn, "event_attributes", arow)
            ops.append(["insert", "event_attributes", arow])
        self.actions.log(annotator, article_id, "ops", {"label": "add event", "ops": ops})
        touch_status(self.conn, article_id, annotator)
        return self.event(row["id"])

    def _insert_argument(self, event_id: int, role: str, span_id: int, annotator: str) -> dict:
        owner = self.conn.execute(
            "select s.annotator = e.annotator and s.article_id = e.article_id from spans s, events e "
            "where s.id = ? and e.id = ?", [span_id, event_id]
        ).fetchone()
        if not owner or not owner[0]:
            raise StorageError(f"span {span_id} is not {annotator}'s span in the event's article")
        arow = {"event_id": event_id, "role": role, "span_id": span_id}
        arow["id"] = insert(self.conn, "event_arguments", arow)
        return arow

    def _event_owner(self, event_id: int, annotator: str) -> tuple[int, dict]:
        rows = select(self.conn, "select * from events where id = ? and annotator = ?",
                      [event_id, annotator])
        if not rows:
            raise EventError(f"no event {event_id} for annotator {annotator!r}")
        return rows[0]["article_id"], rows[0]

    def add_argument(self, event_id: int, annotator: str, role: str, span_id: int) -> None:
        article_id, _ = self._event_owner(event_id, annotator)
        arow = self._insert_argument(event_id, role, span_id, annotator)
        self._touch_event(event_id)
        self.actions.log(annotator, article_id, "ops", {"label": "add argument", "ops": [["insert", "event_arguments", arow]]})

    def remove_argument(self, argument_id: int, annotator: str) -> None:
        row = self.conn.execute(
            "select a.id, a.event_id, a.role, a.span_id from event_arguments a join events e on e.id = a.event_id "
            "where a.id = ? and e.annotator = ?", [argument_id, annotator]
        ).fetchone()
        if row is None:
            raise EventError(f"no argument {argument_id} for annotator {annotator!r}")
        arow = dict(zip(("id", "event_id", "role", "span_id"), row))
        article_id, _ = self._event_owner(arow["event_id"], annotator)
        self.conn.execute("delete from event_arguments where id = ?", [argument_id])
        self.actions.log(annotator, article_id, "ops", {"label": "remove argument", "ops": [["delete", "event_arguments", arow]]})

    def set_event_type(self, event_id: int, annotator: str, type: str) -> None:
        article_id, rec = self._event_owner(event_id, annotator)
        if rec["type"] == type:
            return
        update(self.conn, "events", {"id": event_id}, {"type": type})
        self.actions.log(annotator, article_id, "ops", {"label": "change event type", "ops": [
            ["update", "events", {"id": event_id}, {"type": rec["type"]}, {"type": type}]]})

    def set_attribute(self, event_id: int, annotator: str, name: str, value: str) -> None:
        article_id, _ = self._event_owner(event_id, annotator)
        old = self.conn.execute(
            "select value from event_attributes where event_id = ? and name = ?", [event_id, name]
        ).fetchone()
        new_row = {"event_id": event_id, "name": name, "value": value}
        if old is None:
            insert(self.conn, "event_attributes", new_row)
            ops = [["insert", "event_attributes", new_row]]
        else:
            update(self.conn, "event_attributes", {"event_id": event_id, "name": name},
                   {"value": value})
            ops = [["update", "event_attributes", {"event_id": event_id, "name": name},
                    {"value": old[0]}, {"value": value}]]
        self._touch_event(event_id)
        self.actions.log(annotator, article_id, "ops", {"label": f"set {name}", "ops": ops})

    def delete_event(self, event_id: int, annotator: str) -> None:
        article_id, rec = self._event_owner(event_id, annotator)
        ops = self._event_delete_ops(event_id, rec)
        self.actions.run_ops(ops)
        self.actions.log(annotator, article_id, "ops", {"label": "delete event", "ops": ops})

    def _event_delete_ops(self, event_id: int, rec: dict) -> list:
        ops = []
        for row in select(self.conn, "select * from event_arguments where event_id = ?",
                          [event_id]):
            ops.append(["delete", "event_arguments", row])
        for row in select(self.conn, "select * from event_attributes where event_id = ?",
                          [event_id]):
            ops.append(["delete", "event_attributes", row])
        ops.append(["delete", "events", rec])
        return ops

    def _touch_event(self, event_id: int) -> None:
        self.conn.execute("update events set updated = ? where id = ?", [now(), event_id])
