"""A team on one database, with real processes on real SQLite files: annotators, an ingest and an
export at once; imports racing each other and a held lock; a backup while others write; a
database from a newer newsmark; read commands on a missing database; the files a shared
database needs group-writable."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from newsmark.model import Article
from newsmark.text import text_hash, tokenize
from storage.db import SCHEMA_VERSION, backup, connect
from storage.errors import NewerDatabase, NoDatabase
from storage.repo import Store

ROOT = Path(__file__).resolve().parents[1]
NEWSMARK = Path(sys.executable).parent / "newsmark"
WORKER = ROOT / "tests" / "load_worker.py"
TEXTS = [
    f"Bericht {i}: Olaf Scholz traf Emmanuel Macron in Paris. Danach sprach Annalena Baerbock "
    f"in Berlin mit Vertretern der Vereinten Nationen über die Lage in Kyjiw und Odesa."
    for i in range(3)
]


def article(text: str) -> Article:
    return Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, "de"),
                   title=text[:20])


def make_db(path: Path, texts=TEXTS) -> list[int]:
    store = Store(path)
    try:
        return [store.add_article(article(t))[0].id for t in texts]
    finally:
        store.close()


def run(*args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(NEWSMARK), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, **kw)


def integrity(path: Path) -> tuple[str, list]:
    with sqlite3.connect(path) as conn:
        return (conn.execute("pragma integrity_check").fetchone()[0],
                conn.execute("pragma foreign_key_check").fetchall())


# --- the load test ----------------------------------------------------------------------------------


def test_four_annotators_an_ingest_and_an_export_at_once(tmp_path):
    """4 annotator processes × 50 label/relabel/delete/undo actions through the session (the
    TUI's path) at random intervals, one ingest of 50 files and one export, on one database:
    no errors, every acknowledged state is what is stored, integrity_check ok."""
    db = tmp_path / "team.db"
    make_db(db)
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(50):
        (inputs / f"{i:02}.txt").write_text(
            f"Meldung {i}\n\nDie Stadt Köln meldet heute {i} neue Fahrradwege. "
            f"Der Bürgermeister sprach von einem guten Tag für {i * 7} Radfahrer.\n", "utf-8")
    workers = [subprocess.Popen([sys.executable, str(WORKER), str(db), f"ann{n}", "50", str(n)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for n in range(4)]
    ingest = subprocess.Popen([str(NEWSMARK), "--db", str(db), "ingest", "--quiet", str(inputs)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    export = run("--db", db, "export", "-o", tmp_path / "out.jsonl")
    assert export.returncode == 0, export.stderr
    results = []
    for proc in workers:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    out, err = ingest.communicate(timeout=240)
    assert ingest.returncode == 0, err
    assert "added=50" in out and "failed=0" in out, out
    store = Store(db)
    try:
        for result in results:
            assert result["errors"] == [], result["errors"][:3]
            assert sum(result["done"].values()) == 50
            for article_id, acknowledged in result["final"].items():
                stored = sorted((s.start, s.end, s.label)
                                for s in store.spans(int(article_id), result["annotator"]))
                assert stored == [tuple(s) for s in acknowledged]
        assert store.count_articles() == 53
    finally:
        store.close()
    assert integrity(db) == ("ok", [])


# --- the CLI under contention -------------------------------------------------------------------

IMPORTER = """
import sys
from click.testing import CliRunner
from tui.cli import main
db, annotator, files = sys.argv[1], sys.argv[2], sys.argv[3:]
failures = 0
for f in files:
    r = CliRunner().invoke(main, ["import", f, "--annotator", annotator, "--db", db])
    if r.exit_code != 0:
        failures += 1
        print(r.output, r.exception, file=sys.stderr)
print(failures)
"""


def prodigy_lines(i: int) -> str:
    text = f"Teil {i}: Olaf Scholz traf Emmanuel Macron in Paris."
    tokens = tokenize(text, "de")
    start = text.index("Olaf")
    task = {"text": text, "answer": "accept", "meta": {"title": f"Teil {i}", "language": "de"},
            "tokens": [{"text": text[t.start:t.end], "start": t.start, "end": t.end, "id": n,
                        "ws": t.ws} for n, t in enumerate(tokens)],
            "spans": [{"start": start, "end": start + len("Olaf Scholz"), "label": "PER"}]}
    return json.dumps(task, ensure_ascii=False) + "\n"


def test_four_processes_times_fifteen_imports_do_not_fail(tmp_path):
    db = tmp_path / "imports.db"
    make_db(db)
    files = []
    for i in range(15):
        path = tmp_path / f"part{i}.jsonl"
        path.write_text(prodigy_lines(i), "utf-8")
        files.append(str(path))
    procs = [subprocess.Popen([sys.executable, "-c", IMPORTER, str(db), f"imp{n}", *files],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
             for n in range(4)]
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0 and out.strip() == "0", err
    store = Store(db)
    try:
        assert store.count_articles() == 3 + 15  # each text once, however the imports raced
        for n in range(4):
            assert store.db.execute("select count(*) from spans where annotator = ?",
                                    [f"imp{n}"]).fetchone()[0] == 15
    finally:
        store.close()
    assert integrity(db) == ("ok", [])


def hold_lock(db: Path, seconds: float, mode: str = "EXCLUSIVE") -> tuple[threading.Thread,
                                                                            threading.Event]:
    held = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute(f"BEGIN {mode}")
        conn.execute("insert into feeds (url, name) values ('https://x.example/feed', 'x')")
        held.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait()
    return thread, held


def test_an_import_waits_for_a_lock_held_two_seconds(tmp_path):
    db = tmp_path / "held.db"
    make_db(db)
    path = tmp_path / "one.jsonl"
    path.write_text(prodigy_lines(0), "utf-8")
    thread, _ = hold_lock(db, 2.0)
    started = time.monotonic()
    result = run("--db", db, "import", path)
    waited = time.monotonic() - started
    thread.join()
    assert result.returncode == 0, result.stderr
    assert waited >= 1.5  # it waited for the lock instead of failing at once
    store = Store(db)
    try:
        assert store.db.execute("select count(*) from spans").fetchone()[0] == 1
    finally:
        store.close()


def test_a_write_that_reads_first_waits_instead_of_failing(tmp_path):
    """set_status reads the old statuses, then writes: inside BEGIN IMMEDIATE the busy timeout
    applies, so it waits for another writer instead of answering BUSY at once."""
    db = tmp_path / "upgrade.db"
    ids = make_db(db)
    store = Store(db)
    try:
        thread, _ = hold_lock(db, 1.0, "IMMEDIATE")
        started = time.monotonic()
        assert store.set_status(ids, "a", "done") == 3
        assert time.monotonic() - started >= 0.8
        thread.join()
    finally:
        store.close()


def test_busy_past_every_attempt_is_one_storage_error(tmp_path):
    from storage import db as dbmod
    from storage.errors import DatabaseBusy

    path = tmp_path / "busy.db"
    ids = make_db(path)
    store = Store(path, attempts=2)
    store.db.conn.execute("pragma busy_timeout = 100")
    try:
        thread, _ = hold_lock(path, 1.0, "IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(DatabaseBusy, match="the database is busy"):
            store.add_span(ids[0], "a", 0, 7, "PER")
        assert time.monotonic() - started < 0.9 and dbmod.ATTEMPTS >= 2
        thread.join()
        assert store.add_span(ids[0], "a", 0, 7, "PER").id  # and then it works
    finally:
        store.close()


# --- backup ---------------------------------------------------------------------------------------


def test_backup_while_two_writers_run_holds_every_acknowledged_action(tmp_path):
    db = tmp_path / "live.db"
    ids = make_db(db)
    stop = threading.Event()
    acknowledged: dict[str, list[int]] = {"w1": [], "w2": []}

    def writer(name: str) -> None:
        store = Store(db)
        tokens = [t for t in store.article(ids[0]).tokens if t.end - t.start > 1]
        i = 0
        while not stop.is_set():
            token = tokens[i % len(tokens)]
            label = ("PER", "ORG", "LOC")[(i // len(tokens)) % 3]
            span = store.add_span(ids[0], name, token.start, token.end, label)
            acknowledged[name].append(span.id)
            i += 1
        store.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in acknowledged]
    for t in threads:
        t.start()
    while min(len(v) for v in acknowledged.values()) < 5:
        time.sleep(0.01)
    before = {n: list(v) for n, v in acknowledged.items()}
    result = run("--db", db, "backup", tmp_path / "copy.db")
    stop.set()
    for t in threads:
        t.join()
    assert result.returncode == 0, result.stderr
    copy = tmp_path / "copy.db"
    assert integrity(copy) == ("ok", [])
    with sqlite3.connect(copy) as conn:
        stored = {r[0] for r in conn.execute("select id from spans")}
        assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
    for name, span_ids in before.items():
        assert set(span_ids) <= stored, name
    assert run("--db", db, "backup", copy).returncode == 1  # never over an existing file
    assert not list(tmp_path.glob(".copy.db.partial*"))


# --- a database from a newer newsmark -----------------------------------------------------------


def migrate_ahead(db: Path) -> None:
    """What a newer newsmark's migration leaves behind."""
    with sqlite3.connect(db) as conn:
        conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                     "values ('newsmark', 'm099_from_the_future', '2027-01-01')")
        conn.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")


