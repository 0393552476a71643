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
def hf_offline(tmp_path, monkeypatch):
    """``datasets`` that can neither reach the network nor the home directory."""
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
    return home


@pytest.fixture
def load_dataset(hf_offline):
    """The README's one line: ``datasets.load_dataset("parquet", data_files=...)``."""
    import datasets

    def load(path: Path):
        return datasets.load_dataset("parquet", data_files={"train": str(path)},
                                     cache_dir=str(hf_offline / "cache"))["train"]

    return load


def words(article) -> list:
    """The article's tokens that are not whitespace, as the export promises."""
    return [t for t in article.tokens if not article.text[t.start : t.end].isspace()]


def decode(row: dict, names: list[str], article) -> list[tuple[int, int, str]]:
    """One chunk: its tokens found at its offset, tag ids -> names -> token spans -> character
    offsets in the article."""
    toks = words(article)
    first = next(i for i, t in enumerate(toks) if t.start == row["start"])
    toks = toks[first : first + len(row["tokens"])]
    assert row["tokens"] == [article.text[t.start : t.end] for t in toks]
    assert toks[-1].end == row["end"]
    assert len(row["ner_tags"]) == len(row["tokens"])
    return [(toks[s].start, toks[e - 1].end, label)
            for s, e, label in decode_iob2([names[i] for i in row["ner_tags"]])]


def decode_all(rows, names: list[str], record) -> list[tuple[int, int, str]]:
    """Every chunk of one record, in order: together they are the record's words, once each."""
    assert [row["id"] for row in rows] == [f"{record.article.id}:{record.annotator}:{c}"
                                           for c in range(len(rows))]
    assert [t for row in rows for t in row["tokens"]] == [
        record.article.text[t.start : t.end] for t in words(record.article)]
    return sorted(span for row in rows for span in decode(row, names, record.article))


def by_record(ds) -> dict[tuple[int, str], list[dict]]:
    out: dict = {}
    for row in ds:
        out.setdefault((row["article_id"], row["annotator"]), []).append(row)
    return out


def read_labels(path: Path) -> list[str]:
    labels = json.loads(path.read_text("utf-8"))
    names = labels["names"]
    assert labels["id2label"] == {str(i): n for i, n in enumerate(names)}
    assert labels["label2id"] == {n: i for i, n in enumerate(names)}
    return names


def dump(ds) -> str:
    """The dataset as stable JSON lines (the Parquet file's bytes depend on pyarrow's version)."""
    return "".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in ds)


def test_hf_export_loads_with_datasets_with_class_labels(cli, db_path, tmp_path, load_dataset):
    from datasets import ClassLabel, Sequence
    from seqeval.metrics import classification_report, f1_score

    store = annotated_corpus(db_path)
    out = tmp_path / "hf" / "train.parquet"
    result = cli("export", "--format", "hf", "-o", out)
    assert result.exit_code == 0, result.output
    assert "4 records exported (hf)" in result.stderr
    assert f"tag ids in {out.parent / 'labels.json'}" in result.stderr
    names = read_labels(out.parent / "labels.json")
    expected_names = ["O"] + [f"{p}-{label}" for label in Schema().entity_names for p in "BI"]
    assert names == expected_names and "B-MENTION" not in names

    ds = load_dataset(out)
    assert ds.column_names == ["id", "article_id", "annotator", "start", "end", "tokens",
                               "ner_tags"]
    # the names come with the data: no manual cast
    assert ds.features["ner_tags"] == Sequence(ClassLabel(names=expected_names))
    assert ds.features["ner_tags"].feature.names == expected_names
    records = list(store.iter_records())
    chunks = by_record(ds)
    assert list(chunks) == [(r.article.id, r.annotator) for r in records]
    for r in records:
        rows = chunks[(r.article.id, r.annotator)]
        assert decode_all(rows, names, r) == db_spans(r.spans)  # every span in some chunk
        assert all(len(row["tokens"]) <= 200 for row in rows)
        assert not any(w.isspace() for row in rows for w in row["tokens"])
    assert len(ds) > len(records)  # the seeds are longer than one chunk

    # seqeval, on the label names the dataset gives back
    label_of = ds.features["ner_tags"].feature.int2str
    y = [[label_of(i) for i in row["ner_tags"]] for row in ds]
    assert f1_score(y, y) == 1.0
    assert {"PER", "LOC", "ORG", "DATE"} <= set(classification_report(y, y, output_dict=True))
    store.close()
    check_golden("export-hf.jsonl", dump(ds))
    check_golden("export-hf.labels.json", (out.parent / "labels.json").read_text("utf-8"))


