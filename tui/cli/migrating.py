"""``newsmark migrate``: convert a database an older newsmark wrote, after a backup."""

from __future__ import annotations

from pathlib import Path

import click

from .common import Fail, db_option, echo, field, regular_database
from .root import main


@main.command()
@db_option
@click.option("--backup", "backup_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None,
              help="Where to write the backup (a new file). [default: beside the database, "
              "DB.before-migrate-TIME.db]")
def migrate(db_path: Path, backup_path: Path | None) -> None:
    """Bring a database an older newsmark wrote up to date, after writing a backup.

    The only command that converts stored articles: Markdown markers (headings, list items,
    quotes) leave the text and are kept as blocks beside it; every span, event, saved cursor
    and undo/redo entry moves with the text. Every other command refuses such a database.
    Nothing to do: nothing is written and no backup is made.
    """
    from storage.errors import StorageError
    from storage.migrate import migrate as run

    regular_database(db_path)
    try:
        done = run(db_path, backup_path)
    except StorageError as exc:
        raise Fail(str(exc)) from None
    if not done.pending:
        echo(f"{field(db_path)} is up to date: nothing to migrate")
        return
    echo(f"backup: {field(done.backup)} ({done.backup.stat().st_size:,} bytes)")
    echo(f"migrated {field(db_path)}: {', '.join(done.pending)} ({done.seconds:.1f} s)")
    if done.report is not None:
        for line in done.report.lines():
            echo(f"  {line}")
