"""Choosing what ``export`` writes: --status, --label, --since, --query, --merge, and --split
(stable train/dev/test by a hash of the text); the batched reader gives what iter_records gives."""

from __future__ import annotations

import json
from dataclasses import replace
import random
import string
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_brat import events_corpus

from newsmark.model import Article
from newsmark.split import (
    SplitError,
    parse_split,
    position,
    split_of,
    split_of_text,
    split_output,
)
from newsmark.text import text_hash, tokenize
from storage.export import Selection, SelectionError, parse_since
from storage.repo import Store


def lines(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def keys(recs: list[dict]) -> list[tuple[int, str]]:
    return [(r["meta"]["id"], r["meta"]["annotator"]) for r in recs]


# --- the batched reader ---------------------------------------------------------------------------


def test_batched_reader_equals_iter_records(db_path):
    store = events_corpus(db_path)
    expected = list(store.iter_records())
    for batch in (1, 2, 500):
        got = list(store.records(Selection(batch=batch)))
        assert [(r.article.id, r.annotator, r.status) for r in got] == \
            [(r.article.id, r.annotator, r.status) for r in expected]
        for g, e in zip(got, expected):
            assert g.article == replace(e.article, raw=b"")  # exports never read the input bytes
            assert g.spans == e.spans
            assert g.events == e.events


ANY = ("--status", "any")  # unfinished records too (the default is done only)

# --- selection ----------------------------------------------------------------------------------


def test_status_done_and_merge_gold(cli, db_path):
    events_corpus(db_path).close()
    assert keys(lines(cli("export", "--status", "any"))) == [
        (1, "alice"), (2, "alice"), (2, "bob"), (2, "carol"), (3, "gold")]
    assert keys(lines(cli("export", "--status", "done"))) == [(2, "carol"), (3, "gold")]
    assert keys(lines(cli("export"))) == [(2, "carol"), (3, "gold")]  # done is the default
    # formats with no place for the status say how many unfinished records they hold
    for fmt in ("conll", "spacy", "hf", "brat"):
        out = ["-o", str(db_path.parent / fmt)] if fmt in ("brat", "spacy", "hf") else []
        note = "3 unfinished records included (--status any)"
        assert note in cli("export", "--format", fmt, *ANY, *out).stderr, fmt
        assert "unfinished" not in cli("export", "--format", fmt, *out).stderr, fmt
    assert "unfinished" not in cli("export", "--format", "doccano", *ANY).stderr
    assert keys(lines(cli("export", "--merge", "gold"))) == [(3, "gold")]
    assert keys(lines(cli("export", *ANY, "--annotator", "bob", "--annotator", "alice"))) == \
        [(1, "alice"), (2, "alice"), (2, "bob")]
    bad = cli("export", "--merge", "gold", "--annotator", "bob")
    assert bad.exit_code == 2 and "--merge gold" in bad.output


def test_label_keeps_only_those_spans(cli, db_path):
    events_corpus(db_path).close()
    recs = lines(cli("export", *ANY, "--label", "PER", "--label", "DATE"))
    assert keys(recs) == [(1, "alice"), (2, "alice"), (2, "bob"), (2, "carol"), (3, "gold")]
    assert {s["label"] for r in recs for s in r["spans"]} == {"PER", "DATE"}
    assert recs[2]["spans"] == []  # bob's LOC and MISC are gone; the record stays
    meet = recs[1]["events"][0]
    assert [a["role"] for a in meet["arguments"]] == ["Time"]  # the LOC participants are dropped
    assert "Participant: missing (needs at least one)" in meet["warnings"]


def test_since(cli, db_path):
    from storage.rows import now

    store = events_corpus(db_path)
    assert len(lines(cli("export", *ANY, "--since", "2000-01-01"))) == 5
    assert lines(cli("export", *ANY, "--since", "2999-01-01")) == []
    time.sleep(0.01)
    cut = now()
    time.sleep(0.01)
    store.delete_span(store.spans(2, "bob")[0].id, "bob")  # no row left to date it: the action
    store.relabel_span(store.spans(1, "alice")[0].id, "alice", "MISC")
    assert keys(lines(cli("export", *ANY, "--since", cut))) == [(1, "alice"), (2, "bob")]
    time.sleep(0.01)
    cut = now()
    store.set_status([3], "gold", "in_progress")
    assert keys(lines(cli("export", *ANY, "--since", cut))) == [(3, "gold")]
    bad = cli("export", "--since", "yesterday")
    assert bad.exit_code == 2 and "--since" in bad.output


def test_parse_since():
    assert parse_since("2025-06-01") == "2025-06-01"
    assert parse_since("2025-06-01T12:00") == "2025-06-01T12:00:00.000+00:00"
    assert parse_since("2025-06-01T12:00+02:00") == "2025-06-01T10:00:00.000+00:00"
    with pytest.raises(SelectionError):
        parse_since("1.6.2025")


def test_query(cli, db_path):
    events_corpus(db_path).close()
    # status and label are each record's own annotator's
    assert keys(lines(cli("export", *ANY, "--query", "status:done"))) == [(2, "carol"), (3, "gold")]
    assert keys(lines(cli("export", *ANY, "--query", "label:MISC"))) == [(2, "bob"), (3, "gold")]
    assert keys(lines(cli("export", *ANY, "--query", "Scholz"))) == [(3, "gold")]
    assert keys(lines(cli("export", *ANY, "--query", "-status:done label:PER"))) == \
        [(1, "alice"), (2, "alice")]
    bad = cli("export", "--query", "status:nonsense")
    assert bad.exit_code == 2 and "status" in bad.output


# --- splits -------------------------------------------------------------------------------------


def test_parse_split_and_names():
    assert parse_split("80/10/10") == (0.8, 0.1, 0.1)
    assert parse_split("8/1/1") == pytest.approx((0.8, 0.1, 0.1))
    for bad in ("80/20", "a/b/c", "0/0/0", ""):
        with pytest.raises(SplitError):
            parse_split(bad)
    assert split_output("out/data.jsonl", "train") == "out/data-train.jsonl"
    assert split_output("data.jsonl.gz", "dev") == "data-dev.jsonl.gz"
    assert split_output("corpus.spacy", "test") == "corpus-test.spacy"
    assert split_output("out/brat", "dev", directory=True) == "out/brat-dev"
    assert split_output("out/brat.v2", "dev", directory=True) == "out/brat.v2-dev"
    assert split_output("noext", "train") == "noext-train"
    with pytest.raises(SplitError):
        split_output("-", "train")


@given(st.text(min_size=1))
def test_split_depends_on_the_text_only(text):
    ratios = parse_split("80/10/10")
    assert split_of_text(text, ratios) == split_of(text_hash(text), ratios)
    assert split_of(text_hash(text), ratios) in ("train", "dev", "test")
    assert split_of(text_hash(text), (1.0, 0.0, 0.0)) == "train"
    assert split_of(text_hash(text), (0.0, 0.0, 1.0)) == "test"


def test_split_proportions():
    rng = random.Random(7)
    texts = ["".join(rng.choices(string.ascii_letters, k=30)) for _ in range(20000)]
    counts = {"train": 0, "dev": 0, "test": 0}
    for t in texts:
        counts[split_of_text(t, (0.8, 0.1, 0.1))] += 1
    assert abs(counts["train"] / 20000 - 0.8) < 0.015
    assert abs(counts["dev"] / 20000 - 0.1) < 0.01
    assert 0 <= position(text_hash("x")) < 1


def add_articles(store: Store, n: int, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(n):
        text = " ".join("".join(rng.choices(string.ascii_lowercase, k=6)) for _ in range(8))
        a, _ = store.add_article(Article(text=text, text_hash=text_hash(text),
                                         tokens=tokenize(text, "de")))
        store.add_span(a.id, rng.choice(["ann", "gold"]), 0, 6, "PER")


def test_cli_split_is_a_stable_partition(cli, db_path, tmp_path):
    store = events_corpus(db_path)
    add_articles(store, 60, seed=1)
    full = lines(cli("export", *ANY))
    out = tmp_path / "data.jsonl"
    result = cli("export", *ANY, "--split", "60/20/20", "-o", out)
    assert result.exit_code == 0, result.output
    assert "-> " + str(tmp_path / "data-train.jsonl") in result.output
    parts = {name: [json.loads(x) for x in (tmp_path / f"data-{name}.jsonl").read_text().splitlines()]
             for name in ("train", "dev", "test")}
    assert all(parts.values())
    # a partition of the full export, each part in article order, each line as in the full export
    merged = sorted((line for part in parts.values() for line in part),
                    key=lambda r: (r["meta"]["id"], r["meta"]["annotator"]))
    assert merged == full
    for part in parts.values():
        assert keys(part) == sorted(keys(part))
    first = {name: {r["text"] for r in part} for name, part in parts.items()}
    assert not (first["train"] & first["dev"]) and not (first["train"] & first["test"])

    # more articles, another selection: nothing that was exported moves
    add_articles(store, 60, seed=2)
    out2 = tmp_path / "again.jsonl"
    assert cli("export", *ANY, "--split", "60/20/20", "--annotator", "gold", "-o", out2).exit_code == 0
    for name in ("train", "dev", "test"):
        for line in (tmp_path / f"again-{name}.jsonl").read_text().splitlines():
            rec = json.loads(line)
            other = {n for n in first if rec["text"] in first[n]}
            assert other <= {name}


def test_cli_split_brat_directories_and_stdout(cli, db_path, tmp_path):
    events_corpus(db_path).close()
    result = cli("export", *ANY, "--format", "brat", "--split", "1/1/1", "-o", tmp_path / "brat")
    assert result.exit_code == 0, result.output
    for name in ("train", "dev", "test"):
        assert (tmp_path / f"brat-{name}" / "annotation.conf").exists()
    anns = sorted(p.name for name in ("train", "dev", "test")
                  for p in (tmp_path / f"brat-{name}").glob("*.ann"))
    assert anns == ["1-alice.ann", "2-alice.ann", "2-bob.ann", "2-carol.ann", "3-gold.ann"]
    bad = cli("export", "--split", "80/10/10")
    assert bad.exit_code == 2 and "-o/--output" in bad.output
    bad = cli("export", "--format", "brat")  # brat writes a directory
    assert bad.exit_code == 1 and "give -o/--output DIR" in bad.output
