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
from newsmark.errors import NewsmarkError
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
    redirect gets it byte for byte (UTF-8, whatever the locale; click would strip the escape
    sequences it recognises from a stream that is not a terminal).

    An error writing is a ``StreamError`` naming the stream (the root group reports it)."""
    stream = sys.stderr if err else sys.stdout
    try:
        if data and not stream.isatty():
            _write_bytes(stream, (message + ("\n" if nl else "")).encode("utf-8"))
        else:
            click.echo(escape_controls(message, one_line=False), err=err, nl=nl)
    except OSError as exc:
        raise StreamError(exc, err) from exc


def _write_bytes(stream, data: bytes) -> None:
    binary = getattr(stream, "buffer", None)
    if binary is None:  # a text-only stream (a test's): as text, nothing stripped
        stream.write(data.decode("utf-8"))
        stream.flush()
        return
    stream.flush()  # what was written as text goes first
    binary.write(data)
    binary.flush()


def echo_json(text: str) -> None:
    """JSON text, with the characters ``echo`` escapes written as ``\\uXXXX`` (the same JSON)."""
    try:
        click.echo(escape_json(text))
    except OSError as exc:
        raise StreamError(exc, False) from exc


class StreamError(NewsmarkError, OSError):
    """Writing standard output (``err`` False) or standard error failed: ``str`` is one line,
    ``standard output: cannot write (No space left on device)``."""

    def __init__(self, cause: OSError, err: bool) -> None:
        from newsmark.atomic import reason

        super().__init__(cause.errno, reason(cause))
        self.err = err

    @property
    def stream(self) -> str:
        return "standard error" if self.err else "standard output"

    def __str__(self) -> str:
        return f"{self.stream}: cannot write ({self.strerror})"


def flush_standard_streams() -> None:
    """Flush standard output and standard error, an error as ``StreamError``: what a command
    left buffered fails here, reported, rather than in the interpreter's flush at exit."""
    for err, stream in ((False, sys.stdout), (True, sys.stderr)):
        try:
            if stream is not None:
                stream.flush()
        except OSError as exc:
            raise StreamError(exc, err) from exc


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


def configured_annotator(config_path: Path | None = None) -> str | None:
    """The config file's ``annotator`` (``$NEWSMARK_CONFIG`` or the user-config directory's
    ``config.toml``), if it names one."""
    from newsmark.config import ConfigError, load_config

    explicit = config_path is not None or bool(os.environ.get("NEWSMARK_CONFIG"))
    try:
        return load_config(config_path or default_config_path(), must_exist=explicit).annotator
    except ConfigError as exc:
        raise Fail(str(exc)) from None


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
