"""The prodigy JSONL export, checked by real spaCy, by golden file, and by hypothesis."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import murmurhash
import spacy
from conftest import ROOT, SEED_000, SEED_004, check_golden
from formats_corpus import annotated_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from newsmark.formats import prodigy
from newsmark.ingest import IngestError, article_from_file, build_article
from newsmark.model import Article
from newsmark.text import normalize, snap_to_tokens, text_hash, tokenize
from storage.repo import Store

VOCAB = spacy.blank("xx").vocab


def assert_spacy_alignment(rec: dict) -> None:
    """Rebuild the line as a spaCy Doc; every span must come back strictly, with the same text."""
    words = [t["text"] for t in rec["tokens"]]
    spaces = [t["ws"] for t in rec["tokens"]]
    doc = Doc(VOCAB, words=words, spaces=spaces)
    assert doc.text == rec["text"]
    for i, tok in enumerate(rec["tokens"]):
        assert (doc[i].idx, doc[i].idx + len(doc[i].text), tok["id"]) == (tok["start"], tok["end"], i)
    for s in rec["spans"]:
        span = doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="strict")
        assert span is not None, s
        assert span.text == rec["text"][s["start"] : s["end"]]
        assert (span.start, span.end - 1) == (s["token_start"], s["token_end"])
        assert span.label_ == s["label"]
    # event triggers and arguments sit on the same tokens, their token indices included
    for event in rec.get("events", []):
        for part in (event["trigger"], *event["arguments"]):
            span = doc.char_span(part["start"], part["end"], alignment_mode="strict")
            assert span is not None, part
            assert (span.start, span.end - 1) == (part["token_start"], part["token_end"]), part


def find(text: str, needle: str) -> tuple[int, int]:
    i = text.index(needle)
    return i, i + len(needle)


def annotated_store(path: Path) -> Store:
    store = Store(path)
    a000, _ = store.add_article(article_from_file(SEED_000))
    a004, _ = store.add_article(article_from_file(SEED_004))
    for needle, label in [("Wolodymyr Selenskyj", "PER"), ("Istanbul", "LOC"), ("Tass", "ORG")]:
        store.add_span(a000.id, "alice", *find(a000.text, needle), label)
    for needle, label in [("Rustem Umerow", "PER"), ("16. Mai", "DATE"), ("Wladimir Medinski", "PER")]:
        store.add_span(a004.id, "alice", *find(a004.text, needle), label)
    store.add_span(a004.id, "bob", *find(a004.text, "Istanbul"), "LOC")
    store.set_status([a004.id], "carol", "done")  # done without spans: exported too
    return store


def test_export_cli_golden_and_spacy(cli, db_path, tmp_path):
    annotated_store(db_path).close()
    out = tmp_path / "out.jsonl"
    result = cli("export", "--format", "prodigy", "--status", "any", "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(r["meta"]["id"], r["meta"]["annotator"]) for r in lines] == [
        (1, "alice"), (2, "alice"), (2, "bob"), (2, "carol")
    ]
    # unfinished work is marked, with an answer Prodigy does not train on; done work accepted
    assert [(r["meta"]["status"], r["answer"]) for r in lines] == [
        ("in_progress", "ignore"), ("in_progress", "ignore"), ("in_progress", "ignore"),
        ("done", "accept")]
    for rec in lines:
        assert_spacy_alignment(rec)
        assert isinstance(rec["_input_hash"], int) and isinstance(rec["_task_hash"], int)
    assert lines[1]["_input_hash"] == lines[2]["_input_hash"]
    assert lines[1]["_task_hash"] != lines[2]["_task_hash"]  # other spans
    assert [r["_session_id"] for r in lines] == [
        "newsmark-alice", "newsmark-alice", "newsmark-bob", "newsmark-carol"]
    assert all(r["_annotator_id"] == r["_session_id"] for r in lines)
    assert [s["label"] for s in lines[0]["spans"]] == ["LOC", "PER", "ORG"]
    assert lines[3]["spans"] == []
    check_golden("prodigy.jsonl", text.replace(json.dumps(str(ROOT))[1:-1], "<ROOT>"))

    # stable: the same database exports the same bytes; stdout works too
    again = cli("export", "--format", "prodigy", "--status", "any", "-o", "-")
    assert again.stdout == text
    # by default only finished work: carol's
    default = cli("export", "--format", "prodigy").stdout
    assert default == cli("export", "--status", "done").stdout == text.splitlines(True)[3]


def test_export_dataset_names_the_sessions(cli, db_path):
    """--dataset NAME: _annotator_id/_session_id are NAME-annotator, in worker processes too."""
    annotated_store(db_path).close()
    outs = [cli("export", "--status", "any", "--dataset", "ner_news", "--jobs", jobs).stdout
            for jobs in ("1", "2")]
    assert outs[0] == outs[1]
    lines = [json.loads(line) for line in outs[0].splitlines()]
    assert {(r["_annotator_id"], r["_session_id"]) for r in lines} == {
        (f"ner_news-{a}",) * 2 for a in ("alice", "bob", "carol")}


def test_export_one_annotator(cli, db_path):
    annotated_store(db_path).close()
    result = cli("export", "--annotator", "bob", "--status", "any")
    lines = [json.loads(l) for l in result.stdout.splitlines()]
    assert [r["meta"]["annotator"] for r in lines] == ["bob"]


# --- properties ---------------------------------------------------------------------------------

_pieces = st.one_of(
    st.characters(blacklist_categories=("Cs",)),  # any code point but lone surrogates
    st.sampled_from(["\r\n", "\r", "\n", "\u0301", "\u0308", "\u200b", "\u200d",
                     "👩\u200d👩\u200d👧", "🇩🇪", "e\u0301", "\x1b[31m"]),
    st.sampled_from(list("abc xyz ÄÖÜ ß.,;:!?")),
)
unicode_text = st.lists(_pieces, min_size=1, max_size=120).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=unicode_text, kind=st.sampled_from(["text", "markdown"]), data=st.data())
def test_ingest_span_export_round_trip(body: str, kind: str, data):
    try:
        article = build_article(body.encode("utf-8"), kind)
    except IngestError:
        return  # empty, binary-looking or all boilerplate: refused with a reason, nothing stored
    text = article.text
    assert text == normalize(text) and "\r" not in text
    # token offsets cover the text in order, without overlap; only whitespace is left between
    pos = 0
    for tok in article.tokens:
        assert tok.start >= pos and tok.end > tok.start
        assert text[pos : tok.start].isspace() or pos == tok.start
        pos = tok.end
    assert text[pos:].isspace() or pos == len(text)

    a = data.draw(st.integers(0, len(text) - 1))
    b = data.draw(st.integers(a + 1, len(text)))
    snapped = snap_to_tokens(article.tokens, a, b)
    if snapped is None:
        return
    start, end = snapped
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "p.db")
        stored, _ = store.add_article(article)
        span = store.add_span(stored.id, "h", start, end, "PER")
        (article_back, annotator, _status, spans), = list(store.iter_annotated())
        rec = prodigy.record(article_back, annotator, spans)
        store.close()
    assert rec["text"] == text
    (s,) = rec["spans"]
    assert rec["text"][s["start"] : s["end"]] == span.surface(text) == text[start:end]
    assert_spacy_alignment(rec)


@settings(max_examples=200, deadline=None)
@given(text=unicode_text)
def test_tokens_rebuild_the_text_exactly(text: str):
    text = normalize(text)
    tokens = tokenize(text, "de")
    doc = Doc(VOCAB, words=[text[t.start : t.end] for t in tokens], spaces=[t.ws for t in tokens])
    assert doc.text == text


def test_hashes_are_prodigy_compatible():
    """Prodigy-compatible hashes (issue 13, item 6): MurmurHash3 over the input key (text) and,
    prefixed with the input hash, the task key (spans). Stable across runs and machines: the
    values below were computed once and are written here literally. Equal for equal inputs,
    independent of the annotator (who is in _annotator_id/_session_id instead), the article's
    id, its metadata and the status."""
    from newsmark.model import Span

    text = "Berlin ist groß."
    art = Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, "de"), id=1,
                  title="eins")
    other = Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, "de"), id=9,
                    title="neun", url="https://example.org/9")
    berlin = [Span(0, 6, "LOC", id=1)]
    r1 = prodigy.record(art, "alice", [])
    assert r1 == prodigy.record(art, "alice", [])
    assert (r1["_input_hash"], r1["_task_hash"]) == (2127620925, -1647349795)
    assert prodigy.input_hash(text) == 2127620925
    assert murmurhash.hash('{"text":"Berlin ist gro\\u00df."}') == 2127620925

    alice = prodigy.record(art, "alice", berlin)
    bob = prodigy._record(other, "bob", [Span(0, 6, "LOC", id=7)], None, None,
                          *prodigy._tokens(other), status="in_progress", dataset="news")
    assert alice["_input_hash"] == bob["_input_hash"] == 2127620925
    assert alice["_task_hash"] == bob["_task_hash"] == -1149937681
    assert (alice["_annotator_id"], alice["_session_id"]) == ("newsmark-alice",) * 2
    assert (bob["_annotator_id"], bob["_session_id"]) == ("news-bob",) * 2
    # other spans, another label, another text: other hashes
    per = prodigy.record(art, "alice", [Span(0, 6, "PER", id=1)])
    assert per["_input_hash"] == 2127620925 and per["_task_hash"] not in (-1149937681, -1647349795)
    assert prodigy.input_hash("Berlin ist groß!") != 2127620925
    # the murmur of exactly the keys Prodigy documents, serialised as srsly.json_dumps sorts
    spans = [{"start": 0, "end": 6, "token_start": 0, "token_end": 0, "label": "LOC"}]
    assert alice["spans"] == spans
    assert -1149937681 == murmurhash.hash("2127620925" + json.dumps(
        {"spans": spans}, separators=(",", ":"), sort_keys=True))


def test_hashes_are_the_same_in_another_process():
    """No per-process seed (Python's own hash() has one): a fresh interpreter with another
    PYTHONHASHSEED gives the same values."""
    import os
    import subprocess
    import sys

    code = ("from newsmark.formats.prodigy import input_hash, task_hash; h = input_hash('Berlin "
            "ist groß.'); print(h, task_hash(h, []))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert out.stdout.split() == ["2127620925", "-1647349795"], out.stderr


# --- the fast path: orjson and packed tokens give the bytes json and Token objects give ----------


def _json_dumps(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def test_orjson_escapes_every_code_point_as_json_does():
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    rec = {"text": every, "tokens": [{"text": every[:64], "ws": True}], "meta": {every[:40]: None}}
    assert prodigy.dumps(rec) == _json_dumps(rec)
    for c in [*range(0x20), 0x22, 0x2F, 0x5C, 0x7F, 0x85, 0xA0, 0x2028, 0x2029, 0xFEFF, 0xFFFF]:
        assert prodigy.dumps({"t": f"a{chr(c)}b"}) == _json_dumps({"t": f"a{chr(c)}b"}), hex(c)


def test_dumps_falls_back_to_json_where_orjson_refuses():
    rec = {"id": 2**70, "text": "x"}
    assert prodigy.dumps(rec) == _json_dumps(rec)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(st.characters(blacklist_categories=("Cs",))),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(st.characters(blacklist_categories=("Cs",)), max_size=5), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=json_values)
def test_dumps_is_json_dumps(value):
    assert prodigy.dumps({"v": value}) == _json_dumps({"v": value})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=unicode_text, data=st.data())
def test_packed_article_exports_as_the_article(text: str, data):
    from newsmark.model import Event, Span
    from storage._packed import PackedArticle
    from storage.rows import tokens_to_json

    text = normalize(text)
    tokens = tokenize(text, "de")
    fields = dict(text=text, text_hash=text_hash(text), id=7, title="t", url="u", source="s")
    plain = Article(tokens=tokens, **fields)
    packed = PackedArticle.from_packed(tokens_to_json(tokens), **fields)
    spans = []
    for k in range(data.draw(st.integers(0, 4))):
        i = data.draw(st.integers(0, len(tokens) - 1))
        j = data.draw(st.integers(i, len(tokens) - 1))
        spans.append(Span(tokens[i].start, tokens[j].end, data.draw(st.sampled_from(["PER", "LOC"])), id=k))
    events = [Event(s.start, s.end, "MEET", id=1) for s in spans[:1]]
    expected = prodigy.record(plain, "a", spans, events, None)
    assert prodigy.record(packed, "a", spans, events, None) == expected
    assert prodigy.dumps(prodigy.record(packed, "a", spans, events, None)) == _json_dumps(expected)
    assert packed == plain and packed.tokens == tokens  # and the tokens, once read, are the same


@settings(max_examples=300, deadline=None)
@given(bounds=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=10),
       queries=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), min_size=1, max_size=10),
       ordered=st.booleans())
def test_token_bounds_finder_is_token_bounds(bounds, queries, ordered):
    from newsmark.model import Token
    from newsmark.text import token_bounds, token_bounds_finder

    tokens = [Token(s, e, True) for s, e in (sorted(bounds) if ordered else bounds)]
    find = token_bounds_finder([t.start for t in tokens], [t.end for t in tokens])
    for start, end in queries:
        assert find(start, end) == token_bounds(tokens, start, end)


@settings(max_examples=300, deadline=None)
@given(task=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6),
                               st.one_of(st.sampled_from(["PER", "LOC", "B-ORG", "x y"]),
                                         st.text(st.characters(blacklist_categories=("Cs",)), max_size=6))),
                     max_size=8))
def test_hash_json_is_json_dumps(task):
    value = {"spans": [{"start": s, "end": e, "token_start": 0, "token_end": 1, "label": label}
                       for s, e, label in task]}
    expected = json.dumps(value, separators=(",", ":"), sort_keys=True).encode("ascii")
    assert prodigy.hash_json(value) == expected
    assert prodigy.hash_json({"text": "".join(label for *_, label in task)}) == json.dumps(
        {"text": "".join(label for *_, label in task)}, separators=(",", ":")).encode("ascii")


def test_worker_processes_write_the_same_bytes(db_path, tmp_path):
    """The prodigy export rendered by worker processes (batches of one article, so the pool
    really runs) equals the in-process export byte for byte."""
    from functools import partial

    from newsmark.config import default_schema
    from newsmark.formats import export
    from newsmark.formats.prodigy import render
    from storage.export import Selection
    from storage.parallel import rendered

    annotated_store(db_path).close()
    schema = default_schema()
    store = Store(db_path)
    one = tmp_path / "one.jsonl"
    export("prodigy", store.records(Selection(batch=1)), str(one), schema)
    batches = list(rendered(db_path, Selection(batch=1), partial(render, schema=schema), jobs=2))
    assert len(batches) == 2  # two articles, two batches, from the pool
    many = tmp_path / "many.jsonl"
    summary = export("prodigy", (), str(many), schema,
                     rendered=rendered(db_path, Selection(batch=1), partial(render, schema=schema), jobs=1))
    assert summary["records"] == 4
    assert b"".join(b for b, _ in batches) == one.read_bytes() == many.read_bytes()


def test_prodigy_events_golden_and_aligned(cli, db_path, tmp_path):
    """Events in the prodigy export: every trigger and argument on the exported tokens (by
    character and by token index), and the whole output kept as a golden file."""
    annotated_corpus(db_path).close()
    out = tmp_path / "events.jsonl"
    result = cli("export", "--format", "prodigy", "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    events = [e for rec in lines for e in rec.get("events", [])]
    assert sorted(e["type"] for e in events) == ["DEMAND", "MEET"]
    assert sum(len(e["arguments"]) for e in events) == 6
    for rec in lines:
        assert_spacy_alignment(rec)
    check_golden("prodigy-events.jsonl", text.replace(json.dumps(str(ROOT))[1:-1], "<ROOT>"))
