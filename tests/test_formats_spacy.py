"""The spaCy DocBin export, read back by spaCy itself and trained on by ``spacy train``."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import spacy
from conftest import ROOT, check_golden
from formats_corpus import (
    NESTED_SPANS,
    annotated_corpus,
    db_spans,
    nested_corpus,
    survivors,
    training_corpus,
)
from spacy.tokens import DocBin

from newsmark.formats import prodigy
from newsmark.model import Schema

VOCAB = spacy.blank("de").vocab


def load(path: Path) -> list:
    return list(DocBin().from_disk(path).get_docs(VOCAB))


def user_data(d) -> dict:
    """DocBin gives user_data back with tuples for lists (msgpack, use_list=False)."""
    return json.loads(json.dumps(d.user_data))


def char_spans(spans) -> list[tuple[int, int, str]]:
    return sorted((s.start_char, s.end_char, s.label_) for s in spans)


def dump(docs) -> str:
    """The DocBin as stable JSON (the binary file is not byte-stable: its string table is a set)."""
    out = []
    for d in docs:  # one JSON line per Doc
        out.append({
            "text_sha256": hashlib.sha256(d.text.encode("utf-8")).hexdigest(),
            "tokens": len(d),
            "ents": [[e.start_char, e.end_char, e.label_, e.text] for e in d.ents],
            "sc": [[s.start_char, s.end_char, s.label_, s.text] for s in d.spans["sc"]],
            "user_data": user_data(d),
        })
    text = "".join(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n" for d in out)
    return text.replace(json.dumps(str(ROOT))[1:-1], "<ROOT>")


def test_docbin_loads_with_ents_spans_and_events(cli, db_path, tmp_path):
    store = annotated_corpus(db_path)
    out = tmp_path / "data" / "all.spacy"
    result = cli("export", "--format", "spacy", "-o", out)
    assert result.exit_code == 0, result.output
    assert "4 records exported (spacy)" in result.stderr
    docs = load(out)
    records = list(store.iter_records())
    assert len(docs) == len(records) == 4
    for d, r in zip(docs, records):
        assert d.text == r.article.text
        assert [(t.idx, t.idx + len(t.text), bool(t.whitespace_)) for t in d] == [
            (t.start, t.end, t.ws) for t in r.article.tokens
        ]
        # no overlaps in this corpus: every span is an ent and in spans["sc"]
        assert char_spans(d.ents) == char_spans(d.spans["sc"]) == db_spans(r.spans)
        data = user_data(d)
        assert data["not_ents"] == []
        assert data["meta"]["id"] == r.article.id
        assert data["meta"]["annotator"] == r.annotator
        expected = prodigy.record(r.article, r.annotator, r.spans, r.events, Schema())
        assert data["events"] == expected.get("events", [])
    events = user_data(docs[1])["events"]
    assert [e["type"] for e in events] == ["MEET"]
    assert {a["role"] for a in events[0]["arguments"]} == {"Participant", "Place", "Time"}
    assert docs[0].user_data["events"][0]["type"] == "DEMAND"
    store.close()
    check_golden("export-spacy.json", dump(docs))

    # standard output carries the same DocBin
    again = cli("export", "--format", "spacy", "-o", "-")
    assert dump(DocBin().from_bytes(again.stdout_bytes).get_docs(VOCAB)) == dump(docs)


def test_nested_spans_keep_all_in_sc_and_say_which_are_not_ents(cli, db_path, tmp_path):
    store = nested_corpus(db_path)
    out = tmp_path / "nested.spacy"
    result = cli("export", "--format", "spacy", "-o", out)
    assert result.exit_code == 0, result.output
    assert "7 of 14 spans are in spans['sc'] but not doc.ents" in result.stderr
    docs = load(out)
    records = list(store.iter_records())
    assert [r.article.text for r in records] == list(NESTED_SPANS)
    for d, r in zip(docs, records, strict=True):
        assert char_spans(d.ents) == survivors(r.article.text)
        assert char_spans(d.spans["sc"]) == db_spans(r.spans)  # every span, as annotated
        assert len(d.spans["sc"]) == len(NESTED_SPANS[r.article.text])
    # the first text has no whitespace-edged spans: not_ents are exactly the spans not kept
    kept = set(survivors(records[0].article.text))
    assert [tuple(s) for s in user_data(docs[0])["not_ents"]] == [
        s for s in sorted(db_spans(records[0].spans), key=lambda s: (s[0], -s[1], s[2]))
        if s not in kept
    ]
    assert len(docs[0].user_data["not_ents"]) == 7
    # "Rom\n\n" becomes the ent "Rom": trimmed, not dropped
    assert user_data(docs[1])["not_ents"] == []
    assert [(e.text, e.label_) for e in docs[1].ents] == [("Rom", "LOC")]
    store.close()


def test_spacy_train_runs_two_epochs_on_the_export(cli, db_path, tmp_path):
    training_corpus(db_path).close()
    for part in ("train", "dev"):
        result = cli("export", "--format", "spacy", "--annotator", part, "-o", tmp_path / f"{part}.spacy")
        assert result.exit_code == 0, result.output
    assert len(load(tmp_path / "train.spacy")) == 6 and len(load(tmp_path / "dev.spacy")) == 3
    config = tmp_path / "config.cfg"
    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "config", str(config), "--lang", "de",
         "--pipeline", "ner", "--optimize", "efficiency", "--force"],
        check=True, capture_output=True, text=True,
    )
    out = tmp_path / "model"
    run = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(config), "--output", str(out),
         "--paths.train", str(tmp_path / "train.spacy"), "--paths.dev", str(tmp_path / "dev.spacy"),
         "--training.max_epochs", "2", "--training.eval_frequency", "1",
         "--components.tok2vec.model.encode.width", "32",
         "--components.tok2vec.model.encode.depth", "1",
         "--components.tok2vec.model.embed.rows", "[500,100,200,200]",
         "--components.ner.model.hidden_width", "16",
         "--gpu-id", "-1"],
        capture_output=True, text=True, timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # the progress table has rows for epochs 0 and 1 and none beyond
    epochs = {line.split()[0] for line in run.stdout.splitlines() if re.match(r"\s*\d+\s+\d+\s", line)}
    assert epochs == {"0", "1"}, run.stdout
    assert (out / "model-last" / "meta.json").exists()
    nlp = spacy.load(out / "model-last")
    assert nlp.lang == "de" and "ner" in nlp.pipe_names
    assert set(nlp.get_pipe("ner").labels) == {"PER", "ORG", "LOC", "DATE"}


def test_streaming_writer_writes_what_docbin_to_bytes_writes(db_path):
    """``DocBinWriter`` (one batch of Docs in memory) against spaCy's own ``DocBin.to_bytes``
    (every Doc in memory), byte for byte: with a flush after every Doc, every 3, and once."""
    import io

    from newsmark.config import default_schema
    from newsmark.formats.spacy_docbin import DocBinWriter, doc

    store = annotated_corpus(db_path)
    schema = default_schema()
    docs = [doc(r, schema) for r in store.records()]
    assert len(docs) >= 4 and any(d.user_data["events"] for d in docs)
    expected = DocBin(store_user_data=True)
    for d in docs:
        expected.add(d)
    for batch in (1, 3, 1000):
        out = io.BytesIO()
        writer = DocBinWriter(out, batch=batch)
        for d in docs:
            writer.add(d)
        writer.close()
        assert out.getvalue() == expected.to_bytes(), batch
    empty = io.BytesIO()
    DocBinWriter(empty).close()
    assert empty.getvalue() == DocBin(store_user_data=True).to_bytes()
    assert len(DocBin().from_bytes(empty.getvalue())) == 0
