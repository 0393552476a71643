"""The ``newsmark`` group: ``--db`` for every command; no command opens the TUI."""

from __future__ import annotations

from pathlib import Path

import click

from newsmark import __version__


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="newsmark")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Database file for every command. [default: $NEWSMARK_DB, else newsmark.db in the "
    "user-data directory]",
)
@click.pass_context
def main(ctx: click.Context, db_path: Path | None) -> None:
    """newsmark: a terminal newsreader for annotators.

    Run without a command to open the TUI on the default database.
    """
    if ctx.invoked_subcommand is None:
        from .tui import tui

        ctx.invoke(tui)
