"""Suggestions in storage (issue 15): accepting suggestions as spans, and what an annotator
rejected.

A suggestion is never stored as a span until it is accepted: accepting adds an ordinary span
whose ``origin`` says where it came from (``propagated``, ``pattern``, ``model:NAME``), as one
undoable action however many it adds; the action's payload carries every added span's row,
origin included (provenance in the action log). A rejected suggestion is a row of
``rejected_suggestions`` (per article and annotator), written as one undoable action too, and
read back so the reader keeps it hidden. Everything here runs inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable

from newsmark.model import Span

from .actions import ActionLog
from .articles import Articles
from .rows import insert, now, select, span_from_row
from .status import touch_status

# --- accept and reject (the reader's a, A, P and x on a suggestion) ------------------------------


def accept_spans(conn: sqlite3.Connection, articles: Articles, actions: ActionLog,
                 article_id: int, annotator: str,
                 items: Iterable[tuple[int, int, str, str]], what: str) -> list[Span]:
    """Add a span for each ``(start, end, label, origin)`` as ONE undoable ``ops`` action named
    ``what``; a span the annotator has already (same extent and label) is left as it is. The
    payload lists every inserted row (with its origin) and ``origins``: how many per origin.
    Returns the spans added (none: nothing is logged)."""
    added: list[Span] = []
    ops: list = []
    seen: set[tuple[int, int, str]] = set()
    stamp = now()
    for start, end, label, origin in items:
        if (start, end, label) in seen:
            continue
        seen.add((start, end, label))
        text_hash = articles.check_offsets(article_id, start, end, "span")
        if select(conn, "select id from spans where article_id = ? and annotator = ? and "
                        "start = ? and end = ? and label = ? limit 1",
                  [article_id, annotator, start, end, label]):
            continue
        row = {"article_id": article_id, "annotator": annotator, "start": start, "end": end,
               "label": label, "text_hash": text_hash, "origin": origin, "created": stamp,
               "updated": stamp}
        row["id"] = insert(conn, "spans", row)
        ops.append(["insert", "spans", row])
        added.append(span_from_row(row))
    if ops:
        origins = Counter(op[2]["origin"] for op in ops)
        actions.log(annotator, article_id, "ops",
                    {"label": what, "ops": ops, "origins": dict(sorted(origins.items()))})
        touch_status(conn, article_id, annotator)
    return added


def reject_suggestion(conn: sqlite3.Connection, actions: ActionLog, article_id: int,
                      annotator: str, start: int, end: int, label: str, source: str) -> bool:
    """Record that ``annotator`` rejected the suggestion ``label`` over [start, end) on the
    article (one undoable action). False when it was rejected already (nothing written)."""
    if conn.execute('select 1 from rejected_suggestions where article_id = ? and annotator = ? '
                    'and start = ? and "end" = ? and label = ?',
                    [article_id, annotator, start, end, label]).fetchone():
        return False
    row = {"article_id": article_id, "annotator": annotator, "start": start, "end": end,
           "label": label, "source": source, "created": now()}
    insert(conn, "rejected_suggestions", row)
    actions.log(annotator, article_id, "ops", {"label": "reject suggestion",
                                               "ops": [["insert", "rejected_suggestions", row]]})
    return True


def rejected_suggestions(conn: sqlite3.Connection, article_id: int, annotator: str
                         ) -> list[tuple[int, int, str]]:
    """(start, end, label) of every suggestion ``annotator`` rejected on the article."""
    return [tuple(r) for r in conn.execute(
        'select start, "end", label from rejected_suggestions where article_id = ? and '
        'annotator = ? order by start, "end", label', [article_id, annotator])]