def fingerprint(db: Path) -> tuple:
    with sqlite3.connect(db) as conn:
        return tuple(conn.execute(f"select count(*) from {t}").fetchone()[0]
                     for t in ("articles", "spans", "feeds", "actions", "status"))


@pytest.mark.parametrize("args", [
    ["list"], ["stats"], ["export", "-o", "-"], ["ingest", "SEEDS"], ["import", "FILE"],
    ["feed", "list"], ["feed", "add", "https://example.org/feed"], ["backup", "COPY"], ["tui"],
])
def test_every_command_refuses_a_newer_database(tmp_path, args):
    db = tmp_path / "newer.db"
    make_db(db)
    migrate_ahead(db)
    before = fingerprint(db)
    file = tmp_path / "one.jsonl"
    file.write_text(prodigy_lines(0), "utf-8")
    args = [{"SEEDS": str(ROOT / "seeds"), "FILE": str(file),
             "COPY": str(tmp_path / "c.db")}.get(a, a) for a in args]
    result = run("--db", db, *args)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Error:" in lines[0], result.stderr
    assert f"schema version {SCHEMA_VERSION + 1}, newer than this newsmark's {SCHEMA_VERSION}" \
        in lines[0]
    assert fingerprint(db) == before and not (tmp_path / "c.db").exists()


