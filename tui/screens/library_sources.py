"""The library's sources: ``i`` adds a URL (a page is fetched, cleaned and stored; a feed is
subscribed to and refreshed), ``R`` refreshes every feed. Fetches run in a thread of their own,
with their own event loop and their own connection to the database, as an ingest beside the TUI
would: the list stays usable, a busy database delays only the fetch, and the list is reloaded
(at most twice a second) as articles arrive."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from ..widgets import visible_line

if TYPE_CHECKING:
    from .library import LibraryScreen

RELOAD_EVERY_S = 0.5


class Sources:
    """Fetching for the ``library`` screen."""

    def __init__(self, library: LibraryScreen) -> None:
        self.library = library
        self.counts: dict[str, int] = {}
        self._last_reload = 0.0

    def add(self, url: str) -> None:
        from newsmark.sources import add_source

        self.library.notify(f"Fetching {visible_line(url)}", markup=False)
        self.fetch(lambda fetcher, repo, report: add_source(url, fetcher, repo, report))

    def refresh_feeds(self) -> None:
        library = self.library
        feeds = library.app.calls.read_now(lambda s: s.feeds(), default=None)
        if feeds is None:
            return
        if not feeds:
            library.notify("No feeds: add one with i", markup=False)
            return
        from newsmark.sources import refresh_feed

        library.notify(f"Refreshing {len(feeds)} feed{'s' if len(feeds) != 1 else ''}",
                       markup=False)

        async def run(fetcher, repo, report) -> None:
            await asyncio.gather(*(refresh_feed(f, fetcher, repo, report) for f in feeds))

        self.fetch(run)

    def fetch(self, pipeline) -> None:
        self.library.run_worker(lambda: self._run(pipeline), group="library-fetch", thread=True)

    def _run(self, pipeline) -> None:
        """(In the worker's thread.) ``pipeline(fetcher, store, report)`` on a loop of its own."""
        from newsmark.fetch import Fetcher
        from storage.repo import Store

        from ..sources import fetch_config_for

        app = self.library.app
        settings = fetch_config_for(app)
        self.counts = {}

        async def run() -> None:
            store = Store(app.store.path, create=False)
            try:
                async with Fetcher(settings) as fetcher:
                    await pipeline(fetcher, store,
                                   lambda outcome: app.call_from_thread(self._fetched, outcome))
            finally:
                store.close()

        try:
            asyncio.run(run())
        except Exception as exc:  # noqa: BLE001 - the one handler says what
            app.call_from_thread(app.calls.report, exc)
        app.call_from_thread(self._finished)

    def _fetched(self, outcome) -> None:
        library = self.library
        self.counts[outcome.state] = self.counts.get(outcome.state, 0) + 1
        if outcome.state == "failed":
            library.notify(visible_line(f"{outcome.source}: {outcome.reason}"), title="Failed",
                           severity="error", markup=False, timeout=8)
        elif outcome.state in ("added", "version"):
            now = time.perf_counter()
            if now - self._last_reload > RELOAD_EVERY_S:
                self._last_reload = now
                library.reload(keep_cursor=True, progress=True)

    def _finished(self) -> None:
        library = self.library
        summary = ", ".join(f"{n} {state}" for state, n in sorted(self.counts.items()))
        library.notify(summary or "nothing new", title="Fetched", markup=False)
        library.reload(keep_cursor=True, progress=True)
        self.show()

    def show(self) -> None:
        """The feeds line: every feed, the failing ones with their reasons."""
        library = self.library
        library.feeds_line.feeds = tuple(library.app.calls.read_now(lambda s: s.feeds(),
                                                                   default=[]) or [])
