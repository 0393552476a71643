"""Opening the database, and the one way to write to it.

- ``open_connection`` opens (or, only when asked, creates) a database: foreign keys on, WAL, a
  busy timeout, ``synchronous=FULL``; it refuses a database migrated by a newer newsmark and
  applies pending migrations under the write lock, so two processes opening a new file at once
  do not race. The store works on that sqlite3 connection; ``connect`` (and ``database``) wrap
  it in a ``sqlite_utils.Database`` for whoever wants one (migrations, tools, tests).
- ``write`` is every write transaction: ``BEGIN IMMEDIATE`` takes the write lock first, so
  SQLite's busy timeout applies (a deferred ``BEGIN`` that reads and then writes gets ``BUSY`` at
  once, without waiting, when another connection wrote meanwhile); then a cheap check that the
  database is still not newer than this code; then the body; then ``COMMIT``.
- ``transaction`` makes a ``Store`` method one such transaction, retried whole with backoff for
  the rare ``BUSY`` that still escapes, and turns SQLite's errors into ``StorageError``\\ s.

sqlite-utils is imported only when a ``Database`` is asked for or a database is migrated: it
imports numpy and pandas when they are installed (0.3 s and more of every start of the TUI).
"""

from __future__ import annotations

import functools
import os
import random
import sqlite3
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import (
    NeedsMigration,
    NewerDatabase,
    NoDatabase,
    NotNewsmark,
    StorageError,
    is_busy,
    translate,
)
from .schema import KNOWN, migration_set

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 5000
SCHEMA_VERSION = len(KNOWN)
# whole-transaction attempts for a BUSY that escapes the busy timeout, and the pause before each
# retry (doubled each time, with jitter so that two waiting writers do not retry in step)
ATTEMPTS = 3
BACKOFF_S = 0.05


