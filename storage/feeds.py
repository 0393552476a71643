"""Feed subscriptions: the ``feeds`` table. Writes run inside the caller's transaction."""

from __future__ import annotations

import json
import sqlite3

from newsmark.model import Feed

from .errors import StorageError
from .rows import insert, now, select, update


class SubscriptionError(StorageError, ValueError):
    pass


def _feed(row: dict, articles: int = 0) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        name=row["name"],
        tags=json.loads(row["tags"] or "[]"),
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_checked=row["last_checked"],
        last_success=row["last_success"],
        last_error=row["last_error"],
        articles=articles,
    )


class Feeds:
    """The ``feeds`` table of one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def add_feed(self, url: str, name: str, tags: list[str] | None = None) -> Feed:
        if self.conn.execute("select 1 from feeds where url = ?", [url]).fetchone():
            raise SubscriptionError(f"{url}: already subscribed")
        if self.conn.execute("select 1 from feeds where name = ?", [name]).fetchone():
            raise SubscriptionError(f"a feed named {name!r} exists already; choose another --name")
        feed_id = insert(self.conn, "feeds", {"url": url, "name": name,
                                              "tags": json.dumps(tags or []), "added": now()})
        return self.feed(feed_id)

    def feed(self, key: int | str) -> Feed:
        column = "id" if isinstance(key, int) else "name"
        rows = select(self.conn, f"select * from feeds where {column} = ?", [key])
        if not rows:
            raise SubscriptionError(f"no feed {key!r}")
        return self._with_count(rows[0])

    def _with_count(self, row: dict) -> Feed:
        n = self.conn.execute("select count(*) from articles where feed_id = ?", [row["id"]]).fetchone()[0]
        return _feed(row, n)

    def feeds(self, tag: str | None = None) -> list[Feed]:
        out = [self._with_count(r) for r in select(self.conn, "select * from feeds order by name")]
        return [f for f in out if tag is None or tag in f.tags]

    def remove_feed(self, name: str) -> Feed:
        """Unsubscribe. Articles from the feed stay, unlinked: nothing stored is lost."""
        feed = self.feed(name)
        self.conn.execute("update articles set feed_id = null where feed_id = ?", [feed.id])
        self.conn.execute("delete from feeds where id = ?", [feed.id])
        return feed

    def feed_checked(
        self,
        feed_id: int,
        *,
        ok: bool,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        not_modified: bool = False,
    ) -> None:
        """Record a refresh. A 304 writes only the check time; a failure only time and error."""
        stamp = now()
        changes: dict = {"last_checked": stamp}
        if ok and not not_modified:
            changes.update(last_success=stamp, last_error=None, etag=etag, last_modified=last_modified)
        elif not ok:
            changes["last_error"] = error
        try:
            update(self.conn, "feeds", {"id": feed_id}, changes)
        except StorageError:
            raise SubscriptionError(f"no feed {feed_id!r}") from None