def test_a_running_store_stops_writing_when_another_process_migrates(tmp_path):
    db = tmp_path / "live.db"
    ids = make_db(db)
    store = Store(db)
    try:
        store.add_span(ids[0], "a", 0, 7, "MISC")
        migrate_ahead(db)
        with pytest.raises(NewerDatabase, match="newer than this newsmark"):
            store.add_span(ids[0], "a", 8, 9, "MISC")
        assert [s.start for s in store.spans(ids[0], "a")] == [0]
    finally:
        store.close()
    with pytest.raises(NewerDatabase):
        Store(db)


async def test_a_running_tui_stops_writing_when_another_process_migrates(tmp_path):
    from tui.app import NewsmarkApp
    from tui_helpers import SIZE, notified, open_article

    db = tmp_path / "tui.db"
    ids = make_db(db)
    store = Store(db)
    try:
        app = NewsmarkApp(store=store, annotator="a")
        async with app.run_test(size=SIZE) as pilot:
            await open_article(pilot, ids[-1])
            migrate_ahead(db)
            await pilot.press("1")
            assert notified(pilot, "newer than this newsmark")
            assert app.is_running
            assert store.spans(ids[-1], "a") == []
    finally:
        store.close()


# --- no database where one is only read ---------------------------------------------------------


@pytest.mark.parametrize("args", [["list"], ["stats"], ["export", "-o", "OUT"], ["tui"],
                                  ["feed", "list"], ["backup", "COPY"]])
def test_read_commands_do_not_create_a_database(tmp_path, args):
    db = tmp_path / "typo" / "work.db"
    args = [{"OUT": str(tmp_path / "out.jsonl"), "COPY": str(tmp_path / "c.db")}.get(a, a)
            for a in args]
    result = run("--db", db, *args)
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: no database at {db} (ingest or import creates one)"
    assert not (tmp_path / "typo").exists() and not (tmp_path / "out.jsonl").exists()
    with pytest.raises(NoDatabase):
        connect(db, create=False)


# --- one database for a team ----------------------------------------------------------------------


def test_a_database_in_a_shared_directory_is_group_writable_with_its_wal_and_shm(tmp_path):
    shared = tmp_path / "team"
    shared.mkdir()
    os.chmod(shared, 0o2775)
    db = shared / "news.db"
    result = run("--db", db, "ingest", ROOT / "seeds",
                 preexec_fn=lambda: os.umask(0o022))
    assert result.returncode == 0, result.stderr
    store = Store(db)  # keeps the -wal and -shm files open while we look
    try:
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in shared.iterdir()}
        assert modes["news.db"] & 0o060 == 0o060, modes
        for suffix in ("-wal", "-shm"):
            assert modes[f"news.db{suffix}"] & 0o060 == 0o060, modes
    finally:
        store.close()
    # in a private directory the umask decides, as for any file
    private = tmp_path / "mine"
    private.mkdir(mode=0o755)
    store = Store(private / "news.db")
    store.close()
    assert stat.S_IMODE((private / "news.db").stat().st_mode) & 0o020 == 0


