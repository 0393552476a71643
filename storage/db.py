"""Opening the database: location, pragmas, migrations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from platformdirs import user_data_path
from sqlite_utils import Database

from .schema import migrations

BUSY_TIMEOUT_MS = 5000


def default_db_path() -> Path:
    """``$NEWSMARK_DB``, else ``newsmark.db`` in the platform's user-data directory."""
    env = os.environ.get("NEWSMARK_DB")
    if env:
        return Path(env).expanduser()
    return user_data_path("newsmark", appauthor=False) / "newsmark.db"


def connect(path: str | Path) -> Database:
    """A migrated database with foreign keys on, WAL and a busy timeout.

    The connection runs in autocommit mode: a write is on disk when its statement or its
    ``db.atomic()`` block returns.
    """
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit is on disk (the WAL synced) before the screen shows what it saved, so a
    # power loss cannot take back an action the annotator saw land; NORMAL would only survive
    # a crash of the app
    conn.execute("PRAGMA synchronous = FULL")
    # no sqlite-utils plugins: whatever happens to be installed must not change newsmark's
    # connection, and finding them (scanning every installed package's entry points) cost
    # 35 ms of every start of the TUI
    db = Database(conn, execute_plugins=False)
    migrations.apply(db)
    return db
