"""``newsmark migrate``: apply the migrations that change stored text, after a backup.

``migrate(path)`` opens the database without migrating it, and when something is pending:

1. writes a backup with ``VACUUM INTO`` (a new file; by default beside the database, named
   ``<name>.before-migrate-<UTC time>.db``), a consistent snapshot taken while others may write;
2. takes the write lock (``BEGIN IMMEDIATE``) and checks that nobody committed since the
   backup started (``PRAGMA data_version``); if somebody did, the backup is taken again;
3. applies every pending migration in that one transaction (``m007_plain_text`` converts the
   articles: ``storage.plaintext``), and commits. Any failure rolls all of it back; the backup
   stays.

Nothing pending: nothing is written, no backup is made (a second run is a no-op).
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .db import (
    SCHEMA_VERSION,
    _pending,
    applied_names,
    database,
    open_connection,
    write,
)
from .errors import StorageError, translate
from .plaintext import Report, last_report
from .schema import KNOWN, migration_set

ATTEMPTS = 3


@dataclass(slots=True)
class Migrated:
    pending: list[str] = field(default_factory=list)  # the migrations applied (none: a no-op)
    backup: Path | None = None
    report: Report | None = None  # m007's, when it ran now
    seconds: float = 0.0


def default_backup(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.before-migrate-{stamp}.db")


class _Changed(Exception):
    """Another connection committed between the backup and the write lock."""


def migrate(path: str | Path, backup: str | Path | None = None) -> Migrated:
    """Apply the pending migrations of the database at ``path`` after a backup (``backup``, or
    ``default_backup``). Raises ``StorageError`` (``NoDatabase``, ``NewerDatabase``, …)."""
    path = Path(path)
    started = time.monotonic()
    conn = open_connection(path, create=False, migrate=False)
    try:
        if not _pending(conn):
            return Migrated()
        applied = set(applied_names(conn))
        pending = [name for name in KNOWN if name not in applied]
        target = Path(backup) if backup is not None else default_backup(path)
        if target.exists():
            raise StorageError(f"{target}: exists already (choose a new file name)")
        for attempt in range(ATTEMPTS):
            version = _backup(conn, target)
            try:
                with write(conn, path):
                    if conn.execute("PRAGMA data_version").fetchone()[0] != version:
                        raise _Changed
                    migration_set().apply(database(conn))
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                break
            except _Changed:
                target.unlink(missing_ok=True)
                if attempt + 1 == ATTEMPTS:
                    raise StorageError("the database kept changing while the backup was "
                                       "written: try again when nobody writes") from None
            except sqlite3.Error as exc:
                raise translate(exc) from exc
        report = last_report(conn) if "m007_plain_text" in pending else None
        return Migrated(pending, target, report, time.monotonic() - started)
    finally:
        conn.close()


def _backup(conn: sqlite3.Connection, target: Path) -> int:
    """``VACUUM INTO target``; returns the ``data_version`` it started at."""
    target.parent.mkdir(parents=True, exist_ok=True)
    version = conn.execute("PRAGMA data_version").fetchone()[0]
    try:
        conn.execute("VACUUM INTO ?", [str(target)])
    except sqlite3.Error as exc:
        try:
            os.unlink(target)
        except OSError:
            pass
        raise StorageError(f"{target}: cannot write the backup ({exc})") from exc
    return version
