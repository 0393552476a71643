"""Inter-annotator agreement: how far annotators agree on the articles they both finished.

Input: ``ArticleWork``, one per article: the token starts of the article and, per annotator who
finished it (status ``done``), their spans and events. Every pair of the chosen annotators is
compared on the articles **both** finished; an article that only one of them finished does not
count for that pair. The figures (README, "Agreement", defines them with a worked example):

Spans, per label and in total (micro: every label's counts summed), annotator A the reference:

- *exact*: a span matches when the other annotator has a span with the same label, start and
  end. ``m`` matches; precision ``m / |B|``, recall ``m / |A|``, F1 ``2m / (|A| + |B|)``.
- *overlap*: a span of A is found when B has a span with the same label sharing at least one
  character with it, and the other way round; recall = A's spans found / ``|A|``, precision =
  B's spans found / ``|B|``, F1 their harmonic mean. (F1 is symmetric in A and B both ways.)
- *token κ and α*: every token of the article gets one label per annotator, the label of the
  span covering it, else ``O``. Where spans nest or overlap **the longest span wins** (then the
  earlier start, then the label's name): "Angela Merkel" (PER) over "Merkel" (MISC) labels both
  tokens PER. Cohen's κ = (p_o − p_e) / (1 − p_e) over the tokens of every article the pair
  finished (p_o: the share of tokens labelled alike; p_e: Σ over labels of the product of the
  two annotators' shares); Krippendorff's α (nominal; the ``krippendorff`` package) over the same
  tokens, each token a unit coded by the two annotators. The total row codes the tokens with
  every label and ``O``; a label's row codes them "this label" or "not" (one against the rest).

Events, per event type and in total:

- *triggers*: exact (same type, start and end) and overlap (same type, sharing a character),
  counted as spans are;
- *arguments*: over the triggers matched exactly (same type and extent), each argument is its
  (role, start, end of the span filling it); ``m`` arguments in common of ``|A|`` and ``|B|``
  on those triggers: F1 ``2m / (|A| + |B|)``. Events of one annotator with the same type and
  trigger extent are one trigger, their arguments pooled.

A figure whose denominator is 0 (no spans of a label on either side; all tokens ``O`` for both)
is undefined: ``None``.

Cost: per pair and article, linear in the spans and in the tokens they cover (the tokens nobody
labelled are counted, not visited); the κ/α counts are one small confusion matrix per pair.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .errors import NewsmarkError
from .model import Event, Span
from .text import escape_controls as one_line

O = "O"
TOTAL = "(all)"


class AgreementError(NewsmarkError, ValueError):
    """Agreement cannot be computed (fewer than two annotators, nothing finished by both)."""


@dataclass(slots=True)
class Work:
    """One annotator's finished work on one article: every span (event arguments point at them)
    and every event."""

    spans: Sequence[Span] = ()
    events: Sequence[Event] = ()


@dataclass(slots=True)
class ArticleWork:
    """One article: its token starts (code points, ascending; a span covers the tokens that
    start inside it) and each annotator's finished work on it (annotators who finished it only)."""

    article_id: int
    token_starts: Sequence[int]
    work: dict[str, Work] = field(default_factory=dict)


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None if p is None and r is None else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Match:
    """Counts for one label (or event type) of one pair, and the figures they give."""

    a: int = 0  # A's items
    b: int = 0  # B's items
    exact: int = 0  # items in common (same label and extent)
    overlap_a: int = 0  # A's items that share a character with a same-label item of B
    overlap_b: int = 0  # B's items that share a character with a same-label item of A

    def add(self, other: Match) -> None:
        self.a += other.a
        self.b += other.b
        self.exact += other.exact
        self.overlap_a += other.overlap_a
        self.overlap_b += other.overlap_b

    def figures(self) -> dict:
        ep, er = _ratio(self.exact, self.b), _ratio(self.exact, self.a)
        op, orr = _ratio(self.overlap_b, self.b), _ratio(self.overlap_a, self.a)
        return {
            "a": self.a, "b": self.b,
            "exact": {"matches": self.exact, "precision": ep, "recall": er,
                      "f1": _ratio(2 * self.exact, self.a + self.b)},
            "overlap": {"found_a": self.overlap_a, "found_b": self.overlap_b, "precision": op,
                        "recall": orr, "f1": _f1(op, orr)},
        }


