"""``newsmark feed ...``: subscriptions to RSS/Atom feeds."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsmark.fetch import MAX_PAGE_BYTES
from newsmark.ingest import MAX_INPUT_BYTES, IngestError, read_file

from .common import Fail, db_option, echo, field, open_store
from .ingesting import fetch_config, fetch_options, run_async
from .root import main


@main.group()
def feed() -> None:
    """Subscribe to RSS/Atom feeds and refresh them."""


@feed.command(name="add")
@db_option
@click.argument("url")
@click.option("--name", help="A short unique name. [default: the feed's host]")
@click.option("--tag", "tags", multiple=True, help="A tag to refresh feeds by (repeatable).")
@click.option("--allow-private", is_flag=True,
              help="Subscribe even when the host is a loopback, private, link-local or other "
              "non-public address (an intranet feed; refresh it with --allow-private too).")
def feed_add(db_path: Path, url: str, name: str | None, tags: tuple[str, ...],
             allow_private: bool) -> None:
    """Subscribe to the feed at URL (fetched at the next refresh).

    A URL whose host is (or resolves only to) a non-public address is refused unless
    --allow-private.
    """
    from newsmark.fetch import FetchConfig, check_host
    from newsmark.urls import URLError, canonical_url, host_of
    from storage.feeds import SubscriptionError

    try:
        url = canonical_url(url)
    except URLError as exc:
        raise Fail(f"{url}: {exc}") from None
    refused = check_host(url, FetchConfig(allow_private=allow_private))
    if refused:
        raise Fail(f"{url}: {refused}")
    store = open_store(db_path, create=True)
    try:
        f = store.add_feed(url, name or host_of(url), list(tags))
    except SubscriptionError as exc:
        raise Fail(str(exc)) from None
    echo(f"subscribed: {field(f.name)} {field(f.url)}"
         + (f" [{', '.join(map(field, f.tags))}]" if f.tags else ""))


@feed.command(name="list")
@db_option
def feed_list(db_path: Path) -> None:
    """Show each feed: name, tags, article count, last success and last error."""
    store = open_store(db_path)
    for f in store.feeds():
        tags = f" [{', '.join(map(field, f.tags))}]" if f.tags else ""
        echo(f"{field(f.name)}{tags}  {field(f.url)}")
        echo(f"    articles: {f.articles}  last success: {f.last_success or 'never'}"
                   f"  last error: {field(f.last_error or '-')}")


@feed.command(name="refresh")
@db_option
@click.argument("name", required=False)
@click.option("--tag", help="Refresh the feeds with this tag.")
@click.option("--all", "all_", is_flag=True, help="Refresh every feed.")
@click.option("--max-bytes", type=click.IntRange(1), default=MAX_PAGE_BYTES, show_default=True,
              help="Abandon feeds and pages larger than this, decompressed.")
@fetch_options
def feed_refresh(db_path: Path, name: str | None, tag: str | None, all_: bool, max_bytes: int,
                 concurrency: int, per_host: int, timeout: float, retries: int,
                 allow_private: bool, mode: str | None) -> None:
    """Fetch new entries of feed NAME, of every feed with --tag, or of --all feeds.

    Each new entry's page is fetched and cleaned; when that fails, the feed's own content is
    used, and the article records which of the two it got. One failing feed never stops the
    others; a failure never deletes anything stored. Feeds and entries at non-public addresses
    are refused (an entry without its feed content fallback) unless --allow-private.
    """
    from newsmark.fetch import Fetcher
    from newsmark.sources import refresh_feed
    from storage.feeds import SubscriptionError

    from .report import Reporter

    if sum(bool(x) for x in (name, tag, all_)) != 1:
        raise click.UsageError("give exactly one of NAME, --tag T or --all")
    store = open_store(db_path)
    try:
        feeds = [store.feed(name)] if name else store.feeds(tag)
    except SubscriptionError as exc:
        raise Fail(str(exc)) from None
    if not feeds:
        raise Fail(f"no feeds with tag {tag!r}" if tag else "no feeds subscribed")
    report = Reporter(mode or "lines", label="refresh", progress=True)  # entries: not known yet
    config = fetch_config(concurrency, per_host, timeout, retries, max_bytes, allow_private)

    async def go() -> None:
        import asyncio

        async with Fetcher(config) as fetcher:
            await asyncio.gather(*(refresh_feed(f, fetcher, store, report) for f in feeds))

    run_async(go, report)
    report.finish(str(db_path))
    if report.interrupted:
        sys.exit(130)
    failed_feeds = report.failed & {f.url for f in feeds}
    if len(failed_feeds) == len(feeds):
        sys.exit(1)


@feed.command(name="remove")
@db_option
@click.argument("name")
def feed_remove(db_path: Path, name: str) -> None:
    """Unsubscribe from feed NAME. Its articles stay."""
    from storage.feeds import SubscriptionError

    try:
        f = open_store(db_path).remove_feed(name)
    except SubscriptionError as exc:
        raise Fail(str(exc)) from None
    echo(f"removed: {field(f.name)} ({f.articles} articles kept)")


@feed.command(name="import-opml")
@db_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def feed_import_opml(db_path: Path, file: Path) -> None:
    """Subscribe to every feed in an OPML FILE; folders become tags."""
    from newsmark.feeds import FeedParseError, parse_opml
    from newsmark.urls import URLError, canonical_url
    from storage.feeds import SubscriptionError

    try:  # a regular file only: a FIFO or a device is refused unopened
        data = read_file(file, MAX_INPUT_BYTES)
    except IngestError as exc:
        raise Fail(f"{file}: {exc}") from None
    try:
        subs = parse_opml(data, str(file))
    except FeedParseError as exc:
        raise Fail(str(exc)) from None
    store = open_store(db_path, create=True)
    added = 0
    for sub in subs:
        try:
            store.add_feed(canonical_url(sub.url), sub.name, sub.tags)
            added += 1
        except (SubscriptionError, URLError) as exc:
            echo(f"skipped: {field(sub.url)}: {field(exc)}", err=True)
    echo(f"{added} feeds added from {field(file)}")
    if subs and not added:
        sys.exit(1)


@feed.command(name="export-opml")
@db_option
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def feed_export_opml(db_path: Path, file: Path | None) -> None:
    """Write the subscriptions as OPML to FILE, or to standard output; tags become folders.

    FILE is replaced only once the whole OPML is written (a temporary file renamed over it).
    """
    from newsmark.atomic import atomic_output
    from newsmark.feeds import Subscription, write_opml

    from .exporting import cannot_write

    store = open_store(db_path)
    opml = write_opml([Subscription(f.url, f.name, f.tags) for f in store.feeds()])
    if file:
        try:
            with atomic_output(file, "w") as fh:
                fh.write(opml)
        except OSError as exc:
            raise cannot_write(exc, file) from None
    else:
        echo(opml, nl=False, data=True)

