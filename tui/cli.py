"""The ``newsmark`` command: thin click glue over ``newsmark`` (domain) and ``storage``."""

from __future__ import annotations

import functools
import getpass
import os
import sys
from pathlib import Path

import click

from newsmark import __version__
from newsmark.config import default_schema, load_schema
from newsmark.formats import FORMATS
from newsmark.ingest import (
    MAX_INPUT_BYTES,
    IngestError,
    article_from_file,
    discover,
    kind_of,
    output_name,
    read_limited,
)
from newsmark.model import SchemaError
from storage.db import default_db_path
from storage.repo import Store


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "annotator"


def db_option(fn):
    """``--db PATH`` on every command; ``$NEWSMARK_DB`` and then the user-data directory otherwise."""

    @click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Database file. [default: $NEWSMARK_DB, else newsmark.db in the user-data directory]",
    )
    @functools.wraps(fn)
    def wrapper(*args, db_path=None, **kwargs):
        root = click.get_current_context().find_root()
        db_path = db_path or root.params.get("db_path") or default_db_path()
        return fn(*args, db_path=db_path, **kwargs)

    return wrapper


def open_store(path: Path) -> Store:
    try:
        return Store(path)
    except Exception as exc:  # sqlite3.DatabaseError, PermissionError, …
        raise click.ClickException(f"{path}: cannot open the database ({exc})") from None


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="newsmark")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Database file for every command. [default: $NEWSMARK_DB, else newsmark.db in the "
    "user-data directory]",
)
@click.pass_context
def main(ctx: click.Context, db_path: Path | None) -> None:
    """newsmark: a terminal newsreader for annotators.

    Run without a command to open the TUI on the default database.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(tui)


def default_config_path() -> Path:
    """``$NEWSMARK_CONFIG``, else ``config.toml`` in the platform's user-config directory."""
    import os

    from platformdirs import user_config_path

    env = os.environ.get("NEWSMARK_CONFIG")
    if env:
        return Path(env).expanduser()
    return user_config_path("newsmark", appauthor=False) / "config.toml"


@main.command()
@db_option
@click.option("--annotator", default=None,
              help="Whose spans, status and undo history to work on. [default: the config "
              "file's annotator, else your login name]")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Label schema TOML file replacing the config file's or the default news schema.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None,
              help="Config file (TOML: annotator, schema, keys, theme). [default: "
              "$NEWSMARK_CONFIG, else config.toml in the user-config directory]")
def tui(db_path: Path, annotator: str | None, schema_path: Path | None,
        config_path: Path | None) -> None:
    """Open the TUI: the library of articles, and the reader to annotate them."""
    import os

    from newsmark.config import ConfigError, load_config

    explicit = config_path is not None or bool(os.environ.get("NEWSMARK_CONFIG"))
    try:
        config = load_config(config_path or default_config_path(), must_exist=explicit)
        schema = load_schema(schema_path) if schema_path else (config.schema or default_schema())
    except (ConfigError, SchemaError) as exc:
        raise click.ClickException(str(exc)) from None
    from tui.app import NewsmarkApp, check_theme, keymap_from_config
    from tui.widgets.labels import unknown_colours

    bad = unknown_colours(schema)
    if bad:
        where = schema_path or (config.path if config.schema else "schema")
        raise click.ClickException(f"{where}: unknown colour, {bad[0]} (use \"#rrggbb\" or a "
                                   "colour name such as \"red\" or \"dark_orange\")")

    try:
        keymap = keymap_from_config(config)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    store = open_store(db_path)
    try:
        app = NewsmarkApp(store=store, annotator=annotator or config.annotator or default_annotator(),
                          schema=schema, keymap=keymap)
        try:
            check_theme(app, config)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        if config.theme:
            app.theme = config.theme
        app.run()
    finally:
        store.close()


