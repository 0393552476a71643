"""The team's commands: ``newsmark assign`` (who annotates what)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import Fail, db_option, echo, field, open_store
from .root import main

# --- assign ---------------------------------------------------------------------------------------


@main.command()
@db_option
@click.option("--annotators", required=True, metavar="A,B,C",
              help="The annotators to share the articles, separated by commas.")
@click.option("--overlap", type=int, default=1, show_default=True, metavar="K",
              help="How many distinct annotators get each article (at most as many as named).")
@click.option("--query", "query_text", default=None, metavar="FILTER",
              help="Only the articles this library filter matches (e.g. 'lang:de "
                   "after:2025-06-01'). [default: every article]")
@click.option("--dry-run", is_flag=True, help="Print what would be assigned; write nothing.")
def assign(db_path: Path, annotators: str, overlap: int, query_text: str | None,
           dry_run: bool) -> None:
    """Give each article to K annotators, balanced and deterministic.

    Only articles without an assignment are assigned: a second run over more articles keeps
    the earlier assignments and the balance across both. Each article goes to the K annotators
    with the fewest assignments so far (ties broken by a fixed hash of article and annotator),
    so the counts differ by at most one and the same input gives the same assignment. Prints
    how many articles each annotator got.
    """
    from newsmark.assign import AssignError, annotator_names
    from newsmark.query import QueryError, parse_query

    try:
        names = annotator_names(annotators)
        query = parse_query(query_text) if query_text else None
    except AssignError as exc:
        raise Fail(str(exc)) from None
    except QueryError as exc:
        raise Fail(f"--query {query_text!r}: {exc}") from None
    store = open_store(db_path)
    ids = sorted(store.library_ids("", query))  # by id: the order new articles come in
    try:
        if dry_run:
            planned, batch = store.plan_assignments(ids, names, overlap), None
        else:
            planned, batch = store.assign(ids, names, overlap)
    except AssignError as exc:
        raise Fail(str(exc)) from None
    _report_assign(planned, len(ids), batch)


def _report_assign(planned, matching: int, batch: str | None) -> None:
    n = planned.articles
    verb = "would assign" if batch is None else "assigned"
    line = (f"{verb} {n:,} article{'s' if n != 1 else ''} to {len(planned.annotators)} "
            f"annotator{'s' if len(planned.annotators) != 1 else ''}, {planned.overlap} per "
            f"article")
    if planned.kept:
        line += f"; {planned.kept:,} of the {matching:,} matching had assignments already"
    if not planned.rows:
        line += " (nothing to write)"
    elif batch is None:
        line += " (dry run: nothing written)"
    else:
        line += f" (batch {batch})"
    echo(line)
    width = max(len(field(a)) for a in planned.annotators)
    for a in planned.annotators:
        echo(f"  {field(a).ljust(width)}  {planned.new[a]:>6,} new  {planned.total[a]:>6,} in all")
