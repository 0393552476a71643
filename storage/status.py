"""The ``status`` table: each annotator's status and flag per article. Plain statements on the
connection, shared by the annotations (``storage.annotations``), the events, the importer and
the action log, which writes them again on undo and redo.
"""

from __future__ import annotations

import sqlite3

from .rows import now


def read_status(conn: sqlite3.Connection, article_id: int, annotator: str) -> str:
    row = conn.execute(
        "select status from status where article_id = ? and annotator = ?",
        [article_id, annotator],
    ).fetchone()
    return row[0] if row else "todo"


def read_flag(conn: sqlite3.Connection, article_id: int, annotator: str) -> dict:
    """``{"flagged": bool, "note": str | None}`` as stored (unflagged when there is no row)."""
    row = conn.execute(
        "select flagged, note from status where article_id = ? and annotator = ?",
        [article_id, annotator],
    ).fetchone()
    return {"flagged": bool(row[0]) if row else False, "note": row[1] if row else None}


def write_status(conn: sqlite3.Connection, article_id: int, annotator: str, status: str) -> None:
    conn.execute(
        """insert into status (article_id, annotator, status, updated) values (?, ?, ?, ?)
           on conflict (article_id, annotator)
           do update set status = excluded.status, updated = excluded.updated""",
        [article_id, annotator, status, now()],
    )


def write_flag(conn: sqlite3.Connection, article_id: int, annotator: str, value: dict) -> None:
    conn.execute(
        """insert into status (article_id, annotator, status, flagged, note, updated)
           values (?, ?, 'todo', ?, ?, ?)
           on conflict (article_id, annotator)
           do update set flagged = excluded.flagged, note = excluded.note,
                         updated = excluded.updated""",
        [article_id, annotator, int(value["flagged"]), value["note"], now()],
    )


def touch_status(conn: sqlite3.Connection, article_id: int, annotator: str) -> None:
    """The first span (or event) on a todo article puts it in progress (not itself an undoable
    action)."""
    if read_status(conn, article_id, annotator) == "todo":
        write_status(conn, article_id, annotator, "in_progress")
