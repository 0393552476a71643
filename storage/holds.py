"""Curation holds (the ``holds`` table of m008_team): the curator curating an article, since
when. Another curator gets the article read-only until the hold is released, or until it is
older than the limit (``curation.hold_minutes``): then the next curator takes it over. Each
write of the holder refreshes the hold, so a hold goes stale only when its curator has left it
alone that long. Runs inside the caller's transaction (``Store.hold`` and friends are
``BEGIN IMMEDIATE`` transactions, so two curators asking at once get one answer each, in turn).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import StorageError
from .rows import now


class HeldError(StorageError):
    """A write refused: another curator holds the article."""


@dataclass(frozen=True, slots=True)
class Hold:
    """Who holds ``article_id`` since when (ISO 8601 UTC); ``granted``: the asking curator
    has it now; ``took_over``: the curator of the stale hold it replaced."""

    article_id: int
    curator: str
    since: str
    granted: bool = False
    took_over: str | None = None

    def describe(self) -> str:
        """``bob since 2026-12-02 10:04 UTC``."""
        return f"{self.curator} since {self.since[:16].replace('T', ' ')} UTC"


def _age(since: str) -> timedelta:
    return datetime.fromisoformat(now()) - datetime.fromisoformat(since)


class Holds:
    """The ``holds`` table of one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def holder(self, article_id: int) -> Hold | None:
        row = self.conn.execute("select curator, since from holds where article_id = ?",
                                [article_id]).fetchone()
        return None if row is None else Hold(article_id, row[0], row[1])

    def hold(self, article_id: int, curator: str, stale_after: float) -> Hold:
        """Hold the article for ``curator``: granted when it is free, already this curator's, or
        held longer than ``stale_after`` seconds (taken over); else the current hold, not
        granted."""
        current = self.holder(article_id)
        took_over = None
        if current is not None and current.curator != curator:
            if _age(current.since) <= timedelta(seconds=stale_after):
                return current
            took_over = current.curator
        stamp = now()
        self.conn.execute(
            "insert into holds (article_id, curator, since) values (?, ?, ?) "
            "on conflict (article_id) do update set curator = excluded.curator, "
            "since = excluded.since", [article_id, curator, stamp])
        return Hold(article_id, curator, stamp, granted=True, took_over=took_over)

    def release(self, article_id: int, curator: str) -> bool:
        """Let go of ``curator``'s hold; False when it was not theirs (taken over, or none)."""
        cur = self.conn.execute("delete from holds where article_id = ? and curator = ?",
                                [article_id, curator])
        return cur.rowcount > 0

    def check(self, article_id: int, curator: str) -> None:
        """Before a write of ``curator``: refused (``HeldError``) when another curator holds
        the article; the holder's own write refreshes the hold."""
        current = self.holder(article_id)
        if current is None:
            return
        if current.curator != curator:
            raise HeldError(f"article {article_id} is being curated by {current.describe()}: "
                            "read-only, nothing was written")
        self.conn.execute("update holds set since = ? where article_id = ?", [now(), article_id])