def fetch_options(fn):
    """The options that bound and shape fetching, shared by ``ingest`` and ``feed refresh``."""
    options = [
        click.option("--concurrency", type=click.IntRange(1, 64), default=8, show_default=True,
                     help="Requests in flight at once, over all hosts."),
        click.option("--per-host", type=click.IntRange(1, 16), default=2, show_default=True,
                     help="Requests in flight at once to one host."),
        click.option("--timeout", type=click.FloatRange(0.1), default=60.0, show_default=True,
                     help="Total seconds allowed for one request (connect 10 s, read 20 s)."),
        click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
                     help="Retries after connection errors, 429 and 5xx (exponential backoff)."),
        click.option("--quiet", "mode", flag_value="quiet",
                     help="Print only a machine-readable summary (key=value counts)."),
        click.option("--json", "mode", flag_value="json",
                     help="Print only a JSON summary with one item per input."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def fetch_config(concurrency: int, per_host: int, timeout: float, retries: int, max_bytes: int):
    from newsmark.fetch import FetchConfig

    return FetchConfig(concurrency=concurrency, per_host=per_host, total_timeout=timeout,
                       read_timeout=min(20.0, timeout), retries=retries, max_bytes=max_bytes)


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
@fetch_options
def ingest(db_path: Path, inputs: tuple[str, ...], if_empty: bool, max_bytes: int | None,
           concurrency: int, per_host: int, timeout: float, retries: int, mode: str | None) -> None:
    """Clean and store articles from INPUTS: http(s) URLs, .txt, .md, .html/.htm files
    (optionally .gz) and directories (recursively).

    Prints one line per input (added / version / duplicate / failed: reason) and a summary, or a
    progress bar on a terminal. Exits with status 1 when no input succeeded (a duplicate is a
    success: its article is already there).
    """
    from newsmark.fetch import Fetcher
    from newsmark.sources import Outcome, ingest_urls
    from newsmark.urls import is_url

    from .report import Reporter

    store = open_store(db_path)
    if if_empty and store.count_articles():
        click.echo(f"{db_path}: already has {store.count_articles()} articles; nothing to do")
        return
    urls = [i for i in inputs if is_url(i) and not os.path.exists(i)]  # "a:b.txt" may be a file
    paths = [i for i in inputs if i not in urls]
    items = list(discover(paths)) if paths else []  # the files first: the bar's total is known
    report = Reporter(mode or "lines", total=len(items) + len(urls) or None)
    try:
        for item in items:
            if item.error:
                report(Outcome(item.name, "failed", item.error))
                continue
            try:
                stored, state = store.save_article(article_from_file(item.path, max_bytes or MAX_INPUT_BYTES))
            except IngestError as exc:
                report(Outcome(item.name, "failed", str(exc)))
                continue
            except Exception as exc:  # a bug on one input must not stop the others
                report(Outcome(item.name, "failed", f"unexpected {type(exc).__name__}: {exc}"))
                continue
            report(Outcome(item.name, state, article=stored))
        if urls:
            config = fetch_config(concurrency, per_host, timeout, retries, max_bytes or 10 * 1024 * 1024)

            async def go() -> None:
                async with Fetcher(config) as fetcher:
                    await ingest_urls(urls, fetcher, store, report)

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
              help="Write DIR/<name>.txt per input instead of printing the clean text.")
@click.option("--max-bytes", type=click.IntRange(1), default=MAX_INPUT_BYTES, show_default=True,
              help="Refuse inputs larger than this (decompressed).")
def extract(db_path: Path, paths: tuple[str, ...], out_dir: Path | None, max_bytes: int) -> None:
    """Clean PATHS exactly as ingest does, without storing anything (--db is accepted and unused).

    <name> is the file name without its .gz, .html, .htm, .txt or .md endings.
    """
    from newsmark.ingest import build_article

    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    ok = failed = 0
    for item in discover(list(paths)):
        if item.error:
            failed += 1
            click.echo(f"failed: {item.name}: {item.error}", err=True)
            continue
        try:
            raw = read_limited(item.path, max_bytes)
            article = build_article(raw, kind_of(item.path) or "text", url=str(item.path))
        except IngestError as exc:
            failed += 1
            click.echo(f"failed: {item.name}: {exc}", err=True)
            continue
        ok += 1
        if out_dir:
            (out_dir / f"{output_name(item.path)}.txt").write_text(article.text + "\n", "utf-8")
        else:
            click.echo(article.text)
    if out_dir:
        click.echo(f"{ok} extracted, {failed} failed -> {out_dir}", err=True)
    if ok == 0:
        sys.exit(1)


