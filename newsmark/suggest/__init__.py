"""Suggestions: spans newsmark proposes and the annotator accepts or rejects (issue 15).

A ``Suggestion`` is never an annotation: it is drawn apart, never exported, and becomes a span
only when accepted (a normal span action whose ``origin`` records where it came from:
``propagated``, ``pattern`` or ``model:NAME``). Three sources make them:

- ``propagate``: the other occurrences of a span's token sequence in the same article;
- patterns (``newsmark.suggest.patterns``): spaCy EntityRuler / Prodigy JSONL, matched with
  spaCy's ``PhraseMatcher``/``Matcher``;
- a spaCy pipeline trained on the team's own work (``newsmark.suggest.model``).

``shown`` is the one rule for what the reader shows: only labels of the active schema; an
existing span wins over any suggestion that overlaps it; a rejected suggestion stays hidden;
of overlapping suggestions the longest (then the earliest, then the first source in
``SOURCES``) wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..model import Article, Schema, Span, Token

# where a suggestion (and an accepted span's origin) comes from; a model is "model:NAME"
PROPAGATED, PATTERN, MODEL = "propagated", "pattern", "model"
SOURCES = (PATTERN, MODEL, PROPAGATED)  # the order that breaks ties between overlapping ones


@dataclass(frozen=True, slots=True)
class Suggestion:
    start: int
    end: int
    label: str
    source: str  # "propagated" | "pattern" | "model:NAME"
    score: float | None = None  # a model's confidence, when it gives one

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    @property
    def kind(self) -> str:
        """The source without a model's name: ``propagated``, ``pattern`` or ``model``."""
        return self.source.split(":", 1)[0]


class Suggester(Protocol):
    """Anything that proposes spans for an article (patterns, a model)."""

    name: str

    def suggest(self, article: Article) -> list[Suggestion]: ...


def _rank(s: Suggestion) -> tuple:
    kind = SOURCES.index(s.kind) if s.kind in SOURCES else len(SOURCES)
    return (-(s.end - s.start), s.start, kind, s.label)


def shown(suggestions: Iterable[Suggestion], spans: Sequence[Span], schema: Schema,
          rejected: Iterable[tuple[int, int, str]] = ()) -> list[Suggestion]:
    """What the reader shows of ``suggestions`` beside the stored ``spans``, in text order (see
    the module docstring); ``rejected``: (start, end, label) the annotator rejected."""
    labels = {label.name for label in schema.labels}
    gone = set(rejected)
    candidates = sorted(suggestions, key=_rank)
    # the characters a stored span or a kept suggestion covers: an overlap is a covered
    # character in the range (linear in the text, not in spans × suggestions)
    size = max([s.end for s in spans] + [s.end for s in candidates] + [0])
    covered = bytearray(size)
    for s in spans:
        covered[s.start:s.end] = b"\x01" * max(0, s.end - s.start)
    kept: list[Suggestion] = []
    for s in candidates:
        if s.label not in labels or (s.start, s.end, s.label) in gone or s.end <= s.start:
            continue
        if covered.find(1, s.start, s.end) != -1:
            continue
        covered[s.start:s.end] = b"\x01" * (s.end - s.start)
        kept.append(s)
    return sorted(kept, key=lambda s: (s.start, s.end))


def propagate(text: str, tokens: Sequence[Token], span: Span | Suggestion,
              spans: Sequence[Span] = (), index: TokenIndex | None = None) -> list[Suggestion]:
    """Every other occurrence of ``span``'s token sequence in the text (the same characters,
    token for token, with the same spacing between them, case-sensitive), as suggestions with
    ``span``'s label; occurrences that overlap a stored span are left out (the stored span
    wins). ``index``: the text's ``TokenIndex``, when several spans propagate."""
    index = index or TokenIndex(text, tokens)
    inside = [i for i, t in enumerate(tokens) if span.start <= t.start and t.end <= span.end]
    if not inside:
        return []
    words = [index.words[i] for i in inside]
    n = len(words)
    out: list[Suggestion] = []
    last_end = -1
    for i in index.where.get(words[0], ()):
        if i + n > len(tokens) or tokens[i].start < last_end:
            continue
        if (all(index.words[i + k] == words[k] for k in range(1, n))
                and all(tokens[i + k].ws == tokens[inside[k]].ws for k in range(n - 1))):
            start, end = tokens[i].start, tokens[i + n - 1].end
            last_end = end
            if (start, end) != (span.start, span.end) and not any(
                    s.overlaps(start, end) for s in spans):
                out.append(Suggestion(start, end, span.label, PROPAGATED))
    return out


class TokenIndex:
    """The text's tokens as words, and where each word occurs (token positions, in order)."""

    def __init__(self, text: str, tokens: Sequence[Token]) -> None:
        self.words = [text[t.start:t.end] for t in tokens]
        self.where: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            self.where.setdefault(word, []).append(i)


def propagations(text: str, tokens: Sequence[Token], spans: Sequence[Span],
                 labels: set[str]) -> list[Suggestion]:
    """The other occurrences of every stored span's words (``propagate``), once per distinct
    (words, label), for spans with a label in ``labels``."""
    index = TokenIndex(text, tokens)
    out: list[Suggestion] = []
    done: set[tuple[str, str]] = set()
    for span in spans:
        key = (text[span.start:span.end], span.label)
        if span.label not in labels or key in done:
            continue
        done.add(key)
        out.extend(propagate(text, tokens, span, spans, index))
    return out
