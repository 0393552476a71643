"""Importing annotations: one transaction for a whole file (``Store.import_records``).

Every line is checked before anything of it is written; a line that fails is reported with its
number and reasons. Unless ``skip_invalid``, one bad line rolls the whole file back, so the
database is exactly as before. Imported annotations are not undoable actions (the undo log is
for the annotator's own edits); ``--since`` exports still see them by their timestamps.

Ids: an imported article keeps its exported id (prodigy ``meta.id``) and an event its exported
``id`` when the database has no row with that id yet, so an export imported into an empty
database exports again byte for byte. Otherwise they get new ids.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from newsmark.formats import importers
from newsmark.formats.importers import ImportRecord
from newsmark.model import Schema

from .articles import Articles
from .errors import StorageError
from .events import Events
from .rows import blocks_to_json, host_of, insert, now, tokens_from_json, tokens_to_json
from .status import touch_status

Items = (Callable[[], Iterable[tuple[int, ImportRecord | str]]]
         | Iterable[tuple[int, ImportRecord | str]])


@dataclass(slots=True)
class ImportReport:
    lines: int = 0  # non-blank lines read
    records: int = 0  # imported
    articles_added: int = 0
    articles_existing: int = 0  # records put on an article stored already (or earlier in the file)
    spans: int = 0  # spans added (identical spans already stored are not added again)
    events: int = 0  # events added (identical events already stored are not added again)
    ignored: int = 0  # prodigy answers other than accept, on lines without meta.status
    invalid: list[tuple[int, str]] = field(default_factory=list)
    new_labels: set[str] = field(default_factory=set)
    rejected: bool = False  # nothing was written


class Rejected(StorageError):
    """The file had invalid lines and ``skip_invalid`` was not given: raised out of the
    transaction, which rolls everything back; ``report`` says why."""

    def __init__(self, report: ImportReport):
        self.report = report


class Imports:
    """Writing imported records, on one connection."""

    def __init__(self, conn: sqlite3.Connection, articles: Articles, events: Events) -> None:
        self.conn = conn
        self.articles = articles
        self.events = events

    def run(self, items: Items, schema: Schema, annotator: str | None, fallback_annotator: str,
            add_labels: bool, skip_invalid: bool) -> ImportReport:
        """Store ``items`` (see ``Store.import_records``), inside the caller's transaction;
        ``Rejected`` when a line is invalid and not ``skip_invalid``."""
        report = ImportReport()
        for lineno, item in (items() if callable(items) else items):
            report.lines += 1
            if isinstance(item, str):
                report.invalid.append((lineno, item))
                continue
            if not item.accepted:
                report.ignored += 1
                continue
            row = self.conn.execute(
                "select id, tokens from articles where text_hash = ?", [item.text_hash]
            ).fetchone()
            tokens = tokens_from_json(row[1]) if row else importers.tokens_for(item)
            problems = importers.check(item, tokens, schema, add_labels)
            if problems:
                report.invalid.append((lineno, importers.join_reasons(problems)))
                continue
            if row:
                article_id = row[0]
                report.articles_existing += 1
            else:
                article_id = self._import_article(item, tokens)
                report.articles_added += 1
            who = annotator or item.annotator or fallback_annotator
            self._import_annotations(article_id, who, item, schema, report)
            report.records += 1
            report.new_labels |= importers.new_labels(item, schema)
        if report.invalid and not skip_invalid:
            report.rejected = True
            raise Rejected(report)  # the transaction is rolled back: nothing written
        return report

    def _id_free(self, table: str, wanted: int | None) -> bool:
        return bool(wanted) and self.conn.execute(
            f"select 1 from [{table}] where id = ?", [wanted]).fetchone() is None

    def _import_article(self, item: ImportRecord, tokens) -> int:
        latest = self.articles.latest_version(item.url) if item.url else None
        stamp = now()
        row = {
            "url": item.url,
            "source": item.source,
            "title": item.title,
            "language": item.language,
            "raw": item.text.encode("utf-8"),
            "text": item.text,
            "text_hash": item.text_hash,
            "tokens": tokens_to_json(tokens),
            "blocks": blocks_to_json(item.blocks),
            "origin": "import",
            "version": latest.version + 1 if latest else 1,
            "parent_id": latest.id if latest else None,
            "ingested": stamp,
            "host": host_of(item.url),
        }
        if self._id_free("articles", item.article_id):
            row["id"] = item.article_id
        return insert(self.conn, "articles", row)

    def _import_annotations(self, article_id: int, annotator: str, item: ImportRecord,
                            schema: Schema, report: ImportReport) -> None:
        stamp = now()
        count = "select count(*) from spans where article_id = ? and annotator = ?"
        before = self.conn.execute(count, [article_id, annotator]).fetchone()[0]
        self.conn.executemany(
            "insert or ignore into spans (article_id, annotator, start, end, label, text_hash, "
            "origin, created, updated) values (?, ?, ?, ?, ?, ?, 'manual', ?, ?)",
            [(article_id, annotator, s.start, s.end, s.label, item.text_hash, stamp, stamp)
             for s in item.spans],
        )
        report.spans += self.conn.execute(count, [article_id, annotator]).fetchone()[0] - before

        if item.events:
            span_ids: dict[tuple[int, int, str], int] = {}
            span_keys: dict[int, tuple[int, int, str]] = {}
            for sid, start, end, label in self.conn.execute(
                "select id, start, end, label from spans where article_id = ? and annotator = ?",
                [article_id, annotator],
            ):
                span_ids[(start, end, label)] = sid
                span_keys[sid] = (start, end, label)
            stored = {
                _signature(e.type, e.start, e.end,
                           [(a.role, *span_keys.get(a.span_id, (-1, -1, ""))) for a in e.arguments],
                           e.attributes, schema)
                for e in self.events.events(article_id, annotator)
            }
            for e in item.events:
                attrs = _without_defaults(e.attributes, schema)
                sig = _signature(e.type, e.start, e.end,
                                 [(a.role, a.start, a.end, a.label) for a in e.arguments], attrs, schema)
                if sig in stored:  # importing the same file twice adds nothing
                    continue
                row = {"article_id": article_id, "annotator": annotator, "type": e.type,
                       "start": e.start, "end": e.end, "text_hash": item.text_hash,
                       "created": stamp, "updated": stamp}
                if self._id_free("events", e.id):
                    row["id"] = e.id
                event_id = insert(self.conn, "events", row)
                self.conn.executemany(
                    "insert into event_arguments (event_id, role, span_id) values (?, ?, ?)",
                    [(event_id, a.role, span_ids[(a.start, a.end, a.label)]) for a in e.arguments],
                )
                self.conn.executemany(
                    "insert into event_attributes (event_id, name, value) values (?, ?, ?)",
                    [(event_id, k, v) for k, v in sorted(attrs.items())],
                )
                report.events += 1

        if item.done:
            self.conn.execute(
                """insert into status (article_id, annotator, status, updated)
                   values (?, ?, 'done', ?)
                   on conflict (article_id, annotator) do update
                   set status = 'done', updated = excluded.updated where status != 'done'""",
                [article_id, annotator, stamp],
            )
        elif item.status in ("in_progress", "skipped"):  # as the export said
            self.conn.execute(
                """insert into status (article_id, annotator, status, updated) values (?, ?, ?, ?)
                   on conflict (article_id, annotator) do update
                   set status = excluded.status, updated = excluded.updated
                   where status != excluded.status""",
                [article_id, annotator, item.status, stamp],
            )
        elif item.status == "todo":  # as the export said; todo needs no row of its own
            self.conn.execute(
                "update status set status = 'todo', updated = ? "
                "where article_id = ? and annotator = ? and status != 'todo'",
                [stamp, article_id, annotator],
            )
        elif item.status is None and (item.spans or item.events):
            touch_status(self.conn, article_id, annotator)


def _without_defaults(attributes: dict[str, str], schema: Schema) -> dict[str, str]:
    """Attributes as storage keeps them: a value equal to the schema's default is implied."""
    out = {}
    for name, value in attributes.items():
        attr = schema.attribute(name)
        if attr is None or value != attr.default:
            out[name] = value
    return out


def _signature(etype: str, start: int, end: int, arguments: list[tuple], attributes: dict,
               schema: Schema) -> tuple:
    return (etype, start, end, tuple(sorted(arguments)),
            tuple(sorted(_without_defaults(attributes, schema).items())))
