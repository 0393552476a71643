"""``newsmark migrate`` on a database as newsmark wrote it before issue 12 (item 8).

``tests/fixtures/v1-markdown.db`` was written by the version before (see
``tests/fixtures/make_v1_db.py``): Markdown markers in the stored text; spans before and after a
heading and a list, on a heading with its marker and on a marker alone; events (one with its
trigger on a marker); undo and redo history; a saved cursor; two versions equal but for their
markers.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import ROOT

from storage.db import SCHEMA_VERSION
from storage.errors import NeedsMigration
from storage.repo import Store

V1 = ROOT / "tests" / "fixtures" / "v1-markdown.db"
MARKER_LINE = r"(?m)^(?:#{1,6} |[-*+] |>)"


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    db = tmp_path / "team.db"
    shutil.copy(V1, db)
    return db


def fingerprint(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        rows = [conn.execute(f"select * from {t} order by 1").fetchall()
                for t in ("articles", "spans", "events", "event_arguments", "actions",
                          "positions", "_sqlite_migrations")]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def words_before(path: Path) -> tuple[dict, dict, dict]:
    """{span id: its words}, {event id: its trigger's words}, {article id: text} as stored."""
    with sqlite3.connect(path) as conn:
        texts = dict(conn.execute("select id, text from articles"))
        spans = {i: texts[a][s:e] for i, a, s, e in conn.execute(
            "select id, article_id, start, end from spans")}
        events = {i: texts[a][s:e] for i, a, s, e in conn.execute(
            "select id, article_id, start, end from events")}
    return spans, events, texts


def test_other_commands_and_the_store_refuse_it_and_write_nothing(v1, cli):
    before = v1.read_bytes()
    with pytest.raises(NeedsMigration, match="newsmark migrate"):
        Store(v1)
    for args in (["list"], ["stats"], ["export", "-o", "-"], ["tui"]):
        result = cli(*args, db=v1)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and \
            f"run `newsmark migrate --db {v1}`" in lines[0], result.output
    assert v1.read_bytes() == before


def test_migrate_converts_and_every_span_and_event_keeps_its_words(v1, tmp_path, cli):
    spans_before, events_before, texts_before = words_before(v1)
    backup = tmp_path / "saved" / "before.db"
    result = cli("migrate", "--backup", backup, db=v1)
    assert result.exit_code == 0, result.output
    assert f"backup: {backup}" in result.output
    assert "2 converted" in result.output and "(articles 2)" in result.output
    assert "1 trimmed, 1 deleted" in result.output  # "## Hintergrund", and "#" alone

    # the backup is the database as it was
    assert fingerprint(backup) == fingerprint(V1)

    store = Store(v1)
    try:
        assert store.conn.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
        article = store.article(1)
        assert not __import__("re").search(MARKER_LINE, article.text)
        assert [(b.kind, article.text[b.start:b.end]) for b in article.blocks] == [
            ("heading", "Hintergrund der Reise"),
            ("item", "Rheinmetall-Tochtergesellschaften in Köln"),
            ("item", "Olaf Scholz traf Emmanuel Macron in Paris"),
            ("quote", "„Wir sind bereit“, sagte Scholz am Rande.")]
        # every span on the same words (the heading's lost its marker; the marker alone is gone)
        after = {}
        for aid in (1, 2, 3, 4):
            text = store.article(aid).text
            for who in ("alice", "bob"):
                for s in store.spans(aid, who):
                    after[s.id] = text[s.start:s.end]
                    assert s.text_hash == store.article(aid).text_hash
        expected = {i: w for i, w in spans_before.items() if i != 12}
        expected[2] = "Hintergrund"
        assert after == expected
        events = {e.id: article.text[e.start:e.end] for e in store.events(1, "alice")}
        assert events == {i: w for i, w in events_before.items() if w != "-"}
        assert store.position(1, "alice") == (article.text.index("Montag"), 3)
        # two versions equal without their markers: the older kept exactly as it was
        kept = store.article(2)
        assert kept.text == texts_before[2] and kept.text.startswith("## ")
        assert kept.blocks is None
        assert store.article(3).text == texts_before[2][3:]
        assert store.article(3).blocks[0].kind == "heading"
    finally:
        store.close()

    # the exports: every span and event on the same words, on the new tokens
    out = tmp_path / "out.jsonl"
    assert cli("export", "-o", out, db=v1).exit_code == 0
    exported = {}
    for line in out.read_text("utf-8").splitlines():
        rec = json.loads(line)
        text = rec["text"]
        for span in rec["spans"]:
            exported.setdefault(rec["meta"]["id"], []).append(text[span["start"]:span["end"]])
            first, last = rec["tokens"][span["token_start"]], rec["tokens"][span["token_end"]]
            assert (first["start"], last["end"]) == (span["start"], span["end"])
        for event in rec.get("events", []):
            trigger = event["trigger"]
            assert text[trigger["start"]:trigger["end"]] in ("traf", "sagte")
        assert rec["meta"]["tokenizer"]["add_infixes"]
        if rec["meta"]["id"] == 1:
            assert rec["meta"]["blocks"][0] == ["heading", 2, 68, 89]
    assert "Hintergrund" in exported[1] and "Rheinmetall-Tochtergesellschaften" in exported[1]
    for name in ("doccano", "conll", "hf", "spacy"):
        target = tmp_path / f"out.{name}"
        result = cli("export", "--format", name, "-o", target, db=v1)
        assert result.exit_code == 0, (name, result.output)


def test_undo_and_redo_of_actions_made_before_the_migration(v1, cli):
    assert cli("migrate", db=v1).exit_code == 0
    store = Store(v1)
    try:
        text = store.article(1).text

        def words() -> set[tuple[str, str]]:
            return {(text[s.start:s.end], s.label) for s in store.spans(1, "alice")}

        migrated = words()
        assert store.redo("alice", 1) is not None  # "Punkte", undone before the migration
        assert ("Punkte", "MISC") in words()
        assert store.undo("alice", 1).kind == "add_span"
        assert store.undo("alice", 1).kind == "set_status"
        assert store.status(1, "alice") == "in_progress"
        assert store.undo("alice", 1).kind == "ops"  # the span deleted with its argument
        assert ("Paris", "LOC") in words()
        meet = next(e for e in store.events(1, "alice") if e.type == "MEET")
        assert {a.role for a in meet.arguments} == {"Participant", "Place"}
        assert store.undo("alice", 1).kind == "relabel_span"
        assert ("Bonn", "LOC") in words()
        steps = 4
        while store.undo("alice", 1) is not None:  # all the way back: nothing of alice's left
            steps += 1
        assert words() == set() and store.events(1, "alice") == []
        for _ in range(steps):  # and forward again, every step on the new text
            assert store.redo("alice", 1) is not None
        assert words() == migrated | {("Punkte", "MISC")}
        for s in store.spans(1, "alice"):
            store.check_offsets(1, s.start, s.end)
        for e in store.events(1, "alice"):
            assert text[e.start:e.end] in ("traf", "sagte")
    finally:
        store.close()


def test_a_second_run_is_a_no_op(v1, cli):
    assert cli("migrate", db=v1).exit_code == 0
    backups = sorted(v1.parent.glob("team.db.before-migrate-*.db"))
    assert len(backups) == 1  # the default place: beside the database
    before = fingerprint(v1)
    result = cli("migrate", db=v1)
    assert result.exit_code == 0
    assert result.output.strip() == f"{v1} is up to date: nothing to migrate"
    assert fingerprint(v1) == before
    assert sorted(v1.parent.glob("team.db.before-migrate-*.db")) == backups


def test_a_new_database_needs_no_migrate(tmp_path, cli):
    db = tmp_path / "new.db"
    Store(db).close()
    result = cli("migrate", db=db)
    assert "up to date" in result.output and not list(tmp_path.glob("new.db.before-*"))