def default_db_path() -> Path:
    """``$NEWSMARK_DB``, else ``newsmark.db`` in the platform's user-data directory."""
    env = os.environ.get("NEWSMARK_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path  # (only when no path is given)

    return user_data_path("newsmark", appauthor=False) / "newsmark.db"


def default_model_dir(name: str) -> Path:
    """``models/NAME`` in the user-data directory (beside the default database): where
    ``newsmark train`` and the reader's retraining put a model by default."""
    from platformdirs import user_data_path

    return user_data_path("newsmark", appauthor=False) / "models" / name


def exists(path: str | Path) -> bool:
    """A database file is there (an empty file is not a database yet)."""
    try:
        return os.stat(path).st_size > 0
    except OSError:
        return False


def connect(path: str | Path, create: bool = True) -> Database:
    """``open_connection``, as a ``sqlite_utils.Database``."""
    return database(open_connection(path, create))


def database(conn: sqlite3.Connection) -> Database:
    """A ``sqlite_utils.Database`` on an open connection (imports sqlite-utils)."""
    from sqlite_utils import Database  # here, not on top: see the module's docstring

    # no sqlite-utils plugins: whatever happens to be installed must not change newsmark's
    # connection, and finding them scans every installed package's entry points
    return Database(conn, execute_plugins=False)


def open_connection(path: str | Path, create: bool = True, migrate: bool = True
                    ) -> sqlite3.Connection:
    """A migrated database with foreign keys on, WAL and a busy timeout.

    ``create=False``: a missing file is ``NoDatabase`` and nothing is created (read commands).
    A database whose articles only ``newsmark migrate`` may convert (``EXPLICIT``) is
    ``NeedsMigration``, and nothing is written; ``migrate=False`` opens it with every pending
    migration left pending, for ``storage.migrate`` to apply after its backup.
    The connection runs in autocommit mode: a write is on disk when its ``write`` block returns.
    """
    path = Path(path)
    memory = str(path) == ":memory:"
    if not memory and not exists(path):
        if not create:
            raise NoDatabase(f"no database at {path} (ingest or import creates one)")
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_file(path)
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # before anything that could write (journal_mode = WAL does, on a rollback-journal
        # file): a newer newsmark's database, or another program's, is left exactly as it is
        check_version(conn, path)
        if not memory:
            check_ours(conn, path)
        if migrate:
            check_converted(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit is on disk (the WAL synced) before the screen shows what it saved, so a
        # power loss cannot take back an action the annotator saw land; NORMAL would only
        # survive a crash of the app
        conn.execute("PRAGMA synchronous = FULL")
        # delete triggers fire for the rows INSERT OR REPLACE deletes (as sqlite-utils sets it)
        conn.execute("PRAGMA recursive_triggers = ON")
        if migrate and _pending(conn):
            with write(conn, path):
                if _pending(conn):  # another process may have migrated while we waited
                    migration_set().apply(database(conn))
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.Error as exc:
        conn.close()
        error = translate(exc)
        raise type(error)(f"{path}: {error}") from None
    except StorageError:
        conn.close()
        raise
    return conn


def _create_file(path: Path) -> None:
    """Create an empty database file. In a group-writable directory (a team's shared one) the
    file is group-writable too, whatever the umask; SQLite then gives the ``-wal`` and ``-shm``
    files it creates the database file's permissions, so every annotator can open it."""
    mode = 0o644
    try:
        if os.stat(path.parent).st_mode & stat.S_IWGRP:
            mode = 0o664
    except OSError:
        pass
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, mode)
    try:
        if mode & stat.S_IWGRP:
            os.fchmod(fd, mode | (os.fstat(fd).st_mode & 0o777))  # the umask may have taken it
    finally:
        os.close(fd)


# Migrations that change stored text (and so every offset into it): on a database with articles
# only ``newsmark migrate`` applies them, after a backup; a new or empty one gets them as any.
EXPLICIT = ("m007_plain_text",)


def applied_names(conn: sqlite3.Connection) -> list[str]:
    try:
        return [r[0] for r in conn.execute(
            "select name from _sqlite_migrations where migration_set = 'newsmark'")]
    except sqlite3.OperationalError:  # no migrations table yet: a new database
        return []


def needs_explicit_migration(conn: sqlite3.Connection) -> list[str]:
    """The ``EXPLICIT`` migrations this database still needs: pending, and it has articles."""
    applied = set(applied_names(conn))
    missing = [name for name in EXPLICIT if name not in applied]
    if not missing:
        return []
    try:
        has_articles = conn.execute("select 1 from articles limit 1").fetchone() is not None
    except sqlite3.OperationalError:  # no articles table: a new database
        return []
    return missing if has_articles else []


def check_converted(conn: sqlite3.Connection, where: str | Path = "database") -> None:
    """Refuse a database whose stored articles an older newsmark wrote with Markdown markers in
    their text: converting moves every offset, so only ``newsmark migrate`` does it."""
    if needs_explicit_migration(conn):
        raise NeedsMigration(
            f"{where}: its articles were stored by an older newsmark (Markdown markers in the "
            f"text): run `newsmark migrate --db {where}` once to convert them (it writes a "
            "backup first); nothing was written")


def _pending(conn: sqlite3.Connection) -> bool:
    """A migration this code knows is not applied yet, or ``user_version`` is behind."""
    try:
        applied = {r[0] for r in conn.execute(
            "select name from _sqlite_migrations where migration_set = 'newsmark'")}
    except sqlite3.OperationalError:  # no migrations table yet: a new database
        applied = set()
    return not applied.issuperset(KNOWN) or conn.execute(
        "PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION


def check_version(conn: sqlite3.Connection, where: str | Path = "database") -> None:
    """Refuse a database a newer newsmark migrated: a migration name this code does not know,
    or a ``user_version`` above this code's. Two small reads."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    try:
        names = [r[0] for r in conn.execute(
            "select name from _sqlite_migrations where migration_set = 'newsmark'")]
    except sqlite3.OperationalError:  # no migrations table yet: a new database
        names = []
    unknown = [n for n in names if n not in KNOWN]
    if version > SCHEMA_VERSION or unknown:
        theirs = max(version, len(names))
        what = f" (it has migration {unknown[0]})" if unknown else ""
        raise NewerDatabase(
            f"{where}: the database is at schema version {theirs}, newer than this newsmark's "
            f"{SCHEMA_VERSION}{what}: upgrade newsmark to use it (nothing was written)")


def check_ours(conn: sqlite3.Connection, where: str | Path = "database") -> None:
    """Refuse an SQLite file that holds tables but no newsmark migrations: another program's
    database is never turned into a newsmark one (a typo in ``--db`` must not do that)."""
    tables = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
        "order by name")]
    if not tables:
        return  # a new, empty database
    try:
        ours = conn.execute("select count(*) from _sqlite_migrations "
                            "where migration_set = 'newsmark'").fetchone()[0]
    except sqlite3.OperationalError:
        ours = 0
    if not ours:
        shown = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
        raise NotNewsmark(f"{where}: not a newsmark database (it has tables {shown}); "
                          "nothing was changed")


@contextmanager
def write(conn: sqlite3.Connection, where: str | Path = "database"
          ) -> Iterator[sqlite3.Connection]:
    """One write transaction: ``BEGIN IMMEDIATE`` (so the busy timeout applies), the version
    check, the body, ``COMMIT``; any error rolls everything back. Inside another transaction it
    is a savepoint of that one."""
    if conn.in_transaction:
        with _savepoint(conn):
            yield conn
        return
    begin_immediate(conn)
    try:
        check_version(conn, where)
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:  # SQLite may have rolled back itself (disk full, I/O error)
                pass
        raise


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("SAVEPOINT newsmark")
    try:
        yield
    except BaseException:
        # an error such as disk full can end the whole transaction, savepoints and all
        if conn.in_transaction:
            conn.execute("ROLLBACK TO SAVEPOINT newsmark")
            conn.execute("RELEASE SAVEPOINT newsmark")
        raise
    else:
        conn.execute("RELEASE SAVEPOINT newsmark")


def begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, waiting for the write lock as long as the connection's busy timeout.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms between
    tries and is never woken when the lock is freed: with a dozen writers some of them keep
    waking just too late and wait 100 ms and more for a lock that is held 2 ms at a time. Here
    the tries come every 0.25–2 ms (with jitter, so waiters do not try in step) until the busy
    timeout is over; each try costs a few microseconds."""
    wait_ms = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + wait_ms / 1000
        pause = 0.00025
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, 0.002)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {wait_ms}")


def transaction(method):
    """Make a ``Store`` method (of anything with ``conn``, ``path`` and ``attempts``) one write
    transaction (``write``), retried whole, with backoff, when SQLite still answers BUSY after
    its busy timeout; SQLite errors become ``StorageError``\\ s (busy, disk full, I/O) naming
    what happened. Called inside another transaction, the method is part of that one."""

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        conn = self.conn
        if conn.in_transaction:
            with write(conn, self.path):
                return method(self, *args, **kwargs)
        started = time.monotonic()
        for attempt in range(self.attempts):
            try:
                with write(conn, self.path):
                    return method(self, *args, **kwargs)
            except sqlite3.Error as exc:
                if is_busy(exc) and attempt + 1 < self.attempts:
                    time.sleep(BACKOFF_S * 2 ** attempt * (1 + random.random()))
                    continue
                raise translate(exc, time.monotonic() - started) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    return run


def backup(db: Database, target: str | Path) -> None:
    """A consistent copy of the database at ``target`` (a new file), safe while others write:
    SQLite's online backup API copies one snapshot."""
    target = Path(target)
    if target.exists():
        raise StorageError(f"{target}: exists already (choose a new file name)")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(str(partial))
        try:
            db.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dest.close()
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise translate(exc) from exc
    except OSError as exc:
        raise StorageError(f"{target}: cannot write the backup ({exc.strerror or exc})") from exc
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            try:
                leftover.unlink()
            except OSError:  # never there (or its directory is not one)
                pass
