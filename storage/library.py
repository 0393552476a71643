"""The library: filtered, sorted, paged article lists, progress, positions.

Every list query is a page (``LIMIT``/``OFFSET``) over indexed columns, so the first screen of a
100,000-article library costs about what it costs for 100.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

from newsmark.model import ArticleRow
from newsmark.query import Query

from .rows import now, select

_SORTS = {
    "date": "a.sort_date {dir}, a.id {dir}",
    "title": "coalesce(a.title, a.text) {dir}, a.id",
    "source": "a.source {dir}, a.sort_date desc, a.id",
    "status": "coalesce(st.status, 'todo') {dir}, a.sort_date desc, a.id",
}


_WORD = re.compile(r"\w+")
COMMON_SHARE = 0.1  # a text filter matching more than this share of articles is "common"


def fold(word: str) -> str:
    """A word as FTS5's unicode61 tokenizer indexes it: lower case, no diacritics."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fts_match(terms: list[str]) -> str:
    """An FTS5 query: every term as a quoted phrase, all required."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def query_where(conn: sqlite3.Connection, annotator: str, q: Query) -> tuple[str, dict]:
    """The SQL condition (over ``articles a`` joined with ``status st`` on ``:ann``) and its
    arguments for the library filter ``q``; exports select with it too."""
    where = ["not exists (select 1 from articles newer where newer.parent_id = a.id)"]
    args: dict = {"ann": annotator}
    if q.status:
        names = [f":st{i}" for i in range(len(q.status))]
        where.append(f"coalesce(st.status, 'todo') in ({', '.join(names)})")
        args.update({n[1:]: v for n, v in zip(names, q.status)})
    if q.not_status:
        names = [f":nst{i}" for i in range(len(q.not_status))]
        where.append(f"coalesce(st.status, 'todo') not in ({', '.join(names)})")
        args.update({n[1:]: v for n, v in zip(names, q.not_status)})
    if q.source:
        ors = []
        for i, v in enumerate(q.source):
            ors.append(f"(a.source like :src{i} or a.url like :srcu{i})")
            args[f"src{i}"] = f"%{v}%"
            args[f"srcu{i}"] = f"%{v}%"
        where.append("(" + " or ".join(ors) + ")")
    if q.lang:
        names = [f":lang{i}" for i in range(len(q.lang))]
        where.append(f"a.language in ({', '.join(names)})")
        args.update({n[1:]: v.lower() for n, v in zip(names, q.lang)})
    if q.label:
        names = [f":lab{i}" for i in range(len(q.label))]
        where.append(
            "exists (select 1 from spans s where s.article_id = a.id and s.annotator = :ann "
            f"and s.label in ({', '.join(names)}))"
        )
        args.update({n[1:]: v for n, v in zip(names, q.label)})
    if q.after:
        where.append("a.sort_date >= :after")
        args["after"] = q.after
    if q.before:
        where.append("a.sort_date < :before")
        args["before"] = q.before
    if q.text:
        args["fts"] = fts_match(q.text)
        if fts_common(conn, q.text):
            # most articles match: walk the sorted list and probe the index per row, so the
            # first page costs about the same at any size
            where.append("exists (select 1 from articles_fts where articles_fts.rowid = a.id "
                         "and articles_fts match :fts)")
        else:  # few match: collect them first
            where.append("a.id in (select rowid from articles_fts where articles_fts match :fts)")
    return " and ".join(where), args


def fts_common(conn: sqlite3.Connection, terms: list[str]) -> bool:
    """Whether a one-word filter matches more than COMMON_SHARE of the articles, by its
    document count in the FTS vocabulary. (Several words: unknown, so never: probing a
    rare combination of common words row by row would be the slowest plan of all.)"""
    words = {fold(w) for t in terms for w in _WORD.findall(t)}
    if len(words) != 1:  # words common alone can be rare together: only one word is sure
        return False
    (word,) = words
    docs = (conn.execute("select doc from articles_fts_vocab where term = ?", [word])
            .fetchone() or (0,))[0]
    total = conn.execute("select max(id) from articles").fetchone()[0] or 0
    return total > 0 and docs > COMMON_SHARE * total


class Library:
    """Lists of articles, progress and reading positions, on one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

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
        order = _SORTS[sort].format(dir="desc" if desc else "asc")
        sql = f"""
            select a.id, coalesce(a.title, substr(a.text, 1, 120)) as title, a.source,
                   a.published, a.language, a.url,
                   coalesce(st.status, 'todo') as status, coalesce(st.flagged, 0) as flagged,
                   (select count(*) from spans s
                     where s.article_id = a.id and s.annotator = :ann) as spans
            from articles a
            left join status st on st.article_id = a.id and st.annotator = :ann
            where {where}
            order by {order}
            limit :limit offset :offset
        """
        args.update(limit=limit, offset=offset)
        rows = []
        for r in select(self.conn, sql, args):
            title = (r["title"] or "").strip().split("\n", 1)[0]
            rows.append(
                ArticleRow(
                    id=r["id"], title=title, source=r["source"] or "", published=r["published"],
                    language=r["language"], status=r["status"], spans=r["spans"], url=r["url"],
                    extra={"flagged": bool(r["flagged"])},
                )
            )
        return rows

    def library_count(self, annotator: str, query: Query | None = None) -> int:
        where, args = query_where(self.conn, annotator, query or Query())
        sql = f"""select count(*) from articles a
                  left join status st on st.article_id = a.id and st.annotator = :ann
                  where {where}"""
        return self.conn.execute(sql, args).fetchone()[0]

    def library_ids(self, annotator: str, query: Query | None = None, sort: str = "date",
                    descending: bool | None = None) -> list[int]:
        q = query or Query()
        where, args = query_where(self.conn, annotator, q)
        desc = (sort == "date") if descending is None else descending
        order = _SORTS[sort].format(dir="desc" if desc else "asc")
        sql = f"""select a.id from articles a
                  left join status st on st.article_id = a.id and st.annotator = :ann
                  where {where} order by {order}"""
        return [r[0] for r in self.conn.execute(sql, args).fetchall()]

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

    def next_todo(self, annotator: str, after: int | None = None) -> int | None:
        """The next article still to do (todo or in progress), in date order after ``after``."""
        q = Query(status=["todo", "in_progress"])
        ids = self.library_ids(annotator, q)
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
