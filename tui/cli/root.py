"""The ``newsmark`` group: ``--db`` for every command; no command opens the TUI."""

from __future__ import annotations

from pathlib import Path

import click

from newsmark import __version__
from storage.errors import StorageError

from .common import DB_HELP, Fail, escaped


class Newsmark(click.Group):
    """The root group: a ``StorageError`` from any command (the database busy past the busy
    timeout, disk full, a newer schema, …) is one ``Error:`` line and exit status 1. Click's own
    errors for what was typed (``No such option '--\\x1b[2J'``) are printed escaped too."""

    def make_context(self, *args, **kwargs) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.ClickException as exc:
            escaped(exc)
            raise

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except StorageError as exc:
            raise Fail(str(exc)) from None
        except click.ClickException as exc:
            escaped(exc)
            raise


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
    if ctx.invoked_subcommand is None:
        from .tui import tui

        ctx.invoke(tui)


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
