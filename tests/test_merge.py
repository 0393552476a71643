"""``newsmark merge OTHER.db`` (issue 14, item 4), on real SQLite files.

Two machines' databases (``machine_a``, ``machine_b``) share one article and hold work of
alice and bob: spans, an event with arguments and an attribute, statuses, a flag, history with a
deleted span (undo brings it back) and an undone action (redo history)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT

from newsmark.formats import prodigy
from newsmark.model import Article
from newsmark.text import text_hash, tokenize
from storage.db import SCHEMA_VERSION
from storage.repo import Store

T1 = "Olaf Scholz traf Emmanuel Macron am Montag in Paris zu Gesprächen über die Ukraine."
T2 = "Die Bahn streikt in Köln und Bonn, sagte eine Sprecherin der Gewerkschaft am Dienstag."
T3 = "Siemens baut in Erlangen ein neues Werk, berichtet die Süddeutsche Zeitung."
T4 = "Siemens baut in Erlangen ein neues Werk mit 500 Stellen, berichtet die Süddeutsche Zeitung."
V1 = ROOT / "tests" / "fixtures" / "v1-markdown.db"
TABLES = ("articles", "library", "spans", "events", "event_arguments", "event_attributes",
          "status", "positions", "actions", "feeds")


def article(text: str, url: str | None = None) -> Article:
    return Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, "de"), url=url,
                   title=text.split(",")[0])


def at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def alice_on_t1(store: Store, aid: int) -> None:
    """A span deleted again (in the history only), an event with two arguments and an
    attribute, done and flagged."""
    scholz = store.add_span(aid, "alice", *at(T1, "Olaf Scholz"), "PER")
    macron = store.add_span(aid, "alice", *at(T1, "Emmanuel Macron"), "PER")
    montag = store.add_span(aid, "alice", *at(T1, "Montag"), "MISC")
    store.delete_span(montag.id, "alice")
    paris = store.add_span(aid, "alice", *at(T1, "Paris"), "ORG")
    store.relabel_span(paris.id, "alice", "LOC")
    event = store.add_event(aid, "alice", "MEET", *at(T1, "traf"),
                            [("Participant", scholz.id), ("Participant", macron.id)])
    store.set_attribute(event.id, "alice", "modality", "asserted")
    store.set_status([aid], "alice", "done")
    store.flag(aid, "alice", "Datum prüfen")
    store.save_position(aid, "alice", 17, 0)


@pytest.fixture
def machine_a(tmp_path: Path) -> Path:
    path = tmp_path / "a" / "laptop.db"
    store = Store(path)
    try:
        t1, _ = store.add_article(article(T1, "https://example.org/1"))
        t2, _ = store.add_article(article(T2, "https://example.org/2"))
        alice_on_t1(store, t1.id)
        store.add_span(t2.id, "alice", *at(T2, "Köln"), "LOC")
    finally:
        store.close()
    return path


@pytest.fixture
def machine_b(tmp_path: Path) -> Path:
    path = tmp_path / "b" / "office.db"
    store = Store(path)
    try:
        t3, _ = store.add_article(article(T3, "https://example.org/3"))
        t2, _ = store.add_article(article(T2, "https://example.org/2"))
        store.add_span(t2.id, "bob", *at(T2, "Bahn"), "ORG")
        store.add_span(t2.id, "bob", *at(T2, "Bonn"), "LOC")
        store.set_status([t2.id], "bob", "done")
        store.add_span(t3.id, "alice", *at(T3, "Siemens"), "ORG")
        store.add_span(t3.id, "alice", *at(T3, "Erlangen"), "PER")
        store.undo("alice", t3.id)  # redo history
    finally:
        store.close()
    return path


def records(path: Path) -> list[str]:
    """Every annotator's work as prodigy exports it, without this database's ids, sorted."""
    import json

    store = Store(path, create=False)
    try:
        out = []
        for r in store.records():
            rec = prodigy.record(r.article, r.annotator, r.spans, r.events)
            rec["meta"].pop("id")
            for event in rec.get("events", []):
                event.pop("id")
            rec["status"] = r.status
            rec["flag"] = store.flagged(r.article.id, r.annotator)
            out.append(json.dumps(rec, sort_keys=True, ensure_ascii=False))
        return sorted(out)
    finally:
        store.close()


def contents(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"select * from {t} order by 1").fetchall() for t in TABLES}


def file_state(path: Path) -> tuple:
    """The file's bytes (hashed) and which of its -wal, -shm, -journal lie beside it."""
    siblings = tuple(s for s in ("-wal", "-shm", "-journal")
                     if path.with_name(path.name + s).exists())
    return hashlib.sha256(path.read_bytes()).hexdigest(), siblings


