"""Feed subscriptions: the ``feeds`` table. Mixed into ``storage.repo.Store``."""

from __future__ import annotations

import json

from newsmark.model import Feed

from .db import transaction
from .errors import StorageError


class FeedError(StorageError, ValueError):
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


class FeedsMixin:
    db: object  # sqlite_utils.Database, set by Store

    @transaction
    def add_feed(self, url: str, name: str, tags: list[str] | None = None) -> Feed:
        from .repo import now

        if self.db.execute("select 1 from feeds where url = ?", [url]).fetchone():
            raise FeedError(f"{url}: already subscribed")
        if self.db.execute("select 1 from feeds where name = ?", [name]).fetchone():
            raise FeedError(f"a feed named {name!r} exists already; choose another --name")
        feed_id = self.db["feeds"].insert(
            {"url": url, "name": name, "tags": json.dumps(tags or []), "added": now()}
        ).last_pk
        return self.feed(feed_id)

    def feed(self, key: int | str) -> Feed:
        column = "id" if isinstance(key, int) else "name"
        row = self.db.execute(f"select * from feeds where {column} = ?", [key]).fetchone()
        if row is None:
            raise FeedError(f"no feed {key!r}")
        cols = [d[0] for d in self.db.execute("select * from feeds limit 0").description]
        return self._with_count(dict(zip(cols, row)))

    def _with_count(self, row: dict) -> Feed:
        n = self.db.execute("select count(*) from articles where feed_id = ?", [row["id"]]).fetchone()[0]
        return _feed(row, n)

    def feeds(self, tag: str | None = None) -> list[Feed]:
        out = [self._with_count(r) for r in self.db["feeds"].rows_where(order_by="name")]
        return [f for f in out if tag is None or tag in f.tags]

    @transaction
    def remove_feed(self, name: str) -> Feed:
        """Unsubscribe. Articles from the feed stay, unlinked: nothing stored is lost."""
        feed = self.feed(name)
        self.db.execute("update articles set feed_id = null where feed_id = ?", [feed.id])
        self.db["feeds"].delete(feed.id)
        return feed

    @transaction
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
        from .repo import now

        stamp = now()
        update: dict = {"last_checked": stamp}
        if ok and not not_modified:
            update.update(last_success=stamp, last_error=None, etag=etag, last_modified=last_modified)
        elif not ok:
            update["last_error"] = error
        self.db["feeds"].update(feed_id, update)
