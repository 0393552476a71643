"""The ``newsmark`` group: ``--db`` for every command; no command opens the TUI."""

from __future__ import annotations

import errno
import io
import os
import sys
from importlib import import_module
from pathlib import Path
from typing import NoReturn

import click

from newsmark import __version__
from storage.errors import StorageError

from .common import DB_HELP, Fail, StreamError, escaped, flush_standard_streams

# the exit status after a broken pipe on standard output (``newsmark list | head -1``): what a
# program killed by SIGPIPE reports in the shell, 128 + 13; nothing is printed
BROKEN_PIPE_STATUS = 141


# Each command's module, imported only when that command runs (or --help lists them): the TUI
# does not load ingest's, export's or import's modules to start.
COMMANDS = {
    "agreement": "team", "assign": "team",
    "backup": "reading", "export": "exporting", "extract": "ingesting", "feed": "feeds",
    "import": "exporting", "ingest": "ingesting", "list": "reading", "migrate": "migrating",
    "merge": "merging", "propagate": "suggesting",
    "labels": "labels",
    "score": "training", "stats": "reading", "train": "training",
    "tui": "tui",
}


class Newsmark(click.Group):
    """The root group: a ``StorageError`` from any command (the database busy past the busy
    timeout, disk full, a newer schema, …) is one ``Error:`` line and exit status 1. Click's own
    errors for what was typed (``No such option '--\\x1b[2J'``) are printed escaped too.

    Standard output that cannot be written (a full disk, ``> /dev/full``, an I/O error) is one
    line, ``Error: standard output: cannot write (No space left on device)``, and exit status 1;
    a broken pipe (the reader has gone: ``| head -1``) ends the command quietly with status 141.
    Standard error that cannot be written: exit status 1, nothing more to say it with."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            import_module(f"{__package__}.{COMMANDS[name]}")  # registers it on ``main``
        return self.commands.get(name)

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:
            escaped(exc)
            raise

    def invoke(self, ctx: click.Context):
        try:
            result = super().invoke(ctx)
            flush_standard_streams()  # what is still buffered fails here, not at exit
            return result
        except StorageError as exc:
            raise Fail(str(exc)) from None
        except click.ClickException as exc:
            escaped(exc)
            raise
        except StreamError as exc:
            stream_failed(exc)
        except BaseExceptionGroup as group:  # from a task group (ingest's fetches)
            found = _first(group, StreamError)
            if found is None:
                raise
            stream_failed(found)


def stream_failed(exc: StreamError) -> NoReturn:
    """End the command after ``exc``: the broken stream is pointed at the null device (so the
    interpreter's flush at exit has nowhere to fail: no "Exception ignored" message), then
    quietly with status 141 for a broken pipe, else one ``Error:`` line and status 1."""
    stream = sys.stderr if exc.err else sys.stdout
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # not a file descriptor (a test's stream): nothing to silence
    if exc.errno == errno.EPIPE:
        sys.exit(BROKEN_PIPE_STATUS)
    if exc.err:  # standard error itself: no line can say it
        sys.exit(1)
    raise Fail(str(exc)) from None


def _first(group: BaseExceptionGroup, kind: type[BaseException]):
    for exc in group.exceptions:
        if isinstance(exc, kind):
            return exc
        if isinstance(exc, BaseExceptionGroup):
            found = _first(exc, kind)
            if found is not None:
                return found
    return None


@click.group(cls=Newsmark, invoke_without_command=True)
@click.version_option(__version__, prog_name="newsmark")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=DB_HELP.replace("Database file.", "Database file for every command."),
)
@click.pass_context
def main(ctx: click.Context, db_path: Path | None) -> None:
    """newsmark: a terminal newsreader for annotators.

    Run without a command to open the TUI on the default database.
    """
    _ignore_sigxfsz()
    if ctx.invoked_subcommand not in (None, "tui"):  # the TUI's signals are Textual's
        _unwind_on_termination()
    if ctx.invoked_subcommand is None:  # the TUI, found as any command is (COMMANDS)
        ctx.invoke(ctx.command.get_command(ctx, "tui"))


def _ignore_sigxfsz() -> None:
    """A write past the file size limit (``ulimit -f``) then fails with EFBIG, which the command
    reports in one line after removing its temporary file, instead of SIGXFSZ killing the
    process with a half-written temporary left behind. CPython ignores SIGXFSZ at startup
    already; this holds however the interpreter was started (embedded, a host that set the
    signal back)."""
    import signal

    if hasattr(signal, "SIGXFSZ"):
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        except ValueError:  # not the main thread: signals are the host's business
            pass


def _unwind_on_termination() -> None:
    """SIGTERM (``kill``, a shutdown) and SIGHUP (a closed terminal, a dropped SSH connection)
    raise ``SystemExit(128 + signal)`` in the command instead of killing the process where it
    stands: every ``with`` and ``finally`` on the way out runs, so an export's temporary file
    and the DocBin's parts are removed and the earlier output stays as it was; the exit status
    is 143 or 129, as the shell reports a process killed by the signal. Once one has arrived,
    further ones are ignored while the command unwinds (SIGKILL still ends it)."""
    import signal

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]

    def stop(signum: int, _frame) -> None:
        for other in wanted:
            signal.signal(other, signal.SIG_IGN)
        raise SystemExit(128 + signum)

    for signum in wanted:
        try:
            signal.signal(signum, stop)
        except (ValueError, OSError):  # not the main thread: signals are the host's business
            pass
