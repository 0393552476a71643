"""``newsmark propagate``: a text labelled wherever its token sequence occurs, over a query of
articles, as one undoable action (``storage.suggestions``)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .common import (
    Fail,
    configured_annotator,
    db_option,
    default_annotator,
    default_config_path,
    echo,
    field,
    open_store,
)
from .root import main


@main.command()
@db_option
@click.option("--text", default=None, metavar="TEXT",
              help="The text to label: its token sequence, as an article's tokenizer splits it.")
@click.option("--label", default=None, metavar="LABEL", help="The label (one of the schema's).")
@click.option("--query", "query_text", default=None, metavar="FILTER",
              help="Only the articles this library filter matches (e.g. 'lang:de "
                   "source:tagesschau'). [default: every article]")
@click.option("--annotator", default=None,
              help="Whose spans to add. [default: the config file's annotator, else your "
                   "login name]")
@click.option("--ignore-case", is_flag=True, help="Match the text whatever its case.")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Label schema TOML file the label must be in. [default: the config file's "
                   "schema, else the news schema]")
@click.option("--dry-run", is_flag=True, help="Print what would be added; write nothing.")
@click.option("--undo", is_flag=True,
              help="Take back the last propagation (the other options are not used).")
def propagate(db_path: Path, text: str | None, label: str | None, query_text: str | None,
              annotator: str | None, ignore_case: bool, schema_path: Path | None,
              dry_run: bool, undo: bool) -> None:
    """Label TEXT as LABEL wherever its exact token sequence occurs, in every article the
    query matches, for one annotator.

    An occurrence that overlaps one of the annotator's spans is left out (counted). The spans
    (origin "propagated") are written in one transaction as one action over many articles,
    which `newsmark propagate --undo` takes back; statuses are left as they are.
    """
    if undo:
        _undo(db_path)
        return
    if text is None or label is None:
        raise Fail("--text and --label are needed (or --undo)")
    from newsmark.query import QueryError, parse_query
    from newsmark.text import normalize

    text = normalize(text)
    if not text.strip():
        raise Fail("--text: an empty text")
    schema = _schema(schema_path)
    if label not in schema.names:
        raise Fail(f"--label {label}: not a label of the schema {schema.name} (its labels: "
                   f"{', '.join(lab.name for lab in schema.labels)}); nothing written")
    try:
        query = parse_query(query_text) if query_text else None
    except QueryError as exc:
        raise Fail(f"--query {query_text!r}: {exc}") from None
    annotator = annotator or configured_annotator() or default_annotator()
    store = open_store(db_path)
    ids = store.library_ids(annotator, query)
    if dry_run:
        done = store.plan_propagation(ids, annotator, text, label, ignore_case)
    else:
        done = store.propagate(ids, annotator, text, label, ignore_case)
    verb = "dry run: would add" if dry_run else "added"
    echo(f"{verb} {_n(done.spans, 'span')} {field(label)} {field(text)!r} in "
         f"{_n(done.articles, 'article')} for {field(annotator)}")
    echo(f"  {_n(done.found, 'occurrence')} in {_n(done.searched, 'article')} searched"
         + (f"; {done.overlapping:,} overlap {field(annotator)}'s spans: left out"
            if done.overlapping else ""))
    if dry_run:
        echo("  nothing written")
    elif done.spans:
        echo("undo with: newsmark propagate --undo")


def _undo(db_path: Path) -> None:
    undone = open_store(db_path).undo_propagation()
    if undone is None:
        raise Fail(f"{db_path}: no propagation to undo")
    echo(f"undone: {field(undone.action.payload.get('label', 'propagation'))}: "
         f"{_n(undone.removed, 'span')} removed"
         + (f", {undone.kept:,} kept (changed since, or an event argument points at it)"
            if undone.kept else ""))


def _schema(schema_path: Path | None):
    from newsmark.config import ConfigError, default_schema, load_config, load_schema
    from newsmark.model import SchemaError

    explicit = bool(os.environ.get("NEWSMARK_CONFIG"))
    try:
        if schema_path:
            return load_schema(schema_path)
        return load_config(default_config_path(), must_exist=explicit).schema or default_schema()
    except (ConfigError, SchemaError) as exc:
        raise Fail(str(exc)) from None


def _n(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'s' if n != 1 else ''}"
