"""The fetch pipeline as the TUI runs it: its repository (the store behind the app's lock) and
its fetch settings (the config file's ``[fetch]`` table)."""

from __future__ import annotations

import threading

from newsmark.config import Config, ConfigError, load_config
from newsmark.fetch import FetchConfig
from newsmark.model import Article, Feed
from storage.repo import Store

CONFIG_HINT = "allow_private = true under [fetch] in the config file allows it"


def fetch_config_from(config: Config) -> FetchConfig:
    """The TUI's ``FetchConfig``: the defaults, with ``[fetch]`` ``allow_private`` and ``timeout``."""
    settings = FetchConfig(allow_private=config.allow_private, private_hint=CONFIG_HINT)
    if config.timeout is not None:
        settings.total_timeout = config.timeout
    return settings


def fetch_config_for(app) -> FetchConfig:
    """The settings for the app's fetches (``i``, ``R``).

    ``app.fetch_config`` when whoever built the app set one; else the ``[fetch]`` table of the
    config file that the running ``newsmark tui`` command was given (``--config``,
    ``$NEWSMARK_CONFIG``, the user-config directory), read again now; else, or when that file
    cannot be read any more, the defaults, which refuse non-public addresses.
    """
    given = getattr(app, "fetch_config", None)
    if isinstance(given, FetchConfig):
        return given
    path = _tui_config_path()
    if path is not None:
        try:
            return fetch_config_from(load_config(path))
        except ConfigError:
            pass
    return fetch_config_from(Config())


def _tui_config_path():
    """The config file of the ``newsmark tui`` command running this app, or None (no such
    command: a test, or an app built some other way)."""
    import click

    from .cli.tui import default_config_path, tui

    ctx = click.get_current_context(silent=True)
    while ctx is not None and ctx.command is not tui:
        ctx = ctx.parent
    if ctx is None:
        return None
    return ctx.params.get("config_path") or default_config_path()


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
