"""The Hugging Face token-classification export, loaded by ``datasets`` offline and decoded back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import check_golden
from formats_corpus import (
    NESTED_SPANS,
    annotated_corpus,
    db_spans,
    decode_iob2,
    nested_corpus,
    plain,
    survivors,
)

from newsmark.formats import export, hf
from newsmark.model import Schema


@pytest.fixture
def load_dataset(tmp_path, monkeypatch):
    """``datasets.load_dataset`` that can neither reach the network nor the home directory."""
    home = tmp_path / "hf-home"
    for var, value in [("HF_HOME", home), ("HF_DATASETS_CACHE", home / "datasets"),
                       ("HF_HUB_CACHE", home / "hub"), ("HF_DATASETS_OFFLINE", "1"),
                       ("HF_HUB_OFFLINE", "1"), ("HF_HUB_DISABLE_TELEMETRY", "1")]:
        monkeypatch.setenv(var, str(value))
    import datasets
    import huggingface_hub.constants

    # in case datasets was imported before these variables were set
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    datasets.disable_progress_bars()

    def load(path: Path):
        return datasets.load_dataset("json", data_files=str(path), split="train",
                                     cache_dir=str(home / "cache"))

    return load


def words(article) -> list:
    """The article's tokens that are not whitespace, as the export promises."""
    return [t for t in article.tokens if not article.text[t.start : t.end].isspace()]


def decode(row: dict, names: list[str], article) -> list[tuple[int, int, str]]:
    """Tag ids -> IOB2 tags (through labels.json) -> token spans -> character offsets."""
    toks = words(article)
    assert row["tokens"] == [article.text[t.start : t.end] for t in toks]
    assert len(row["ner_tags"]) == len(row["tokens"])
    return [(toks[s].start, toks[e - 1].end, label)
            for s, e, label in decode_iob2([names[i] for i in row["ner_tags"]])]


def read_labels(path: Path) -> list[str]:
    labels = json.loads(path.read_text("utf-8"))
    names = labels["names"]
    assert labels["id2label"] == {str(i): n for i, n in enumerate(names)}
    assert labels["label2id"] == {n: i for i, n in enumerate(names)}
    return names


def test_hf_export_loads_with_datasets_and_maps_back(cli, db_path, tmp_path, load_dataset):
    store = annotated_corpus(db_path)
    out = tmp_path / "hf" / "train.jsonl"
    result = cli("export", "--format", "hf", "-o", out)
    assert result.exit_code == 0, result.output
    assert "4 records exported (hf)" in result.stderr
    assert f"tag ids in {out.parent / 'labels.json'}" in result.stderr
    names = read_labels(out.parent / "labels.json")
    expected_names = ["O"] + [f"{p}-{label}" for label in Schema().names for p in "BI"]
    assert names == expected_names

    ds = load_dataset(out)
    assert ds.column_names == ["id", "tokens", "ner_tags"]
    records = list(store.iter_records())
    assert len(ds) == len(records) == 4
    for row, r in zip(ds, records):
        assert row["id"] == f"{r.article.id}:{r.annotator}"
        assert decode(row, names, r.article) == db_spans(r.spans)  # no overlaps here: all kept
        assert "\n\n" in r.article.text and not any(w.isspace() for w in row["tokens"])
    store.close()
    check_golden("export-hf.jsonl", out.read_text("utf-8"))
    check_golden("export-hf.labels.json", (out.parent / "labels.json").read_text("utf-8"))


def test_nested_spans_outermost_wins_and_drops_are_counted(cli, db_path, tmp_path, load_dataset):
    store = nested_corpus(db_path)
    out = tmp_path / "nested.jsonl"
    result = cli("export", "--format", "hf", "-o", out)
    assert result.exit_code == 0, result.output
    assert "7 of 14 spans dropped" in result.stderr
    names = read_labels(tmp_path / "labels.json")
    ds = load_dataset(out)
    records = list(store.iter_records())
    assert [r.article.text for r in records] == list(NESTED_SPANS)
    for row, r in zip(ds, records, strict=True):
        assert decode(row, names, r.article) == survivors(r.article.text)
    assert ds[1]["tokens"] == ["Gipfel", "in", "Rom", "Nächste", "Woche"]  # no "\n\n" token

    summary = export("hf", store.iter_records(), str(tmp_path / "again.jsonl"), Schema())
    assert (summary["records"], summary["spans"], summary["dropped_spans"]) == (2, 14, 7)
    assert hf.labels_path(str(tmp_path / "again.jsonl")) == tmp_path / "labels.json"
    store.close()


def test_labels_json_is_extended_never_renumbered(cli, store, tmp_path):
    a, _ = store.add_article(plain("Anna Weber lebt in Köln.", "t"))
    store.add_span(a.id, "x", 0, 10, "PER")
    store.add_span(a.id, "x", 19, 23, "STADT")  # a label outside the schema
    (tmp_path / "labels.json").write_text(json.dumps({"names": ["O", "B-STADT", "I-STADT"]}))
    assert cli("export", "--format", "hf", "-o", tmp_path / "dev.jsonl").exit_code == 0
    names = read_labels(tmp_path / "labels.json")
    assert names[:3] == ["O", "B-STADT", "I-STADT"]
    assert names[3:5] == ["B-PER", "I-PER"] and len(names) == 1 + 2 * (1 + len(Schema().names))
    row = json.loads((tmp_path / "dev.jsonl").read_text("utf-8"))
    assert [names[i] for i in row["ner_tags"]] == ["B-PER", "I-PER", "O", "O", "B-STADT", "O"]


def test_standard_output_writes_labels_json_to_the_current_directory(cli, store, tmp_path,
                                                                      monkeypatch):
    a, _ = store.add_article(plain("Anna Weber lebt in Köln.", "t"))
    store.add_span(a.id, "x", 0, 10, "PER")
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    result = cli("export", "--format", "hf", "-o", "-")
    assert json.loads(result.stdout)["tokens"] == ["Anna", "Weber", "lebt", "in", "Köln", "."]
    assert read_labels(work / "labels.json")[:3] == ["O", "B-PER", "I-PER"]
