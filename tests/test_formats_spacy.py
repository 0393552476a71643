"""The spaCy DocBin export, read back by spaCy itself and trained on by ``spacy train``."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
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


# sentences to build a training corpus from: each template is filled from FILLERS in 36 ways, so
# the corpus has 5 x 36 = 180 different articles (spacy debug data wants 100 to train on)
TEMPLATES = [
    ("{PER} traf am {DATE} in {LOC} Vertreter von {ORG}.", ["PER", "DATE", "LOC", "ORG"]),
    ("Der Konzern {ORG} kündigte in {LOC} neue Stellen an.", ["ORG", "LOC"]),
    ("{PER} reiste nach {LOC}, um mit der Führung von {ORG} zu sprechen.", ["PER", "LOC", "ORG"]),
    ("Am {DATE} demonstrierten in {LOC} Tausende gegen {ORG}.", ["DATE", "LOC", "ORG"]),
    ("{ORG} verhängte am {DATE} Sanktionen, sagte {PER} in {LOC}.", ["ORG", "DATE", "PER", "LOC"]),
]
FILLERS = [
    {"PER": "Angela Merkel", "DATE": "Montag", "LOC": "Paris", "ORG": "Siemens"},
    {"PER": "Olaf Scholz", "DATE": "Freitag", "LOC": "Warschau", "ORG": "der Deutschen Bahn"},
    {"PER": "Emmanuel Macron", "DATE": "12. März", "LOC": "Hamburg", "ORG": "den Vereinten Nationen"},
    {"PER": "Donald Tusk", "DATE": "Dienstag", "LOC": "München", "ORG": "der Europäischen Union"},
    {"PER": "Rustem Umerow", "DATE": "2. Juni", "LOC": "Istanbul", "ORG": "Volkswagen"},
    {"PER": "Kaja Kallas", "DATE": "Sonntag", "LOC": "Brüssel", "ORG": "der Nato"},
]


def prodigy_lines() -> list[dict]:
    """Prodigy tasks over the templates, as an annotator would import them (status done)."""
    import re as regex

    lines = []
    n = len(FILLERS)
    for t, (template, _labels) in enumerate(TEMPLATES):
        for f in range(n * n):
            i, j = divmod(f, n)
            fill = {"PER": FILLERS[i]["PER"], "DATE": FILLERS[j]["DATE"],
                    "LOC": FILLERS[(i + j) % n]["LOC"], "ORG": FILLERS[(i + 2 * j) % n]["ORG"]}
            text, spans, pos = "", [], 0
            for m in regex.finditer(r"\{(\w+)\}", template):
                text += template[pos : m.start()]
                spans.append({"start": len(text), "end": len(text) + len(fill[m.group(1)]),
                              "label": m.group(1)})
                text += fill[m.group(1)]
                pos = m.end()
            text += template[pos:]
            lines.append({"text": text, "spans": spans, "answer": "accept",
                          "meta": {"id": 1000 + 100 * t + f, "title": f"t{t} f{f}",
                                   "language": "de", "annotator": "ann", "status": "done"}})
    return lines


def test_spacy_train_and_debug_data_on_a_split_export(cli, db_path, tmp_path):
    """Fixture articles imported (the real import path), exported with --split, then trained on
    for two epochs by ``spacy train``; ``spacy debug data`` finds no error."""
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in prodigy_lines()),
                     "utf-8")
    imported = cli("import", tasks)
    assert imported.exit_code == 0, imported.output
    result = cli("export", "--format", "spacy", "--split", "70/30/0", "-o", tmp_path / "c.spacy")
    assert result.exit_code == 0, result.output
    train, dev = tmp_path / "c-train.spacy", tmp_path / "c-dev.spacy"
    n_train, n_dev = len(load(train)), len(load(dev))
    assert n_train + n_dev == 180 and n_train >= 100 and n_dev >= 30
    assert len(load(tmp_path / "c-test.spacy")) == 0
    config = tmp_path / "config.cfg"
    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "config", str(config), "--lang", "de",
         "--pipeline", "ner", "--optimize", "efficiency", "--force"],
        check=True, capture_output=True, text=True,
    )
    small = ["--components.tok2vec.model.encode.width", "32",
             "--components.tok2vec.model.encode.depth", "1",
             "--components.tok2vec.model.embed.rows", "[500,100,200,200]",
             "--components.ner.model.hidden_width", "16"]
    paths = ["--paths.train", str(train), "--paths.dev", str(dev)]
    debug = subprocess.run(
        [sys.executable, "-m", "spacy", "debug", "data", str(config), *paths, *small],
        capture_output=True, text=True, timeout=180,
    )
    assert debug.returncode == 0, debug.stdout + debug.stderr
    assert f"{n_train} training docs" in debug.stdout and f"{n_dev} evaluation docs" in debug.stdout
    assert "✘" not in debug.stdout, debug.stdout
    out = tmp_path / "model"
    run = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(config), "--output", str(out), *paths,
         "--training.max_epochs", "2", "--training.eval_frequency", "1", *small,
         "--gpu-id", "-1"],
        capture_output=True, text=True, timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # the progress table has rows for epochs 0 and 1 and none beyond
    epochs = {line.split()[0] for line in run.stdout.splitlines() if re.match(r"\s*\d+\s+\d+\s", line)}
    assert epochs == {"0", "1"}, run.stdout
    nlp = spacy.load(out / "model-last")
    assert nlp.lang == "de" and "ner" in nlp.pipe_names
    assert set(nlp.get_pipe("ner").labels) == {"PER", "ORG", "LOC", "DATE"}


def test_a_large_export_is_a_directory_of_shards_spacy_reads(db_path, tmp_path):
    """Past ``shard_tokens`` the output is a directory of numbered DocBins, which spaCy's corpus
    reader takes as one corpus; a smaller export into it removes the shards it no longer has."""
    from spacy.training import Corpus

    from newsmark.atomic import OutputError, all_or_nothing
    from newsmark.formats import spacy_docbin

    store = training_corpus(db_path)
    records = list(store.records())
    tokens = [len(r.article.tokens) for r in records]
    out = tmp_path / "big.spacy"
    with all_or_nothing():
        summary = spacy_docbin.export(records, str(out), Schema(), shard_tokens=max(tokens))
    shards = sorted(p.name for p in out.iterdir())
    assert out.is_dir() and len(shards) == summary["shards"] > 2
    assert shards == [f"{i:04d}.spacy" for i in range(len(shards))]
    nlp = spacy.blank("de")
    examples = list(Corpus(str(out))(nlp))
    assert sorted(e.reference.text for e in examples) == sorted(r.article.text for r in records)
    assert sum(len(load(out / name)) for name in shards) == len(records)
    # spaCy's own DocBin.to_bytes, shard by shard: the same Docs, the same bytes
    first = DocBin(store_user_data=True)
    first.add(spacy_docbin.doc(records[0], Schema()))
    assert (out / "0000.spacy").read_bytes() == first.to_bytes()

    # again with everything in one shard: into the directory, the stale shards go
    (out / "notes.txt").write_text("mine")
    with all_or_nothing():
        spacy_docbin.export(records, str(out), Schema())
    assert sorted(p.name for p in out.iterdir()) == ["0000.spacy", "notes.txt"]
    assert len(load(out / "0000.spacy")) == len(records)

    # a small export to a new name is one file; a large one over an existing file is refused
    single = tmp_path / "one.spacy"
    spacy_docbin.export(records, str(single), Schema())
    assert single.is_file() and len(load(single)) == len(records)
    with pytest.raises(OutputError, match="several .spacy shards"):
        with all_or_nothing():
            spacy_docbin.export(records, str(single), Schema(), shard_tokens=max(tokens))
    assert single.is_file() and len(load(single)) == len(records)
    store.close()


def test_mentions_are_spans_but_never_ents(cli, store, tmp_path):
    from formats_corpus import plain

    text = "Die Hacker griffen am Montag die Server von Siemens an."
    a, _ = store.add_article(plain(text, "mentions"))
    hackers = store.add_span(a.id, "x", 0, 10, "MENTION")  # "Die Hacker": not a named entity
    siemens = store.add_span(a.id, "x", text.index("Siemens"), text.index("Siemens") + 7, "ORG")
    store.add_span(a.id, "x", text.index("Montag"), text.index("Montag") + 6, "DATE")
    store.add_event(a.id, "x", "ATTACK", text.index("griffen"), text.index("griffen") + 7,
                    [("Attacker", hackers.id), ("Target", siemens.id)])
    store.set_status([a.id], "x", "done")
    result = cli("export", "--format", "spacy", "-o", tmp_path / "m.spacy")
    assert result.exit_code == 0, result.output
    assert "1 mentions (MENTION) are in spans['sc'], never in doc.ents" in result.stderr
    (d,) = load(tmp_path / "m.spacy")
    assert [(e.text, e.label_) for e in d.ents] == [("Montag", "DATE"), ("Siemens", "ORG")]
    assert ("Die Hacker", "MENTION") in [(s.text, s.label_) for s in d.spans["sc"]]
    assert user_data(d)["not_ents"] == []
    (event,) = user_data(d)["events"]
    assert {(arg["role"], arg["label"]) for arg in event["arguments"]} == {
        ("Attacker", "MENTION"), ("Target", "ORG")}
    assert event["warnings"] == []
