"""The fetch pipeline's repository, as the TUI gives it: the store behind the app's lock."""

from __future__ import annotations

import threading

from newsmark.model import Article, Feed
from storage.repo import Store


class LockedRepo:
    """``newsmark.sources.SourceRepository`` over a ``Store`` shared with worker threads."""

    def __init__(self, store: Store, lock: threading.RLock):
        self.store = store
        self.lock = lock

    def save_article(self, article: Article, feed_id: int | None = None) -> tuple[Article, str]:
        with self.lock:
            return self.store.save_article(article, feed_id)

    def has_url(self, url: str) -> bool:
        with self.lock:
            return self.store.has_url(url)

    def feed_checked(self, feed_id: int, **kwargs) -> None:
        with self.lock:
            self.store.feed_checked(feed_id, **kwargs)

    def add_feed(self, url: str, name: str, tags: list[str] | None = None) -> Feed:
        with self.lock:
            return self.store.add_feed(url, name, tags)
