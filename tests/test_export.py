"""The prodigy JSONL export, checked by real spaCy, by golden file, and by hypothesis."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import spacy
from conftest import ROOT, SEED_000, SEED_004, check_golden
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
    result = cli("export", "--format", "prodigy", "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(r["meta"]["id"], r["meta"]["annotator"]) for r in lines] == [
        (1, "alice"), (2, "alice"), (2, "bob"), (2, "carol")
    ]
    for rec in lines:
        assert_spacy_alignment(rec)
        assert rec["answer"] == "accept"
        assert isinstance(rec["_input_hash"], int) and isinstance(rec["_task_hash"], int)
    assert lines[1]["_input_hash"] == lines[2]["_input_hash"]
    assert lines[1]["_task_hash"] != lines[2]["_task_hash"]
    assert [s["label"] for s in lines[0]["spans"]] == ["LOC", "PER", "ORG"]
    assert lines[3]["spans"] == []
    check_golden("prodigy.jsonl", text.replace(json.dumps(str(ROOT))[1:-1], "<ROOT>"))

    # stable: the same database exports the same bytes; stdout works too
    again = cli("export", "--format", "prodigy", "-o", "-")
    assert again.stdout == text


def test_export_one_annotator(cli, db_path):
    annotated_store(db_path).close()
    result = cli("export", "--annotator", "bob")
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


def test_hashes_are_stable():
    art = Article(text="Berlin ist groß.", text_hash=text_hash("Berlin ist groß."),
                  tokens=tokenize("Berlin ist groß.", "de"), id=1)
    r1 = prodigy.record(art, "a", [])
    r2 = prodigy.record(art, "a", [])
    assert r1 == r2
    assert r1["_input_hash"] == prodigy.stable_hash("Berlin ist groß.")
