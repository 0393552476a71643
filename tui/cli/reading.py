"""``newsmark stats`` and ``newsmark list``: what is stored, on standard output."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import (
    configured_annotator,
    db_option,
    default_annotator,
    echo,
    echo_json,
    field,
    open_store,
    schema_from,
    schema_option,
)
from .root import main


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@schema_option("Label schema TOML file the events are validated against. [default: the news "
               "schema]")
def stats(db_path: Path, as_json: bool, schema_path: Path | None) -> None:
    """Articles by status per annotator, spans per label, events per type with their warnings."""
    import json

    from newsmark.stats import format_stats

    data = open_store(db_path).stats(schema_from(schema_path))
    if as_json:
        echo_json(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        echo(format_stats(data), nl=False)


@main.command(name="list")
@db_option
@click.option("--annotator", default=None,
              help="Whose status and spans to show. [default: the config file's annotator, "
              "else your login name]")
def list_(db_path: Path, annotator: str | None) -> None:
    """List the stored articles: id, status, spans, date, source and title.

    On a terminal, a first line (on standard error) names the annotator whose status and
    spans are shown.
    """
    store = open_store(db_path)
    if annotator is None:
        annotator = configured_annotator() or default_annotator()
        if sys.stdout.isatty():  # a person reading: say whose; a script asked for the rows
            echo(f"annotator {field(annotator)} (--annotator NAME for another)", err=True)
    for row in store.list_articles(annotator):
        echo(
            # cut to the column before escaping: never in the middle of an escape
            f"{row.id:>6}  {row.status:<11} {row.spans:>4}  {field((row.published or '')[:10]):<10}  "
            f"{field((row.source or '')[:16]):<16}  {field(row.title)}"
        )


@main.command()
@db_option
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(db_path: Path, target: Path) -> None:
    """Copy the database to TARGET (a new file), consistently, while others keep working.

    SQLite's online backup copies one snapshot: every action saved before the backup started
    is in the copy, and nobody has to stop. The copy is a self-contained database file.
    """
    from storage.db import backup as copy

    store = open_store(db_path)
    copy(store.db, target)
    echo(f"backed up {field(db_path)} -> {field(target)} ({target.stat().st_size:,} bytes)")
