"""Agreement (issue 14, item 2): the README's worked example in a real SQLite file through the
CLI, hand-computed figures for spans, tokens (κ, α) and events, which articles count, the
``--label`` and ``--query`` filters and the errors."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import krippendorff
import pytest
from conftest import ROOT

from newsmark.agreement import ArticleWork, Work, agreement, cohen_kappa, token_labels
from newsmark.model import Argument, Event, Span
from newsmark.text import text_hash, tokenize
from storage.repo import Store

README = (ROOT / "README.md").read_text("utf-8")

# The README's example: "Angela Merkel traf Emmanuel Macron in Paris." (8 tokens)
TEXT = "Angela Merkel traf Emmanuel Macron in Paris."
ALICE = [(0, 13, "PER"), (19, 34, "PER"), (38, 43, "LOC")]
BOB = [(7, 13, "PER"), (19, 34, "PER"), (38, 43, "ORG")]
ALICE_ROLES = ["Participant", "Participant", "Place"]
BOB_ROLES = ["Participant", "Participant"]


def add_article(store: Store, text: str, language: str = "de") -> int:
    from newsmark.model import Article

    article = Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, language),
                      language=language, ingested="2026-01-01T00:00:00.000+00:00")
    return store.add_article(article)[0].id


def annotate(store: Store, article_id: int, annotator: str, spans, roles=(), status="done"):
    ids = [store.add_span(article_id, annotator, s, e, label).id for s, e, label in spans]
    if roles:
        store.add_event(article_id, annotator, "MEET", 14, 18, list(zip(roles, ids)))
    store.set_status([article_id], annotator, status)


@pytest.fixture
def example(db_path: Path) -> Path:
    """The README's example, plus work that must not count: a second article alice finished
    and bob did not (in progress, with spans), and carol, who finished nothing."""
    store = Store(db_path)
    try:
        first = add_article(store, TEXT)
        annotate(store, first, "alice", ALICE, ALICE_ROLES)
        annotate(store, first, "bob", BOB, BOB_ROLES)
        second = add_article(store, "Olaf Scholz sprach in Berlin.")
        annotate(store, second, "alice", [(0, 11, "PER")])
        annotate(store, second, "bob", [(22, 28, "LOC")], status="in_progress")
        annotate(store, second, "carol", [(0, 11, "PER")], status="in_progress")
    finally:
        store.close()
    return db_path


def figures(cli, *args) -> dict:
    result = cli("agreement", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def row(pair: dict, label: str) -> dict:
    return next(r for r in pair["spans"] if r["label"] == label)


def test_the_readme_example_through_the_cli(example, cli):
    data = figures(cli)
    [pair] = data["pairs"]  # carol finished nothing: not compared by default
    assert (pair["a"], pair["b"], pair["articles"], pair["tokens"]) == ("alice", "bob", 1, 8)
    total, per = row(pair, "(all)"), row(pair, "PER")

    # Spans, exact: alice 3, bob 3, one in common (PER "Emmanuel Macron"): P = R = F1 = 1/3.
    # PER alone: 1 of 2 each side: 1/2.
    assert total["exact"]["f1"] == pytest.approx(1 / 3)
    assert (per["exact"]["precision"], per["exact"]["recall"], per["exact"]["f1"]) == (0.5, 0.5, 0.5)
    assert row(pair, "LOC")["exact"]["f1"] == 0 and row(pair, "LOC")["exact"]["precision"] is None
    # Overlap: "Merkel" shares characters with "Angela Merkel": PER 2 of 2 found each side;
    # in total 2 of 3 on each side: P = R = F1 = 2/3.
    assert per["overlap"]["f1"] == 1.0
    assert total["overlap"]["f1"] == pytest.approx(2 / 3)

    # Token labels: alice PER PER O PER PER O LOC O / bob O PER O PER PER O ORG O.
    # Alike: tokens 2, 4, 5 (PER) and 3, 6, 8 (O): p_o = 6/8.
    # alice: PER 4, O 3, LOC 1, ORG 0; bob: PER 3, O 4, LOC 0, ORG 1 (of 8):
    # p_e = (4·3 + 3·4 + 1·0 + 0·1) / 8² = 24/64 = 0.375
    # κ = (p_o − p_e) / (1 − p_e) = (0.75 − 0.375) / 0.625 = 0.6
    kappa = (Fraction(6, 8) - Fraction(24, 64)) / (1 - Fraction(24, 64))
    assert kappa == Fraction(3, 5)
    assert total["kappa"] == pytest.approx(float(kappa))
    # α: 16 values: n_PER = 4 + 3 = 7, n_O = 3 + 4 = 7, n_LOC = 1, n_ORG = 1; two tokens
    # disagree, each 2 off-diagonal coincidences: Σ o_ck (c≠k) = 4;
    # Σ n_c·n_k (c≠k) = 16² − (7² + 7² + 1² + 1²) = 156; α = 1 − (16 − 1)·4 / 156 = 8/13
    alpha = 1 - Fraction(15 * 4, 156)
    assert alpha == Fraction(8, 13)
    assert total["alpha"] == pytest.approx(float(alpha))
    # PER against the rest: alice PER 4, bob 3; alike 7 of 8 (token 1 differs);
    # p_e = (4·3 + 4·5)/64 = 1/2; κ = (7/8 − 1/2)/(1/2) = 3/4;
    # α = 1 − 15·2 / (2·7·9) = 16/21
    assert per["kappa"] == pytest.approx(0.75)
    assert per["alpha"] == pytest.approx(16 / 21)
    # LOC against the rest: p_o = 7/8 = p_e = (1·0 + 7·8)/64: κ = 0; α = 1 − 15·2/(2·1·15) = 0
    assert row(pair, "LOC")["kappa"] == 0 and row(pair, "LOC")["alpha"] == pytest.approx(0)

    # Events: the MEET triggers match exactly; arguments alice 3, bob 2, one in common
    # (Participant "Emmanuel Macron"): F1 = 2·1/(3 + 2) = 0.4.
    meet = pair["events"][0]
    assert meet["type"] == "MEET" and meet["triggers"]["exact"]["f1"] == 1.0
    assert (meet["arguments"]["a"], meet["arguments"]["b"], meet["arguments"]["matches"]) == (3, 2, 1)
    assert meet["arguments"]["f1"] == pytest.approx(0.4)

    # the README prints exactly this table
    printed = cli("agreement")
    assert printed.exit_code == 0
    block = re.search(r"`newsmark agreement` prints:\n\n```\n(.*?)```", README, re.S).group(1)
    assert printed.output == block


def test_alpha_is_the_package_on_every_token_and_kappa_by_hand():
    """The compressed value counts give the package's α on the tokens one by one."""
    a = ["PER", "PER", "O", "PER", "PER", "O", "LOC", "O"] * 3 + ["O", "ORG"]
    b = ["O", "PER", "O", "PER", "PER", "O", "ORG", "O"] * 3 + ["MISC", "ORG"]
    starts = list(range(len(a)))
    spans_a = [Span(i, i + 1, x) for i, x in enumerate(a) if x != "O"]
    spans_b = [Span(i, i + 1, x) for i, x in enumerate(b) if x != "O"]
    [pair] = agreement([ArticleWork(1, starts, {"a": Work(spans_a), "b": Work(spans_b)})],
                       ["a", "b"])
    values = sorted(set(a) | set(b))
    reliability = [[values.index(x) for x in a], [values.index(x) for x in b]]
    expected = krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
    assert row(pair, "(all)")["alpha"] == pytest.approx(expected)
    per = [[int(x == "PER") for x in a], [int(x == "PER") for x in b]]
    assert row(pair, "PER")["alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=per, level_of_measurement="nominal"))
    # κ on a 2×2 table by hand: yes/yes 2, yes/no 1, no/yes 1, no/no 6 (10 tokens):
    # p_o = 8/10, p_e = (3·3 + 7·7)/100 = 0.58, κ = (0.8 − 0.58)/0.42 = 11/21
    table = {(True, True): 2, (True, False): 1, (False, True): 1, (False, False): 6}
    assert cohen_kappa(table) == pytest.approx(11 / 21)


def test_the_longest_span_wins_a_token():
    # tokens at 0, 7, 14: "Angela Merkel traf"; PER over both, MISC on "Merkel" inside it
    starts = [0, 7, 14]
    labels = token_labels([Span(7, 13, "MISC"), Span(0, 13, "PER")], starts)
    assert labels == {0: "PER", 1: "PER"}
    # of equal length, the earlier start wins the token they share
    assert token_labels([Span(7, 18, "LOC"), Span(0, 13, "ORG")], starts) == {
        0: "ORG", 1: "ORG", 2: "LOC"}


def test_events_overlap_triggers_and_arguments_on_exact_triggers_only():
    starts = [0, 6, 12, 18]  # four five-letter tokens: "aaaaa bbbbb ccccc ddddd"
    s_a, s_b = Span(0, 5, "PER", id=1), Span(0, 5, "PER", id=2)
    a = Work([s_a], [Event(6, 17, "ATTACK", [Argument("Attacker", 1)]),
                     Event(18, 23, "MEET", [Argument("Participant", 1)])])
    b = Work([s_b], [Event(6, 11, "ATTACK", [Argument("Attacker", 2)]),  # overlaps, not exact
                     Event(18, 23, "MEET", [Argument("Participant", 2), Argument("Topic", 2)])])
    [pair] = agreement([ArticleWork(1, starts, {"a": a, "b": b})], ["a", "b"])
    attack, meet, total = pair["events"]
    assert attack["triggers"]["exact"]["f1"] == 0 and attack["triggers"]["overlap"]["f1"] == 1
    assert attack["arguments"]["a"] == attack["arguments"]["b"] == 0  # no exact trigger
    # MEET: a {Participant 0-5}, b {Participant 0-5, Topic 0-5}: 1 in common: 2/3
    assert meet["arguments"]["f1"] == pytest.approx(2 / 3)
    # total: triggers 1 exact of 2 each side: 1/2; overlap all found: 1
    assert total["triggers"]["exact"]["f1"] == 0.5 and total["triggers"]["overlap"]["f1"] == 1


def test_label_and_query_filters(example, cli, db_path):
    store = Store(db_path)
    try:  # an English article both finished, disagreeing on everything
        other = add_article(store, "Joe Biden met Macron in Rome.", language="en")
        annotate(store, other, "alice", [(0, 9, "PER")])
        annotate(store, other, "bob", [(14, 20, "PER"), (24, 28, "LOC")])
    finally:
        store.close()
    [everything] = figures(cli)["pairs"]
    assert everything["articles"] == 2 and everything["tokens"] == 8 + 7
    assert row(everything, "PER")["a"] == 3 and row(everything, "PER")["b"] == 3

    [german] = figures(cli, "--query", "lang:de")["pairs"]
    assert german["articles"] == 1 and row(german, "(all)")["kappa"] == pytest.approx(0.6)

    [per] = figures(cli, "--label", "PER")["pairs"]
    assert [r["label"] for r in per["spans"]] == ["PER", "(all)"]
    assert per["events"] == []  # MEET is not PER
    # PER alone over both articles: exact 1 of 3 each side; κ/α code PER against not
    assert row(per, "(all)")["exact"]["f1"] == pytest.approx(1 / 3)
    assert row(per, "(all)")["kappa"] == pytest.approx(row(per, "PER")["kappa"])

    [meet] = figures(cli, "--label", "MEET", "--query", "lang:de")["pairs"]
    assert meet["spans"][-1]["a"] == 0 and meet["events"][0]["arguments"]["f1"] == pytest.approx(0.4)


@pytest.mark.parametrize("args, message", [
    (["--annotators", "alice,dora"], "no work by dora"),
    (["--annotators", "alice"], "two or more annotators, got alice"),
    (["--annotators", "alice,carol"], "no article was finished (status done) by two of alice, carol"),
    (["--query", "lang:fr"], "no article matching --query 'lang:fr' was finished"),
    (["--label", "DATE"], "--label DATE: no span or event has it"),
])
def test_errors_are_one_line(example, cli, args, message):
    result = cli("agreement", *args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines
