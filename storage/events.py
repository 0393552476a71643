"""Events, their role arguments and attributes. Mixed into ``storage.repo.Store``.

Every change is one undoable action recorded as row operations (``ops``): undo applies the
inverse operations in reverse order, redo applies them again, so one mechanism covers adding,
editing and deleting events and arguments, and deleting a span together with the arguments that
point at it.
"""

from __future__ import annotations

from newsmark.model import Argument, Event

from .db import transaction
from .errors import StorageError


class EventError(StorageError):
    pass


class EventsMixin:
    db: object

    # --- reading --------------------------------------------------------------------------------

    def events(self, article_id: int, annotator: str) -> list[Event]:
        rows = self.db.execute(
            "select id, article_id, annotator, type, start, end, text_hash, created, updated "
            "from events where article_id = ? and annotator = ? order by start, end, id",
            [article_id, annotator],
        ).fetchall()
        if not rows:
            return []
        ids = [r[0] for r in rows]
        marks = ", ".join("?" for _ in ids)
        args: dict[int, list[Argument]] = {}
        for aid, eid, role, span_id in self.db.execute(
            f"select a.id, a.event_id, a.role, a.span_id from event_arguments a "
            f"join spans s on s.id = a.span_id where a.event_id in ({marks}) order by s.start, a.id",
            ids,
        ):
            args.setdefault(eid, []).append(Argument(role, span_id, aid))
        attrs: dict[int, dict[str, str]] = {}
        for eid, name, value in self.db.execute(
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
        row = self.db.execute("select article_id, annotator from events where id = ?", [event_id]).fetchone()
        if row is None:
            raise EventError(f"no event {event_id}")
        return next(e for e in self.events(row[0], row[1]) if e.id == event_id)

    def arguments_using(self, span_id: int) -> list[tuple[int, str]]:
        """(event id, role) of every argument that points at the span."""
        return [tuple(r) for r in self.db.execute(
            "select event_id, role from event_arguments where span_id = ? order by event_id", [span_id]
        ).fetchall()]

    # --- writing: each method is one action ------------------------------------------------------

    @transaction
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
        from .repo import now

        text_hash = self.check_offsets(article_id, start, end, "trigger")
        stamp = now()
        ops: list = []
        row = {"article_id": article_id, "annotator": annotator, "type": type, "start": start,
               "end": end, "text_hash": text_hash, "created": stamp, "updated": stamp}
        row["id"] = self.db["events"].insert(row).last_pk
        ops.append(["insert", "events", row])
        for role, span_id in arguments or []:
            ops.append(["insert", "event_arguments", self._insert_argument(row["id"], role, span_id, annotator)])
        for name, value in (attributes or {}).items():
            arow = {"event_id": row["id"], "name": name, "value": value}
            self.db["event_attributes"].insert(arow)
            ops.append(["insert", "event_attributes", arow])
        self._log(annotator, article_id, "ops", {"label": "add event", "ops": ops})
        self._touch_status(article_id, annotator)
        return self.event(row["id"])

    def _insert_argument(self, event_id: int, role: str, span_id: int, annotator: str) -> dict:
        from .repo import StorageError

        owner = self.db.execute(
            "select s.annotator = e.annotator and s.article_id = e.article_id from spans s, events e "
            "where s.id = ? and e.id = ?", [span_id, event_id]
        ).fetchone()
        if not owner or not owner[0]:
            raise StorageError(f"span {span_id} is not {annotator}'s span in the event's article")
        arow = {"event_id": event_id, "role": role, "span_id": span_id}
        arow["id"] = self.db["event_arguments"].insert(arow).last_pk
        return arow

    def _event_owner(self, event_id: int, annotator: str) -> tuple[int, dict]:
        row = self.db.execute(
            "select * from events where id = ? and annotator = ?", [event_id, annotator]
        ).fetchone()
        if row is None:
            raise EventError(f"no event {event_id} for annotator {annotator!r}")
        cols = [d[0] for d in self.db.execute("select * from events limit 0").description]
        rec = dict(zip(cols, row))
        return rec["article_id"], rec

    @transaction
    def add_argument(self, event_id: int, annotator: str, role: str, span_id: int) -> None:
        article_id, _ = self._event_owner(event_id, annotator)
        arow = self._insert_argument(event_id, role, span_id, annotator)
        self._touch_event(event_id)
        self._log(annotator, article_id, "ops", {"label": "add argument", "ops": [["insert", "event_arguments", arow]]})

    @transaction
    def remove_argument(self, argument_id: int, annotator: str) -> None:
        row = self.db.execute(
            "select a.id, a.event_id, a.role, a.span_id from event_arguments a join events e on e.id = a.event_id "
            "where a.id = ? and e.annotator = ?", [argument_id, annotator]
        ).fetchone()
        if row is None:
            raise EventError(f"no argument {argument_id} for annotator {annotator!r}")
        arow = dict(zip(("id", "event_id", "role", "span_id"), row))
        article_id, _ = self._event_owner(arow["event_id"], annotator)
        self.db["event_arguments"].delete(argument_id)
        self._log(annotator, article_id, "ops", {"label": "remove argument", "ops": [["delete", "event_arguments", arow]]})

    @transaction
    def set_event_type(self, event_id: int, annotator: str, type: str) -> None:
        article_id, rec = self._event_owner(event_id, annotator)
        if rec["type"] == type:
            return
        self.db["events"].update(event_id, {"type": type})
        self._log(annotator, article_id, "ops", {"label": "change event type", "ops": [
            ["update", "events", {"id": event_id}, {"type": rec["type"]}, {"type": type}]]})

    @transaction
    def set_attribute(self, event_id: int, annotator: str, name: str, value: str) -> None:
        article_id, _ = self._event_owner(event_id, annotator)
        old = self.db.execute(
            "select value from event_attributes where event_id = ? and name = ?", [event_id, name]
        ).fetchone()
        new_row = {"event_id": event_id, "name": name, "value": value}
        if old is None:
            self.db["event_attributes"].insert(new_row)
            ops = [["insert", "event_attributes", new_row]]
        else:
            self.db["event_attributes"].update((event_id, name), {"value": value})
            ops = [["update", "event_attributes", {"event_id": event_id, "name": name},
                    {"value": old[0]}, {"value": value}]]
        self._touch_event(event_id)
        self._log(annotator, article_id, "ops", {"label": f"set {name}", "ops": ops})

    @transaction
    def delete_event(self, event_id: int, annotator: str) -> None:
        article_id, rec = self._event_owner(event_id, annotator)
        ops = self._event_delete_ops(event_id, rec)
        self._run_ops(ops)
        self._log(annotator, article_id, "ops", {"label": "delete event", "ops": ops})

    def _event_delete_ops(self, event_id: int, rec: dict) -> list:
        ops = []
        for row in self.db["event_arguments"].rows_where("event_id = ?", [event_id]):
            ops.append(["delete", "event_arguments", row])
        for row in self.db["event_attributes"].rows_where("event_id = ?", [event_id]):
            ops.append(["delete", "event_attributes", row])
        ops.append(["delete", "events", rec])
        return ops

    def _touch_event(self, event_id: int) -> None:
        from .repo import now

        self.db.execute("update events set updated = ? where id = ?", [now(), event_id])

    # --- the row-operation log ------------------------------------------------------------------

    _PKS = {"events": ("id",), "event_arguments": ("id",), "spans": ("id",),
            "event_attributes": ("event_id", "name")}

    def _run_ops(self, ops: list, reverse: bool = False) -> None:
        for op in (reversed(ops) if reverse else ops):
            kind, table = op[0], op[1]
            if kind == "update":
                pk, old, new = op[2], op[3], op[4]
                where = " and ".join(f"[{k}] = ?" for k in pk)
                values = old if reverse else new
                sets = ", ".join(f"[{k}] = ?" for k in values)
                self.db.execute(f"update [{table}] set {sets} where {where}",
                                list(values.values()) + list(pk.values()))
                continue
            insert = (kind == "insert") != reverse
            row = op[2]
            if insert:
                self.db[table].insert(row, replace=True)
            else:
                where = " and ".join(f"[{k}] = ?" for k in self._PKS[table])
                self.db.execute(f"delete from [{table}] where {where}", [row[k] for k in self._PKS[table]])