def _match(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> Match:
    """Exact and overlap counts between two lists of (start, end) of one label."""
    m = Match(len(a), len(b))
    if not a or not b:
        return m
    m.exact = sum((Counter(a) & Counter(b)).values())
    m.overlap_a = sum(1 for s, e in a if any(s < e2 and s2 < e for s2, e2 in b))
    m.overlap_b = sum(1 for s, e in b if any(s < e2 and s2 < e for s2, e2 in a))
    return m


def _by_label(items: Iterable[tuple[str, int, int]]) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for label, start, end in items:
        out.setdefault(label, []).append((start, end))
    return out


def token_labels(spans: Sequence[Span], starts: Sequence[int]) -> dict[int, str]:
    """Token index -> label for the tokens some span covers (the rest are ``O``). A span covers
    the tokens that start in [start, end); the longest span wins a token, then the earlier
    start, then the label's name."""
    out: dict[int, str] = {}
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start, s.label)):
        for i in range(bisect_left(starts, span.start), bisect_left(starts, span.end)):
            if i not in out:
                out[i] = span.label
    return out


@dataclass(slots=True)
class _Pair:
    articles: int = 0
    tokens: int = 0
    spans: dict[str, Match] = field(default_factory=dict)
    confusion: Counter = field(default_factory=Counter)  # (label A, label B) -> tokens, O/O too
    triggers: dict[str, Match] = field(default_factory=dict)
    arguments: dict[str, Match] = field(default_factory=dict)  # exact only


def _prepared(work: Work, label: str | None, starts: Sequence[int]):
    """What a pair compares, once per annotator and article: spans by label, the token labels,
    triggers by type, and the arguments per exact trigger."""
    spans = [s for s in work.spans if label is None or s.label == label]
    by_label = _by_label((s.label, s.start, s.end) for s in spans)
    tokens = token_labels(spans, starts)
    events = [e for e in work.events if label is None or e.type == label]
    triggers = _by_label(sorted({(e.type, e.start, e.end) for e in events}))
    args: dict[tuple[str, int, int], Counter] = {}
    if events:
        by_id = {s.id: s for s in work.spans}
        for e in events:
            bag = args.setdefault((e.type, e.start, e.end), Counter())
            for arg in e.arguments:
                filler = by_id.get(arg.span_id)
                if filler is not None:
                    bag[(arg.role, filler.start, filler.end)] = 1  # a set: pooled triggers
    return by_label, tokens, triggers, args


def _compare(pair: _Pair, n_tokens: int, pa, pb) -> None:
    (spans_a, tok_a, trig_a, args_a), (spans_b, tok_b, trig_b, args_b) = pa, pb
    pair.articles += 1
    pair.tokens += n_tokens
    for lab in spans_a.keys() | spans_b.keys():
        pair.spans.setdefault(lab, Match()).add(_match(spans_a.get(lab, []), spans_b.get(lab, [])))
    covered = tok_a.keys() | tok_b.keys()
    conf = pair.confusion
    for i in covered:
        conf[(tok_a.get(i, O), tok_b.get(i, O))] += 1
    conf[(O, O)] += n_tokens - len(covered)
    for typ in trig_a.keys() | trig_b.keys():
        pair.triggers.setdefault(typ, Match()).add(_match(trig_a.get(typ, []), trig_b.get(typ, [])))
    for key in args_a.keys() & args_b.keys():
        a, b = args_a[key], args_b[key]
        m = pair.arguments.setdefault(key[0], Match())
        m.a += len(a)
        m.b += len(b)
        m.exact += len(a.keys() & b.keys())
    for key in args_a.keys() - args_b.keys():
        pair.arguments.setdefault(key[0], Match())
    for key in args_b.keys() - args_a.keys():
        pair.arguments.setdefault(key[0], Match())


def cohen_kappa(confusion: dict[tuple[str, str], int]) -> float | None:
    """Cohen's κ from (label A, label B) -> count."""
    n = sum(confusion.values())
    if not n:
        return None
    agree = sum(c for (x, y), c in confusion.items() if x == y)
    ma: Counter = Counter()
    mb: Counter = Counter()
    for (x, y), c in confusion.items():
        ma[x] += c
        mb[y] += c
    p_o = agree / n
    p_e = sum(ma[k] * mb[k] for k in ma) / (n * n)
    return None if p_e == 1 else (p_o - p_e) / (1 - p_e)


