"""``newsmark export`` and ``newsmark import``: training data out, annotations in."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from newsmark.formats import FORMATS
from newsmark.formats.importers import MAX_IMPORT_BYTES

from .common import (
    Fail,
    StreamError,
    db_option,
    default_annotator,
    echo,
    field,
    open_store,
    schema_from,
    schema_option,
)
from .root import main


def selection_options(fn):
    """``export``'s record selection: --status, --label, --since, --query, --merge, --split.

    The wrapped command gets ``selection`` (a ``storage.export.Selection``, annotators still to
    be filled in) and ``split`` (the train/dev/test ratios, or None) instead.
    """
    options = [
        click.option("--status", type=click.Choice(["done", "any"]), default="done",
                     show_default=True,
                     help="done: only records whose annotator marked the article done; any: "
                     "unfinished ones too, marked (meta.status; prodigy answer 'ignore')."),
        click.option("--label", "labels", multiple=True,
                     help="Keep only spans with this label (repeatable); arguments pointing at "
                     "other spans are dropped, records are selected as without it."),
        click.option("--since", metavar="DATE",
                     help="Only records changed at or after DATE (2025-06-01, or an ISO time; "
                     "UTC unless it has an offset)."),
        click.option("--query", metavar="FILTER",
                     help="Only articles matching the library's filter language, per record "
                     "annotator (e.g. 'status:done lang:de source:zeit').", default=None),
        click.option("--merge", type=click.Choice(["gold"]), default=None,
                     help="gold: export only the annotator named 'gold'."),
        click.option("--split", "split_spec", metavar="TRAIN/DEV/TEST",
                     help="Write three outputs, e.g. 80/10/10, each article by a hash of its "
                     "text: OUT-train.jsonl, OUT-dev.jsonl, OUT-test.jsonl (DIR-train, … for "
                     "brat), all or none."),
    ]

    @functools.wraps(fn)
    def wrapper(*args, status, labels, since, query, merge, split_spec, **kwargs):
        from newsmark.query import QueryError, parse_query
        from newsmark.split import SplitError, parse_split
        from storage.export import Selection, SelectionError, parse_since

        try:
            selection = Selection(
                done_only=status == "done",
                labels=list(labels) or None,
                since=parse_since(since) if since else None,
                query=parse_query(query) if query else None,
            )
            split = parse_split(split_spec) if split_spec else None
        except (QueryError, SplitError, SelectionError) as exc:
            raise click.UsageError(str(exc)) from None
        annotators = list(kwargs.get("annotators") or ())
        if merge == "gold":
            if annotators and annotators != ["gold"]:
                raise click.UsageError("--merge gold exports only the annotator 'gold'; "
                                       "leave out --annotator")
            kwargs["annotators"] = ("gold",)
        return fn(*args, selection=selection, split=split, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="prodigy",
              show_default=True, help="Output format.")
@click.option("-o", "--output", default="-", show_default=True,
              help="Output file (a directory for brat), or - for standard output. A file is "
              "replaced only once the export is complete (a temporary file beside it, renamed "
              "over it); /dev/stdout, devices and FIFOs are written directly. On a terminal, "
              "the data's control characters are escaped (spacy: refused).")
@click.option("--annotator", "annotators", multiple=True,
              help="Only this annotator's work (repeatable). [default: everyone]")
@schema_option("Label schema TOML file (for validation warnings). [default: the news schema]")
@click.option("--relations", is_flag=True,
              help="doccano: the entities-and-relations variant, with events as trigger entities.")
@click.option("--offsets", type=click.Choice(["utf16", "codepoints"]), default="utf16",
              show_default=True,
              help="doccano: offsets in UTF-16 code units, as doccano counts them, or in code "
              "points (they differ after an emoji).")
@click.option("--dataset", default="newsmark", show_default=True, metavar="NAME",
              help="prodigy: the dataset named in _annotator_id and _session_id "
              "(NAME-annotator, as Prodigy writes them).")
@click.option("--max-words", type=click.IntRange(1), default=200, show_default=True,
              help="hf: the most words in one example (chunks cut at sentence boundaries, "
              "never inside a span: a longer span is a longer chunk, and is reported).")
@click.option("--scheme", type=click.Choice(["iob2", "bioes"]), default="iob2",
              show_default=True, help="conll: the tagging scheme.")
@click.option("--sentences", is_flag=True,
              help="conll: one block per sentence (spaCy's rule-based sentencizer), not per "
              "paragraph.")
@click.option("--jobs", "workers", type=click.IntRange(0, 64), default=0, show_default="0: one per core, up to 4",
              help="prodigy: worker processes that render batches of articles; 1 renders in "
              "this process.")
@selection_options
def export(db_path: Path, fmt: str, output: str, annotators: tuple[str, ...],
           schema_path: Path | None, relations: bool, offsets: str, dataset: str,
           max_words: int, scheme: str, sentences: bool, workers: int,
           selection, split) -> None:
    """Export training data: one record per article and annotator marked done (--status any:
    unfinished ones with spans or events too, marked as such where the format has room).

    An error writing (a full disk, a size limit) is one line; the earlier output is kept.
    """
    from dataclasses import replace
    from importlib import import_module

    from newsmark.atomic import STDOUT, all_or_nothing
    from newsmark.formats import TerminalError
    from newsmark.formats import export as run_export
    from newsmark.formats.brat import BratError
    from newsmark.formats.prodigy import AlignmentError
    from newsmark.split import SPLIT_NAMES, SplitError, split_output

    schema = schema_from(schema_path)
    selection.annotators = list(annotators) or None
    jobs = [(output, selection)]
    if split is not None:
        directory = getattr(import_module(FORMATS[fmt]), "DIRECTORY", False)
        try:
            jobs = [(split_output(output, name, directory), replace(selection, split=(name, split)))
                    for name in SPLIT_NAMES]
        except SplitError as exc:
            raise click.UsageError(str(exc)) from None
    store = open_store(db_path)
    done = []
    out = output
    try:
        # the parts of a split are renamed into place together, once all are written
        with all_or_nothing():
            for out, sel in jobs:
                if fmt == "prodigy" and workers != 1:
                    from functools import partial

                    from newsmark.formats.prodigy import render
                    from storage.parallel import rendered

                    batches = rendered(db_path, sel, partial(render, schema=schema, dataset=dataset),
                                       workers or None)
                    summary = run_export(fmt, (), out, schema, rendered=batches, dataset=dataset)
                else:
                    unfinished = [0]
                    records = counting_unfinished(store.records(sel), unfinished)
                    summary = run_export(fmt, records, out, schema, relations=relations,
                                         offsets=offsets, dataset=dataset,
                                         max_words=max_words, scheme=scheme, sentences=sentences)
                    if unfinished[0] and fmt in UNMARKED_FORMATS:
                        summary.setdefault("notes", []).append(
                            f"{unfinished[0]} unfinished records included (--status any): not "
                            "marked done by their annotator, so an untagged token may just not "
                            "have been looked at yet")
                done.append((out, summary))
    except (AlignmentError, BratError, TerminalError) as exc:
        raise Fail(str(exc)) from None
    except OSError as exc:  # a full disk, a file size limit, no permission, …
        if exc.filename == STDOUT:  # as every command's standard output: a broken pipe is quiet
            raise StreamError(exc, err=False) from None
        raise cannot_write(exc, out) from None
    for out, summary in done:
        where = f" -> {field(out)}" if split is not None else ""
        echo(f"{summary['records']} records exported ({fmt}){where}", err=True)
        for note in summary.get("notes", []):
            echo(f"  {field(note)}", err=True)


# formats with no place to mark a record unfinished (prodigy and doccano have meta.status)
UNMARKED_FORMATS = ("spacy", "hf", "conll", "brat")


def counting_unfinished(records, counter: list[int]):
    """``records`` as they are, counting in ``counter[0]`` those not marked done."""
    for r in records:
        if r.status != "done":
            counter[0] += 1
        yield r


def cannot_write(exc: OSError, output: str | Path) -> Fail:
    """One line for an error writing ``output``: ``Error: out.jsonl: cannot write (No space
    left on device)``, naming the file the error names, else ``output``."""
    from newsmark.atomic import describe

    name, why = describe(exc, str(output))
    return Fail(f"{field(name)}: cannot write ({field(why)})")


@main.command(name="import")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["prodigy", "doccano"]), default="prodigy",
              show_default=True, help="Input format (JSONL).")
@click.option("--annotator", default=None,
              help="Whose annotations these are. [default: each line's meta.annotator, else your "
              "login name]")
@schema_option("Label schema TOML file the labels are checked against. [default: the news "
              "schema]")
@click.option("--add-labels", is_flag=True,
              help="Accept span labels and event types that are not in the schema.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid lines and report the invalid ones, instead of rejecting "
              "the whole file.")
@click.option("--max-bytes", type=click.IntRange(1), default=MAX_IMPORT_BYTES,
              show_default=True, help="Refuse larger files.")
@click.option("--offsets", type=click.Choice(["utf16", "codepoints"]), default="utf16",
              show_default=True,
              help="doccano: the unit of the file's offsets, UTF-16 code units (doccano's) or "
              "code points.")
def import_(db_path: Path, file: Path, fmt: str, annotator: str | None, schema_path: Path | None,
            add_labels: bool, skip_invalid: bool, max_bytes: int, offsets: str) -> None:
    """Import annotations from a Prodigy or doccano JSONL FILE, in one transaction.

    Articles are matched by their text, or created. A file with any invalid line is rejected
    whole (every bad line is listed), unless --skip-invalid.
    """
    from newsmark.formats.importers import ImportFileError, read

    schema = schema_from(schema_path)
    store = open_store(db_path, create=True)
    try:
        report = store.import_records(
            lambda: read(file, fmt, max_bytes, offsets), schema, annotator=annotator,
            fallback_annotator=default_annotator(), add_labels=add_labels,
            skip_invalid=skip_invalid)
    except ImportFileError as exc:
        raise Fail(str(exc)) from None
    for lineno, reason in report.invalid:
        echo(f"{field(file)}:{lineno}: {field(reason)}", err=True)
    if report.rejected:
        echo(f"{field(file)}: rejected, nothing imported: {len(report.invalid)} of {report.lines} "
                   "lines invalid (--skip-invalid imports the others)", err=True)
        sys.exit(1)
    echo(
        f"{report.records} records imported from {field(file)} ({fmt}): {report.articles_added} new "
        f"articles, {report.spans} spans, {report.events} events"
        + (f"; {report.ignored} not accepted, left out" if report.ignored else "")
        + (f"; {len(report.invalid)} invalid lines skipped" if report.invalid else ""),
        err=True)
    if report.new_labels:
        echo(f"  not in the schema: {', '.join(map(field, sorted(report.new_labels)))}", err=True)
    if report.records == 0 and report.invalid:
        sys.exit(1)

