"""Articles: storing them (new text, or a new version of an address), reading them, and the
check that offsets sit on an article's tokens. Stored clean text never changes.
"""

from __future__ import annotations

import json
import sqlite3

from newsmark.model import Article, ArticleRow

from .errors import StorageError
from .rows import (
    article_from_row,
    blocks_to_json,
    host_of,
    insert,
    now,
    select,
    tokens_to_json,
)


class Articles:
    """The ``articles`` table of one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # article id -> (text length, text hash, token starts, token ends): see check_offsets
        self._bounds: dict[int, tuple[int, str, set[int], set[int]]] = {}

    def save_article(self, article: Article, feed_id: int | None = None) -> tuple[Article, str]:
        """Store ``article``; returns (stored, state), state ``duplicate`` (the same clean text
        is stored already: nothing written), ``version`` (the same address had other text: a
        new version, the old one untouched) or ``added``."""
        existing = self.find_by_hash(article.text_hash)
        if existing is not None:
            return existing, "duplicate"
        latest = self.latest_version(article.url) if article.url else None
        row = {
            "url": article.url,
            "source": article.source,
            "title": article.title,
            "kicker": article.kicker,
            "author": article.author,
            "published": article.published,
            "language": article.language,
            "raw": article.raw,
            "text": article.text,
            "text_hash": article.text_hash,
            "tokens": tokens_to_json(article.tokens),
            "blocks": blocks_to_json(article.blocks),
            "origin": article.origin,
            "version": latest.version + 1 if latest else 1,
            "parent_id": latest.id if latest else None,
            "feed_id": feed_id,
            "ingested": article.ingested or now(),
            "host": host_of(article.url),
            "sort_date": article.published,  # undated: none, so it sorts after the dated ones
        }
        article_id = insert(self.conn, "articles", row)
        return self.article(article_id), ("version" if latest else "added")

    def latest_version(self, url: str) -> Article | None:
        rows = select(self.conn, "select * from articles where url = ? order by version desc "
                                 "limit 1", [url])
        return article_from_row(rows[0]) if rows else None

    def has_url(self, url: str) -> bool:
        return self.conn.execute(
            "select 1 from articles where url = ? limit 1", [url]).fetchone() is not None

    def older_annotated_versions(self, article_id: int) -> list[int]:
        """Ids of earlier versions of this article that carry spans, newest first."""
        rows = self.conn.execute(
            """with recursive chain(id, parent_id) as (
                   select id, parent_id from articles where id = ?
                   union all
                   select a.id, a.parent_id from articles a join chain c on a.id = c.parent_id
               )
               select id from chain where id != ?
                 and exists (select 1 from spans s where s.article_id = chain.id)
               order by id desc""",
            [article_id, article_id],
        ).fetchall()
        return [r[0] for r in rows]

    def check_offsets(self, article_id: int, start: int, end: int, what: str = "span") -> str:
        """Check that [start, end) sits on the article's tokens; returns the text's hash.

        Stored text never changes, so each article's token boundaries are read once and kept
        (a few articles' worth): labelling costs the same on a long article as on a short one.
        """
        bounds = self._bounds.get(article_id)
        if bounds is None:
            row = self.conn.execute(
                "select length(text), text_hash, tokens from articles where id = ?", [article_id]
            ).fetchone()
            if row is None:
                raise StorageError(f"no article with id {article_id}")
            starts, ends = set(), set()
            for s, e, _ws in json.loads(row[2]):
                starts.add(s)
                ends.add(e)
            bounds = (row[0], row[1], starts, ends)
            if len(self._bounds) >= 8:
                self._bounds.pop(next(iter(self._bounds)))
            self._bounds[article_id] = bounds
        length, text_hash, starts, ends = bounds
        if not (0 <= start < end <= length):
            raise StorageError(f"{what} {start}-{end} is outside article {article_id}")
        if start not in starts or end not in ends:
            raise StorageError(f"{what} {start}-{end} does not sit on token boundaries")
        return text_hash

    def find_by_hash(self, text_hash: str) -> Article | None:
        rows = select(self.conn, "select * from articles where text_hash = ? limit 1",
                      [text_hash])
        return article_from_row(rows[0]) if rows else None

    def article(self, article_id: int) -> Article:
        rows = select(self.conn, "select * from articles where id = ?", [article_id])
        if not rows:
            raise StorageError(f"no article with id {article_id}")
        return article_from_row(rows[0])

    def count_articles(self) -> int:
        return self.conn.execute("select count(*) from articles").fetchone()[0]

    def list_articles(self, annotator: str) -> list[ArticleRow]:
        sql = """
            select a.id, a.title, a.text, a.source, a.published, a.language, a.url,
                   coalesce(st.status, 'todo') as status,
                   (select count(*) from spans s
                     where s.article_id = a.id and s.annotator = :ann) as spans
            from articles a
            left join status st on st.article_id = a.id and st.annotator = :ann
            where a.id in (select id from library)
            order by a.published desc, a.id desc
        """
        rows = []
        for r in select(self.conn, sql, {"ann": annotator}):
            title = r["title"] or r["text"].strip().split("\n", 1)[0][:80]
            rows.append(
                ArticleRow(
                    id=r["id"],
                    title=title,
                    source=r["source"] or "",
                    published=r["published"],
                    language=r["language"],
                    status=r["status"],
                    spans=r["spans"],
                    url=r["url"],
                )
            )
        return rows
