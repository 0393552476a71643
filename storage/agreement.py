"""What agreement reads: the annotators' finished work, article by article, in batches.

``works(annotators, query)`` walks the articles that at least two of ``annotators`` marked done,
in id order, ``batch`` articles at a time, and reads each batch with one query per table
(statuses, token starts, spans, events, arguments): a few queries per batch and one batch in
memory, whatever the library's size. Articles come as their token starts only (never their
text): agreement needs nothing else of them.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

from newsmark.agreement import ArticleWork, Work
from newsmark.model import Argument, Event, Span
from newsmark.query import Query

from .library import query_where
from .rows import bind

try:
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - orjson is a dependency; the same result, slower
    from json import loads as _loads

BATCH = 500
_ANN = re.compile(r":ann\b")


def token_starts(tokens_json: str) -> list[int]:
    """The token starts of the stored token JSON (``[[start, end, ws], ...]``)."""
    if not tokens_json or tokens_json == "[]":
        return []
    if " " not in tokens_json and "." not in tokens_json:
        # one flat list instead of a list per token: [[0,5,1],[6,10,0]] -> [0,5,1,6,10,0]
        try:
            flat = _loads("[" + tokens_json[2:-2].replace("],[", ",") + "]")
            return flat[0::3]
        except ValueError:
            pass
    return [int(t[0]) for t in _loads(tokens_json)]


class Agreement:
    """The annotators' finished work, on one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def annotators(self) -> dict[str, int]:
        """Every annotator with any work (a status, a span or an event) -> how many articles
        they finished (0: none)."""
        rows = self.conn.execute(
            "select annotator, sum(done) from ("
            " select annotator, status = 'done' as done from status"
            " union all select distinct annotator, 0 from spans"
            " union all select distinct annotator, 0 from events)"
            " group by annotator order by annotator").fetchall()
        return {name: int(done or 0) for name, done in rows}

    def works(self, annotators: list[str], query: Query | None = None,
              batch: int = BATCH) -> Iterator[ArticleWork]:
        """Each article two or more of ``annotators`` finished (and, with ``query``, for which
        the library filter matches with each of them as the annotator: an article counts for a
        pair when it matches for both), with the finished annotators' spans and events."""
        last = 0
        while True:
            args: dict = {"last": last, "lim": batch}
            ann = bind("an", annotators, args)
            ids = [r[0] for r in self.conn.execute(
                "select article_id from status where status = 'done' and article_id > :last "
                f"and annotator in ({ann}) group by article_id having count(*) >= 2 "
                "order by article_id limit :lim", args)]
            if not ids:
                return
            last = ids[-1]
            found = self._finished(ids, annotators, query)
            if found:
                yield from self._load(found, annotators)

    def _finished(self, ids: list[int], annotators: list[str], query: Query | None
                  ) -> dict[int, list[str]]:
        """article id -> the annotators (two or more) who finished it and for whom it matches."""
        args: dict = {"lo": ids[0], "hi": ids[-1]}
        ann = bind("an", annotators, args)
        library, where = "", ""
        if query is not None and not query.empty:
            qwhere, qargs = query_where(self.conn, "", query, whole=True)
            qargs.pop("ann", None)
            args.update(qargs)
            library = "join library l on l.id = st.article_id"
            where = " and (" + _ANN.sub("st.annotator", qwhere) + ")"
        found: dict[int, list[str]] = {}
        for aid, name in self.conn.execute(
            f"select st.article_id, st.annotator from status st {library} "
            "where st.status = 'done' and st.article_id between :lo and :hi "
            f"and st.annotator in ({ann}){where} order by st.article_id, st.annotator", args
        ):
            found.setdefault(aid, []).append(name)
        return {aid: names for aid, names in found.items() if len(names) >= 2}

    def _load(self, found: dict[int, list[str]], annotators: list[str]) -> Iterator[ArticleWork]:
        args: dict = {}
        ids = bind("id", sorted(found), args)
        ann = bind("an", annotators, args)
        arts = {aid: ArticleWork(aid, token_starts(tokens)) for aid, tokens in self.conn.execute(
            f"select id, tokens from articles where id in ({ids})", args)}
        spans: dict[tuple[int, str], list[Span]] = {}
        for sid, aid, name, start, end, label in self.conn.execute(
            "select id, article_id, annotator, start, end, label from spans "
            f"where article_id in ({ids}) and annotator in ({ann})", args
        ):
            spans.setdefault((aid, name), []).append(Span(start, end, label, aid, name, id=sid))
        events: dict[tuple[int, str], list[Event]] = {}
        by_id: dict[int, Event] = {}
        for eid, aid, name, typ, start, end in self.conn.execute(
            "select id, article_id, annotator, type, start, end from events "
            f"where article_id in ({ids}) and annotator in ({ann})", args
        ):
            event = Event(start, end, typ, article_id=aid, annotator=name, id=eid)
            events.setdefault((aid, name), []).append(event)
            by_id[eid] = event
        if by_id:
            for arg_id, eid, role, span_id in self.conn.execute(
                "select a.id, a.event_id, a.role, a.span_id from event_arguments a "
                f"join events e on e.id = a.event_id where e.article_id in ({ids}) "
                f"and e.annotator in ({ann})", args
            ):
                by_id[eid].arguments.append(Argument(role, span_id, arg_id))
        for aid in sorted(found):
            art = arts[aid]
            for name in found[aid]:
                art.work[name] = Work(spans.get((aid, name), []), events.get((aid, name), []))
            yield art