def test_chunks_end_at_sentences_and_never_cut_a_span(cli, store, tmp_path, load_dataset):
    text = ("Olaf Scholz traf am Montag in Paris den Präsidenten. Es ging um Handel und Zölle. "
            "Danach sprach er mit der Presse.\n\nDie Vereinten Nationen für Industrielle "
            "Entwicklung und Zusammenarbeit der Staaten tagten in Wien. Niemand kam.")
    a, _ = store.add_article(plain(text, "chunks"))
    long_name = "Vereinten Nationen für Industrielle Entwicklung und Zusammenarbeit der Staaten"
    spans = [("Olaf Scholz", "PER"), ("Montag", "DATE"), ("Paris", "LOC"), (long_name, "ORG"),
             ("Wien", "LOC"), ("Präsidenten", "MENTION")]
    for needle, label in spans:
        store.add_span(a.id, "ann", text.index(needle), text.index(needle) + len(needle), label)
    store.set_status([a.id], "ann", "done")
    out = tmp_path / "c.parquet"
    result = cli("export", "--format", "hf", "--max-words", "8", "-o", out)
    assert result.exit_code == 0, result.output
    assert "1 chunks are longer than 8 words: each is one span that long, never cut: " \
           f"{a.id}:ann:" in result.stderr
    ds = load_dataset(out)
    names = ds.features["ner_tags"].feature.names
    (record,) = store.records()
    # the mention is a span for events, not a tag
    entities = [s for s in db_spans(record.spans) if s[2] != "MENTION"]
    assert decode_all(list(ds), names, record) == entities
    texts = [" ".join(row["tokens"]) for row in ds]
    assert texts == [
        "Olaf Scholz traf am Montag in Paris den",  # a sentence of 10 words: cut at 8
        "Präsidenten .",
        "Es ging um Handel und Zölle .",  # sentences whole, as far as they fit
        "Danach sprach er mit der Presse .",
        "Die",
        long_name,  # 10 words, one span: a chunk of its own
        "tagten in Wien . Niemand kam .",  # two sentences that fit together
    ]
    for row in ds:
        assert row["tokens"][0] == text[row["start"] : row["start"] + len(row["tokens"][0])]
        assert len(row["tokens"]) <= 8 or " ".join(row["tokens"]) == long_name


def test_nested_spans_outermost_wins_and_drops_are_counted(cli, db_path, tmp_path, load_dataset):
    store = nested_corpus(db_path)
    out = tmp_path / "nested.parquet"
    result = cli("export", "--format", "hf", "-o", out)
    assert result.exit_code == 0, result.output
    assert "7 of 14 spans dropped" in result.stderr
    names = read_labels(tmp_path / "labels.json")
    ds = load_dataset(out)
    records = list(store.iter_records())
    assert [r.article.text for r in records] == list(NESTED_SPANS)
    chunks = by_record(ds)
    for r in records:
        assert decode_all(chunks[(r.article.id, r.annotator)], names, r) == survivors(r.article.text)
    assert ds[1]["tokens"] == ["Gipfel", "in", "Rom", "Nächste", "Woche"]  # no "\n\n" token

    summary = export("hf", store.iter_records(), str(tmp_path / "again.parquet"), Schema())
    assert (summary["records"], summary["spans"], summary["dropped_spans"]) == (2, 14, 7)
    assert hf.labels_path(str(tmp_path / "again.parquet")) == tmp_path / "labels.json"
    store.close()


def test_labels_json_is_extended_never_renumbered(cli, store, tmp_path, load_dataset):
    a, _ = store.add_article(plain("Anna Weber lebt in Köln.", "t"))
    store.add_span(a.id, "x", 0, 10, "PER")
    store.add_span(a.id, "x", 19, 23, "STADT")  # a label outside the schema
    store.set_status([a.id], "x", "done")
    (tmp_path / "labels.json").write_text(json.dumps({"names": ["O", "B-STADT", "I-STADT"]}))
    assert cli("export", "--format", "hf", "-o", tmp_path / "dev.parquet").exit_code == 0
    names = read_labels(tmp_path / "labels.json")
    assert names[:3] == ["O", "B-STADT", "I-STADT"]
    assert names[3:5] == ["B-PER", "I-PER"]
    assert len(names) == 1 + 2 * (1 + len(Schema().entity_names))
    (row,) = load_dataset(tmp_path / "dev.parquet")
    assert ds_names(tmp_path / "dev.parquet") == names  # the dataset's ClassLabel, the same
    assert [names[i] for i in row["ner_tags"]] == ["B-PER", "I-PER", "O", "O", "B-STADT", "O"]


def ds_names(path: Path) -> list[str]:
    from datasets import Dataset

    return Dataset.from_parquet(str(path)).features["ner_tags"].feature.names


def test_standard_output_writes_labels_json_to_the_current_directory(cli, store, tmp_path,
                                                                      monkeypatch):
    import io

    import pyarrow.parquet as pq

    a, _ = store.add_article(plain("Anna Weber lebt in Köln.", "t"))
    store.add_span(a.id, "x", 0, 10, "PER")
    store.set_status([a.id], "x", "done")
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    result = cli("export", "--format", "hf", "-o", "-")
    table = pq.read_table(io.BytesIO(result.stdout_bytes))
    assert table.column("tokens").to_pylist() == [["Anna", "Weber", "lebt", "in", "Köln", "."]]
    assert b"huggingface" in table.schema.metadata  # the features, for datasets
    assert read_labels(work / "labels.json")[:3] == ["O", "B-PER", "I-PER"]
