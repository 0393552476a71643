"""What every command shares: the database option, opening the store, the annotator, and the
one way to print outside text (titles, sources, annotators, labels, file names, URLs, reasons).

Outside text is data: every line the CLI prints goes through ``echo`` (or ``Fail`` for errors),
which writes C0/C1 controls, escape sequences and bidi overrides visibly (``\\x1b``, ``\\u202e``);
``field`` does the same for one value and its line breaks, for one-line-per-item output.
"""

from __future__ import annotations

import functools
import getpass
import os
import sys
from pathlib import Path

import click

from newsmark.config import default_schema, load_schema
from newsmark.model import Schema, SchemaError
from newsmark.text import escape_controls, escape_json
from storage.db import default_db_path
from storage.errors import StorageError
from storage.repo import Store


def field(value: object) -> str:
    """One value of outside text for a one-line report: controls, tabs and LF escaped."""
    return escape_controls("" if value is None else str(value), one_line=True)


def echo(message: str = "", err: bool = False, nl: bool = True, data: bool = False) -> None:
    """``click.echo`` with every control character but LF and tab escaped. ``data``: the
    command's output itself (extract's text, OPML): escaped on a terminal only, so a pipe or a
    redirect gets it byte for byte."""
    stream = sys.stderr if err else sys.stdout
    if data and not stream.isatty():
        click.echo(message, err=err, nl=nl)
        return
    click.echo(escape_controls(message, one_line=False), err=err, nl=nl)


def echo_json(text: str) -> None:
    """JSON text, with the characters ``echo`` escapes written as ``\\uXXXX`` (the same JSON)."""
    click.echo(escape_json(text))


class Fail(click.ClickException):
    """An error: one line ``Error: ...`` on standard error, exit status 1, outside text escaped
    (its line breaks and tabs too: it stays one line)."""

    def format_message(self) -> str:
        return escape_controls(self.message, one_line=True)


def escaped(exc: click.ClickException) -> click.ClickException:
    """``exc`` (click's own error: a bad option value, an unknown command or option, a missing
    file) printing its message escaped like ``Fail``: those messages quote what was typed."""
    if not isinstance(exc, Fail) and not getattr(exc, "_newsmark_escaped", False):
        message = exc.format_message
        exc.format_message = lambda: escape_controls(message(), one_line=True)  # type: ignore[method-assign]
        exc._newsmark_escaped = True  # type: ignore[attr-defined]
    return exc


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "annotator"


def default_config_path() -> Path:
    """``$NEWSMARK_CONFIG``, else ``config.toml`` in the platform's user-config directory."""
    from platformdirs import user_config_path

    env = os.environ.get("NEWSMARK_CONFIG")
    if env:
        return Path(env).expanduser()
    return user_config_path("newsmark", appauthor=False) / "config.toml"


def database_path(given: Path | None, config_path: Path | None = None) -> Path:
    """Which database a command uses: ``--db``; else ``$NEWSMARK_DB``; else the config file's
    ``database`` (``--config`` for ``tui``, else ``$NEWSMARK_CONFIG`` or the user-config
    directory's ``config.toml``); else ``newsmark.db`` in the user-data directory."""
    if given:
        return given
    if os.environ.get("NEWSMARK_DB"):
        return default_db_path()
    from newsmark.config import ConfigError, load_config

    explicit = config_path is not None or bool(os.environ.get("NEWSMARK_CONFIG"))
    try:
        config = load_config(config_path or default_config_path(), must_exist=explicit)
    except ConfigError as exc:
        raise Fail(str(exc)) from None
    return config.database or default_db_path()


DB_HELP = ("Database file. [default: $NEWSMARK_DB, else the config file's database, else "
           "newsmark.db in the user-data directory]")


def db_option(fn):
    """``--db PATH`` on every command; else ``$NEWSMARK_DB``, the config file's ``database``,
    the user-data directory (``database_path``)."""

    @click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=DB_HELP,
    )
    @functools.wraps(fn)
    def wrapper(*args, db_path=None, **kwargs):
        root = click.get_current_context().find_root()
        db_path = database_path(db_path or root.params.get("db_path"), kwargs.get("config_path"))
        return fn(*args, db_path=db_path, **kwargs)

    return wrapper


def open_store(path: Path, create: bool = False) -> Store:
    """The store at ``path``. Only commands that add something (``create=True``: ingest,
    import, feed add, feed import-opml) create a missing database; the others say there is
    none, so a typo in ``--db`` is an error, not a new empty database."""
    regular_database(path)
    try:
        return Store(path, create=create)
    except StorageError as exc:  # no database, a newer one, busy, …: the message names it
        raise Fail(str(exc)) from None
    except Exception as exc:  # sqlite3.DatabaseError, PermissionError, …
        raise Fail(f"{path}: cannot open the database ({exc})") from None


def regular_database(path: Path) -> None:
    """``Fail`` unless ``path`` is missing (then ``Store`` decides) or a regular file: SQLite
    would block forever on a FIFO, and a device is no database."""
    import os
    import stat

    from newsmark.ingest import not_regular

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        raise Fail(f"{path}: {not_regular(mode)}, not a database")


def schema_from(path: Path | None) -> Schema:
    """The schema in ``path``, else the default news schema; a bad file is one ``Fail`` line."""
    try:
        return load_schema(path) if path else default_schema()
    except SchemaError as exc:
        raise Fail(str(exc)) from None


def schema_option(help: str):
    return click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path),
                        help=help)
