"""``newsmark propagate`` (issue 15, item 1's CLI): a text labelled wherever its token sequence
occurs over a query of articles; the dry run writes nothing and prints the counts; the real run
writes one action over many articles; the annotator's spans win; undo; the query filter."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import SEED_000, SEED_004

from newsmark.text import tokenize


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("NEWSMARK_CONFIG", str(config))


@pytest.fixture
def seeded(cli, db_path):
    result = cli("ingest", SEED_000, SEED_004)
    assert result.exit_code == 0, result.output
    return db_path


def occurrences(db_path, phrase: str) -> dict[int, list[tuple[int, int]]]:
    """Where the stored articles hold ``phrase`` as whole tokens, by article (the expectation,
    found by tokenizing the phrase and walking the stored text, not by the command's code)."""
    from storage.repo import Store

    store = Store(db_path)
    out: dict[int, list[tuple[int, int]]] = {}
    try:
        for article_id in store.library_ids("x"):
            article = store.article(article_id)
            starts = {t.start for t in article.tokens}
            ends = {t.end for t in article.tokens}
            n = len(tokenize(phrase, article.language))
            at = article.text.find(phrase)
            while at >= 0:
                end = at + len(phrase)
                inner = [t for t in article.tokens if at <= t.start and t.end <= end]
                if at in starts and end in ends and len(inner) == n:
                    out.setdefault(article_id, []).append((at, end))
                at = article.text.find(phrase, at + 1)
    finally:
        store.close()
    return out


def rows(db_path, sql: str, args=()) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_dry_run_prints_the_counts_and_writes_nothing(cli, seeded):
    where = occurrences(seeded, "Russland")
    spans = sum(len(v) for v in where.values())
    assert len(where) == 2 and spans > 2
    before = rows(seeded, "select count(*) from actions")
    result = cli("propagate", "--text", "Russland", "--label", "LOC", "--annotator", "alice",
                 "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"dry run: would add {spans} spans LOC 'Russland' in 2 articles for alice",
        f"  {spans} occurrences in 2 articles searched",
        "  nothing written"]
    assert rows(seeded, "select count(*) from spans") == [(0,)]
    assert rows(seeded, "select count(*) from actions") == before


def test_the_run_is_one_action_the_annotators_spans_win_and_undo_takes_it_back(
        cli, seeded, store):
    where = occurrences(seeded, "Ukraine")
    first = min(where)
    # alice has a span over the first occurrence's first letters and a span elsewhere
    start, end = where[first][0]
    store.add_span(first, "alice", start, end, "ORG")
    spans = sum(len(v) for v in where.values()) - 1
    result = cli("propagate", "--text", "Ukraine", "--label", "LOC", "--annotator", "alice")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"added {spans} spans LOC 'Ukraine' in {len(where)} articles for alice",
        f"  {spans + 1} occurrences in 2 articles searched; 1 overlap alice's spans: left out",
        "undo with: newsmark propagate --undo"]
    got = rows(seeded, "select article_id, start, end, label, origin from spans "
                       "where origin = 'propagated' order by article_id, start")
    assert got == sorted((a, s, e, "LOC", "propagated") for a, occ in where.items()
                         for s, e in occ if (a, s) != (first, start))
    assert rows(seeded, "select start, end, label from spans where origin = 'manual'") == [
        (start, end, "ORG")]
    # one action, over many articles, not alice's own (her u in the TUI does not take it)
    assert rows(seeded, "select annotator, article_id, kind from actions where article_id "
                        "is null") == [("newsmark:propagate", None, "ops")]
    assert store.undo("alice").kind == "add_span"  # alice's own undo: her ORG span only
    assert rows(seeded, "select count(*) from spans where origin = 'propagated'") == [(spans,)]
    assert rows(seeded, "select count(*) from spans where origin = 'manual'") == [(0,)]

    # a propagated span relabelled since is kept by the undo; the rest go
    kept = rows(seeded, "select id from spans where origin = 'propagated' limit 1")[0][0]
    store.relabel_span(kept, "alice", "MISC")
    result = cli("propagate", "--undo")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"undone: propagate 'Ukraine' as LOC (alice's): {spans - 1} spans removed, 1 kept "
        "(changed since, or an event argument points at it)"]
    assert rows(seeded, "select id, label from spans") == [(kept, "MISC")]
    result = cli("propagate", "--undo")
    assert result.exit_code == 1 and "no propagation to undo" in result.output


def test_the_query_chooses_the_articles_and_case(cli, seeded, store):
    where = occurrences(seeded, "Russland")
    done, other = sorted(where)
    store.set_status([done], "bob", "done")
    result = cli("propagate", "--text", "russland", "--label", "LOC", "--annotator", "bob",
                 "--query", "-status:done")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "added 0 spans LOC 'russland' in 0 articles for bob"
    result = cli("propagate", "--text", "russland", "--label", "LOC", "--annotator", "bob",
                 "--query", "-status:done", "--ignore-case")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        f"added {len(where[other])} spans LOC 'russland' in 1 article for bob",
        f"  {len(where[other])} occurrences in 1 article searched"]
    assert rows(seeded, "select distinct article_id from spans") == [(other,)]


def test_refusals_are_one_line(cli, seeded):
    result = cli("propagate", "--text", "Russland", "--label", "CITY", "--annotator", "a")
    assert result.exit_code == 1
    assert result.output == ("Error: --label CITY: not a label of the schema news (its labels: "
                             "PER, ORG, LOC, MISC, DATE, MENTION); nothing written\n")
    result = cli("propagate", "--label", "LOC")
    assert result.exit_code == 1 and "--text and --label are needed" in result.output
    result = cli("propagate", "--text", "x", "--label", "LOC", "--query", "after:soon")
    assert result.exit_code == 1 and result.output.startswith("Error: --query 'after:soon':")
    assert rows(seeded, "select count(*) from spans") == [(0,)]
