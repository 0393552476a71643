"""Assignment with overlap: each article to k distinct annotators, balanced and deterministic.

The rule (``plan``):

- The annotators are a set: their order in the input does not matter (duplicates count once).
- Articles are taken in the order given (the store gives them by id). An article that has an
  assignment already (any annotator's, from an earlier run) is kept exactly as it is and skipped.
- Each new article goes to the k annotators with the fewest assignments so far, the existing
  ones counted (every stored assignment of each annotator named, whatever the run or filter that
  made it). Ties are broken by a stable hash of (article id, annotator) (BLAKE2b, never Python's
  randomised ``hash``), so the same input always gives the same rows and the pairs that share
  articles vary from article to article (an agreement needs every pair to meet).
- Balance: the counts of the annotators named differ by at most 1 after the run whenever they did
  before it (a first run starts at 0 each): taking the k least loaded of counts that differ by at
  most 1 keeps them so. Over the union of several runs with the same annotators the counts stay
  within 1. An annotator added in a later run starts behind and gets the new articles first until
  the counts meet again.
- k must be from 1 to the number of annotators.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from .errors import NewsmarkError


class AssignError(NewsmarkError, ValueError):
    """What was asked cannot be assigned (one line naming the input and the reason)."""


@dataclass(slots=True)
class Plan:
    """What one run assigns. ``rows``: the new (article id, annotator) pairs, in article order
    and, within an article, in annotator name order; ``new``: per annotator, how many articles
    this run gives them; ``total``: per annotator, with their earlier assignments;
    ``kept``: the matching articles that had assignments already (left as they are)."""

    annotators: list[str]
    overlap: int
    rows: list[tuple[int, str]] = field(default_factory=list)
    new: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    kept: int = 0

    @property
    def articles(self) -> int:
        """How many articles this run assigns."""
        return len(self.rows) // self.overlap if self.overlap else 0


def annotator_names(text: str | Iterable[str]) -> list[str]:
    """The annotators named (``a,b,c`` or a list): stripped, each once, sorted; an empty name
    (``a,,b``) or none at all is an ``AssignError``."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    names = [p.strip() for p in parts]
    if not names or any(not n for n in names):
        raise AssignError(f"annotators: expected names separated by commas, got {_shown(parts)}")
    return sorted(set(names))


def _shown(parts) -> str:
    return repr(",".join(parts)) if parts else "none"


def _tie(article_id: int, annotator: str) -> bytes:
    return hashlib.blake2b(f"{article_id}\x00{annotator}".encode(), digest_size=8).digest()


def plan(
    article_ids: Iterable[int],
    annotators: str | Iterable[str],
    overlap: int,
    existing: Mapping[str, int] | None = None,
    assigned: Collection[int] = (),
) -> Plan:
    """Give each article of ``article_ids`` not in ``assigned`` (the articles that have any
    assignment already) to ``overlap`` distinct ``annotators``, by the rule in the module's
    docstring. ``existing``: each annotator's assignments so far (others' are ignored)."""
    names = annotator_names(annotators)
    if not 1 <= overlap <= len(names):
        if overlap < 1:
            raise AssignError(f"overlap: expected at least 1 annotator per article, got {overlap}")
        raise AssignError(
            f"overlap {overlap} is more than the {len(names)} annotator"
            f"{'s' if len(names) != 1 else ''} named ({', '.join(names)}): each article goes to "
            "distinct annotators")
    existing = existing or {}
    load = {n: int(existing.get(n, 0)) for n in names}
    result = Plan(names, overlap, new={n: 0 for n in names})
    rows = result.rows
    for article_id in article_ids:
        if article_id in assigned:
            result.kept += 1
            continue
        chosen = sorted(names, key=lambda n: (load[n], _tie(article_id, n)))[:overlap]
        for n in sorted(chosen):
            load[n] += 1
            result.new[n] += 1
            rows.append((article_id, n))
    result.total = load
    return result
