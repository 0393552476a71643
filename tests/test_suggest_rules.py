"""The suggestion rules of ``newsmark.suggest``: what propagation finds and what the reader
shows (``shown``), as plain functions."""

from __future__ import annotations

import random

from newsmark.model import Schema, Span
from newsmark.suggest import PATTERN, PROPAGATED, Suggestion, propagate, shown
from newsmark.text import tokenize

TEXT = "Olaf Scholz traf Olaf Scholz. Olaf  Scholz nicht, olaf scholz nicht. Olaf Scholzes Rede."


def surfaces(found) -> list[tuple[str, str, str]]:
    return [(TEXT[s.start:s.end], s.label, s.source) for s in found]


def test_propagate_finds_the_same_words_with_the_same_spacing_only():
    tokens = tokenize(TEXT, "de")
    first = Span(0, 11, "PER")
    found = propagate(TEXT, tokens, first, [first])
    # not the one with two spaces, not lower case, not "Scholzes"
    assert surfaces(found) == [("Olaf Scholz", "PER", PROPAGATED)]
    assert found[0].start == TEXT.index("Olaf", 1)
    # an occurrence overlapping a stored span is left to it
    assert propagate(TEXT, tokens, first, [first, Span(17, 21, "LOC")]) == []


def test_shown_keeps_schema_labels_lets_spans_win_hides_rejected_prefers_the_longest():
    spans = [Span(0, 4, "PER")]
    suggestions = [
        Suggestion(0, 11, "PER", PATTERN),  # overlaps the stored span: the span wins
        Suggestion(17, 28, "PER", PROPAGATED),
        Suggestion(17, 21, "ORG", PATTERN),  # shorter than the one it overlaps
        Suggestion(30, 34, "WORK", PATTERN),  # not a label of the schema
        Suggestion(51, 55, "LOC", PATTERN),  # rejected
    ]
    got = shown(suggestions, spans, Schema(), rejected=[(51, 55, "LOC")])
    assert [(s.start, s.end, s.label) for s in got] == [(17, 28, "PER")]


def brute_force(suggestions, spans, schema, rejected=()):
    """The rule read straight off the docstring: pairwise overlap tests."""
    from newsmark.suggest import _rank

    labels = {label.name for label in schema.labels}
    taken = [(s.start, s.end) for s in spans]
    kept = []
    for s in sorted(suggestions, key=_rank):
        if s.label not in labels or (s.start, s.end, s.label) in set(rejected) or s.end <= s.start:
            continue
        if any(s.start < end and start < s.end for start, end in taken):
            continue
        taken.append((s.start, s.end))
        kept.append(s)
    return sorted(kept, key=lambda s: (s.start, s.end))


def test_shown_equals_the_pairwise_rule_on_random_layouts():
    rnd = random.Random(5)
    schema = Schema()
    for _ in range(30):
        spans = [Span(a, a + rnd.randint(1, 15), "PER")
                 for a in (rnd.randrange(0, 2000) for _ in range(rnd.randint(0, 40)))]
        suggestions = [Suggestion(a, a + rnd.randint(1, 15), rnd.choice(["PER", "ORG", "XX"]),
                                  rnd.choice([PATTERN, PROPAGATED, "model:m"]))
                       for a in (rnd.randrange(0, 2000) for _ in range(rnd.randint(0, 300)))]
        rejected = [(s.start, s.end, s.label) for s in suggestions[:5]]
        assert shown(suggestions, spans, schema, rejected) == brute_force(
            suggestions, spans, schema, rejected)
