"""``newsmark labels rename|merge|undo``: change a span label or an event type mid-project
(``storage.labels``), as one undoable action. The schema file is not rewritten: the lines to
change in it are printed."""

from __future__ import annotations

import re
from pathlib import Path

import click

from .common import Fail, db_option, echo, field, open_store, schema_from, schema_option
from .root import main

_SCHEMA_HELP = ("Label schema TOML file that says whether a name is a span label or an event "
                "type (and whose lines to change are printed). [default: the news schema]")


@main.group()
def labels() -> None:
    """Rename or merge span labels and event types in every stored annotation.

    A name is a span label or an event type as the schema says (the old name, else the new
    one), else as the database has it; a name that is both needs --kind. Every change is one
    transaction and one action that `newsmark labels undo` takes back.
    """


def _change_options(fn):
    fn = click.option("--kind", type=click.Choice(["label", "event"]), default=None,
                      help="Whether the names are span labels or event types. [default: as "
                      "the schema, else the database, says]")(fn)
    fn = schema_option(_SCHEMA_HELP)(fn)
    fn = click.option("--dry-run", is_flag=True,
                      help="Print what would change; write nothing.")(fn)
    fn = click.option("--annotator", default=None,
                      help="Change only this annotator's annotations. [default: every "
                      "annotator's, gold included]")(fn)
    return db_option(fn)


@labels.command(name="rename")
@click.argument("old")
@click.argument("new")
@_change_options
def labels_rename(db_path: Path, old: str, new: str, annotator: str | None, dry_run: bool,
                  schema_path: Path | None, kind: str | None) -> None:
    """Rename the span label or event type OLD to NEW: every span labelled OLD (and so the
    event arguments it fills), or every event of type OLD.

    Refused when NEW is in use already (merge does that).
    """
    _run(db_path, old, new, False, annotator, dry_run, schema_path, kind)


@labels.command(name="merge")
@click.argument("a")
@click.argument("b")
@_change_options
def labels_merge(db_path: Path, a: str, b: str, annotator: str | None, dry_run: bool,
                 schema_path: Path | None, kind: str | None) -> None:
    """Merge the span label or event type A into B: every A becomes B.

    An A span on the same extent as a B span of the same annotator is a duplicate: it is
    deleted (counted), and the event arguments it filled move to the B span.
    """
    _run(db_path, a, b, True, annotator, dry_run, schema_path, kind)


@labels.command(name="undo")
@db_option
def labels_undo(db_path: Path) -> None:
    """Take back the last label rename or merge (only those: no annotator's own actions).

    What was changed since (a span relabelled or deleted meanwhile) is left as it is, and
    counted.
    """
    undone = open_store(db_path).undo_label_change()
    if undone is None:
        raise Fail(f"{db_path}: no label rename or merge to undo")
    echo(f"undone: {field(undone.action.payload.get('label', 'labels change'))} "
         f"({undone.restored} rows restored"
         + (f", {undone.skipped} left as they are: changed since)" if undone.skipped else ")"))


def _run(db_path: Path, old: str, new: str, merge: bool, annotator: str | None, dry_run: bool,
         schema_path: Path | None, kind: str | None) -> None:
    from storage.labels import LabelError

    schema = schema_from(schema_path)
    store = open_store(db_path)
    try:
        if dry_run:
            change = store.plan_label_change(schema, old, new, merge, annotator, kind)
        else:
            change = store.change_label(schema, old, new, merge, annotator, kind)
    except LabelError as exc:
        raise Fail(str(exc)) from None
    what = "span label" if change.kind == "label" else "event type"
    verb = {False: "renamed", True: "merged"}[merge]
    head = f"{'dry run: would have ' if dry_run else ''}{verb} {what} {field(old)} " \
           f"{'into' if merge else '->'} {field(new)}"
    whose = f"{field(annotator)}'s annotations" if annotator else "every annotator"
    echo(f"{head} ({whose})")
    columns = ["spans", "events", "arguments", "duplicates"]
    if not change.counts:
        echo(f"nothing stored uses {field(old)}: nothing {'would change' if dry_run else 'changed'}")
    else:
        names = [field(n) for n in change.counts]
        width = max(9, *(len(n) for n in names))
        echo("  ".join(["annotator".ljust(width), *(c.rjust(10) for c in columns)]).rstrip())
        for name, counts in zip(names, change.counts.values()):
            echo("  ".join([name.ljust(width), *(str(counts[c]).rjust(10) for c in columns)]))
        echo("  ".join(["total".ljust(width), *(str(change.total(c)).rjust(10) for c in columns)]))
        if not dry_run:
            echo("undo with: newsmark labels undo")
    for line in schema_hints(change.kind, old, new, merge, schema_path):
        echo(line)


def schema_hints(kind: str, old: str, new: str, merge: bool, path: Path | None) -> list[str]:
    """What to change in the schema file by hand (the command does not rewrite it): the lines
    that name ``old``, with the change each needs."""
    table = "[[labels]]" if kind == "label" else "[[events]]"
    if merge:
        todo = f"remove the {table} table named \"{old}\" ({new} stays)"
        if kind == "label":
            todo += f", and \"{old}\" from the roles' labels lists (\"{new}\" in its place)"
    else:
        todo = f"in the {table} table, name = \"{old}\" -> name = \"{new}\""
        if kind == "label":
            todo += f", and \"{old}\" -> \"{new}\" in the roles' labels lists"
    lines = [f"the schema file is not changed by this command: {field(todo)}"]
    if path is None:
        return lines + ["(no --schema given: the built-in news schema has no file to change)"]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return lines
    quoted = re.compile(r"""(["'])""" + re.escape(old) + r"\1")
    for number, line in enumerate(text.splitlines(), 1):
        if quoted.search(line):
            lines.append(f"  {field(path)}:{number}: {field(line.strip())}")
    return lines
