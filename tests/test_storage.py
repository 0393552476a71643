"""Storage on a real SQLite file: schema, pragmas, dedupe, actions, undo/redo across restarts."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from conftest import ROOT

from newsmark.model import Article
from newsmark.text import text_hash, tokenize
from storage.db import default_db_path
from storage.repo import Store, StorageError
from storage.schema import migration_set

migrations = migration_set()


def make_article(text: str, **kw) -> Article:
    return Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, "de"), **kw)


TEXT = "Wolodymyr Selenskyj trifft Friedrich Merz in Berlin.\n\nDas Treffen dauerte zwei Stunden."


def test_pragmas_and_migrations(store: Store):
    conn = store.db.conn
    assert conn.execute("pragma foreign_keys").fetchone()[0] == 1
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert conn.execute("pragma busy_timeout").fetchone()[0] >= 1000
    assert [m.name for m in migrations.applied(store.db)] == [m.name for m in migrations._migrations]
    assert {"articles", "spans", "status", "actions"} <= set(store.db.table_names())


def test_reopening_applies_nothing_new(db_path):
    Store(db_path).close()
    s = Store(db_path)
    assert migrations.pending(s.db) == []


def test_default_location_and_env(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSMARK_DB", raising=False)
    path = default_db_path()
    assert path.name == "newsmark.db" and "newsmark" in str(path.parent)
    monkeypatch.setenv("NEWSMARK_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"


def test_article_round_trip_and_dedupe(store: Store):
    raw = "raw bytes \xff".encode("latin-1")
    art, added = store.add_article(make_article(TEXT, raw=raw, title="T", url="file:///x"))
    assert added
    again, added2 = store.add_article(make_article(TEXT))
    assert not added2 and again.id == art.id
    got = store.article(art.id)
    assert got.raw == raw and got.text == TEXT and got.tokens == tokenize(TEXT, "de")
    assert got.text_hash == text_hash(TEXT)
    assert store.count_articles() == 1


def test_span_is_on_disk_when_add_returns(store: Store, db_path):
    art, _ = store.add_article(make_article(TEXT))
    span = store.add_span(art.id, "ann", 0, 19, "PER")
    other = sqlite3.connect(db_path)  # a second connection sees it: it is committed
    rows = other.execute("select start, end, label, text_hash from spans").fetchall()
    assert rows == [(0, 19, "PER", art.text_hash)]
    assert span.surface(art.text) == "Wolodymyr Selenskyj"
    assert store.status(art.id, "ann") == "in_progress"


def test_span_outside_text_is_refused_and_nothing_written(store: Store):
    art, _ = store.add_article(make_article(TEXT))
    with pytest.raises(StorageError):
        store.add_span(art.id, "ann", 5, 10_000, "PER")
    assert store.spans(art.id, "ann") == []
    assert store.db["actions"].count == 0


def test_span_must_sit_on_tokens(store: Store):
    art, _ = store.add_article(make_article(TEXT))
    with pytest.raises(StorageError, match="token boundaries"):
        store.add_span(art.id, "ann", 0, 5, "PER")  # "Wolod"


def test_foreign_keys_enforced(store: Store):
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute(
            "insert into spans (article_id, annotator, start, end, label, text_hash, origin)"
            " values (999, 'a', 0, 1, 'PER', 'h', 'manual')"
        )


def test_undo_redo_across_restart(db_path):
    s = Store(db_path)
    art, _ = s.add_article(make_article(TEXT))
    s.add_span(art.id, "ann", 0, 19, "PER")
    span2 = s.add_span(art.id, "ann", 45, 51, "LOC")
    s.relabel_span(span2.id, "ann", "ORG")
    s.close()

    s = Store(db_path)
    assert s.undo("ann", art.id).kind == "relabel_span"
    assert [sp.label for sp in s.spans(art.id, "ann")] == ["PER", "LOC"]
    assert s.undo("ann", art.id).kind == "add_span"
    s.close()

    s = Store(db_path)
    assert [sp.label for sp in s.spans(art.id, "ann")] == ["PER"]
    assert s.redo("ann", art.id).kind == "add_span"
    assert s.redo("ann", art.id).kind == "relabel_span"
    assert s.redo("ann", art.id) is None
    assert [(sp.start, sp.label) for sp in s.spans(art.id, "ann")] == [(0, "PER"), (45, "ORG")]
    s.close()


def test_new_action_clears_redo(store: Store):
    art, _ = store.add_article(make_article(TEXT))
    store.add_span(art.id, "ann", 0, 19, "PER")
    store.undo("ann", art.id)
    store.add_span(art.id, "ann", 45, 51, "LOC")
    assert store.redo("ann", art.id) is None
    assert [sp.label for sp in store.spans(art.id, "ann")] == ["LOC"]


def test_delete_undo_restores_same_span(store: Store):
    art, _ = store.add_article(make_article(TEXT))
    span = store.add_span(art.id, "ann", 0, 19, "PER")
    store.delete_span(span.id, "ann")
    assert store.spans(art.id, "ann") == []
    store.undo("ann", art.id)
    (back,) = store.spans(art.id, "ann")
    assert (back.id, back.start, back.end, back.label) == (span.id, 0, 19, "PER")


def test_annotators_are_separate(store: Store):
    art, _ = store.add_article(make_article(TEXT))
    store.add_span(art.id, "alice", 0, 19, "PER")
    store.add_span(art.id, "bob", 45, 51, "LOC")
    assert [s.label for s in store.spans(art.id, "alice")] == ["PER"]
    assert store.undo("bob", art.id).kind == "add_span"
    assert [s.label for s in store.spans(art.id, "alice")] == ["PER"]
    assert store.annotators(art.id) == ["alice"]


def test_status_bulk_and_undo(store: Store):
    ids = [store.add_article(make_article(f"Artikel Nummer {i} über Berlin."))[0].id for i in range(3)]
    store.set_status([ids[0]], "ann", "done")
    assert store.set_status(ids, "ann", "skipped") == 3
    assert {store.status(i, "ann") for i in ids} == {"skipped"}
    store.undo("ann")
    assert [store.status(i, "ann") for i in ids] == ["done", "todo", "todo"]
    with pytest.raises(StorageError):
        store.set_status(ids, "ann", "finished")


def test_list_articles_counts_spans_per_annotator(store: Store):
    art, _ = store.add_article(make_article(TEXT, title="Titel", source="seeds"))
    store.add_span(art.id, "ann", 0, 19, "PER")
    (row,) = store.list_articles("ann")
    assert (row.title, row.source, row.status, row.spans) == ("Titel", "seeds", "in_progress", 1)
    (row,) = store.list_articles("other")
    assert (row.status, row.spans) == ("todo", 0)


def test_flag_with_note_is_undoable(store: Store):
    art, _ = store.add_article(make_article(TEXT))
    store.flag(art.id, "ann", "Datum prüfen")
    assert store.flagged(art.id, "ann") == "Datum prüfen"
    store.undo("ann", art.id)
    assert store.flagged(art.id, "ann") is None
    store.redo("ann", art.id)
    assert store.flagged(art.id, "ann") == "Datum prüfen"
    assert store.status(art.id, "ann") == "todo"


def test_the_store_reads_and_writes_without_sqlite_utils(db_path):
    """sqlite-utils imports numpy and pandas when they are installed (0.3 s and more of a start):
    opening a database, the TUI's reads and every write of annotating run on the sqlite3
    connection without it; asking for ``store.db`` imports it."""
    store = Store(db_path)  # creating the database migrates it: sqlite-utils, in this process
    art, _ = store.add_article(make_article(TEXT))
    store.close()
    code = f"""
import sys
from newsmark.model import Schema
from storage.repo import Store
store = Store({str(db_path)!r}, create=False)
aid = {art.id}
store.library("ann"), store.library_count("ann"), store.progress("ann"), store.article(aid)
store.event_warnings_batch("ann", Schema())
span = store.add_span(aid, "ann", 0, 19, "PER")
event = store.add_event(aid, "ann", "MEET", 20, 26, [("Participant", span.id)])
store.set_attribute(event.id, "ann", "modality", "planned")
store.relabel_span(span.id, "ann", "ORG")
store.set_status([aid], "ann", "done"), store.flag(aid, "ann", "look again")
store.undo("ann", aid), store.redo("ann", aid), store.save_position(aid, "ann", 3, 0)
assert [r.spans[0].label for r in store.records()] == ["ORG"]
print(",".join(m for m in ("sqlite_utils", "numpy", "pandas") if m in sys.modules))
store.db.table_names()
print("sqlite_utils" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["", "True"]
