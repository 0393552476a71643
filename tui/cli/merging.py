"""``newsmark merge OTHER.db``: another database's work brought into this one."""

from __future__ import annotations

from pathlib import Path

import click

from .common import Fail, db_option, echo, field, open_store, regular_database
from .root import main


@main.command()
@click.argument("other", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True,
              help="Print what would change and change nothing.")
@db_option
def merge(other: Path, dry_run: bool, db_path: Path) -> None:
    """Bring OTHER (another newsmark database, from another machine) into this one.

    Articles are matched by their text (new ones added with their versions); each annotator's
    spans, events, statuses and undo history follow, in one transaction. Merging the same file
    twice changes nothing. Where the same annotator changed the same article in both, ours is
    kept and theirs stored under NAME@OTHER-STEM (reported). OTHER is only read; an older one is
    migrated in a temporary copy.
    """
    from storage.errors import StorageError
    from storage.merge import merge as run

    regular_database(other)
    store = open_store(db_path, create=True)
    try:
        report = run(store.conn, other, dry_run=dry_run, where=db_path)
    except StorageError as exc:
        raise Fail(str(exc)) from None
    finally:
        store.close()
    verb = "would merge" if dry_run else "merged"
    echo(f"{verb} {field(other)} into {field(db_path)}")
    for line in report.lines():
        echo(f"  {field(line)}")
