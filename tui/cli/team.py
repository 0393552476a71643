"""The team's commands: ``newsmark assign`` (who annotates what)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import Fail, db_option, echo, echo_json, field, open_store
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
    if not ids:
        where = f"--query {query_text!r} matches no article" if query_text else \
            "the database holds no article"
        raise Fail(f"{where}: nothing assigned")
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


# --- agreement ------------------------------------------------------------------------------------


@main.command()
@db_option
@click.option("--annotators", default=None, metavar="A,B",
              help="The annotators to compare, separated by commas. [default: every annotator "
                   "with finished articles except gold]")
@click.option("--label", default=None, metavar="L",
              help="Only spans with this label and events of this type.")
@click.option("--query", "query_text", default=None, metavar="FILTER",
              help="Only the articles this library filter matches for both annotators of a "
                   "pair (e.g. 'lang:de after:2025-06-01'). [default: every article]")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
def agreement(db_path: Path, annotators: str | None, label: str | None, query_text: str | None,
              as_json: bool) -> None:
    """How far annotators agree, per pair and per label, on the articles both finished.

    Spans: precision, recall and F1 with exact and with overlap match (A is the reference),
    token-level Cohen's kappa and Krippendorff's alpha. Events: trigger F1 (type and extent,
    exact and overlap) and argument F1 (role and extent, on the triggers matched exactly).
    README, "Agreement", defines every figure.
    """
    import json

    from newsmark.agreement import AgreementError, format_agreement
    from newsmark.query import QueryError, parse_query

    try:
        query = parse_query(query_text) if query_text else None
    except QueryError as exc:
        raise Fail(f"--query {query_text!r}: {exc}") from None
    store = open_store(db_path)
    try:
        pairs = agreement_pairs(store, annotators, label, query, query_text)
    except AgreementError as exc:
        raise Fail(str(exc)) from None
    if as_json:
        echo_json(json.dumps({"label": label, "query": query_text, "pairs": pairs},
                             ensure_ascii=False, indent=2))
    else:
        echo(format_agreement(pairs))


def agreement_pairs(store, annotators: str | None, label: str | None, query,
                    query_text: str | None = None) -> list[dict]:
    """The agreement figures per pair (``newsmark.agreement``), the annotators checked; an
    ``AgreementError`` for what cannot be compared."""
    from newsmark.agreement import (
        agreement,
        annotator_names,
        check_result,
        choose_annotators,
    )

    given = annotator_names(annotators) if annotators is not None else None
    names = choose_annotators(store.agreement_annotators(), given)
    pairs = agreement(store.agreement_works(names, query), names, label)
    check_result(pairs, label, query_text)
    return pairs
