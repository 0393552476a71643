"""The action log: every undoable action, with what it needs to be undone and redone.

Each action is a row of ``actions``: its kind and a JSON payload. Spans' own actions
(``add_span``, ``relabel_span``), the flag and the status have kinds of their own; everything
else (events, arguments, attributes, deleting a span with the arguments that point at it) is
recorded as row operations (``ops``): undo runs the inverse operations in reverse order, redo
runs them again. The log runs inside the caller's transaction: an action and its log row are
committed together, so undo and redo survive restarts and never see half an action.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from .errors import StorageError
from .rows import insert, now, update
from .status import write_flag, write_status

# the key columns of the tables row operations touch
_KEYS = {"events": ("id",), "event_arguments": ("id",), "spans": ("id",),
         "event_attributes": ("event_id", "name"),
         "rejected_suggestions": ("article_id", "annotator", "start", "end", "label")}


@dataclass(slots=True)
class Action:
    id: int
    kind: str
    article_id: int | None
    payload: dict


class ActionLog:
    """The ``actions`` table of one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def log(self, annotator: str, article_id: int | None, kind: str, payload: dict) -> None:
        """Record an action done. A new action ends the redo history of its scope."""
        self.conn.execute(
            "delete from actions where annotator = ? and state = 'undone' "
            "and (article_id is ? or ? is null)",
            [annotator, article_id, article_id],
        )
        insert(self.conn, "actions", {
            "annotator": annotator,
            "article_id": article_id,
            "kind": kind,
            "payload": json.dumps(payload, ensure_ascii=False),
            "state": "done",
            "created": now(),
        })

    def as_one(self, annotator: str, article_id: int | None, label: str,
               body: Callable[[], object]) -> int:
        """Run ``body`` (writes that log actions of ``annotator``) and fold the actions it
        logged into one ``ops`` action named ``label``, so one undo takes them all back.
        Returns how many row operations that is (0: nothing was logged)."""
        before = self.conn.execute("select coalesce(max(id), 0) from actions").fetchone()[0]
        body()
        logged = self.conn.execute(
            "select kind, payload from actions where id > ? and annotator = ? order by id",
            [before, annotator]).fetchall()
        if not logged:
            return 0
        ops: list = []
        for kind, payload in logged:
            p = json.loads(payload)
            if kind in ("add_span", "delete_span"):
                ops.append(["insert" if kind == "add_span" else "delete", "spans", p["span"]])
            elif kind == "relabel_span":
                ops.append(["update", "spans", {"id": p["id"]}, {"label": p["old"]},
                            {"label": p["new"]}])
            elif kind == "ops":
                ops.extend(p["ops"])
            else:  # pragma: no cover - status and flag actions are not folded
                raise StorageError(f"cannot fold an action of kind {kind!r} into one")
        self.conn.execute("delete from actions where id > ? and annotator = ?",
                          [before, annotator])
        self.log(annotator, article_id, "ops", {"label": label, "ops": ops})
        return len(ops)

    def next_action(self, annotator: str, article_id: int | None, state: str) -> Action | None:
        """The action undo takes (``state`` ``done``: the newest done) or redo takes
        (``undone``: the oldest undone, which is the one undone last), in ``article_id`` when
        given."""
        order = "desc" if state == "done" else "asc"
        sql = ("select id, kind, article_id, payload from actions where annotator = ? "
               "and state = ? " + ("and article_id = ? " if article_id is not None else "")
               + f"order by id {order} limit 1")
        args: list = [annotator, state] + ([article_id] if article_id is not None else [])
        row = self.conn.execute(sql, args).fetchone()
        if row is None:
            return None
        return Action(row[0], row[1], row[2], json.loads(row[3]))

    def undo(self, annotator: str, article_id: int | None = None) -> Action | None:
        """Undo the annotator's last action (in ``article_id`` when given). None if nothing."""
        return self._step(annotator, article_id, reverse=True)

    def redo(self, annotator: str, article_id: int | None = None) -> Action | None:
        """Redo the annotator's most recently undone action. None if nothing."""
        return self._step(annotator, article_id, reverse=False)

    def _step(self, annotator: str, article_id: int | None, reverse: bool) -> Action | None:
        action = self.next_action(annotator, article_id, "done" if reverse else "undone")
        if action is None:
            return None
        self.apply(action, annotator, reverse)
        update(self.conn, "actions", {"id": action.id},
               {"state": "undone" if reverse else "done"})
        return action

    def apply(self, action: Action, annotator: str, reverse: bool) -> None:
        """Do ``action`` (of ``annotator``) again, or (``reverse``) undo it."""
        p = action.payload
        if action.kind in ("add_span", "delete_span"):
            if (action.kind == "add_span") != reverse:
                insert(self.conn, "spans", p["span"], replace=True)
            else:
                self.conn.execute("delete from spans where id = ?", [p["span"]["id"]])
        elif action.kind == "relabel_span":
            label = p["old"] if reverse else p["new"]
            update(self.conn, "spans", {"id": p["id"]}, {"label": label, "updated": now()})
        elif action.kind == "ops":
            self.run_ops(p["ops"], reverse=reverse)
        elif action.kind == "flag":
            write_flag(self.conn, action.article_id, annotator, p["old"] if reverse else p["new"])
        elif action.kind == "set_status":
            for article_id, old in p["old"].items():
                write_status(self.conn, int(article_id), annotator, old if reverse else p["new"])
        else:  # pragma: no cover - a log written by a newer newsmark
            raise StorageError(f"cannot undo an action of kind {action.kind!r}")

    def run_ops(self, ops: list, reverse: bool = False) -> None:
        """Run row operations (``["insert" | "delete", table, row]``,
        ``["update", table, key, old, new]``), or (``reverse``) their inverses, last first."""
        for op in (reversed(ops) if reverse else ops):
            kind, table = op[0], op[1]
            if kind == "update":
                key, old, new = op[2], op[3], op[4]
                where = " and ".join(f"[{k}] = ?" for k in key)
                values = old if reverse else new
                sets = ", ".join(f"[{k}] = ?" for k in values)
                self.conn.execute(f"update [{table}] set {sets} where {where}",
                                  list(values.values()) + list(key.values()))
                continue
            row = op[2]
            if (kind == "insert") != reverse:
                insert(self.conn, table, row, replace=True)
            else:
                keys = _KEYS[table]
                where = " and ".join(f"[{k}] = ?" for k in keys)
                self.conn.execute(f"delete from [{table}] where {where}", [row[k] for k in keys])