def selection_options(fn):
    """``export``'s record selection: --status, --label, --since, --query, --merge, --split.

    The wrapped command gets ``selection`` (a ``storage.export.Selection``, annotators still to
    be filled in) and ``split`` (the train/dev/test ratios, or None) instead.
    """
    options = [
        click.option("--status", type=click.Choice(["done", "any"]), default="any",
                     show_default=True,
                     help="done: only records whose annotator marked the article done."),
        click.option("--label", "labels", multiple=True,
                     help="Keep only spans with this label (repeatable); arguments pointing at "
                     "other spans are dropped, records are selected as without it."),
        click.option("--since", metavar="DATE",
                     help="Only records changed at or after DATE (2025-06-01, or an ISO time; "
                     "UTC unless it has an offset)."),
        click.option("--query", metavar="FILTER",
                     help="Only articles matching the library's filter language, per record "
                     "annotator (e.g. 'status:done lang:de source:zeit').", default=None),
        click.option("--merge", type=click.Choice(["gold"]), default=None,
                     help="gold: export only the annotator named 'gold'."),
        click.option("--split", "split_spec", metavar="TRAIN/DEV/TEST",
                     help="Write three outputs, e.g. 80/10/10, each article by a hash of its "
                     "text: OUT-train.jsonl, OUT-dev.jsonl, OUT-test.jsonl (DIR-train, … for "
                     "brat)."),
    ]

    @functools.wraps(fn)
    def wrapper(*args, status, labels, since, query, merge, split_spec, **kwargs):
        from newsmark.query import QueryError, parse_query
        from newsmark.split import SplitError, parse_split
        from storage.export import Selection, SelectionError, parse_since

        try:
            selection = Selection(
                done_only=status == "done",
                labels=list(labels) or None,
                since=parse_since(since) if since else None,
                query=parse_query(query) if query else None,
            )
            split = parse_split(split_spec) if split_spec else None
        except (QueryError, SplitError, SelectionError) as exc:
            raise click.UsageError(str(exc)) from None
        annotators = list(kwargs.get("annotators") or ())
        if merge == "gold":
            if annotators and annotators != ["gold"]:
                raise click.UsageError("--merge gold exports only the annotator 'gold'; "
                                       "leave out --annotator")
            kwargs["annotators"] = ("gold",)
        return fn(*args, selection=selection, split=split, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="prodigy",
              show_default=True, help="Output format.")
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file (a directory for brat), or - for standard output.")
@click.option("--annotator", "annotators", multiple=True,
              help="Only this annotator's work (repeatable). [default: everyone]")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Label schema TOML file (for validation warnings). [default: the news schema]")
@click.option("--relations", is_flag=True,
              help="doccano: the entities-and-relations variant, with events as trigger entities.")
@click.option("--jobs", "workers", type=click.IntRange(0, 64), default=0, show_default="0: one per core, up to 4",
              help="prodigy: worker processes that render batches of articles; 1 renders in "
              "this process.")
@selection_options
def export(db_path: Path, fmt: str, output: str, annotators: tuple[str, ...],
           schema_path: Path | None, relations: bool, workers: int, selection, split) -> None:
    """Export training data: one record per article and annotator that has spans or events, or
    is marked done."""
    from dataclasses import replace
    from importlib import import_module

    from newsmark.formats import export as run_export
    from newsmark.formats.brat import BratError
    from newsmark.formats.prodigy import AlignmentError
    from newsmark.split import SPLIT_NAMES, SplitError, split_output

    try:
        schema = load_schema(schema_path) if schema_path else default_schema()
    except SchemaError as exc:
        raise click.ClickException(str(exc)) from None
    selection.annotators = list(annotators) or None
    jobs = [(output, selection)]
    if split is not None:
        directory = getattr(import_module(FORMATS[fmt]), "DIRECTORY", False)
        try:
            jobs = [(split_output(output, name, directory), replace(selection, split=(name, split)))
                    for name in SPLIT_NAMES]
        except SplitError as exc:
            raise click.UsageError(str(exc)) from None
    store = open_store(db_path)
    for out, sel in jobs:
        try:
            if fmt == "prodigy" and workers != 1:
                from functools import partial

                from newsmark.formats.prodigy import render
                from storage.parallel import rendered

                batches = rendered(db_path, sel, partial(render, schema=schema), workers or None)
                summary = run_export(fmt, (), out, schema, rendered=batches)
            else:
                summary = run_export(fmt, store.records(sel), out, schema, relations=relations)
        except (AlignmentError, BratError) as exc:
            raise click.ClickException(str(exc)) from None
        where = f" -> {out}" if split is not None else ""
        click.echo(f"{summary['records']} records exported ({fmt}){where}", err=True)
        for note in summary.get("notes", []):
            click.echo(f"  {note}", err=True)