def test_backup_refuses_to_copy_over_itself(tmp_path):
    db = tmp_path / "x.db"
    make_db(db)
    store = Store(db)
    try:
        with pytest.raises(Exception, match="exists already"):
            backup(store.db, db)
    finally:
        store.close()


def test_the_team_database_is_named_once_in_the_config(tmp_path):
    """``database`` in the config file (relative to it) is what every command uses without
    --db; $NEWSMARK_DB and --db win over it."""
    team = tmp_path / "srv"
    team.mkdir()
    make_db(team / "team.db")
    config = tmp_path / "config.toml"
    config.write_text('database = "srv/team.db"\n', "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "NEWSMARK_DB"}
    env["NEWSMARK_CONFIG"] = str(config)
    listed = run("list", env=env)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 3, listed.stderr
    other = tmp_path / "other.db"
    make_db(other, TEXTS[:1])
    assert len(run("list", env={**env, "NEWSMARK_DB": str(other)}).stdout.splitlines()) == 1
    assert len(run("--db", other, "list", env=env).stdout.splitlines()) == 1
    config.write_text("database = 3\n", "utf-8")
    bad = run("list", env=env)
    assert bad.returncode == 1
    assert bad.stderr.strip() == (f"Error: {config}: database: expected the path of a database "
                                  "file, got 3")


def test_an_unexpected_crash_exits_non_zero(tmp_path, monkeypatch):
    """A bug that escapes (here: the library failing as it opens) ends the TUI with Textual's
    traceback and a non-zero status, not 0."""
    from click.testing import CliRunner

    from tui.app import NewsmarkApp
    from tui.cli import main
    from tui.screens.library import LibraryScreen

    db = tmp_path / "crash.db"
    make_db(db)

    def broken(self) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(LibraryScreen, "on_mount", broken)
    real_run = NewsmarkApp.run
    monkeypatch.setattr(NewsmarkApp, "run", lambda app: real_run(app, headless=True))
    result = CliRunner().invoke(main, ["tui", "--db", str(db)])
    assert result.exit_code == 1


def digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_refusing_a_newer_database_leaves_its_file_as_it_was(tmp_path):
    """Even its journal mode: the check comes before anything that writes."""
    db = tmp_path / "newer.db"
    make_db(db)
    with sqlite3.connect(db) as conn:
        conn.execute("pragma journal_mode = delete")
    migrate_ahead(db)
    before = digest(db)
    result = run("--db", db, "list")
    assert result.returncode == 1 and "newer than this newsmark" in result.stderr
    assert digest(db) == before and not Path(f"{db}-wal").exists()


@pytest.mark.parametrize("args", [["list"], ["ingest", "SEEDS"], ["tui"]])
def test_another_programs_sqlite_file_is_left_alone(tmp_path, args):
    db = tmp_path / "notes.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table notes (x)")
        conn.execute("insert into notes values ('mine')")
    before = digest(db)
    args = [str(ROOT / "seeds") if a == "SEEDS" else a for a in args]
    result = run("--db", db, *args)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"Error: {db}: not a newsmark database (it has tables "
                                     "notes); nothing was changed")
    assert digest(db) == before


def test_a_backup_into_a_path_under_a_file_is_one_line(tmp_path):
    db = tmp_path / "x.db"
    make_db(db)
    (tmp_path / "plain").write_text("x")
    result = run("--db", db, "backup", tmp_path / "plain" / "b.db")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot write the backup" in result.stderr


def test_list_says_whose_status_it_shows(tmp_path, monkeypatch):
    from test_progress import on_a_terminal

    db = tmp_path / "l.db"
    make_db(db)
    config = tmp_path / "config.toml"
    config.write_text('annotator = "alice"\n', "utf-8")
    monkeypatch.setenv("NEWSMARK_CONFIG", str(config))
    shown = on_a_terminal("--db", str(db), "list")
    assert shown.splitlines()[0].strip() == "annotator alice (--annotator NAME for another)"
    assert len(shown.strip().splitlines()) == 4
    assert "annotator" not in on_a_terminal("--db", str(db), "list", "--annotator", "bob")
    piped = run("--db", db, "list")  # a script gets the rows only
    assert piped.stderr == "" and len(piped.stdout.splitlines()) == 3
