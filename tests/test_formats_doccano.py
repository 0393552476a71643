"""The doccano JSONL export, both variants, parsed back and compared with the database."""

from __future__ import annotations

import json

import pytest
from conftest import check_golden
from formats_corpus import annotated_corpus, db_spans, nested_corpus


def read(text: str) -> list[dict]:
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_doccano_labels_are_the_db_spans(cli, db_path, tmp_path):
    store = annotated_corpus(db_path)
    out = tmp_path / "doccano.jsonl"
    result = cli("export", "--format", "doccano", "-o", out)
    assert result.exit_code == 0, result.output
    assert "4 records exported (doccano)" in result.stderr
    assert "2 events not exported (--relations exports them)" in result.stderr
    text = out.read_text("utf-8")
    lines = read(text)
    records = list(store.iter_records())
    assert len(lines) == len(records) == 4
    for line, r in zip(lines, records):
        assert set(line) == {"id", "text", "label", "meta"}
        assert line["id"] == f"{r.article.id}:{r.annotator}"
        assert line["text"] == r.article.text
        assert sorted(map(tuple, line["label"])) == db_spans(r.spans)
        for start, end, label in line["label"]:
            assert any(line["text"][start:end] == s.surface(r.article.text) for s in r.spans)
    assert lines[3]["label"] == []  # carol: done without spans
    store.close()
    check_golden("export-doccano.jsonl", text)
    assert cli("export", "--format", "doccano", "-o", "-").stdout == text


def test_doccano_keeps_overlapping_spans(cli, db_path):
    store = nested_corpus(db_path)
    lines = read(cli("export", "--format", "doccano").stdout)
    for line, r in zip(lines, store.iter_records(), strict=True):
        assert sorted(map(tuple, line["label"])) == db_spans(r.spans)
    assert len(lines[0]["label"]) == 13
    store.close()


def test_doccano_relations_are_the_db_events(cli, db_path, tmp_path):
    store = annotated_corpus(db_path)
    out = tmp_path / "relations.jsonl"
    result = cli("export", "--format", "doccano", "--relations", "-o", out)
    assert result.exit_code == 0, result.output
    assert "2 events as trigger entities with 6 relations" in result.stderr
    text = out.read_text("utf-8")
    lines = read(text)
    records = list(store.iter_records())
    assert len(lines) == len(records)
    entity_ids = [e["id"] for line in lines for e in line["entities"]]
    relation_ids = [x["id"] for line in lines for x in line["relations"]]
    assert len(set(entity_ids)) == len(entity_ids) and len(set(relation_ids)) == len(relation_ids)
    for line, r in zip(lines, records):
        assert set(line) == {"id", "text", "entities", "relations", "meta"}
        assert line["text"] == r.article.text
        entities = {e["id"]: e for e in line["entities"]}
        assert all(set(e) == {"id", "label", "start_offset", "end_offset"} for e in entities.values())
        as_tuple = {i: (e["start_offset"], e["end_offset"], e["label"]) for i, e in entities.items()}
        # the spans, then one trigger entity per event
        triggers = {e["id"] for e in line["entities"][len(r.spans):]}
        spans_back = sorted(t for i, t in as_tuple.items() if i not in triggers)
        assert spans_back == db_spans(r.spans)
        assert sorted(as_tuple[i] for i in triggers) == sorted((e.start, e.end, e.type) for e in r.events)
        by_id = {s.id: s for s in r.spans}
        expected = sorted(
            ((e.start, e.end, e.type), (by_id[a.span_id].start, by_id[a.span_id].end,
                                        by_id[a.span_id].label), a.role)
            for e in r.events for a in e.arguments
        )
        back = sorted((as_tuple[x["from_id"]], as_tuple[x["to_id"]], x["type"])
                      for x in line["relations"])
        assert back == expected
    assert [x["type"] for x in lines[1]["relations"]] == ["Participant", "Participant", "Time", "Place"]
    store.close()
    check_golden("export-doccano-relations.jsonl", text)


def test_doccano_relations_carry_non_default_attributes(cli, db_path):
    from test_brat import events_corpus

    from newsmark.config import default_schema
    from newsmark.formats.importers import parse_doccano, resolve

    store = events_corpus(db_path)
    result = cli("export", "--status", "any", "--format", "doccano", "--relations")
    assert ("4 events as trigger entities with 12 relations; 1 with attributes other than the "
            "defaults in event_attributes") in result.stderr
    lines = read(result.stdout)
    records = list(store.iter_records())
    # only a line with a non-default value has the key; defaults are implied
    assert [sorted(line) for line in lines].count(
        ["entities", "event_attributes", "id", "meta", "relations", "text"]) == 1
    schema = default_schema()
    attributes = []
    for line, r in zip(lines, records, strict=True):
        rec = parse_doccano(line)  # the importer reads back exactly the stored events
        resolve(rec, schema)
        assert sorted((s.start, s.end, s.label) for s in rec.spans) == db_spans(r.spans)
        by_id = {s.id: s for s in r.spans}
        expected = [(e.type, e.start, e.end,
                     sorted((a.role, by_id[a.span_id].start, by_id[a.span_id].end)
                            for a in e.arguments),
                     {k: v for k, v in e.attributes.items() if v != "asserted"})
                    for e in r.events]
        back = [(e.type, e.start, e.end, sorted((a.role, a.start, a.end) for a in e.arguments),
                 e.attributes) for e in rec.events]
        assert back == expected
        attributes += [e.attributes for e in rec.events]
    assert attributes == [{}, {"modality": "planned"}, {}, {}]
    store.close()


