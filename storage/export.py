"""Selecting and streaming records for export.

``records(selection)`` walks the articles in id order, 500 at a time, and reads each batch's
spans, events, arguments and attributes with one query each (by id range when every article of
the batch is exported, else ``IN (...)``), so an export costs a handful of queries per 500
articles and holds one batch in memory, whatever the library's size. Articles come without
``raw`` (the input bytes): no export needs them; and as ``PackedArticle``s, their tokens still
the stored JSON until a format reads ``tokens`` (prodigy never does).
"""

from __future__ import annotations

import gc
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timezone

from newsmark.errors import NewsmarkError
from newsmark.formats import Record
from newsmark.model import Argument, Article, Event, Span
from newsmark.query import Query
from newsmark.split import split_of

from ._packed import PackedArticle
from .annotations import Annotations
from .articles import Articles
from .events import Events
from .library import query_where
from .rows import EXPORT_BATCH, bind, blocks_from_json

BATCH = EXPORT_BATCH
_ANN = re.compile(r":ann\b")


class SelectionError(NewsmarkError, ValueError):
    pass


@dataclass(slots=True)
class Selection:
    """Which records an export gets.

    - ``annotators``: only their work (``None``: everyone's);
    - ``done_only``: only records the annotator marked done;
    - ``labels``: keep only spans with these labels (event arguments pointing at other spans are
      dropped; records are selected as without it, so a done article without such spans is
      still exported, as a negative example);
    - ``since``: only records whose annotator changed anything on the article (spans, events,
      status, or any undoable action) at or after this ISO 8601 UTC time or date;
    - ``query``: the library filter language, evaluated per record with its annotator's status
      and spans; as in the library, only the newest version of an article matches;
    - ``split``: ``(name, ratios)``: only articles whose text hash falls into that split.
    """

    annotators: list[str] | None = None
    done_only: bool = False
    labels: list[str] | None = None
    since: str | None = None
    query: Query | None = None
    split: tuple[str, tuple[float, float, float]] | None = None
    batch: int = field(default=BATCH)


