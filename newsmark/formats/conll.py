"""CoNLL-2003-style BIO: ``token -X- _ TAG``, one token per line.

Also the token-level rules the token-classification formats (``conll``, ``hf``, ``spacy`` ents)
share, so that all three agree on which spans survive:

- **Whitespace tokens** (spaCy makes ``"\\n\\n"``, ``" "`` or ``"\\t"`` tokens) are not words: they are
  left out of the token sequence. A span's whitespace tokens at either edge are trimmed off; a span
  of whitespace only cannot be tagged and is dropped.
- **Overlaps**: tags cannot overlap, so the longest span (in tokens) wins, then the earliest, then
  the label first in alphabetical order; a span overlapping one already kept is dropped. For nested
  spans that is "outermost wins".

Layout: ``-DOCSTART- -X- -X- O`` and a blank line before each record (article and annotator); a
blank line between paragraphs, i.e. wherever the text has a line break between two tokens, except
inside a tagged span (a span across a line break stays in one block, so its ``I-`` tags never
start a block).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Article, Schema, Span
from . import Record, escape_text, text_output

DOCSTART = "-DOCSTART- -X- -X- O"
_LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Tagged:
    """A span that survives as tags: tokens ``[start, end)`` of the article's stored tokens."""

    start: int
    end: int
    label: str
    span: Span


def spaces(article: Article) -> list[bool]:
    """For each stored token: is it whitespace only?"""
    text = article.text
    return [text[t.start : t.end].isspace() for t in article.tokens]


def words(article: Article) -> list[int]:
    """Indices of the article's tokens that are not whitespace: the exported token sequence."""
    return [i for i, space in enumerate(spaces(article)) if not space]


def resolve_overlaps(article: Article, spans: list[Span]) -> tuple[list[Tagged], list[Span]]:
    """(kept spans in text order, dropped spans in text order) by the rule in the module doc."""
    space = spaces(article)
    starts = [t.start for t in article.tokens]
    ends = [t.end for t in article.tokens]
    candidates, dropped = [], []
    for span in spans:
        # the tokens the span covers, whitespace tokens at its edges trimmed off
        first, last = bisect_right(ends, span.start), bisect_left(starts, span.end)
        while first < last and space[first]:
            first += 1
        while first < last and space[last - 1]:
            last -= 1
        if first < last:
            candidates.append(Tagged(first, last, span.label, span))
        else:
            dropped.append(span)
    taken = [False] * len(article.tokens)
    kept = []
    for c in sorted(candidates, key=lambda c: (c.start - c.end, c.start, c.label, c.span.start)):
        if any(taken[c.start : c.end]):
            dropped.append(c.span)
            continue
        taken[c.start : c.end] = [True] * (c.end - c.start)
        kept.append(c)
    kept.sort(key=lambda c: c.start)
    dropped.sort(key=lambda s: (s.start, -s.end, s.label))
    return kept, dropped


def bio_tags(article: Article, kept: list[Tagged]) -> list[str]:
    """IOB2 tags for every stored token (whitespace tokens included: callers leave them out)."""
    space = spaces(article)
    tags = ["O"] * len(article.tokens)
    for t in kept:
        inside = [i for i in range(t.start, t.end) if not space[i]]
        for n, i in enumerate(inside):
            tags[i] = ("B-" if n == 0 else "I-") + t.label
    return tags


def _clean(word: str) -> str:
    # spaCy puts whitespace in tokens of its own, so this never fires on stored tokens; it keeps a
    # line from ever breaking whatever the tokens are.
    return "".join("_" if c.isspace() else c for c in word)


def lines(article: Article, spans: list[Span]) -> tuple[list[str], list[Span]]:
    """The CoNLL lines of one record (without the DOCSTART header) and the spans it dropped."""
    kept, dropped = resolve_overlaps(article, spans)
    tags = bio_tags(article, kept)
    text = article.text
    out: list[str] = []
    prev = None
    for i in words(article):
        tok = article.tokens[i]
        if prev is not None and not tags[i].startswith("I-"):
            gap = text[article.tokens[prev].end : tok.start]
            if _LINE_BREAK.search(gap) and out and out[-1] != "":
                out.append("")
        out.append(f"{_clean(text[tok.start : tok.end])} -X- _ {tags[i]}")
        prev = i
    return out, dropped


def export(records: Iterable[Record], output: str, schema: Schema, **_options) -> dict:
    n = n_spans = n_dropped = 0
    with text_output(output, terminal=escape_text) as out:
        for r in records:
            body, dropped = lines(r.article, r.spans)
            out.write(DOCSTART + "\n\n")
            if body:
                out.write("\n".join(body) + "\n\n")
            n += 1
            n_spans += len(r.spans)
            n_dropped += len(dropped)
    summary = {"records": n, "spans": n_spans, "dropped_spans": n_dropped, "notes": []}
    if n_dropped:
        summary["notes"].append(
            f"{n_dropped} of {n_spans} spans dropped: they overlap a longer span "
            "(longest, then earliest, wins) or hold only whitespace"
        )
    return summary
