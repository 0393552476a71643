"""Assignments: which annotator is to annotate which article (``newsmark assign``).

The ``assignments`` table (migration ``m008_team``) holds one row per article and annotator, with
the ``batch`` (the time of the run that wrote it). The plan itself is the domain's
(``newsmark.assign.plan``); here it is read, written and counted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from newsmark.assign import Plan, plan
from newsmark.model import STATUSES

from .rows import now


def has_assignments(conn: sqlite3.Connection, annotator: str | None = None) -> bool:
    """Whether any article is assigned (to ``annotator``, when given): one index probe."""
    if annotator is None:
        sql, args = "select 1 from assignments limit 1", []
    else:
        sql, args = "select 1 from assignments where annotator = ? limit 1", [annotator]
    return conn.execute(sql, args).fetchone() is not None


class Assignments:
    """The ``assignments`` table of one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def plan(self, article_ids: Iterable[int], annotators: str | Iterable[str],
             overlap: int) -> Plan:
        """What assigning ``article_ids`` would write, given every stored assignment."""
        existing = dict(self.conn.execute(
            "select annotator, count(*) from assignments group by annotator"))
        assigned = {r[0] for r in self.conn.execute(
            "select distinct article_id from assignments")}
        return plan(article_ids, annotators, overlap, existing, assigned)

    def save(self, planned: Plan, batch: str | None = None) -> str:
        """Write the plan's rows (inside the caller's transaction); returns the batch name."""
        batch = batch or now()
        self.conn.executemany(
            "insert into assignments (article_id, annotator, batch) values (?, ?, ?)",
            [(article_id, annotator, batch) for article_id, annotator in planned.rows])
        return batch

    def assigned_ids(self, annotator: str) -> list[int]:
        """The ids of the articles assigned to ``annotator``, ascending."""
        return [r[0] for r in self.conn.execute(
            "select article_id from assignments where annotator = ? order by article_id",
            [annotator])]

    def progress(self) -> dict[str, dict[str, int]]:
        """Per annotator with assignments: ``assigned`` and how many of them are in each status
        (``todo``, ``in_progress``, ``done``, ``skipped``: the annotator's own status)."""
        out: dict[str, dict[str, int]] = {}
        for annotator, status, n in self.conn.execute(
            "select a.annotator, coalesce(st.status, 'todo'), count(*) from assignments a "
            "left join status st on st.article_id = a.article_id and st.annotator = a.annotator "
            "group by 1, 2 order by 1"
        ):
            counts = out.setdefault(annotator, {"assigned": 0, **{s: 0 for s in STATUSES}})
            counts["assigned"] += n
            if status in counts:
                counts[status] += n
        return out
