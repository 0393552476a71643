"""Suggestions in storage (issue 15): accepting suggestions as spans, and what an annotator
rejected.

A suggestion is never stored as a span until it is accepted: accepting adds an ordinary span
whose ``origin`` says where it came from (``propagated``, ``pattern``, ``model:NAME``), as one
undoable action however many it adds; the action's payload carries every added span's row,
origin included (provenance in the action log). A rejected suggestion is a row of
``rejected_suggestions`` (per article and annotator), written as one undoable action too, and
read back so the reader keeps it hidden. Everything here runs inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsmark.model import Span

from .actions import Action, ActionLog
from .articles import Articles
from .rows import insert, now, select, span_from_row
from .status import touch_status

# --- propagation across articles (``newsmark propagate``) ----------------------------------------

# who the action log says propagated (no person: an annotator's own ``u`` never takes back a
# propagation over many articles; ``undo_propagation`` does), as ``storage.labels`` does
PROPAGATE_ANNOTATOR = "newsmark:propagate"
PROPAGATED = "propagated"  # the origin of every span a propagation adds


@dataclass(slots=True)
class Propagation:
    """What a propagation of ``text`` as ``label`` added (``dry_run``: would add) for
    ``annotator``: ``spans`` in ``articles`` articles, of ``found`` occurrences in ``searched``
    articles; ``overlapping`` occurrences were left out (they overlap a span the annotator has,
    the same one included)."""

    text: str
    label: str
    annotator: str
    ignore_case: bool = False
    dry_run: bool = False
    searched: int = 0
    found: int = 0
    overlapping: int = 0
    spans: int = 0
    articles: int = 0
    rows: list[dict] = field(default_factory=list, repr=False)


@dataclass(slots=True)
class UndonePropagation:
    """A propagation taken back: its action, the spans removed, and those left because they
    changed since (relabelled, moved or deleted) or an event argument points at them."""

    action: Action
    removed: int
    kept: int


_IDS_BATCH = 500


def plan_propagation(conn: sqlite3.Connection, articles: Articles, ids: Iterable[int],
                     annotator: str, text: str, label: str, ignore_case: bool = False,
                     dry_run: bool = True) -> Propagation:
    """The spans propagating ``text`` as ``label`` over the articles ``ids`` gives
    ``annotator``: every occurrence of its token sequence (``newsmark.suggest.patterns
    .occurrences``; case-sensitive unless ``ignore_case``) that overlaps none of the
    annotator's spans. Nothing is written. An article whose text does not hold the string (up
    to case) is not tokenized: the exact token sequence is in its text only if the string is."""
    from newsmark.suggest.patterns import occurrences, phrase_tokens

    plan = Propagation(text, label, annotator, ignore_case, dry_run)
    needle = text.lower() if ignore_case else text
    phrases: dict[str, tuple[list[str], list[bool]]] = {}
    stamp = now()
    ids = list(ids)
    for first in range(0, len(ids), _IDS_BATCH):
        part = ids[first:first + _IDS_BATCH]
        marks = ", ".join("?" for _ in part)
        plan.searched += len(part)
        if ignore_case:
            rows = conn.execute(f"select id, text from articles where id in ({marks})", part)
            hits = [i for i, t in rows if needle in t.lower()]
        else:
            hits = [r[0] for r in conn.execute(
                f"select id from articles where id in ({marks}) and instr(text, ?) > 0",
                [*part, needle])]
        for article_id in sorted(hits):
            article = articles.article(article_id)
            lang = article.language or ""
            if lang not in phrases:
                phrases[lang] = phrase_tokens(text, lang)
            words, spaces = phrases[lang]
            found = occurrences(article.text, article.tokens, words, spaces, ignore_case)
            if not found:
                continue
            plan.found += len(found)
            taken = conn.execute("select start, end from spans where article_id = ? and "
                                 "annotator = ?", [article_id, annotator]).fetchall()
            added = 0
            for start, end in found:
                if any(s < end and start < e for s, e in taken):
                    plan.overlapping += 1
                    continue
                plan.rows.append({"article_id": article_id, "annotator": annotator,
                                  "start": start, "end": end, "label": label,
                                  "text_hash": article.text_hash, "origin": PROPAGATED,
                                  "created": stamp, "updated": stamp})
                added += 1
            plan.spans += added
            plan.articles += added > 0
    return plan


def propagate_spans(conn: sqlite3.Connection, articles: Articles, actions: ActionLog,
                    ids: Iterable[int], annotator: str, text: str, label: str,
                    ignore_case: bool = False) -> Propagation:
    """``plan_propagation``, written: every span (origin ``propagated``) as ONE undoable
    action over many articles (``article_id`` NULL, under ``PROPAGATE_ANNOTATOR``), in the
    caller's transaction. Statuses are left as they are: a propagated span is not the
    annotator's work on the article yet."""
    plan = plan_propagation(conn, articles, ids, annotator, text, label, ignore_case, False)
    if not plan.rows:
        return plan
    ops = []
    for row in plan.rows:
        row["id"] = insert(conn, "spans", row)
        ops.append(["insert", "spans", row])
    actions.log(PROPAGATE_ANNOTATOR, None, "ops", {
        "label": f"propagate {text!r} as {label} ({annotator}'s)",
        "propagate": {"text": text, "label": label, "annotator": annotator,
                      "ignore_case": ignore_case, "spans": plan.spans,
                      "articles": plan.articles},
        "ops": ops})
    return plan