def report_lines(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [line.strip() for line in result.output.splitlines()[1:]]


def test_a_into_b_equals_b_into_a_and_the_history_comes_along(machine_a, machine_b, tmp_path,
                                                              cli):
    a_copy, b_copy = tmp_path / "a2.db", tmp_path / "b2.db"
    shutil.copy(machine_a, a_copy)
    shutil.copy(machine_b, b_copy)
    other_a, other_b = file_state(machine_a), file_state(machine_b)

    into_b = report_lines(cli("merge", machine_a, db=b_copy))
    assert into_b[0] == "articles: 1 new, 1 matched"
    # alice: on T1 3 spans (Montag deleted), the event, done and flagged, 10 actions, the
    # cursor; on T2 a span, in progress, 1 action
    assert "alice: 4 spans, 1 event, 2 statuses, 11 actions, 1 position added" in into_b
    into_a = report_lines(cli("merge", machine_b, db=a_copy))
    assert into_a[0] == "articles: 1 new, 1 matched"
    assert "bob: 2 spans, 0 events, 1 status, 3 actions, 0 positions added" in into_a
    assert not any(line.startswith("conflict") for line in into_a + into_b)

    merged = records(a_copy)
    assert merged == records(b_copy)
    assert len(merged) == 4  # alice T1, alice T2, bob T2, alice T3
    assert (file_state(machine_a), file_state(machine_b)) == (other_a, other_b)

    # the merged history works: undo alice's work on T1 all the way (bringing back the deleted
    # span under an id of its own), then redo it all, in the database it was merged into
    store = Store(b_copy)
    try:
        t1 = store.find_by_hash(text_hash(T1)).id
        t3 = store.find_by_hash(text_hash(T3)).id
        assert store.position(t1, "alice") == (17, 0)
        before = ([(s.start, s.end, s.label) for s in store.spans(t1, "alice")],
                  store.events(t1, "alice")[0].attributes, store.status(t1, "alice"))
        steps = 0
        seen = set()
        while store.undo("alice", t1) is not None:
            steps += 1
            seen |= {s.label for s in store.spans(t1, "alice")}
        assert steps == 10 and store.spans(t1, "alice") == [] and "MISC" in seen
        assert store.events(t1, "alice") == [] and store.status(t1, "alice") == "in_progress"
        for _ in range(steps):
            store.redo("alice", t1)
        after = ([(s.start, s.end, s.label) for s in store.spans(t1, "alice")],
                 store.events(t1, "alice")[0].attributes, store.status(t1, "alice"))
        assert after == before
    finally:
        store.close()
    store = Store(a_copy)
    try:
        t3 = store.find_by_hash(text_hash(T3)).id
        assert [s.label for s in store.spans(t3, "alice")] == ["ORG"]
        assert store.redo("alice", t3).kind == "add_span"  # B's redo history, merged
        assert [s.label for s in store.spans(t3, "alice")] == ["ORG", "PER"]
    finally:
        store.close()


def test_merging_twice_changes_nothing_and_other_is_never_written(machine_a, machine_b, cli):
    before = file_state(machine_a)
    assert report_lines(cli("merge", machine_a, db=machine_b))[0] == "articles: 1 new, 1 matched"
    merged = contents(machine_b)
    again = report_lines(cli("merge", machine_a, db=machine_b))
    assert again == ["articles: 0 new, 2 matched",
                     "nothing to merge: everything in it is here already"]
    assert contents(machine_b) == merged
    assert file_state(machine_a) == before  # the same bytes, and no -wal or -shm beside it
    assert not list(Path(tempfile.gettempdir()).glob("newsmark-merge-*/laptop.db"))


def test_dry_run_prints_what_the_merge_then_does_and_changes_nothing(machine_a, machine_b,
                                                                      cli):
    before = contents(machine_b)
    dry = cli("merge", "--dry-run", machine_a, db=machine_b)
    assert dry.output.startswith(f"would merge {machine_a} into {machine_b}")
    dry_lines = report_lines(dry)
    assert dry_lines[-1] == "dry run: nothing was written"
    assert contents(machine_b) == before
    done = report_lines(cli("merge", machine_a, db=machine_b))
    assert [line.replace("to add", "added") for line in dry_lines[:-1]] == done
    assert contents(machine_b) != before


def layer(path: Path, text: str, annotator: str) -> list[tuple]:
    store = Store(path, create=False)
    try:
        aid = store.find_by_hash(text_hash(text)).id
        return [(s.start, s.end, s.label) for s in store.spans(aid, annotator)]
    finally:
        store.close()


def test_a_conflict_is_reported_and_both_versions_are_kept(machine_a, tmp_path, cli):
    # the same article annotated by alice on another machine, differently
    office = tmp_path / "office.db"
    store = Store(office)
    try:
        t1, _ = store.add_article(article(T1, "https://example.org/1"))
        store.add_span(t1.id, "alice", *at(T1, "Paris"), "ORG")
        store.add_span(t1.id, "bob", *at(T1, "Paris"), "LOC")  # bob's layer: no conflict
    finally:
        store.close()
    ours = layer(office, T1, "alice")
    lines = report_lines(cli("merge", machine_a, db=office))
    (conflict,) = [line for line in lines if line.startswith("conflict")]
    # (a title is cut at 60 characters)
    assert conflict == ("conflict: article 1 (Olaf Scholz traf Emmanuel Macron am Montag in "
                        "Paris zu Gesp…), annotator alice: both changed it; ours kept, theirs "
                        "stored as alice@laptop")
    assert layer(office, T1, "alice") == ours
    assert layer(office, T1, "alice@laptop") == layer(machine_a, T1, "alice")
    assert layer(office, T1, "bob") == [(*at(T1, "Paris"), "LOC")]
    # merged again: nothing new, and the conflict is not stored twice
    assert report_lines(cli("merge", machine_a, db=office))[-1].startswith("nothing to merge")
    # their side goes on: the copy kept as alice@laptop follows it (it holds nothing else)
    add(machine_a, T1, "alice", "Ukraine", "LOC")
    lines = report_lines(cli("merge", machine_a, db=office))
    assert [line.rsplit(" ", 1)[1] for line in lines if line.startswith("conflict")] == [
        "alice@laptop"]
    assert layer(office, T1, "alice@laptop") == layer(machine_a, T1, "alice")
    # someone changes that copy here, and their side goes on again: a third version
    add(office, T1, "alice@laptop", "Montag", "MISC")
    add(machine_a, T1, "alice", "Gesprächen", "MISC")
    lines = report_lines(cli("merge", machine_a, db=office))
    assert [line.rsplit(" ", 1)[1] for line in lines if line.startswith("conflict")] == [
        "alice@laptop~2"]
    assert layer(office, T1, "alice@laptop~2") == layer(machine_a, T1, "alice")
    assert (*at(T1, "Montag"), "MISC") in layer(office, T1, "alice@laptop")
    assert layer(office, T1, "alice") == ours


def add(path: Path, text: str, annotator: str, word: str, label: str) -> None:
    store = Store(path)
    try:
        store.add_span(store.find_by_hash(text_hash(text)).id, annotator, *at(text, word), label)
    finally:
        store.close()


def test_work_done_on_one_side_only_is_taken_without_a_conflict(machine_a, tmp_path, cli):
    """A copy taken to a laptop and worked on there: our history is part of theirs, so theirs
    replaces ours; later work here makes us ahead, and a merge leaves it alone."""
    laptop = tmp_path / "laptop.db"
    shutil.copy(machine_a, laptop)
    store = Store(laptop)
    try:
        t1 = store.find_by_hash(text_hash(T1)).id
        store.add_span(t1, "alice", *at(T1, "Ukraine"), "LOC")
        store.undo("alice", t1)
        store.redo("alice", t1)
    finally:
        store.close()
    lines = report_lines(cli("merge", laptop, db=machine_a))
    # T1 whole again: 4 spans, the event, done, 11 actions; T2 the same on both: nothing
    assert "alice: 4 spans, 1 event, 1 status, 11 actions, 0 positions added; 1 article took " \
           "their newer version" in lines
    assert layer(machine_a, T1, "alice") == layer(laptop, T1, "alice")
    assert not any(line.startswith("conflict") for line in lines)
    store = Store(machine_a)
    try:
        t1 = store.find_by_hash(text_hash(T1)).id
        assert store.undo("alice", t1).kind == "add_span"  # the laptop's last action
        store.redo("alice", t1)
        store.add_span(t1, "alice", *at(T1, "Gesprächen"), "MISC")  # ours, now ahead
    finally:
        store.close()
    ahead = layer(machine_a, T1, "alice")
    assert report_lines(cli("merge", laptop, db=machine_a))[-1].startswith("nothing to merge")
    assert layer(machine_a, T1, "alice") == ahead


def test_versions_come_with_their_parent_chain(tmp_path, cli):
    source = tmp_path / "source.db"
    store = Store(source)
    try:
        store.add_article(article(T2))  # (so the ids differ from the target's)
        first, _ = store.save_article(article(T3, "https://example.org/3"))
        second, state = store.save_article(article(T4, "https://example.org/3"))
        assert state == "version" and second.parent_id == first.id
    finally:
        store.close()
    target = tmp_path / "target.db"
    store = Store(target)
    try:
        store.add_article(article(T1))
    finally:
        store.close()
    assert report_lines(cli("merge", source, db=target))[0] == "articles: 3 new, 0 matched"
    store = Store(target)
    try:
        old, new = store.find_by_hash(text_hash(T3)), store.find_by_hash(text_hash(T4))
        assert new.parent_id == old.id and (old.version, new.version) == (1, 2)
        listed = {r[0] for r in store.conn.execute("select id from library")}
        assert new.id in listed and old.id not in listed  # the newest version only
        assert store.latest_version("https://example.org/3").id == new.id
    finally:
        store.close()


def test_an_older_database_merges_through_a_migrated_temporary_copy(tmp_path, cli,
                                                                    monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    other = tmp_path / "old.db"
    shutil.copy(V1, other)
    before = file_state(other)
    result = cli("merge", other, db=tmp_path / "new.db")
    lines = report_lines(result)
    from storage.schema import KNOWN

    pending = ", ".join(KNOWN[KNOWN.index("m007_plain_text"):])  # V1 stops before m007
    assert lines[0] == (f"{other}: read through a temporary copy migrated with "
                        f"{pending} (the file itself is unchanged)")
    assert lines[1] == "articles: 4 new, 0 matched"
    assert file_state(other) == before and list(scratch.iterdir()) == []
    # the same records as the file migrated in place by newsmark migrate
    migrated = tmp_path / "migrated.db"
    shutil.copy(V1, migrated)
    assert cli("migrate", db=migrated).exit_code == 0
    assert records(tmp_path / "new.db") == records(migrated)


def test_a_newer_database_or_another_file_is_refused_in_one_line(machine_b, tmp_path, cli):
    newer = tmp_path / "newer.db"
    shutil.copy(machine_b, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                     "values ('newsmark', 'm099_from_the_future', '2027-01-01')")
        conn.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("create table notes (body text)")
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all, just some words\n" * 40, "utf-8")
    target = tmp_path / "target.db"
    shutil.copy(machine_b, target)
    kept = contents(target)
    for other, reason in ((newer, "newer than this newsmark's"),
                          (foreign, "not a newsmark database"),
                          (text, "not a newsmark database"),
                          (tmp_path / "missing.db", "no such database")):
        state = file_state(other) if other.exists() else None
        result = cli("merge", other, db=target)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: {other}: "), result.output
        assert reason in lines[0]
        assert (file_state(other) if other.exists() else None) == state
    assert contents(target) == kept
    # and the database itself is no other database
    result = cli("merge", target, db=target)
    assert result.exit_code == 1 and "is the database itself" in result.output
