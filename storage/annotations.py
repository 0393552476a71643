"""Spans, status and flag: what an annotator puts on an article. Each write is one undoable
action (``storage.actions``) and runs inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from newsmark.model import STATUSES, Span

from .actions import ActionLog
from .articles import Articles
from .errors import StorageError
from .rows import insert, now, select, span_from_row, update
from .status import read_flag, read_status, touch_status, write_flag, write_status


class Annotations:
    """The ``spans`` and ``status`` tables of one connection."""

    def __init__(self, conn: sqlite3.Connection, articles: Articles, actions: ActionLog) -> None:
        self.conn = conn
        self.articles = articles
        self.actions = actions

    # --- spans ----------------------------------------------------------------------------------

    def spans(self, article_id: int, annotator: str) -> list[Span]:
        rows = select(self.conn, "select * from spans where article_id = ? and annotator = ? "
                                 "order by start, end desc, id", [article_id, annotator])
        return [span_from_row(r) for r in rows]

    def annotators(self, article_id: int | None = None) -> list[str]:
        if article_id is None:
            sql, args = "select distinct annotator from spans order by annotator", []
        else:
            sql = "select distinct annotator from spans where article_id = ? order by annotator"
            args = [article_id]
        return [r[0] for r in self.conn.execute(sql, args).fetchall()]

    def add_span(self, article_id: int, annotator: str, start: int, end: int, label: str,
                 origin: str = "manual") -> Span:
        """Add a span as one undoable action. Adding an identical span returns the existing one."""
        text_hash = self.articles.check_offsets(article_id, start, end, "span")
        existing = select(
            self.conn,
            "select * from spans where article_id = ? and annotator = ? and start = ? "
            "and end = ? and label = ? limit 1",
            [article_id, annotator, start, end, label])
        if existing:
            return span_from_row(existing[0])
        stamp = now()
        row = {
            "article_id": article_id,
            "annotator": annotator,
            "start": start,
            "end": end,
            "label": label,
            "text_hash": text_hash,
            "origin": origin,
            "created": stamp,
            "updated": stamp,
        }
        row["id"] = insert(self.conn, "spans", row)
        self.actions.log(annotator, article_id, "add_span", {"span": row})
        touch_status(self.conn, article_id, annotator)
        return span_from_row(row)

    def delete_span(self, span_id: int, annotator: str) -> Span:
        """Delete a span, and the event arguments that point at it, as one undoable action."""
        row = self.span_row(span_id, annotator)
        ops = [["delete", "event_arguments", r] for r in select(
            self.conn, "select * from event_arguments where span_id = ?", [span_id])]
        ops.append(["delete", "spans", row])
        self.actions.run_ops(ops)
        self.actions.log(annotator, row["article_id"], "ops", {"label": "delete span", "ops": ops})
        return span_from_row(row)

    def relabel_span(self, span_id: int, annotator: str, label: str) -> Span:
        row = self.span_row(span_id, annotator)
        if row["label"] == label:
            return span_from_row(row)
        stamp = now()
        update(self.conn, "spans", {"id": span_id}, {"label": label, "updated": stamp})
        self.actions.log(annotator, row["article_id"], "relabel_span",
                         {"id": span_id, "old": row["label"], "new": label})
        row.update(label=label, updated=stamp)
        return span_from_row(row)

    def span_row(self, span_id: int, annotator: str) -> dict:
        rows = select(self.conn, "select * from spans where id = ? and annotator = ? limit 1",
                      [span_id, annotator])
        if not rows:
            raise StorageError(f"no span {span_id} for annotator {annotator!r}")
        return rows[0]

    # --- status and flag ------------------------------------------------------------------------

    def status(self, article_id: int, annotator: str) -> str:
        return read_status(self.conn, article_id, annotator)

    def set_status(self, article_ids: Iterable[int], annotator: str, status: str) -> int:
        """Set the status of many articles as one undoable action. Returns how many changed."""
        if status not in STATUSES:
            raise StorageError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        ids = list(article_ids)
        old = {i: self.status(i, annotator) for i in ids}
        changed = [i for i in ids if old[i] != status]
        for i in changed:
            write_status(self.conn, i, annotator, status)
        if changed:
            scope = changed[0] if len(changed) == 1 else None
            self.actions.log(annotator, scope, "set_status",
                             {"old": {str(i): old[i] for i in changed}, "new": status})
        return len(changed)

    def flag(self, article_id: int, annotator: str, note: str | None) -> None:
        """Flag the article with a note (``None`` clears the flag), as one undoable action."""
        old = read_flag(self.conn, article_id, annotator)
        new = {"flagged": note is not None, "note": note}
        write_flag(self.conn, article_id, annotator, new)
        self.actions.log(annotator, article_id, "flag", {"old": old, "new": new})

    def flagged(self, article_id: int, annotator: str) -> str | None:
        """The flag's note ('' for a flag without a note), or None when not flagged."""
        flag = read_flag(self.conn, article_id, annotator)
        return (flag["note"] or "") if flag["flagged"] else None