def undo_propagation(conn: sqlite3.Connection, actions: ActionLog) -> UndonePropagation | None:
    """Take back the last propagation not taken back yet (None when there is none): each of
    its spans is deleted unless it changed since (its extent or label) or an event argument
    points at it (those are kept, and counted)."""
    action = actions.next_action(PROPAGATE_ANNOTATOR, None, "done")
    if action is None:
        return None
    removed = kept = 0
    for op in reversed(action.payload["ops"]):
        row = op[2]
        n = conn.execute(
            "delete from spans where id = ? and annotator = ? and start = ? and end = ? and "
            "label = ? and not exists (select 1 from event_arguments g where g.span_id = "
            "spans.id)",
            [row["id"], row["annotator"], row["start"], row["end"], row["label"]]).rowcount
        removed += n
        kept += 1 - n
    conn.execute("update actions set state = 'undone' where id = ?", [action.id])
    return UndonePropagation(action, removed, kept)


# --- accept and reject (the reader's a, A, P and x on a suggestion) ------------------------------


def accept_spans(conn: sqlite3.Connection, articles: Articles, actions: ActionLog,
                 article_id: int, annotator: str,
                 items: Iterable[tuple[int, int, str, str]], what: str) -> list[Span]:
    """Add a span for each ``(start, end, label, origin)`` as ONE undoable ``ops`` action named
    ``what``; a span the annotator has already (same extent and label) is left as it is. The
    payload lists every inserted row (with its origin) and ``origins``: how many per origin.
    Returns the spans added (none: nothing is logged)."""
    added: list[Span] = []
    ops: list = []
    seen: set[tuple[int, int, str]] = set()
    stamp = now()
    for start, end, label, origin in items:
        if (start, end, label) in seen:
            continue
        seen.add((start, end, label))
        text_hash = articles.check_offsets(article_id, start, end, "span")
        if select(conn, "select id from spans where article_id = ? and annotator = ? and "
                        "start = ? and end = ? and label = ? limit 1",
                  [article_id, annotator, start, end, label]):
            continue
        row = {"article_id": article_id, "annotator": annotator, "start": start, "end": end,
               "label": label, "text_hash": text_hash, "origin": origin, "created": stamp,
               "updated": stamp}
        row["id"] = insert(conn, "spans", row)
        ops.append(["insert", "spans", row])
        added.append(span_from_row(row))
    if ops:
        origins = Counter(op[2]["origin"] for op in ops)
        actions.log(annotator, article_id, "ops",
                    {"label": what, "ops": ops, "origins": dict(sorted(origins.items()))})
        touch_status(conn, article_id, annotator)
    return added


def reject_suggestion(conn: sqlite3.Connection, actions: ActionLog, article_id: int,
                      annotator: str, start: int, end: int, label: str, source: str) -> bool:
    """Record that ``annotator`` rejected the suggestion ``label`` over [start, end) on the
    article (one undoable action). False when it was rejected already (nothing written)."""
    if conn.execute('select 1 from rejected_suggestions where article_id = ? and annotator = ? '
                    'and start = ? and "end" = ? and label = ?',
                    [article_id, annotator, start, end, label]).fetchone():
        return False
    row = {"article_id": article_id, "annotator": annotator, "start": start, "end": end,
           "label": label, "source": source, "created": now()}
    insert(conn, "rejected_suggestions", row)
    actions.log(annotator, article_id, "ops", {"label": "reject suggestion",
                                               "ops": [["insert", "rejected_suggestions", row]]})
    return True


def rejected_suggestions(conn: sqlite3.Connection, article_id: int, annotator: str
                         ) -> list[tuple[int, int, str]]:
    """(start, end, label) of every suggestion ``annotator`` rejected on the article."""
    return [tuple(r) for r in conn.execute(
        'select start, "end", label from rejected_suggestions where article_id = ? and '
        'annotator = ? order by start, "end", label', [article_id, annotator])]