@main.command(name="import")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["prodigy", "doccano"]), default="prodigy",
              show_default=True, help="Input format (JSONL).")
@click.option("--annotator", default=None,
              help="Whose annotations these are. [default: each line's meta.annotator, else your "
              "login name]")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Label schema TOML file the labels are checked against. [default: the news "
              "schema]")
@click.option("--add-labels", is_flag=True,
              help="Accept span labels and event types that are not in the schema.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid lines and report the invalid ones, instead of rejecting "
              "the whole file.")
@click.option("--max-bytes", type=click.IntRange(1), default=200 * 1024 * 1024,
              show_default=True, help="Refuse larger files.")
def import_(db_path: Path, file: Path, fmt: str, annotator: str | None, schema_path: Path | None,
            add_labels: bool, skip_invalid: bool, max_bytes: int) -> None:
    """Import annotations from a Prodigy or doccano JSONL FILE, in one transaction.

    Articles are matched by their text, or created. A file with any invalid line is rejected
    whole (every bad line is listed), unless --skip-invalid.
    """
    from newsmark.formats.importers import ImportFileError, read

    try:
        schema = load_schema(schema_path) if schema_path else default_schema()
    except SchemaError as exc:
        raise click.ClickException(str(exc)) from None
    store = open_store(db_path)
    try:
        report = store.import_records(
            read(file, fmt, max_bytes), schema, annotator=annotator,
            fallback_annotator=default_annotator(), add_labels=add_labels,
            skip_invalid=skip_invalid)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from None
    for lineno, reason in report.invalid:
        click.echo(f"{file}:{lineno}: {reason}", err=True)
    if report.rejected:
        click.echo(f"{file}: rejected, nothing imported: {len(report.invalid)} of {report.lines} "
                   "lines invalid (--skip-invalid imports the others)", err=True)
        sys.exit(1)
    click.echo(
        f"{report.records} records imported from {file} ({fmt}): {report.articles_added} new "
        f"articles, {report.spans} spans, {report.events} events"
        + (f"; {report.ignored} not accepted, left out" if report.ignored else "")
        + (f"; {len(report.invalid)} invalid lines skipped" if report.invalid else ""),
        err=True)
    if report.new_labels:
        click.echo(f"  not in the schema: {', '.join(sorted(report.new_labels))}", err=True)
    if report.records == 0 and report.invalid:
        sys.exit(1)


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Label schema TOML file the events are validated against. [default: the news "
              "schema]")
def stats(db_path: Path, as_json: bool, schema_path: Path | None) -> None:
    """Articles by status per annotator, spans per label, events per type with their warnings."""
    import json

    from newsmark.stats import format_stats

    try:
        schema = load_schema(schema_path) if schema_path else default_schema()
    except SchemaError as exc:
        raise click.ClickException(str(exc)) from None
    data = open_store(db_path).stats(schema)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(format_stats(data), nl=False)


@main.group()
def feed() -> None:
    """Subscribe to RSS/Atom feeds and refresh them."""


@feed.command(name="add")
@db_option
@click.argument("url")
@click.option("--name", help="A short unique name. [default: the feed's host]")
@click.option("--tag", "tags", multiple=True, help="A tag to refresh feeds by (repeatable).")
def feed_add(db_path: Path, url: str, name: str | None, tags: tuple[str, ...]) -> None:
    """Subscribe to the feed at URL (fetched at the next refresh)."""
    from newsmark.urls import URLError, canonical_url, host_of
    from storage.feeds import FeedError

    try:
        url = canonical_url(url)
    except URLError as exc:
        raise click.ClickException(f"{url}: {exc}") from None
    store = open_store(db_path)
    try:
        f = store.add_feed(url, name or host_of(url), list(tags))
    except FeedError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"subscribed: {f.name} {f.url}" + (f" [{', '.join(f.tags)}]" if f.tags else ""))


