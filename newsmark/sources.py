"""Fetching articles from URLs and feeds, as one asynchronous pipeline.

The pipeline knows nothing about SQL: it talks to a ``SourceRepository`` (``storage.repo.Store``
implements it) and reports every outcome through a callback, so the CLI and the TUI can show
progress while articles are saved one by one as they arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from .errors import NewsmarkError
from .feeds import FeedParseError, parse_feed
from .fetch import FEED_TYPES, Fetcher, FetchError
from .ingest import (
    MAX_INPUT_BYTES,
    IngestError,
    Input,
    article_from_file,
    build_article,
)
from .model import Article, Feed
from .urls import URLError, canonical_url, host_of, is_url


@dataclass(slots=True)
class Outcome:
    """What happened to one input: added | version | duplicate | failed | warning | unchanged."""

    source: str  # the URL (or feed name) this is about
    state: str
    reason: str = ""
    article: Article | None = None
    feed: str | None = None
    extra: dict = field(default_factory=dict)


Report = Callable[[Outcome], None]
WINDOW = 8  # tasks alive at once per unit of fetch concurrency (memory stays flat in the inputs)


class SourceRepository(Protocol):
    def save_article(self, article: Article, feed_id: int | None = None) -> tuple[Article, str]:
        """Store; returns (stored article, 'added' | 'version' | 'duplicate')."""

    def has_url(self, url: str) -> bool: ...

    def feed_checked(
        self,
        feed_id: int,
        *,
        ok: bool,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        not_modified: bool = False,
    ) -> None: ...

    def add_feed(self, url: str, name: str, tags: list[str] | None = None) -> Feed: ...


def _clean_page(body: bytes, url: str, charset: str | None, **meta) -> Article:
    return build_article(body, "html", url=url, charset=charset, source=meta.pop("source", ""),
                         default_source=host_of(url), **meta)


async def fetch_page(fetcher: Fetcher, url: str, **meta) -> Article:
    """Fetch and clean one page; ``FetchError``/``IngestError`` with the reason on failure."""
    got = await fetcher.fetch(url)
    return await asyncio.to_thread(_clean_page, got.body, canonical_url(got.final_url), got.charset, **meta)


def _unexpected(exc: Exception) -> str:
    return f"unexpected error ({type(exc).__name__}: {exc})".replace("\n", " ")


def interleave_hosts(urls: Iterable[str]) -> Iterator[str]:
    """The URLs round-robin by host (order kept within a host), so that a bounded window of
    tasks is not filled by one host's URLs while the other hosts wait."""
    queues: dict[str, deque[str]] = defaultdict(deque)
    for url in urls:
        try:
            host = host_of(url)
        except ValueError:
            host = ""
        queues[host].append(url)
    while queues:
        for host in list(queues):
            yield queues[host].popleft()
            if not queues[host]:
                del queues[host]


async def run_bounded(items: Iterable, worker: Callable[..., Awaitable[None]], limit: int) -> None:
    """``worker(item)`` for every item, at most ``limit`` tasks alive at once.

    Tasks are created as earlier ones finish (not all up front), so memory does not grow with
    the number of items; cancelling (Ctrl-C) cancels the running tasks and starts no more.
    """
    gate = asyncio.Semaphore(limit)
    async with asyncio.TaskGroup() as tg:
        for item in items:
            await gate.acquire()
            tg.create_task(worker(item)).add_done_callback(lambda _task: gate.release())


def split_inputs(inputs: Iterable[str]) -> tuple[list[str], list[str]]:
    """(urls, paths): an input that looks like a URL is one, unless a file of that name exists
    (``a:b.txt``)."""
    urls = [i for i in inputs if is_url(i) and not os.path.exists(i)]
    return urls, [i for i in inputs if i not in urls]


def ingest_files(items: Iterable[Input], repo: SourceRepository, report: Report,
                 limit: int = MAX_INPUT_BYTES, source: str | None = None) -> None:
    """Clean and store every discovered file, one by one as it is read; a file that fails is
    reported with its reason, and a bug on one file (an unexpected error) never stops the
    others. ``source`` names the source of every file (``ingest --source``); without it, see
    ``article_from_file``."""
    for item in items:
        if item.error:
            report(Outcome(item.name, "failed", item.error))
            continue
        try:
            stored, state = repo.save_article(article_from_file(item.path, limit, source))
        except NewsmarkError as exc:  # unreadable, not text, busy past every wait, disk full
            report(Outcome(item.name, "failed", str(exc)))
        except Exception as exc:  # noqa: BLE001
            report(Outcome(item.name, "failed", _unexpected(exc)))
        else:
            report(Outcome(item.name, state, article=stored))


async def ingest_urls(urls: list[str], fetcher: Fetcher, repo: SourceRepository, report: Report,
                      source: str | None = None) -> None:
    """Fetch, clean and store every URL concurrently (the fetcher bounds the concurrency).
    ``source`` names the source of every page (``ingest --source``); without it, the site.

    Each article is stored as soon as it is ready; one failing URL never stops the others.
    """

    async def one(url: str) -> None:
        try:
            canonical = canonical_url(url)
        except URLError as exc:
            report(Outcome(url, "failed", str(exc)))
            return
        try:
            article = await fetch_page(fetcher, canonical, origin="page", source=source or "")
            stored, state = repo.save_article(article)
        except (FetchError, IngestError) as exc:
            report(Outcome(url, "failed", str(exc)))
            return
        except Exception as exc:  # a bug or a storage error: this URL fails, the others go on
            report(Outcome(url, "failed", _unexpected(exc)))
            return
        report(Outcome(url, state, article=stored))

    await run_bounded(interleave_hosts(urls), one, WINDOW * fetcher.config.concurrency)