def parse_since(value: str) -> str:
    """``2025-06-01`` or ``2025-06-01T12:00[+02:00]`` -> the UTC timestamp prefix storage compares
    with (a time without an offset is UTC)."""
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        raise SelectionError(f"--since: expected a date like 2025-06-01 or 2025-06-01T12:00, "
                             f"got {value!r}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(timezone.utc)
    if dt.time() == time(0) and "T" not in value and " " not in value.strip():
        return dt.date().isoformat()
    return dt.isoformat(timespec="milliseconds")


class Exports:
    """Records read for export, on one connection."""

    def __init__(self, conn: sqlite3.Connection, articles: Articles, annotations: Annotations,
                 events: Events) -> None:
        self.conn = conn
        self.articles = articles
        self.annotations = annotations
        self.events = events

    def id_ranges(self, batch: int = BATCH) -> Iterator[tuple[int, int]]:
        """(first, last) article ids of consecutive batches of ``batch`` articles."""
        last = 0
        while True:
            ids = [r[0] for r in self.conn.execute(
                "select id from articles where id > ? order by id limit ?", [last, batch])]
            if not ids:
                return
            yield ids[0], ids[-1]
            last = ids[-1]

    def records(self, selection: Selection | None = None, lo: int | None = None,
                hi: int | None = None) -> Iterator[Record]:
        """The selected records in article order (then annotator), streamed batch by batch;
        ``lo``/``hi``: only articles with ids in that range (inclusive)."""
        sel = selection or Selection()
        last = 0 if lo is None else lo - 1
        bound = "" if hi is None else f" and id <= {int(hi)}"
        while True:
            ids = [r[0] for r in self.conn.execute(
                f"select id from articles where id > ?{bound} order by id limit ?", [last, sel.batch])]
            if not ids:
                return
            last = ids[-1]
            pairs = self._selected_pairs(ids[0], ids[-1], sel)
            if sel.split is not None:
                name, ratios = sel.split
                pairs = [p for p in pairs if split_of(p[3], ratios) == name]
            if pairs:
                # every article of the batch in a record (no filter, or none that bites): its
                # rows are read by id range, else by the list of ids
                whole = (ids[0], ids[-1]) if len({p[0] for p in pairs}) == len(ids) else None
                # a batch is some 100,000 new objects, none in a reference cycle: the cyclic
                # collector would only scan them (and, as they survive into older generations,
                # the whole heap) again and again while they are built
                enabled = gc.isenabled()
                gc.disable()
                try:
                    batch = list(self._load_records(pairs, sel, whole))
                finally:
                    if enabled:
                        gc.enable()
                yield from batch

    def _selected_pairs(self, lo: int, hi: int, sel: Selection) -> list[tuple[int, str, str, str]]:
        """(article id, annotator, status, text hash) with work in the article id range."""
        args: dict = {"lo": lo, "hi": hi}
        where = ["1"]
        if sel.done_only:
            where.append("st.status = 'done'")
        if sel.annotators:
            where.append(f"pairs.annotator in ({bind('an', sel.annotators, args)})")
        if sel.since:
            args["since"] = sel.since
            where.append(
                "(st.updated >= :since"
                " or exists (select 1 from spans s where s.article_id = a.id"
                "            and s.annotator = pairs.annotator and s.updated >= :since)"
                " or exists (select 1 from events e where e.article_id = a.id"
                "            and e.annotator = pairs.annotator and e.updated >= :since)"
                " or exists (select 1 from actions x where x.annotator = pairs.annotator"
                "            and x.article_id = a.id and x.created >= :since))"
            )
        library = ""
        if sel.query is not None and not sel.query.empty:
            # the library's filter, with its one annotator replaced by each record's annotator
            qwhere, qargs = query_where(self.conn, "", sel.query, whole=True)
            qargs.pop("ann", None)
            where.append("(" + _ANN.sub("pairs.annotator", qwhere) + ")")
            args.update(qargs)
            library = "join library l on l.id = a.id"  # (the filter lists the newest versions)
        sql = f"""
            with pairs as (
                select article_id, annotator from spans where article_id between :lo and :hi
                union select article_id, annotator from events where article_id between :lo and :hi
                union select article_id, annotator from status
                      where status = 'done' and article_id between :lo and :hi
            )
            select pairs.article_id, pairs.annotator, coalesce(st.status, 'todo'), a.text_hash
            from pairs join articles a on a.id = pairs.article_id {library}
            left join status st on st.article_id = a.id and st.annotator = pairs.annotator
            where {' and '.join(where)}
            order by pairs.article_id, pairs.annotator
        """
        return [tuple(r) for r in self.conn.execute(sql, args).fetchall()]

    def _load_records(self, pairs: list[tuple[int, str, str, str]], sel: Selection,
                      whole: tuple[int, int] | None = None) -> Iterator[Record]:
        annotators = sorted({p[1] for p in pairs})
        args: dict = {}
        if whole is None:
            in_ids = f"in ({bind('id', sorted({p[0] for p in pairs}), args)})"
        else:
            args["lo"], args["hi"] = whole
            in_ids = "between :lo and :hi"
        in_ann = bind("an", annotators, args)
        label_filter = ""
        if sel.labels is not None:
            label_filter = f" and s.label in ({bind('lab', sel.labels, args)})" if sel.labels else " and 0"

        articles = {}
        packed = PackedArticle.from_packed
        for (aid, url, source, title, kicker, author, published, language, text, text_hash,
             tokens, origin, version, ingested, parent_id, feed_id, blocks) in self.conn.execute(
            "select id, url, source, title, kicker, author, published, language, text, text_hash, "
            "tokens, origin, version, ingested, parent_id, feed_id, blocks from articles "
            f"where id {in_ids}",
            args,
        ):
            # tokens stay packed until a format reads them (prodigy never does)
            articles[aid] = packed(
                tokens, id=aid, url=url, source=source or "", title=title, kicker=kicker,
                author=author, published=published, language=language, text=text,
                text_hash=text_hash, origin=origin or "file", version=version or 1,
                ingested=ingested, parent_id=parent_id, feed_id=feed_id,
                blocks=blocks_from_json(blocks))

        spans: dict[tuple[int, str], list] = {}
        key_aid = key_ann = add = None
        # one annotator (the usual case): not read again with every span
        one = annotators[0] if len(annotators) == 1 else None
        rows = self.conn.execute(
            f"select s.id, s.article_id, {'' if one else 's.annotator, '}s.start, s.end, s.label, "
            f"s.text_hash, s.origin, s.created, s.updated from spans s where s.article_id {in_ids} "
            f"and s.annotator in ({in_ann}){label_filter} "
            "order by s.article_id, s.annotator, s.start, s.end desc, s.id",
            args,
        )
        if one is not None:
            for (sid, aid, start, end, label, text_hash, origin, created, updated) in rows:
                if aid != key_aid:  # rows come grouped by article
                    key_aid = aid
                    add = spans.setdefault((aid, one), []).append
                add(Span(start, end, label, aid, one, text_hash, origin, sid, created, updated))
        else:
            for (sid, aid, ann, start, end, label, text_hash, origin, created, updated) in rows:
                if aid != key_aid or ann != key_ann:  # rows come grouped by (article, annotator)
                    key_aid, key_ann = aid, ann
                    add = spans.setdefault((aid, ann), []).append
                add(Span(start, end, label, aid, ann, text_hash, origin, sid, created, updated))

        events: dict[tuple[int, str], list[Event]] = {}
        by_id: dict[int, Event] = {}
        for r in self.conn.execute(
            "select id, article_id, annotator, type, start, end, text_hash, created, updated "
            f"from events where article_id {in_ids} and annotator in ({in_ann}) "
            "order by article_id, annotator, start, end, id", args
        ):
            ev = Event(r[4], r[5], r[3], [], {}, r[1], r[2], r[6], r[0], r[7], r[8])
            events.setdefault((r[1], r[2]), []).append(ev)
            by_id[ev.id] = ev
        if by_id:
            for aid, eid, role, span_id in self.conn.execute(
                "select a.id, a.event_id, a.role, a.span_id from event_arguments a "
                "join events e on e.id = a.event_id join spans s on s.id = a.span_id "
                f"where e.article_id {in_ids} and e.annotator in ({in_ann}){label_filter} "
                "order by s.start, a.id", args
            ):
                by_id[eid].arguments.append(Argument(role, span_id, aid))
            for eid, name, value in self.conn.execute(
                "select t.event_id, t.name, t.value from event_attributes t "
                "join events e on e.id = t.event_id "
                f"where e.article_id {in_ids} and e.annotator in ({in_ann}) order by t.name",
                args,
            ):
                by_id[eid].attributes[name] = value

        for article_id, annotator, status, _hash in pairs:
            key = (article_id, annotator)
            yield Record(articles[article_id], annotator, status, spans.get(key, []),
                         events.get(key, []))

    # --- one record at a time (the simple reader the batched one is tested against) --------------

    def iter_records(
        self, annotators: list[str] | None = None, done_only: bool = False
    ) -> Iterator[Record]:
        """Every annotator's work on every article that has spans, events or is done, in article
        order, one at a time (exports stream: nothing is materialised)."""
        for article, annotator, status, spans in self.iter_annotated(annotators, done_only):
            yield Record(article, annotator, status, spans,
                         self.events.events(article.id, annotator))

    def iter_annotated(
        self, annotators: list[str] | None = None, done_only: bool = False
    ) -> Iterator[tuple[Article, str, str, list[Span]]]:
        """(article, annotator, status, spans) for every annotator's work on every article that
        has spans or is done, in article order."""
        where = [("(st.status = 'done' or exists (select 1 from spans s where s.article_id = a.id "
                  "and s.annotator = pairs.annotator) or exists (select 1 from events e where "
                  "e.article_id = a.id and e.annotator = pairs.annotator))")]
        args: list = []
        if done_only:
            where.append("st.status = 'done'")
        if annotators:
            where.append(f"pairs.annotator in ({', '.join('?' for _ in annotators)})")
            args.extend(annotators)
        sql = f"""
            with pairs as (
                select article_id, annotator from spans
                union select article_id, annotator from events
                union select article_id, annotator from status where status = 'done'
            )
            select pairs.article_id, pairs.annotator, coalesce(st.status, 'todo')
            from pairs join articles a on a.id = pairs.article_id
            left join status st on st.article_id = a.id and st.annotator = pairs.annotator
            where {' and '.join(where)}
            order by pairs.article_id, pairs.annotator
        """
        for article_id, annotator, status in self.conn.execute(sql, args).fetchall():
            yield (self.articles.article(article_id), annotator, status,
                   self.annotations.spans(article_id, annotator))