@feed.command(name="list")
@db_option
def feed_list(db_path: Path) -> None:
    """Show each feed: name, tags, article count, last success and last error."""
    store = open_store(db_path)
    for f in store.feeds():
        tags = f" [{', '.join(f.tags)}]" if f.tags else ""
        click.echo(f"{f.name}{tags}  {f.url}")
        click.echo(f"    articles: {f.articles}  last success: {f.last_success or 'never'}"
                   f"  last error: {f.last_error or '-'}")


@feed.command(name="refresh")
@db_option
@click.argument("name", required=False)
@click.option("--tag", help="Refresh the feeds with this tag.")
@click.option("--all", "all_", is_flag=True, help="Refresh every feed.")
@click.option("--max-bytes", type=click.IntRange(1), default=10 * 1024 * 1024, show_default=True,
              help="Abandon feeds and pages larger than this, decompressed.")
@fetch_options
def feed_refresh(db_path: Path, name: str | None, tag: str | None, all_: bool, max_bytes: int,
                 concurrency: int, per_host: int, timeout: float, retries: int,
                 mode: str | None) -> None:
    """Fetch new entries of feed NAME, of every feed with --tag, or of --all feeds.

    Each new entry's page is fetched and cleaned; when that fails, the feed's own content is
    used, and the article records which of the two it got. One failing feed never stops the
    others; a failure never deletes anything stored.
    """
    from newsmark.fetch import Fetcher
    from newsmark.sources import refresh_feed
    from storage.feeds import FeedError

    from .report import Reporter

    if sum(bool(x) for x in (name, tag, all_)) != 1:
        raise click.UsageError("give exactly one of NAME, --tag T or --all")
    store = open_store(db_path)
    try:
        feeds = [store.feed(name)] if name else store.feeds(tag)
    except FeedError as exc:
        raise click.ClickException(str(exc)) from None
    if not feeds:
        raise click.ClickException(f"no feeds with tag {tag!r}" if tag else "no feeds subscribed")
    report = Reporter(mode or "lines", label="refresh", progress=True)  # entries: not known yet
    config = fetch_config(concurrency, per_host, timeout, retries, max_bytes)

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
    from storage.feeds import FeedError

    try:
        f = open_store(db_path).remove_feed(name)
    except FeedError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"removed: {f.name} ({f.articles} articles kept)")


@feed.command(name="import-opml")
@db_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def feed_import_opml(db_path: Path, file: Path) -> None:
    """Subscribe to every feed in an OPML FILE; folders become tags."""
    from newsmark.feeds import FeedError as ParseError
    from newsmark.feeds import parse_opml
    from newsmark.urls import URLError, canonical_url
    from storage.feeds import FeedError

    if file.stat().st_size > MAX_INPUT_BYTES:
        raise click.ClickException(f"{file}: over the {MAX_INPUT_BYTES:,}-byte limit")
    try:
        subs = parse_opml(file.read_bytes(), str(file))
    except ParseError as exc:
        raise click.ClickException(str(exc)) from None
    store = open_store(db_path)
    added = 0
    for sub in subs:
        try:
            store.add_feed(canonical_url(sub.url), sub.name, sub.tags)
            added += 1
        except (FeedError, URLError) as exc:
            click.echo(f"skipped: {sub.url}: {exc}", err=True)
    click.echo(f"{added} feeds added from {file}")
    if subs and not added:
        sys.exit(1)


@feed.command(name="export-opml")
@db_option
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def feed_export_opml(db_path: Path, file: Path | None) -> None:
    """Write the subscriptions as OPML to FILE, or to standard output; tags become folders."""
    from newsmark.feeds import Subscription, write_opml

    store = open_store(db_path)
    opml = write_opml([Subscription(f.url, f.name, f.tags) for f in store.feeds()])
    if file:
        file.write_text(opml, "utf-8")
    else:
        click.echo(opml, nl=False)


@main.command(name="list")
@db_option
@click.option("--annotator", default=default_annotator, show_default="your login name")
def list_(db_path: Path, annotator: str) -> None:
    """List the stored articles: id, status, spans, date, source and title."""
    store = open_store(db_path)
    for row in store.list_articles(annotator):
        click.echo(
            f"{row.id:>6}  {row.status:<11} {row.spans:>4}  {(row.published or '')[:10]:<10}  "
            f"{row.source[:16]:<16}  {row.title}"
        )


if __name__ == "__main__":  # pragma: no cover
    main()