async def refresh_feed(feed: Feed, fetcher: Fetcher, repo: SourceRepository, report: Report) -> None:
    """Conditional GET; on 200 parse, then fetch each new entry's page (or use the feed content).

    Never raises for a feed's own failure: that is recorded on the feed and reported.
    """
    try:
        await _refresh_feed(feed, fetcher, repo, report)
    except Exception as exc:  # a bug or a storage error: this feed fails, the others go on
        reason = _unexpected(exc)
        with contextlib.suppress(Exception):
            repo.feed_checked(feed.id, ok=False, error=reason)
        report(Outcome(feed.url, "failed", reason, feed=feed.name))


async def _refresh_feed(feed: Feed, fetcher: Fetcher, repo: SourceRepository, report: Report) -> None:
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        got = await fetcher.fetch(feed.url, accept=FEED_TYPES, headers=headers)
        if got.not_modified:
            repo.feed_checked(feed.id, ok=True, not_modified=True)
            report(Outcome(feed.url, "unchanged", "304 Not Modified", feed=feed.name))
            return
        parsed = await asyncio.to_thread(parse_feed, got.body, got.final_url, got.headers.get("content-type"))
    except (FetchError, FeedParseError) as exc:
        repo.feed_checked(feed.id, ok=False, error=str(exc))
        report(Outcome(feed.url, "failed", str(exc), feed=feed.name))
        return
    if parsed.warning:
        report(Outcome(feed.url, "warning", parsed.warning, feed=feed.name))

    async def entry(e) -> None:
        if not e.link:
            return
        try:
            url = canonical_url(e.link)
        except URLError as exc:
            report(Outcome(e.link, "failed", str(exc), feed=feed.name))
            return
        if repo.has_url(url):
            return
        meta = {"source": feed.name, "origin": "page"}
        try:
            article = await fetch_page(fetcher, url, **meta)
        except (FetchError, IngestError) as exc:
            # A link to a refused address is not stored at all, not even as the feed's content.
            if not e.content_html or getattr(exc, "refused", False):
                report(Outcome(url, "failed", str(exc), feed=feed.name))
                return
            try:  # fall back to the feed's own content, and record that
                article = await asyncio.to_thread(
                    build_article, e.content_html.encode("utf-8"), "fragment", url=url,
                    charset="utf-8", source=feed.name, origin="feed",
                )
            except IngestError as exc2:
                report(Outcome(url, "failed", f"{exc}; feed content: {exc2}", feed=feed.name))
                return
        article.title = article.title or e.title
        article.author = article.author or e.author
        article.published = article.published or e.published
        stored, state = repo.save_article(article, feed.id)
        report(Outcome(url, state, article=stored, feed=feed.name))

    async def guarded(e) -> None:
        try:
            await entry(e)
        except Exception as exc:  # one entry's bug or storage error never stops the others
            report(Outcome(e.link or feed.url, "failed", _unexpected(exc), feed=feed.name))

    await run_bounded(parsed.entries, guarded, WINDOW * fetcher.config.concurrency)
    repo.feed_checked(
        feed.id,
        ok=True,
        etag=got.headers.get("etag"),
        last_modified=got.headers.get("last-modified"),
    )


_FEED_MIMES = set(FEED_TYPES) - {"text/html", "text/plain"}


def looks_like_feed(mime: str, body: bytes) -> bool:
    if mime in _FEED_MIMES:
        return True
    head = body[:512].lstrip().lower()
    return head.startswith((b"<rss", b"<feed", b"<rdf:rdf")) or (
        head.startswith(b"<?xml") and any(t in body[:2048].lower() for t in (b"<rss", b"<feed", b"<rdf"))
    )


async def add_source(
    url: str, fetcher: Fetcher, repo: SourceRepository, report: Report, name: str | None = None
) -> Feed | None:
    """One URL typed by a user: a page is cleaned and stored; a feed is subscribed to and
    refreshed. Returns the new feed, if it was one. Failures are reported, never raised."""
    try:
        canonical = canonical_url(url)
        got = await fetcher.fetch(canonical, accept=FEED_TYPES + ("application/xhtml+xml",))
        if not looks_like_feed(got.content_type, got.body):
            article = await asyncio.to_thread(
                _clean_page, got.body, canonical_url(got.final_url), got.charset, origin="page")
            stored, state = repo.save_article(article)
            report(Outcome(url, state, article=stored))
            return None
        parsed = await asyncio.to_thread(parse_feed, got.body, got.final_url)
        feed = repo.add_feed(canonical, name or parsed.title or host_of(canonical), [])
    except (ValueError, FetchError, IngestError) as exc:  # ValueError: bad URL or feed, or
        report(Outcome(url, "failed", str(exc)))  # the repository refusing (already subscribed)
        return None
    except Exception as exc:  # a bug: fail this input, not the app
        report(Outcome(url, "failed", _unexpected(exc)))
        return None
    report(Outcome(url, "subscribed", feed=feed.name))
    await refresh_feed(feed, fetcher, repo, report)
    return feed
