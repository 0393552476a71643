"""What every part of the store shares: the time stamp, the tokens' JSON, rows to models, and
the few row statements (insert, update, select as dicts) on the sqlite3 connection.

Imports nothing of storage but its errors: every other storage module may import it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from newsmark.blocks import Block, blocks_from_list, blocks_to_list
from newsmark.model import Article, Span, Token

from .errors import StorageError

try:
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - orjson is a dependency; the same result, slower
    from json import loads as _loads



EXPORT_BATCH = 500  # articles an export reads (and a worker renders) at a time


def now() -> str:
    """The time stamp every row gets: ISO 8601 UTC, milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def host_of(url: str | None) -> str | None:
    """The site of an address as the library's ``source:`` finds it: ``https://www.Zeit.de/x``
    is ``zeit.de``; a file path (or anything without a host) has none."""
    if not url or "://" not in url:
        return None
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


# --- tokens: the JSON text [[start, end, ws], ...] the articles table keeps ----------------------


def tokens_to_json(tokens: Iterable[Token]) -> str:
    """``[[0,5,1],[6,10,0]]``: integers, no spaces (``storage._packed`` reads this form)."""
    return json.dumps([[t.start, t.end, int(t.ws)] for t in tokens], separators=(",", ":"))


_new = object.__new__
if Token.__slots__ == ("start", "end", "ws"):
    _set_start, _set_end, _set_ws = Token.start.__set__, Token.end.__set__, Token.ws.__set__

    def tokens_from_json(data: str) -> list[Token]:
        """``[Token(s, e, bool(w)) for s, e, w in loads(data)]``, twice as fast: the frozen
        dataclass's ``__init__`` (three ``object.__setattr__`` calls) is most of the cost."""
        out = []
        for s, e, w in _loads(data):
            t = _new(Token)
            _set_start(t, s)
            _set_end(t, e)
            _set_ws(t, bool(w))
            out.append(t)
        return out
else:  # pragma: no cover - Token changed: the plain way
    def tokens_from_json(data: str) -> list[Token]:
        return [Token(s, e, bool(w)) for s, e, w in _loads(data)]


def blocks_to_json(blocks: Iterable[Block] | None) -> str | None:
    """``[["heading",2,0,11],...]`` (kind, level, start, end); None stays None (not known)."""
    if blocks is None:
        return None
    return json.dumps(blocks_to_list(blocks), separators=(",", ":"))


def blocks_from_json(data: str | None) -> list[Block] | None:
    return None if data is None else blocks_from_list(_loads(data))


# --- rows to models ---------------------------------------------------------------------------


def article_from_row(row: Mapping) -> Article:
    return Article(
        id=row["id"],
        url=row["url"],
        source=row["source"] or "",
        title=row["title"],
        kicker=row["kicker"],
        author=row["author"],
        published=row["published"],
        language=row["language"],
        raw=row["raw"] or b"",
        text=row["text"],
        text_hash=row["text_hash"],
        tokens=tokens_from_json(row["tokens"]),
        origin=row["origin"] or "file",
        version=row["version"] or 1,
        ingested=row["ingested"],
        parent_id=row.get("parent_id"),
        feed_id=row.get("feed_id"),
        blocks=blocks_from_json(row.get("blocks")),
    )


def span_from_row(row: Mapping) -> Span:
    return Span(
        id=row["id"],
        article_id=row["article_id"],
        annotator=row["annotator"],
        start=row["start"],
        end=row["end"],
        label=row["label"],
        text_hash=row["text_hash"],
        origin=row["origin"],
        created=row["created"],
        updated=row["updated"],
    )


# --- row statements ----------------------------------------------------------------------------


def bind(prefix: str, values: Iterable, args: dict) -> str:
    """``:prefix0, :prefix1, …`` for ``values``, which go into ``args`` (named parameters for
    an ``in (…)`` list)."""
    names = []
    for i, v in enumerate(values):
        args[f"{prefix}{i}"] = v
        names.append(f":{prefix}{i}")
    return ", ".join(names)


def select(conn: sqlite3.Connection, sql: str, args: Iterable | Mapping = ()) -> list[dict]:
    """The rows of a query, each a dict by column name."""
    cursor = conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def insert(conn: sqlite3.Connection, table: str, row: Mapping, replace: bool = False) -> int:
    """Insert ``row`` (``replace``: or replace the row with the same key); returns its rowid
    (its ``id``)."""
    columns = ", ".join(f"[{c}]" for c in row)
    marks = ", ".join("?" for _ in row)
    verb = "insert or replace" if replace else "insert"
    return conn.execute(f"{verb} into [{table}] ({columns}) values ({marks})",
                        list(row.values())).lastrowid


def update(conn: sqlite3.Connection, table: str, key: Mapping, values: Mapping) -> None:
    """Set ``values`` on the row whose key columns hold ``key``; ``StorageError`` if there is
    no such row."""
    sets = ", ".join(f"[{c}] = ?" for c in values)
    where = " and ".join(f"[{c}] = ?" for c in key)
    changed = conn.execute(f"update [{table}] set {sets} where {where}",
                           [*values.values(), *key.values()]).rowcount
    if not changed:
        raise StorageError(f"no row in {table} with {_shown(key)}")


def delete(conn: sqlite3.Connection, table: str, key: Mapping) -> None:
    """Delete the row whose key columns hold ``key`` (if there is one)."""
    where = " and ".join(f"[{c}] = ?" for c in key)
    conn.execute(f"delete from [{table}] where {where}", list(key.values()))


def _shown(key: Mapping) -> str:
    return ", ".join(f"{c} {v!r}" for c, v in key.items())