# --- offsets in UTF-16 code units (issue 13, item 4) ----------------------------------------------

EMOJI = ("🇩🇪 Gipfel in Rom 😀: Olaf Scholz traf 𝔐𝔞𝔯𝔦𝔞 in Paris.\n\n"
         "👩\u200d👩\u200d👧 Emmanuel Macron kam später nach 𠜎 Berlin.")
EMOJI_SPANS = [("Rom", "LOC"), ("Olaf Scholz", "PER"), ("𝔐𝔞𝔯𝔦𝔞", "PER"), ("Paris", "LOC"),
               ("Emmanuel Macron", "PER"), ("Berlin", "LOC")]


def js_length(s: str) -> int:
    """JavaScript's ``s.length``: UTF-16 code units."""
    return len(s.encode("utf-16-le")) // 2


def js_slice(s: str, start: int, end: int) -> str:
    """JavaScript's ``s.slice(start, end)``."""
    return s.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def emoji_corpus(path):
    from formats_corpus import add, plain

    from storage.repo import Store

    store = Store(path)
    article, _ = store.add_article(plain(EMOJI, "emoji"))
    add(store, article, "ute", EMOJI_SPANS)
    i = EMOJI.index("traf")
    store.add_event(article.id, "ute", "MEET", i, i + 4, [], {"modality": "planned"})
    store.set_status([article.id], "ute", "done")
    return store


def test_doccano_offsets_are_utf16_code_units(cli, db_path, tmp_path):
    """Each offset is what JavaScript counts (doccano's front end): the label's slice of the text
    in UTF-16 is the span's text, in both variants; --offsets codepoints gives Python's."""
    emoji_corpus(db_path).close()
    (line,) = read(cli("export", "--format", "doccano").stdout)
    text = line["text"]
    assert js_length(text) > len(text) + 8  # eight astral characters before the last span
    assert [js_slice(text, s, e) for s, e, _ in line["label"]] == [n for n, _ in EMOJI_SPANS]
    for (s, e, _), (needle, _) in zip(line["label"], EMOJI_SPANS):
        i = text.index(needle)
        assert (s, e) == (js_length(text[:i]), js_length(text[:i]) + js_length(needle))

    (rel,) = read(cli("export", "--format", "doccano", "--relations").stdout)
    got = [js_slice(text, x["start_offset"], x["end_offset"]) for x in rel["entities"]]
    assert got == [n for n, _ in EMOJI_SPANS] + ["traf"]
    (attrs,) = rel["event_attributes"]
    assert js_slice(text, attrs["start_offset"], attrs["end_offset"]) == "traf"

    (cp,) = read(cli("export", "--format", "doccano", "--offsets", "codepoints").stdout)
    assert [text[s:e] for s, e, _ in cp["label"]] == [n for n, _ in EMOJI_SPANS]
    assert cp["label"] != line["label"]


def test_doccano_utf16_round_trip(cli, db_path, tmp_path):
    """Import converts back: export -> import -> export is byte-identical in either unit, and
    the imported spans are the stored ones, in code points."""
    from storage.repo import Store

    emoji_corpus(db_path).close()
    for offsets in ("utf16", "codepoints"):
        for variant in ([], ["--relations"]):
            first = tmp_path / f"first-{offsets}{len(variant)}.jsonl"
            args = ["--format", "doccano", "--offsets", offsets, *variant]
            assert cli("export", *args, "-o", first).exit_code == 0
            fresh = tmp_path / f"fresh-{offsets}{len(variant)}.db"
            result = cli("import", first, "--format", "doccano", "--offsets", offsets, db=fresh)
            assert result.exit_code == 0, result.output
            second = tmp_path / "second.jsonl"
            assert cli("export", *args, "-o", second, db=fresh).exit_code == 0
            assert second.read_bytes() == first.read_bytes(), (offsets, variant)
            store = Store(fresh)
            assert sorted((EMOJI[s.start:s.end], s.label) for s in store.spans(1, "ute")) == \
                sorted(EMOJI_SPANS)
            store.close()


def test_doccano_utf16_import_errors(cli, db_path, tmp_path):
    """An offset between the two halves of a surrogate pair is a line error; a UTF-16 file read
    as code points is caught by the token check, not stored shifted."""
    from newsmark.formats.importers import LineError, parse_doccano

    text = "😀 Rom"
    with pytest.raises(LineError, match="offset 1 splits the character '😀'"):
        parse_doccano({"text": text, "label": [[1, 6, "LOC"]]})
    rec = parse_doccano({"text": text, "label": [[3, 6, "LOC"]]})
    assert [(text[s.start:s.end]) for s in rec.spans] == ["Rom"]
    rec = parse_doccano({"text": text, "label": [[2, 5, "LOC"]]}, offsets="codepoints")
    assert [(text[s.start:s.end]) for s in rec.spans] == ["Rom"]
    with pytest.raises(LineError, match="outside the text"):
        parse_doccano({"text": text, "label": [[3, 7, "LOC"]]})

    path = tmp_path / "in.jsonl"
    line = {"text": text + " und Bonn", "label": [[3, 6, "LOC"]]}  # "om " as code points
    path.write_text(json.dumps(line) + "\n", "utf-8")
    result = cli("import", path, "--format", "doccano", "--offsets", "codepoints")
    assert result.exit_code == 1 and "does not sit on token boundaries" in result.output
    assert cli("import", path, "--format", "doccano").exit_code == 0
