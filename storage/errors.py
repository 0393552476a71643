"""What can go wrong in storage, as exceptions with one-line messages a person can act on.

Every error the store raises is a ``StorageError``; SQLite's own errors (busy, locked, disk
full, I/O) are turned into one by ``translate``, so callers (the CLI, the TUI's one error
handler) catch one class and show its message.
"""

from __future__ import annotations

import sqlite3

from newsmark.errors import NewsmarkError


class StorageError(NewsmarkError):
    """Anything the store refuses or fails to do; ``str()`` is one line for the user."""


class NoDatabase(StorageError):
    """A read asked for a database file that does not exist (nothing was created)."""


class NotNewsmark(StorageError):
    """The file is another program's SQLite database: newsmark leaves it alone."""


class NewerDatabase(StorageError):
    """The database was migrated by a newer newsmark: this code must not write to it."""


class NeedsMigration(StorageError):
    """The database's articles were stored by an older newsmark in a form this code converts
    only through ``newsmark migrate`` (nothing was written)."""


class DatabaseBusy(StorageError):
    """Another connection held the write lock for longer than we wait."""


class DiskFull(StorageError):
    """SQLite could not grow the database: nothing of the transaction was saved."""


class DatabaseFailure(StorageError):
    """Any other SQLite error (I/O, corrupt file, read-only file, …)."""


_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}


def is_busy(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.split("_")[:2] == ["SQLITE", "BUSY"] or name in _BUSY or (
        "database is locked" in str(exc) or "database is busy" in str(exc))


def translate(exc: sqlite3.Error, waited: float | None = None, reading: bool = False
              ) -> StorageError:
    """A ``StorageError`` that says what happened to the last action (or, ``reading``, to a
    read), in one line."""
    lost = "not read" if reading else "not saved"
    name = getattr(exc, "sqlite_errorname", "") or ""
    if is_busy(exc):
        how_long = f" for {waited:.0f} s" if waited else ""
        return DatabaseBusy(f"the database is busy (another annotator, an ingest or an import "
                            f"held its write lock{how_long}): {lost}, try again")
    if name == "SQLITE_FULL" or "database or disk is full" in str(exc):
        return DiskFull(f"disk full: {lost} (free some space, then try again)")
    if name.startswith("SQLITE_READONLY") or "readonly database" in str(exc):
        return DatabaseFailure(f"the database is read-only for you ({exc}): {lost}")
    if name.startswith("SQLITE_IOERR") or "disk I/O error" in str(exc):
        return DatabaseFailure(f"disk I/O error ({exc}): {lost}")
    return DatabaseFailure(f"database error: {exc}")