def krippendorff_alpha(confusion: dict[tuple[str, str], int]) -> float | None:
    """Krippendorff's α (nominal) of two coders over units (tokens) coded (label A, label B) ->
    count, by the ``krippendorff`` package. The value counts it is given are exact and small:
    the agreeing units of a value are one unit coded ``2k`` times (its coincidences are those
    of the ``k`` units: ``(2k·2k − 2k)/(2k − 1) = 2k``), each disagreeing token a unit of its
    own. None when every token has one value (α undefined)."""
    import krippendorff
    import numpy as np

    values = sorted({x for pair in confusion for x in pair})
    if len(values) < 2:
        return None
    index = {v: i for i, v in enumerate(values)}
    rows = []
    for (x, y), c in confusion.items():
        if not c:
            continue
        if x == y:
            row = [0] * len(values)
            row[index[x]] = 2 * c
            rows.append((row, 1))
        else:
            row = [0] * len(values)
            row[index[x]] = 1
            row[index[y]] = 1
            rows.append((row, c))
    counts = np.repeat(np.array([r for r, _ in rows], dtype=np.float64),
                       [k for _, k in rows], axis=0)
    if counts.sum(axis=0).astype(bool).sum() < 2:  # one value used in all: undefined
        return None
    return float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))


def _binary(confusion: Counter, label: str) -> Counter:
    """The confusion matrix of ``label`` against the rest."""
    out: Counter = Counter()
    for (x, y), c in confusion.items():
        out[(x == label, y == label)] += c
    return out


def agreement(articles: Iterable[ArticleWork], annotators: Sequence[str],
              label: str | None = None) -> list[dict]:
    """Per pair of ``annotators`` (in the order given), the figures over the articles both
    finished: ``{"a", "b", "articles", "tokens", "spans": [row per label..., total],
    "events": [row per event type..., total]}``. ``label``: only spans with that label and
    events of that type. Rows are in label order (alphabetical), the total (``(all)``) last."""
    pairs = {pair: _Pair() for pair in combinations(annotators, 2)}
    for art in articles:
        present = [a for a in annotators if a in art.work]
        if len(present) < 2:
            continue
        prepared = {a: _prepared(art.work[a], label, art.token_starts) for a in present}
        for a, b in combinations(present, 2):
            _compare(pairs[(a, b)], len(art.token_starts), prepared[a], prepared[b])
    return [_report(a, b, p) for (a, b), p in pairs.items()]


def _report(a: str, b: str, p: _Pair) -> dict:
    span_rows = []
    total = Match()
    for lab in sorted(p.spans):
        m = p.spans[lab]
        total.add(m)
        binary = _binary(p.confusion, lab)
        span_rows.append({"label": lab, **m.figures(), "kappa": cohen_kappa(binary),
                          "alpha": krippendorff_alpha(binary)})
    span_rows.append({"label": TOTAL, **total.figures(), "kappa": cohen_kappa(p.confusion),
                      "alpha": krippendorff_alpha(p.confusion)})
    event_rows = []
    t_total, a_total = Match(), Match()
    for typ in sorted(p.triggers):
        m = p.triggers[typ]
        args = p.arguments.get(typ, Match())
        t_total.add(m)
        a_total.add(args)
        event_rows.append({"type": typ, "triggers": m.figures(), "arguments": _args(args)})
    if p.triggers:
        event_rows.append({"type": TOTAL, "triggers": t_total.figures(),
                           "arguments": _args(a_total)})
    return {"a": a, "b": b, "articles": p.articles, "tokens": p.tokens, "spans": span_rows,
            "events": event_rows}


def _args(m: Match) -> dict:
    return {"a": m.a, "b": m.b, "matches": m.exact, "precision": _ratio(m.exact, m.b),
            "recall": _ratio(m.exact, m.a), "f1": _ratio(2 * m.exact, m.a + m.b)}


GOLD = "gold"  # the adjudicated version: not an annotator to compare by default


def annotator_names(text: str) -> list[str]:
    """``--annotators a,b``: the names, in order, each once."""
    names: list[str] = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            raise AgreementError(f"--annotators {text!r}: an empty name (names are separated "
                                 "by commas)")
        if name not in names:
            names.append(name)
    return names


