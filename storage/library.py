"""The library: filtered, sorted, paged article lists, progress, positions.

Every list query is a page (``LIMIT``/``OFFSET``) over indexed columns, so the first screen of a
100,000-article library costs about what it costs for 100. The ``library`` table holds one narrow
row per newest version (kept by a trigger, migration ``m006_library_at_scale``) with a covering
index in date order, so counts and filters read that index, not the article rows. A status,
label or text filter chooses how to apply itself by how many articles it matches (``_plan``).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable

from newsmark.model import STATUSES, ArticleRow
from newsmark.query import Query, in_queue

from .assignments import has_assignments
from .rows import bind, now, select

_SORTS = {
    "date": "l.sort_date {dir}, l.id {dir}",
    "title": "l.title {dir}, l.id",
    "source": "l.source {dir}, l.sort_date desc, l.id",
    "status": "coalesce(st.status, 'todo') {dir}, l.sort_date desc, l.id",
    # a model's uncertainty (the ``uncertainty`` table): the least certain first (ascending is
    # "least certain first"), the articles without a score last, by date (``_uncertain``)
    "uncertain": "l._k, l._u {udir}, l._i {idir}, l.sort_date desc, l.id desc",
}
# the list with each row's status for the annotator :ann (for the rows shown, and to sort by)
_LIST = "library l left join status st on st.article_id = l.id and st.annotator = :ann"


_WORD = re.compile(r"\w+")
COMMON_SHARE = 0.1  # a text filter matching more than this share of articles is "common"


def fold(word: str) -> str:
    """A word as FTS5's unicode61 tokenizer indexes it: lower case, no diacritics."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fts_match(terms: list[str]) -> str:
    """An FTS5 query: every term as a quoted phrase, all required."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def query_where(conn: sqlite3.Connection, annotator: str, q: Query,
                whole: bool = False) -> tuple[str, dict]:
    """The SQL condition over the newest versions (``library l``) for the annotator ``:ann``,
    and its arguments, for the library filter ``q``; exports select with it too.
    ``whole``: the condition is for the whole list (a count, every id), not for its first
    page."""
    where = ["1"]
    args: dict = {"ann": annotator}
    if q.status or q.not_status:
        # the annotator's statuses are few beside the articles: collect the ids with (or,
        # for "todo", without) a status first, instead of looking each article's status up
        wanted = [st for st in STATUSES
                  if (not q.status or st in q.status) and st not in q.not_status]
        if "todo" in wanted:  # no status row is "todo": exclude the articles with another one
            other = [st for st in STATUSES if st not in wanted]
            names = bind("st", other, args)
            if other and whole:
                where.append("l.id not in (select article_id from status where annotator = :ann "
                             f"and status in ({names}))")
            elif other:  # a page: most rows pass, so ask about the few rows it walks
                where.append("not exists (select 1 from status x where x.article_id = l.id "
                             f"and x.annotator = :ann and x.status in ({names}))")
        else:
            names = bind("st", wanted, args)
            where.append("l.id in (select article_id from status where annotator = :ann "
                         f"and status in ({names}))")
    if q.source:
        # the names that contain a term (``sites``: every source name and host once, a few
        # hundred rows), then the articles with one of them, by the source and host indexes
        likes = " or ".join(f"name like :src{i} escape '\\'" for i in range(len(q.source)))
        args.update({f"src{i}": "%" + _like_escape(v) + "%" for i, v in enumerate(q.source)})
        names = f"(select name from sites where {likes})"
        where.append(f"(l.source in {names} or l.host in {names})")
    if q.lang:
        where.append(f"l.language in ({bind('lang', [v.lower() for v in q.lang], args)})")
    if q.label:
        labels = bind("lab", q.label, args)
        matches = f"select article_id from spans where annotator = :ann and label in ({labels})"
        # (a page of many walks the list either way: "probe" is for the full-text index only)
        where.append(_within(matches, _plan(conn, _counter(conn, matches, args), whole,
                                            probe=False)))
    if q.assigned and "all" not in q.assigned:
        # by the assignments_annotator index; a page of most articles (an annotator's share of
        # the team's) asks the primary key (article, annotator) about each row it walks
        people = bind("asg", [annotator if n == "me" else n for n in q.assigned], args)
        matches = f"select article_id from assignments where annotator in ({people})"
        plan = _plan(conn, _counter(conn, matches, args), whole)
        where.append(f"exists (select 1 from assignments x where x.article_id = l.id and "
                     f"x.annotator in ({people}))" if plan == "probe" else _within(matches, plan))
    if q.after:
        where.append("l.sort_date >= :after")
        args["after"] = q.after
    if q.before:
        where.append("l.sort_date < :before")
        args["before"] = q.before
    if q.text:
        args["fts"] = fts_match(q.text)
        if len({fold(w) for t in q.text for w in _WORD.findall(t)}) == 1:
            plan = _plan(conn, _counter(conn, _FTS_IDS, args), whole)
        else:  # words common alone are mostly rare together (and probing a rare match reads
            plan = "collect"  # the whole list): collect what matches
        if plan == "probe":
            where.append("exists (select 1 from articles_fts where articles_fts.rowid = l.id "
                         "and articles_fts match :fts)")
        else:
            where.append(_within(_FTS_IDS, plan))
    return " and ".join(where), args


def _order(sort: str, desc: bool) -> str:
    """The ORDER BY of ``sort``; ``desc``: the other way round (for ``uncertain``: the most
    certain first)."""
    udir, idir = ("asc", "desc") if desc else ("desc", "asc")
    return _SORTS[sort].format(dir="desc" if desc else "asc", udir=udir, idir=idir)


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_FTS_IDS = "select rowid from articles_fts where articles_fts match :fts"
SMALL_SET = 500  # matches few enough to read by id and sort


def _counter(conn: sqlite3.Connection, ids: str, args: dict) -> Callable[[int], int]:
    """``count(bound)``: how many ids the query ``ids`` gives, counting no further than
    ``bound`` (a common word's whole doclist is ~3 ms at 100,000 articles; the first 500 or
    10,000 of it a tenth of that)."""
    def count(bound: int) -> int:
        sql = f"select count(*) from ({ids} limit :bound)"
        return conn.execute(sql, {**args, "bound": bound}).fetchone()[0]
    return count


def fts_common(conn: sqlite3.Connection, terms: list[str]) -> bool:
    """Whether a one-word text filter matches more than COMMON_SHARE of the articles (a page
    of it probes the full-text index row by row)."""
    words = {fold(w) for t in terms for w in _WORD.findall(t)}
    count = _counter(conn, _FTS_IDS, {"fts": fts_match(terms)})
    return len(words) == 1 and _plan(conn, count, whole=False) == "probe"


def _plan(conn: sqlite3.Connection, count: Callable[[int], int], whole: bool,
          probe: bool = True) -> str:
    """How to apply a condition whose matches ``count(bound)`` counts up to ``bound`` (counted
    only for a page: the whole list is always collected).

    - ``collect``: few (under SMALL_SET), or the whole list (a count, every id): read those
      articles by id, then sort them;
    - ``walk``: more, for a page: collect their ids in a set, walk the list in its order and
      keep the rows in the set (a page stops after its rows);
    - ``probe``: most (over COMMON_SHARE), for a page of a text filter: walk the list and ask
      the full-text index about each row; a page needs few more rows than it shows
      (``probe=False``: never, so the matches are not counted past SMALL_SET).
    """
    if whole or count(SMALL_SET) < SMALL_SET:
        return "collect"
    if not probe:
        return "walk"
    total = conn.execute("select max(id) from library").fetchone()[0] or 0
    common = int(COMMON_SHARE * total)
    return "probe" if count(common + 1) > common else "walk"


def _within(ids: str, plan: str) -> str:
    # (``+l.id``: the id is not looked up by key, so SQLite walks an index in the list's order)
    return f"{'+' if plan != 'collect' else ''}l.id in ({ids})"


class Library:
    """Lists of articles, progress and reading positions, on one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # whose uncertainty the ``uncertain`` sort uses (``model:NAME``); None: the one scored last
        self.model: str | None = None
        self._latest: str | None = None  # (latest_model)

    def library(
        self,
        annotator: str,
        query: Query | None = None,
        sort: str = "date",
        descending: bool | None = None,
        offset: int = 0,
        limit: int = 200,
    ) -> list[ArticleRow]:
        q = query or Query()
        where, args = query_where(self.conn, annotator, q)
        desc = (sort == "date") if descending is None else descending
        order = _order(sort, desc)
        # the page's ids first, then the status and span count of just these rows (not of every
        # row that matched and was sorted)
        source = _LIST if sort == "status" else "library l"
        if sort == "uncertain":
            source, where = self._uncertain(where, args, desc, limited=True), "1"
        sql = f"""
            with page as materialized (
                select l.* from {source} where {where} order by {order}
                limit :limit offset :offset
            )
            select l.*, coalesce(st.status, 'todo') as status, coalesce(st.flagged, 0) as flagged,
                   (select count(*) from spans s
                     where s.article_id = l.id and s.annotator = :ann) as spans
            from page l left join status st on st.article_id = l.id and st.annotator = :ann
            order by {order}
        """
        args.update(limit=limit, offset=offset)
        rows = []
        for r in select(self.conn, sql, args):
            rows.append(
                ArticleRow(
                    id=r["id"], title=r["title"] or "", source=r["source"] or "",
                    published=r["sort_date"], language=r["language"], status=r["status"],
                    spans=r["spans"], url=r["url"], extra={"flagged": bool(r["flagged"])},
                )
            )
        return rows

    def library_count(self, annotator: str, query: Query | None = None) -> int:
        where, args = query_where(self.conn, annotator, query or Query(), whole=True)
        sql = f"select count(*) from library l where {where}"
        return self.conn.execute(sql, args).fetchone()[0]

    def library_ids(self, annotator: str, query: Query | None = None, sort: str = "date",
                    descending: bool | None = None) -> list[int]:
        q = query or Query()
        where, args = query_where(self.conn, annotator, q, whole=True)
        desc = (sort == "date") if descending is None else descending
        order = _order(sort, desc)
        source = _LIST if sort == "status" else "library l"
        if sort == "uncertain":
            source, where = self._uncertain(where, args, desc, limited=False), "1"
        sql = f"select l.id from {source} where {where} order by {order}"
        return [r[0] for r in self.conn.execute(sql, args).fetchall()]

    def _uncertain(self, where: str, args: dict, desc: bool, limited: bool) -> str:
        """The list for the ``uncertain`` sort, as a subquery ``l``: the scored articles in
        the order of the ``uncertainty_order`` index (model, score desc, article id), then the
        others by date; a page reads no more than ``:limit + :offset`` rows of either."""
        args["model"] = self.model if self.model is not None else self.latest_model()
        udir, idir = ("asc", "desc") if desc else ("desc", "asc")
        limit = " limit :limit + :offset" if limited else ""
        return f"""(select * from (
                select l.*, 0 as _k, u.score as _u, u.article_id as _i from uncertainty u
                  join library l on l.id = u.article_id
                 where u.model = :model and {where}
                 order by u.score {udir}, u.article_id {idir}{limit})
            union all
            select * from (
                select l.*, 1, null, null from library l
                 where {where} and not exists (select 1 from uncertainty x
                                               where x.model = :model and x.article_id = l.id)
                 order by l.sort_date desc, l.id desc{limit})) l"""

    def latest_model(self) -> str:
        """The model scored last ('' when none has scores), kept once found (it reads every
        score: no index has the time)."""
        if not self._latest:
            row = self.conn.execute("select model from uncertainty order by computed desc, "
                                    "model limit 1").fetchone()
            self._latest = row[0] if row else ""
        return self._latest

    def newest_language(self) -> str | None:
        """The language of the newest article (what the next one opened is likely in)."""
        row = self.conn.execute("select language from library order by id desc limit 1").fetchone()
        return row[0] if row else None

    def progress(self, annotator: str) -> tuple[int, int, dict[str, int]]:
        """(done, total, spans per label) for this annotator over the newest versions."""
        total = self.library_count(annotator)
        done = self.conn.execute(
            "select count(*) from status where annotator = ? and status = 'done'", [annotator]
        ).fetchone()[0]
        labels = dict(
            self.conn.execute(
                "select label, count(*) from spans where annotator = ? group by label order by label",
                [annotator],
            ).fetchall()
        )
        return done, total, labels

    def next_todo(self, annotator: str, after: int | None = None,
                  sort: str = "date") -> int | None:
        """The next article still to do (todo or in progress), in date order after ``after``
        (``sort="uncertain"``: the least certain first); among the annotator's assignments
        when they have any."""
        q = Query(status=["todo", "in_progress"])
        if has_assignments(self.conn, annotator):  # the annotator's queue
            q = in_queue(q)
        ids = self.library_ids(annotator, q, sort if sort == "uncertain" else "date")
        if after in ids:
            i = ids.index(after)
            ids = ids[i + 1 :] + ids[:i]
        return ids[0] if ids else None

    # --- where the annotator left off -----------------------------------------------------------

    def save_position(self, article_id: int, annotator: str, cursor: int, scroll: int) -> None:
        self.conn.execute(
            """insert into positions (article_id, annotator, cursor, scroll, updated)
               values (?, ?, ?, ?, ?)
               on conflict (article_id, annotator)
               do update set cursor = excluded.cursor, scroll = excluded.scroll,
                             updated = excluded.updated""",
            [article_id, annotator, cursor, scroll, now()],
        )

    def position(self, article_id: int, annotator: str) -> tuple[int, int] | None:
        row = self.conn.execute(
            "select cursor, scroll from positions where article_id = ? and annotator = ?",
            [article_id, annotator],
        ).fetchone()
        return (row[0], row[1]) if row else None
