"""The ``newsmark`` command: thin click glue over ``newsmark`` (domain) and ``storage``."""

from __future__ import annotations

import functools
import getpass
import sys
from pathlib import Path

import click

from newsmark import __version__
from newsmark.config import default_schema, load_schema
from newsmark.formats import prodigy
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


@main.command()
@db_option
@click.option("--annotator", default=default_annotator, show_default="your login name",
              help="Whose spans, status and undo history to work on.")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Label schema TOML file replacing the default news schema.")
def tui(db_path: Path, annotator: str, schema_path: Path | None) -> None:
    """Open the TUI: the library of articles, and the reader to annotate them."""
    try:
        schema = load_schema(schema_path) if schema_path else default_schema()
    except SchemaError as exc:
        raise click.ClickException(str(exc)) from None
    from tui.app import NewsmarkApp

    store = open_store(db_path)
    try:
        NewsmarkApp(store=store, annotator=annotator, schema=schema).run()
    finally:
        store.close()


@main.command()
@db_option
@click.argument("paths", nargs=-1, required=True)
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has articles.")
@click.option("--max-bytes", type=click.IntRange(1), default=MAX_INPUT_BYTES, show_default=True,
              help="Refuse inputs larger than this (decompressed).")
def ingest(db_path: Path, paths: tuple[str, ...], if_empty: bool, max_bytes: int) -> None:
    """Clean and store articles from PATHS: .txt, .md, .html/.htm files (optionally .gz) and
    directories (recursively).

    Prints one line per input (added / duplicate / failed: reason) and a summary. Exits with
    status 1 when nothing at all was added.
    """
    store = open_store(db_path)
    if if_empty and store.count_articles():
        click.echo(f"{db_path}: already has {store.count_articles()} articles; nothing to do")
        return
    counts = {"added": 0, "duplicate": 0, "failed": 0}
    for item in discover(list(paths)):
        if item.error:
            counts["failed"] += 1
            click.echo(f"failed: {item.name}: {item.error}", err=True)
            continue
        try:
            article = article_from_file(item.path, max_bytes)
            stored, added = store.add_article(article)
        except IngestError as exc:
            counts["failed"] += 1
            click.echo(f"failed: {item.name}: {exc}", err=True)
            continue
        state = "added" if added else "duplicate"
        counts[state] += 1
        suffix = "" if added else f" (same text as article {stored.id})"
        click.echo(f"{state}: {item.name} -> #{stored.id} {stored.display_title}{suffix}")
    click.echo(
        f"{counts['added']} added, {counts['duplicate']} duplicate, {counts['failed']} failed"
        f" ({db_path})"
    )
    if counts["added"] == 0 and counts["duplicate"] == 0:
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


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["prodigy"]), default="prodigy",
              show_default=True, help="Output format.")
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file, or - for standard output.")
@click.option("--annotator", "annotators", multiple=True,
              help="Only this annotator's work (repeatable). [default: everyone]")
def export(db_path: Path, fmt: str, output: str, annotators: tuple[str, ...]) -> None:
    """Export training data: one JSON line per article and annotator that has spans or is done."""
    store = open_store(db_path)
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")
    n = 0
    try:
        for article, annotator, _status, spans in store.iter_annotated(list(annotators) or None):
            try:
                line = prodigy.dumps(prodigy.record(article, annotator, spans))
            except prodigy.AlignmentError as exc:
                raise click.ClickException(str(exc)) from None
            out.write(line + "\n")
            n += 1
    finally:
        if out is not sys.stdout:
            out.close()
    click.echo(f"{n} records exported ({fmt})", err=True)


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