def choose_annotators(known: dict[str, int], given: list[str] | None) -> list[str]:
    """The annotators to compare: ``given`` (each must have work in the database), else every
    annotator who finished an article except ``gold``; two or more."""
    if given is None:
        names = [a for a, done in known.items() if done and a != GOLD]
        if len(names) < 2:
            found = ", ".join(one_line(a) for a in names) or "none"
            raise AgreementError(f"fewer than two annotators have finished articles (found: "
                                 f"{found}); --annotators a,b names them")
        return names
    unknown = [a for a in given if a not in known]
    if unknown:
        have = ", ".join(one_line(a) for a in known) or "none"
        raise AgreementError(f"--annotators: no work by {', '.join(map(one_line, unknown))} "
                             f"in the database (annotators: {have})")
    if len(given) < 2:
        raise AgreementError(f"--annotators: agreement needs two or more annotators, got "
                             f"{', '.join(map(one_line, given))}")
    return given


def check_result(pairs: list[dict], label: str | None = None, query: str | None = None) -> None:
    """An ``AgreementError`` when no pair finished an article in common, or ``label`` is on no
    span or event of those articles."""
    if not any(p["articles"] for p in pairs):
        names = sorted({n for p in pairs for n in (p["a"], p["b"])})
        where = f" matching --query {query!r}" if query else ""
        raise AgreementError(f"no article{where} was finished (status done) by two of "
                             f"{', '.join(map(one_line, names))}")
    if label is not None and not any(
            row["a"] + row["b"] for p in pairs for row in p["spans"] if row["label"] == label
    ) and not any(p["events"] for p in pairs):
        raise AgreementError(f"--label {one_line(label)}: no span or event has it in the "
                             "articles both finished")


# --- the table (the CLI prints it, the TUI shows the same rows) ---------------------------------

SPAN_HEADER = ["label", "A", "B", "exact P", "exact R", "exact F1", "overlap P", "overlap R",
               "overlap F1", "kappa", "alpha"]
EVENT_HEADER = ["type", "A", "B", "exact P", "exact R", "exact F1", "overlap F1", "args A",
                "args B", "args F1"]


def number(value: float | None) -> str:
    """A figure as the table shows it: three decimals, ``–`` when undefined."""
    return "–" if value is None else f"{value:.3f}"


def span_rows(pair: dict) -> list[list[str]]:
    return [[row["label"], str(row["a"]), str(row["b"]), *(number(row[m][k]) for m, k in (
        ("exact", "precision"), ("exact", "recall"), ("exact", "f1"), ("overlap", "precision"),
        ("overlap", "recall"), ("overlap", "f1"))), number(row["kappa"]), number(row["alpha"])]
        for row in pair["spans"]]


def event_rows(pair: dict) -> list[list[str]]:
    out = []
    for row in pair["events"]:
        t, a = row["triggers"], row["arguments"]
        out.append([row["type"], str(t["a"]), str(t["b"]), number(t["exact"]["precision"]),
                    number(t["exact"]["recall"]), number(t["exact"]["f1"]),
                    number(t["overlap"]["f1"]), str(a["a"]), str(a["b"]), number(a["f1"])])
    return out


def pair_title(pair: dict) -> str:
    n = pair["articles"]
    return (f"{one_line(pair['a'])} (A, the reference) and {one_line(pair['b'])} (B): {n:,} "
            f"article{'s' if n != 1 else ''} both finished, {pair['tokens']:,} tokens")


def format_agreement(pairs: list[dict]) -> str:
    """The plain text of ``newsmark agreement``: per pair, a span table and an event table."""
    lines: list[str] = []
    for pair in pairs:
        lines += [pair_title(pair), ""]
        if not pair["articles"]:
            continue
        lines += [f"  {line}" for line in _table(SPAN_HEADER, span_rows(pair))] + [""]
        if pair["events"]:
            lines += ["  events (triggers: type and extent; arguments: role and extent, on the "
                      "triggers matched exactly)"]
            lines += [f"  {line}" for line in _table(EVENT_HEADER, event_rows(pair))] + [""]
    return "\n".join(lines).rstrip("\n")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    rows = [[one_line(r[0]), *r[1:]] for r in rows]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return ["  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                      for i, c in enumerate(r)).rstrip() for r in [header, *rows]]
