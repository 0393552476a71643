"""``newsmark import``: round trips byte for byte, all-or-nothing rejection with every bad line,
--skip-invalid, --add-labels, matching by text, tokens, annotators, limits."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_brat import HAND, events_corpus

from newsmark.config import default_schema
from newsmark.formats import importers
from newsmark.model import Article
from newsmark.text import text_hash, tokenize
from storage.repo import Store

TEXT = "Olaf Scholz traf Emmanuel Macron in Paris."
ANY = ("--status", "any")  # export unfinished records too (the default is done only)


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def write_jsonl(path: Path, items: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n"
                            for x in items), "utf-8")
    return path


def span(text: str, needle: str, label: str) -> dict:
    i = text.index(needle)
    return {"start": i, "end": i + len(needle), "label": label}


def test_prodigy_round_trip_is_byte_identical(cli, db_path, tmp_path):
    events_corpus(db_path).close()
    first = tmp_path / "first.jsonl"
    assert cli("export", *ANY, "-o", first).exit_code == 0
    assert '"events"' in first.read_text("utf-8")
    # unfinished work in it (issue 13, item 1): marked, with an answer Prodigy does not train on
    exported = [json.loads(x) for x in first.read_text("utf-8").splitlines()]
    assert [(r["meta"]["annotator"], r["meta"]["status"], r["answer"]) for r in exported] == [
        ("alice", "in_progress", "ignore"), ("alice", "in_progress", "ignore"),
        ("bob", "in_progress", "ignore"), ("carol", "done", "accept"), ("gold", "done", "accept")]

    fresh = tmp_path / "fresh.db"
    result = cli("import", first, db=fresh)
    assert result.exit_code == 0, result.output
    assert "5 records imported" in result.output and "3 new articles" in result.output
    second = tmp_path / "second.jsonl"
    assert cli("export", *ANY, "-o", second, db=fresh).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    # and every annotator's status with it (meta.status): stats of both databases agree
    stats = [json.loads(cli("stats", "--json", db=db).stdout)["annotators"]
             for db in (db_path, fresh)]
    assert stats[0] == stats[1] and "in_progress" in json.dumps(stats[0])

    # brat too, from the imported database
    assert cli("export", *ANY, "--format", "brat", "-o", tmp_path / "b1").exit_code == 0
    assert cli("export", *ANY, "--format", "brat", "-o", tmp_path / "b2", db=fresh).exit_code == 0
    for p in (tmp_path / "b1").iterdir():
        assert (tmp_path / "b2" / p.name).read_bytes() == p.read_bytes(), p.name

    # importing the same file again adds nothing
    before = dump(fresh)
    again = cli("import", first, db=fresh)
    assert again.exit_code == 0 and "0 new articles, 0 spans, 0 events" in again.output
    assert dump(fresh) == before


def test_doccano_round_trip_is_byte_identical(cli, db_path, tmp_path):
    events_corpus(db_path).close()
    first = tmp_path / "first.jsonl"
    assert cli("export", *ANY, "--format", "doccano", "-o", first).exit_code == 0
    fresh = tmp_path / "fresh.db"
    result = cli("import", first, "--format", "doccano", db=fresh)
    assert result.exit_code == 0, result.output
    second = tmp_path / "second.jsonl"
    assert cli("export", *ANY, "--format", "doccano", "-o", second, db=fresh).exit_code == 0
    assert second.read_bytes() == first.read_bytes()  # carol's record without spans too


def test_doccano_relations_round_trip_is_byte_identical(cli, db_path, tmp_path):
    store = events_corpus(db_path)
    # an event without arguments: a trigger entity in no relation, recognised by the schema
    i = HAND.index("treffen")
    store.add_event(3, "gold", "STATEMENT", i, i + len("treffen"), [], {"modality": "possible"})
    store.close()
    first = tmp_path / "first.jsonl"
    assert cli("export", *ANY, "--format", "doccano", "--relations", "-o", first).exit_code == 0
    lines = [json.loads(x) for x in first.read_text("utf-8").splitlines()]
    seed = lines[1]["text"]
    met = seed.index("zusammengetroffen", seed.index("(2. Juni)"))
    assert [x.get("event_attributes") for x in lines] == [  # only the non-default values
        None,
        [{"start_offset": met, "end_offset": met + 17, "label": "MEET",
          "attributes": {"modality": "planned"}}],
        None, None,
        # (in UTF-16 code units: the flag emoji before it counts four, not two)
        [{"start_offset": i + 2, "end_offset": i + 9, "label": "STATEMENT",
          "attributes": {"modality": "possible"}}],
    ]

    fresh = tmp_path / "fresh.db"
    result = cli("import", first, "--format", "doccano", db=fresh)
    assert result.exit_code == 0, result.output
    assert "5 records imported" in result.output and "5 events" in result.output
    second = tmp_path / "second.jsonl"
    result = cli("export", *ANY, "--format", "doccano", "--relations", "-o", second, db=fresh)
    assert result.exit_code == 0
    assert second.read_bytes() == first.read_bytes()

    # the events themselves, not only their export: prodigy carries attributes and every field
    assert cli("export", *ANY, "-o", tmp_path / "p1.jsonl").exit_code == 0
    assert cli("export", *ANY, "-o", tmp_path / "p2.jsonl", db=fresh).exit_code == 0
    def events_without_ids(name: str) -> list[list[dict]]:
        return [[{k: v for k, v in e.items() if k != "id"} for e in json.loads(x).get("events", [])]
                for x in (tmp_path / name).read_text("utf-8").splitlines()]

    assert events_without_ids("p2.jsonl") == events_without_ids("p1.jsonl")
    stored = Store(fresh)
    (arg_less,) = [e for e in stored.events(3, "gold") if e.type == "STATEMENT"]
    assert arg_less.arguments == [] and arg_less.attributes == {"modality": "possible"}
    stored.close()

    # importing the same file again adds nothing
    before = dump(fresh)
    again = cli("import", first, "--format", "doccano", db=fresh)
    assert again.exit_code == 0 and "0 new articles, 0 spans, 0 events" in again.output
    assert dump(fresh) == before


def entities(text: str, *items: tuple) -> list[dict]:
    """doccano entities from (id, needle, label)."""
    out = []
    for eid, needle, label in items:
        i = text.index(needle)
        out.append({"id": eid, "label": label, "start_offset": i, "end_offset": i + len(needle)})
    return out


def test_doccano_bad_relations_are_line_errors(cli, db_path, tmp_path):
    ents = entities(TEXT, (1, "Olaf Scholz", "PER"), (2, "Emmanuel Macron", "PER"),
                    (3, "Paris", "LOC"), (4, "traf", "MEET"))

    def rel(rid, from_id, to_id, role):
        return {"id": rid, "from_id": from_id, "to_id": to_id, "type": role}

    good = {"text": TEXT, "entities": ents,
            "relations": [rel(1, 4, 1, "Participant"), rel(2, 4, 2, "Participant"),
                          rel(3, 4, 3, "Place")]}
    path = write_jsonl(tmp_path / "rel.jsonl", [
        good,                                                                          # 1
        {**good, "relations": [rel(1, 4, 1, "Participant"), rel(2, 4, 99, "Place")]},  # 2
        {**good, "relations": [rel(1, 4, 1, "Host")]},                                 # 3
        {**good, "relations": [rel(1, 1, 3, "Place")]},                                # 4
        {**good, "relations": [rel(1, 4, 1, "Participant"), rel(2, 3, 4, "Place")]},   # 5
        {**good, "event_attributes": [{"start_offset": 0, "end_offset": 4, "label": "MEET",
                                       "attributes": {"modality": "planned"}}]},      # 6
        {**good, "entities": [*ents, {"id": 3, "label": "LOC", "start_offset": 36,
                                      "end_offset": 41}]},                             # 7
        {**good, "relations": [rel(1, 4, 4, "Participant")]},                          # 8
    ])
    Store(db_path).close()
    before = dump(db_path)
    result = cli("import", path, "--format", "doccano")
    assert result.exit_code == 1
    err = [line for line in result.output.splitlines() if line.startswith(str(path))]
    reasons = {int(line[len(str(path)) + 1 :].split(":", 1)[0]): line for line in err[:-1]}
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8]
    assert "relation id 2: to_id 99 is not the id of an entity of the line" in reasons[2]
    assert "event 1 MEET (entity id 4): 'Host' is not a role of MEET" in reasons[3]
    assert ("event 1 PER (entity id 1): PER is a span label, not an event type, but only an event "
            "trigger can be the from_id of a relation") in reasons[4]
    assert "relation id 2: to_id 4 is an event trigger" in reasons[5]
    assert "event_attributes 1: no trigger entity MEET at 0-4" in reasons[6]
    assert "entity id 3: the id is used twice" in reasons[7]
    assert "relation id 1: from_id and to_id are both 4" in reasons[8]
    assert "rejected, nothing imported: 7 of 8 lines invalid" in err[-1]
    assert dump(db_path) == before

    # --add-labels does not make a span label an event type
    assert cli("import", path, "--format", "doccano", "--add-labels").exit_code == 1
    # --skip-invalid: the good line goes in as an event
    result = cli("import", path, "--format", "doccano", "--skip-invalid", "--annotator", "zoe")
    assert result.exit_code == 0, result.output
    assert "1 records imported" in result.output and "1 events" in result.output
    store = Store(db_path)
    (ev,) = store.events(1, "zoe")
    by_id = {s.id: s for s in store.spans(1, "zoe")}
    assert (ev.type, ev.start, ev.end) == ("MEET", 12, 16)
    assert [(a.role, by_id[a.span_id].label) for a in ev.arguments] == [
        ("Participant", "PER"), ("Participant", "PER"), ("Place", "LOC")]
    assert ev.attributes in ({}, {"modality": "asserted"})
    assert sorted(s.label for s in by_id.values()) == ["LOC", "PER", "PER"]  # no MEET span


def test_doccano_trigger_recognition():
    schema = default_schema()
    # an entity in no relation: an event type of the schema is an event, a span label a span
    rec = importers.parse_doccano({"text": TEXT, "entities": entities(
        TEXT, (1, "Olaf Scholz", "PER"), (2, "traf", "MEET")), "relations": []})
    assert importers.check(rec, tokenize(TEXT, "de"), schema) == []
    assert [(s.label, s.start) for s in rec.spans] == [("PER", 0)]
    assert [(e.type, e.start, e.arguments) for e in rec.events] == [("MEET", 12, [])]
    # an unknown label in a relation's from_id is an unknown event type, not a span
    rec = importers.parse_doccano({"text": TEXT, "entities": entities(
        TEXT, (1, "Olaf Scholz", "PER"), (2, "traf", "VISIT")),
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "Visitor"}]})
    problems = importers.check(rec, tokenize(TEXT, "de"), schema)
    assert problems == ["event 1 VISIT (entity id 2): unknown event type (--add-labels accepts it)"]
    assert importers.new_labels(rec, schema) == {"VISIT"}
    assert rec.spans == [importers.ImportSpan(0, 11, "PER")]
    # ... and in no relation, an unknown label is a span (with --add-labels)
    rec = importers.parse_doccano({"text": TEXT, "entities": entities(TEXT, (1, "traf", "VISIT"))})
    importers.resolve(rec, schema)
    assert rec.events == [] and [s.label for s in rec.spans] == ["VISIT"]
    # the n-th event_attributes entry of a trigger goes to its n-th trigger entity
    ents = entities(TEXT, (1, "traf", "MEET"), (2, "traf", "MEET"), (3, "Paris", "LOC"))
    entry = {"start_offset": 12, "end_offset": 16, "label": "MEET"}
    rec = importers.parse_doccano({
        "text": TEXT, "entities": ents, "relations": [{"from_id": 2, "to_id": 3, "type": "Place"}],
        "event_attributes": [{**entry, "attributes": {"modality": "negated"}},
                             {**entry, "attributes": {"modality": "planned"}}]})
    assert [(e.entity_id, len(e.arguments), e.attributes["modality"]) for e in rec.events] == [
        (1, 0, "negated"), (2, 1, "planned")]


def test_rejects_the_whole_file_with_every_bad_line(cli, db_path, tmp_path):
    store = events_corpus(db_path)
    text = store.article(3).text
    store.close()
    good = {"text": TEXT, "spans": [span(TEXT, "Paris", "LOC")]}
    bad_event = {"text": TEXT, "spans": [span(TEXT, "Olaf Scholz", "PER")],
                 "events": [{"type": "MEET", "trigger": {"start": 12, "end": 16},
                             "arguments": [{"role": "Host", **span(TEXT, "Olaf Scholz", "PER")}]}]}
    path = write_jsonl(tmp_path / "in.jsonl", [
        good,                                                               # 1
        '{"text": "abc", "spans": [',                                       # 2: cut off
        {"text": TEXT, "spans": [{"start": 30, "end": 99, "label": "LOC"}]},  # 3
        {"text": TEXT, "spans": [span(TEXT, "Paris", "CITY")]},             # 4
        {"text": TEXT, "spans": [{"start": 1, "end": 4, "label": "PER"}]},  # 5: inside "Olaf"
        bad_event,                                                          # 6
        "",                                                                 # blank: skipped
        {"text": text, "spans": [span(text, "Olaf", "PER")]},               # 8: the stored article's tokens
        {"spans": []},                                                      # 9
        {"text": "Caf\u0065\u0301", "spans": []},                          # 10: not NFC
    ])
    before = dump(db_path)
    result = cli("import", path)
    assert result.exit_code == 1
    err = [line for line in result.output.splitlines() if line.startswith(str(path))]
    reported = [int(line[len(str(path)) + 1 :].split(":", 1)[0]) for line in err[:-1]]
    assert reported == [2, 3, 4, 5, 6, 9, 10]
    assert "not JSON (Expecting value at column 27)" in err[0]  # where the line ends
    assert "outside the text" in err[1]
    assert "unknown label 'CITY'" in err[2]
    assert "does not sit on token boundaries" in err[3]
    assert "'Host' is not a role of MEET" in err[4]
    assert "text: expected a non-empty string" in err[5]
    assert "not NFC" in err[6]
    assert "rejected, nothing imported: 7 of 9 lines invalid" in err[-1]
    assert dump(db_path) == before

    # --skip-invalid: the good ones go in, the bad ones are reported
    result = cli("import", path, "--skip-invalid", "--annotator", "zoe")
    assert result.exit_code == 0, result.output
    assert "2 records imported" in result.output and "7 invalid lines skipped" in result.output
    store = Store(db_path)
    new = store.find_by_hash(text_hash(TEXT))
    assert [(s.label, s.annotator) for s in store.spans(new.id, "zoe")] == [("LOC", "zoe")]
    assert [s.label for s in store.spans(3, "zoe")] == ["PER"]  # matched by text: no new article
    assert store.count_articles() == 4


def test_add_labels_and_answers(cli, db_path, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [
        {"text": TEXT, "spans": [span(TEXT, "Paris", "CITY")], "meta": {"annotator": "ann"},
         "events": [{"type": "VISIT", "trigger": {"start": 12, "end": 16},
                     "arguments": [{"role": "Where", **span(TEXT, "Paris", "CITY")}]}]},
        {"text": "Ein anderer Text.", "spans": [], "answer": "reject"},
    ])
    assert cli("import", path).exit_code == 1
    result = cli("import", path, "--add-labels")
    assert result.exit_code == 0, result.output
    assert "1 not accepted, left out" in result.output
    assert "not in the schema: CITY, VISIT" in result.output
    store = Store(db_path)
    assert store.count_articles() == 1
    (ev,) = store.events(1, "ann")
    assert ev.type == "VISIT" and ev.arguments[0].role == "Where"
    assert store.status(1, "ann") == "done"


def test_annotator_precedence(cli, db_path, tmp_path, monkeypatch):
    import tui.cli.exporting

    monkeypatch.setattr(tui.cli.exporting, "default_annotator", lambda: "login")
    path = write_jsonl(tmp_path / "in.jsonl", [
        {"text": TEXT, "spans": [span(TEXT, "Paris", "LOC")], "meta": {"annotator": "meta"}},
        {"text": TEXT, "spans": [span(TEXT, "Olaf Scholz", "PER")]},
    ])
    assert cli("import", path).exit_code == 0
    store = Store(db_path)
    assert store.annotators(1) == ["login", "meta"]
    assert cli("import", path, "--annotator", "forced").exit_code == 0
    assert store.annotators(1) == ["forced", "login", "meta"]
    assert [s.label for s in store.spans(1, "forced")] == ["PER", "LOC"]


def test_tokens_from_the_line_or_the_tokenizer(db_path):
    schema = default_schema()
    # the line's own tokens: "Scholz-Macron" kept as two tokens and a hyphen
    text = "Scholz-Macron in Paris"
    toks = [{"text": "Scholz", "start": 0, "end": 6, "ws": False},
            {"text": "-", "start": 6, "end": 7, "ws": False},
            {"text": "Macron", "start": 7, "end": 13, "ws": True},
            {"text": "in", "start": 14, "end": 16, "ws": True},
            {"text": "Paris", "start": 17, "end": 22, "ws": False}]
    rec = importers.parse_prodigy({"text": text, "tokens": toks, "spans": [
        {"start": 7, "end": 13, "label": "PER", "token_start": 2, "token_end": 2}]})
    assert rec.tokens is not None and importers.tokens_for(rec) is rec.tokens
    assert importers.check(rec, rec.tokens, schema) == []
    # a token_start that disagrees with the tokens
    rec.spans[0].token_start = 1
    assert "token_start/token_end" in importers.check(rec, rec.tokens, schema)[0]
    # tokens that do not rebuild the text are not used
    broken = [dict(t) for t in toks]
    broken[3]["ws"] = False
    rec = importers.parse_prodigy({"text": text, "tokens": broken, "spans": []})
    assert rec.tokens is None
    assert importers.tokens_for(rec) == tokenize(text, rec.language)

    store = Store(db_path)
    report = store.import_records(iter([(1, importers.parse_prodigy(
        {"text": text, "tokens": toks, "spans": [{"start": 7, "end": 13, "label": "PER"}]}))]),
        schema, fallback_annotator="x")
    assert report.records == 1 and not report.invalid
    assert [(t.start, t.end) for t in store.article(1).tokens][:3] == [(0, 6), (6, 7), (7, 13)]


def test_doccano_lines(cli, db_path, tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [
        {"id": "7:kim", "text": TEXT, "label": [[0, 11, "PER"], [36, 41, "LOC"]]},
        # doccano's offsets count UTF-16 code units: the flag before "Olaf" is four
        {"text": HAND, "entities": [{"id": 1, "label": "PER",
                                     "start_offset": HAND.index("Olaf") + 2,
                                     "end_offset": HAND.index("Olaf") + 13}],
         "relations": [], "meta": {"annotator": "lee", "language": "de"}},
        {"text": "Noch nicht annotiert."},
    ])
    result = cli("import", path, "--format", "doccano")
    assert result.exit_code == 0, result.output
    store = Store(db_path)
    assert [a.id for a in (store.article(7),)] == [7]  # the article id from "7:kim"
    assert [(s.start, s.end, s.label) for s in store.spans(7, "kim")] == [(0, 11, "PER"), (36, 41, "LOC")]
    assert store.status(7, "kim") == "done"
    hand = store.find_by_hash(text_hash(HAND))
    assert [s.label for s in store.spans(hand.id, "lee")] == ["PER"]
    plain = store.find_by_hash(text_hash("Noch nicht annotiert."))
    assert plain is not None and store.status(plain.id, store.annotators()[0]) == "todo"


def test_ids_are_kept_only_when_free(db_path, tmp_path, cli):
    store = Store(db_path)
    store.add_article(Article(text="Schon da.", text_hash=text_hash("Schon da."),
                              tokens=tokenize("Schon da.", "de")))
    path = write_jsonl(tmp_path / "in.jsonl", [
        {"text": TEXT, "spans": [], "meta": {"id": 1}},  # id 1 is taken: a new id
        {"text": "Zweiter Text.", "spans": [], "meta": {"id": 40}},
    ])
    assert cli("import", path).exit_code == 0
    assert store.find_by_hash(text_hash(TEXT)).id == 2
    assert store.find_by_hash(text_hash("Zweiter Text.")).id == 40


def test_size_limit_and_missing_file(cli, db_path, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [{"text": TEXT, "spans": []}] * 10)
    result = cli("import", path, "--max-bytes", "100")
    assert result.exit_code == 1 and "over the 100-byte limit" in result.output
    result = cli("import", tmp_path / "nope.jsonl")
    assert result.exit_code == 1 and "cannot read" in result.output
    assert not Store(db_path).count_articles()


@pytest.mark.parametrize("line, reason", [
    ({"text": TEXT, "spans": [{"start": 0, "end": 4, "label": "PER", "text": "Olof"}]}, "its text"),
    ({"text": TEXT, "spans": [{"start": "0", "end": 4, "label": "PER"}]}, "expected an integer"),
    ({"text": TEXT, "spans": [{"start": 5, "end": 5, "label": "PER"}]}, "or empty"),
    ({"text": TEXT, "spans": [], "events": [{"type": "MEET", "trigger": {"start": 12, "end": 16},
                                             "arguments": [{"role": "Place", "start": 36, "end": 41,
                                                            "label": "LOC"}]}]},
     "is not one of the line's spans"),
    ({"text": TEXT, "events": [{"type": "MEET"}]}, "trigger"),
    ([1, 2], "expected a JSON object"),
])
def test_line_errors(line, reason):
    with pytest.raises(importers.LineError, match=reason):
        importers.parse_prodigy(line)


def test_schema_checks_on_events():
    schema = default_schema()
    rec = importers.parse_prodigy({"text": TEXT, "spans": [span(TEXT, "Paris", "LOC")], "events": [
        {"type": "MEET", "trigger": {"start": 12, "end": 14},
         "arguments": [{"role": "Place", **span(TEXT, "Paris", "LOC")}],
         "attributes": {"modality": "maybe", "tense": "past"}}]})
    problems = importers.check(rec, tokenize(TEXT, "de"), schema)
    assert any("trigger 12-14" in p for p in problems)
    assert any("modality: 'maybe' is not one of" in p for p in problems)
    assert any("attribute 'tense' is not in the schema" in p for p in problems)
