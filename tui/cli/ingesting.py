"""``newsmark ingest`` and ``newsmark extract``: clean inputs, and store them (or print them)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsmark.ingest import (
    MAX_INPUT_BYTES,
    IngestError,
    discover,
    kind_of,
    output_name,
    read_limited,
)

from .common import db_option, echo, field, open_store
from .root import main


def fetch_options(fn):
    """The options that bound and shape fetching, shared by ``ingest`` and ``feed refresh``."""
    options = [
        click.option("--concurrency", type=click.IntRange(1, 64), default=8, show_default=True,
                     help="Requests in flight at once, over all hosts."),
        click.option("--per-host", type=click.IntRange(1, 16), default=2, show_default=True,
                     help="Requests in flight at once to one host."),
        click.option("--timeout", type=click.FloatRange(0.1, 3600), default=60.0, show_default=True,
                     help="The deadline in seconds for one URL, every attempt, redirect and "
                     "backoff included (each attempt: connect 10 s, read 20 s)."),
        click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
                     help="Retries after connection errors, 429 and 5xx (exponential backoff), "
                     "within the deadline."),
        click.option("--allow-private", is_flag=True,
                     help="Also fetch from loopback, private, link-local and other non-public "
                     "addresses (intranet sources); refused by default, every redirect too."),
        click.option("--quiet", "mode", flag_value="quiet",
                     help="Print only a machine-readable summary (key=value counts)."),
        click.option("--json", "mode", flag_value="json",
                     help="Print only a JSON summary with one item per input."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def fetch_config(concurrency: int, per_host: int, timeout: float, retries: int, max_bytes: int,
                 allow_private: bool = False):
    from newsmark.fetch import FetchConfig

    return FetchConfig(concurrency=concurrency, per_host=per_host, total_timeout=timeout,
                       retries=retries, max_bytes=max_bytes, allow_private=allow_private)


def run_async(coro_fn, reporter) -> None:
    """Run the fetch pipeline; Ctrl-C stops it cleanly (what was stored stays stored)."""
    import asyncio

    try:
        asyncio.run(coro_fn())
    except KeyboardInterrupt:
        reporter.interrupted = True


@main.command()
@db_option
@click.argument("inputs", nargs=-1, required=True)
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has articles.")
@click.option("--max-bytes", type=click.IntRange(1), default=None,
              help="Refuse inputs larger than this, decompressed. [default: 20 MB for files, "
              "10 MB for pages]")
@click.option("--source", metavar="NAME", default=None,
              help="Store every input under this source name (the library's Source column). "
              "[default: the site: the host of the page's canonical address or og:url, else of "
              "the URL fetched, else og:site_name; for a plain-text or Markdown file, its "
              "folder's name]")
@fetch_options
def ingest(db_path: Path, inputs: tuple[str, ...], if_empty: bool, max_bytes: int | None,
           source: str | None, concurrency: int, per_host: int, timeout: float, retries: int,
           allow_private: bool, mode: str | None) -> None:
    """Clean and store articles from INPUTS: http(s) URLs, .txt, .md, .html/.htm files
    (optionally .gz) and directories (recursively).

    Prints one line per input (added / version / duplicate / failed: reason) and a summary, or a
    progress bar on a terminal. Exits with status 1 when no input succeeded (a duplicate is a
    success: its article is already there). URLs whose host is a loopback, private, link-local
    or other non-public address are refused (failed: refused: ...) unless --allow-private.
    """
    from newsmark.fetch import MAX_PAGE_BYTES, Fetcher
    from newsmark.sources import ingest_files, ingest_urls, split_inputs

    from .report import Reporter

    store = open_store(db_path, create=True)
    if if_empty and store.count_articles():
        echo(f"{field(db_path)}: already has {store.count_articles()} articles; nothing to do")
        return
    urls, paths = split_inputs(inputs)
    items = list(discover(paths)) if paths else []  # the files first: the bar's total is known
    report = Reporter(mode or "lines", total=len(items) + len(urls) or None)
    try:
        ingest_files(items, store, report, max_bytes or MAX_INPUT_BYTES, source)
        if urls:
            config = fetch_config(concurrency, per_host, timeout, retries,
                                  max_bytes or MAX_PAGE_BYTES, allow_private)

            async def go() -> None:
                async with Fetcher(config) as fetcher:
                    await ingest_urls(urls, fetcher, store, report, source)

            run_async(go, report)
    except KeyboardInterrupt:
        report.interrupted = True
    report.finish(str(db_path))
    if report.interrupted:
        sys.exit(130)
    if report.stored == 0 and report.counts["duplicate"] == 0:
        sys.exit(1)


@main.command()
@db_option
@click.argument("paths", nargs=-1, required=True)
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write DIR/<name>.txt per input instead of printing the clean text (each "
              "file complete or as it was).")
@click.option("--max-bytes", type=click.IntRange(1), default=MAX_INPUT_BYTES, show_default=True,
              help="Refuse inputs larger than this (decompressed).")
def extract(db_path: Path, paths: tuple[str, ...], out_dir: Path | None, max_bytes: int) -> None:
    """Clean PATHS exactly as ingest does, without storing anything (--db is accepted and unused).

    <name> is the file name without its .gz, .html, .htm, .txt or .md endings.
    """
    from newsmark.atomic import atomic_output
    from newsmark.ingest import clean_input

    from .exporting import cannot_write

    if out_dir:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise cannot_write(exc, out_dir) from None
    ok = failed = 0
    for item in discover(list(paths)):
        if item.error:
            failed += 1
            echo(f"failed: {field(item.name)}: {field(item.error)}", err=True)
            continue
        try:
            raw = read_limited(item.path, max_bytes)
            text = clean_input(raw, kind_of(item.path) or "text", url=str(item.path),
                               metadata=False).text
        except IngestError as exc:
            failed += 1
            echo(f"failed: {field(item.name)}: {field(exc)}", err=True)
            continue
        ok += 1
        if out_dir:
            target = out_dir / f"{output_name(item.path)}.txt"
            try:  # each file complete or as it was; a failure stops here
                with atomic_output(target, "w") as fh:
                    fh.write(text + "\n")
            except OSError as exc:
                raise cannot_write(exc, target) from None
        else:
            echo(text, data=True)
    if out_dir:
        echo(f"{ok} extracted, {failed} failed -> {field(out_dir)}", err=True)
    if ok == 0:
        sys.exit(1)

