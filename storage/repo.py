"""Repository functions: newsmark models in, newsmark models out. The only SQL in newsmark.

Every user action is one committed transaction (``db.atomic()`` on an autocommit connection),
and every action is written to the action log in that same transaction, so undo and redo survive
restarts and never see half an action.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from newsmark.formats import Record
from newsmark.model import STATUSES, Article, ArticleRow, Span, Token

from .db import ATTEMPTS, connect, default_db_path, transaction
from .errors import StorageError
from .events import EventsMixin
from .export import ExportMixin
from .feeds import FeedsMixin
from .imports import ImportsMixin
from .library import LibraryMixin
from .stats import StatsMixin
from .warnings import WarningsMixin


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _tokens_to_json(tokens: list[Token]) -> str:
    return json.dumps([[t.start, t.end, int(t.ws)] for t in tokens], separators=(",", ":"))


def _tokens_from_json(data: str) -> list[Token]:
    return [Token(s, e, bool(w)) for s, e, w in json.loads(data)]


def _article(row: dict) -> Article:
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
        tokens=_tokens_from_json(row["tokens"]),
        origin=row["origin"] or "file",
        version=row["version"] or 1,
        ingested=row["ingested"],
        parent_id=row.get("parent_id"),
        feed_id=row.get("feed_id"),
    )


def _span(row: dict) -> Span:
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


@dataclass(slots=True)
class Action:
    id: int
    kind: str
    article_id: int | None
    payload: dict


class Store(FeedsMixin, LibraryMixin, EventsMixin, ExportMixin, ImportsMixin, StatsMixin,
            WarningsMixin):
    """One newsmark database."""

    def __init__(self, path: str | Path | None = None, create: bool = True,
                 attempts: int = ATTEMPTS):
        """Open the database at ``path``; ``create=False`` refuses to create a missing one
        (``NoDatabase``). ``attempts``: how many times a write transaction is tried whole when
        another connection keeps the database busy past the busy timeout."""
        self.path = Path(path) if path else default_db_path()
        self.attempts = attempts
        self.db = connect(self.path, create=create)
        self._bounds_cache: dict[int, tuple[int, str, set[int], set[int]]] = {}

    def close(self) -> None:
        self.db.close()

    # --- articles -------------------------------------------------------------------------------

    def add_article(self, article: Article, feed_id: int | None = None) -> tuple[Article, bool]:
        """Store ``article`` unless its clean text is already stored. Returns (article, added)."""
        stored, state = self.save_article(article, feed_id)
        return stored, state != "duplicate"

    @transaction
    def save_article(self, article: Article, feed_id: int | None = None) -> tuple[Article, str]:
        """Store ``article``; returns (stored, state) with state one of:

        - ``duplicate``: the same clean text is stored already (nothing written);
        - ``version``: the same address had other text: a new version, the old one untouched;
        - ``added``: new.
        """
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
            "tokens": _tokens_to_json(article.tokens),
            "origin": article.origin,
            "version": latest.version + 1 if latest else 1,
            "parent_id": latest.id if latest else None,
            "feed_id": feed_id,
            "ingested": article.ingested or now(),
        }
        row["sort_date"] = article.published or row["ingested"]
        article_id = self.db["articles"].insert(row).last_pk
        return self.article(article_id), ("version" if latest else "added")

    def latest_version(self, url: str) -> Article | None:
        rows = list(
            self.db["articles"].rows_where("url = ?", [url], order_by="version desc", limit=1)
        )
        return _article(rows[0]) if rows else None

    def has_url(self, url: str) -> bool:
        return self.db.execute("select 1 from articles where url = ? limit 1", [url]).fetchone() is not None

    def older_annotated_versions(self, article_id: int) -> list[int]:
        """Ids of earlier versions of this article that carry spans, newest first."""
        rows = self.db.execute(
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
        bounds = self._bounds_cache.get(article_id)
        if bounds is None:
            row = self.db.execute(
                "select length(text), text_hash, tokens from articles where id = ?", [article_id]
            ).fetchone()
            if row is None:
                raise StorageError(f"no article with id {article_id}")
            starts, ends = set(), set()
            for s, e, _ws in json.loads(row[2]):
                starts.add(s)
                ends.add(e)
            bounds = (row[0], row[1], starts, ends)
            if len(self._bounds_cache) >= 8:
                self._bounds_cache.pop(next(iter(self._bounds_cache)))
            self._bounds_cache[article_id] = bounds
        length, text_hash, starts, ends = bounds
        if not (0 <= start < end <= length):
            raise StorageError(f"{what} {start}-{end} is outside article {article_id}")
        if start not in starts or end not in ends:
            raise StorageError(f"{what} {start}-{end} does not sit on token boundaries")
        return text_hash

    def find_by_hash(self, text_hash: str) -> Article | None:
        rows = list(self.db["articles"].rows_where("text_hash = ?", [text_hash], limit=1))
        return _article(rows[0]) if rows else None

    def article(self, article_id: int) -> Article:
        try:
            return _article(self.db["articles"].get(article_id))
        except Exception as exc:  # sqlite_utils.db.NotFoundError
            raise StorageError(f"no article with id {article_id}") from exc

    def count_articles(self) -> int:
        return self.db.execute("select count(*) from articles").fetchone()[0]

    def list_articles(self, annotator: str) -> list[ArticleRow]:
        sql = """
            select a.id, a.title, a.text, a.source, a.published, a.language, a.url,
                   coalesce(st.status, 'todo') as status,
                   (select count(*) from spans s
                     where s.article_id = a.id and s.annotator = :ann) as spans
            from articles a
            left join status st on st.article_id = a.id and st.annotator = :ann
            where not exists (select 1 from articles newer where newer.parent_id = a.id)
            order by coalesce(a.published, a.ingested) desc, a.id desc
        """
        rows = []
        for r in self.db.query(sql, {"ann": annotator}):
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

    # --- spans ----------------------------------------------------------------------------------

    def spans(self, article_id: int, annotator: str) -> list[Span]:
        rows = self.db["spans"].rows_where(
            "article_id = ? and annotator = ?",
            [article_id, annotator],
            order_by="start, end desc, id",
        )
        return [_span(r) for r in rows]

    def annotators(self, article_id: int | None = None) -> list[str]:
        if article_id is None:
            sql, args = "select distinct annotator from spans order by annotator", []
        else:
            sql = "select distinct annotator from spans where article_id = ? order by annotator"
            args = [article_id]
        return [r[0] for r in self.db.execute(sql, args).fetchall()]

    @transaction
    def add_span(
        self,
        article_id: int,
        annotator: str,
        start: int,
        end: int,
        label: str,
        origin: str = "manual",
    ) -> Span:
        """Add a span as one undoable action. Adding an identical span returns the existing one."""
        text_hash = self.check_offsets(article_id, start, end, "span")
        existing = list(self.db["spans"].rows_where(
            "article_id = ? and annotator = ? and start = ? and end = ? and label = ?",
            [article_id, annotator, start, end, label], limit=1))
        if existing:
            return _span(existing[0])
        stamp = now()
        row = {
            "article_id": article_id,
            "annotator": annotator,
            "start": start,
            "end": end,
            "label": label,
            "text_hash": text_hash,
            "origin": origin,
            "created": stamp,
            "updated": stamp,
        }
        span_id = self.db["spans"].insert(row).last_pk
        row["id"] = span_id
        self._log(annotator, article_id, "add_span", {"span": row})
        self._touch_status(article_id, annotator)
        return _span(row)

    @transaction
    def delete_span(self, span_id: int, annotator: str) -> Span:
        """Delete a span, and the event arguments that point at it, as one undoable action.

        Callers ask for confirmation first when ``arguments_using(span_id)`` is not empty.
        """
        row = self._span_row(span_id, annotator)
        ops = [["delete", "event_arguments", r]
               for r in self.db["event_arguments"].rows_where("span_id = ?", [span_id])]
        ops.append(["delete", "spans", row])
        self._run_ops(ops)
        self._log(annotator, row["article_id"], "ops", {"label": "delete span", "ops": ops})
        return _span(row)

    @transaction
    def relabel_span(self, span_id: int, annotator: str, label: str) -> Span:
        row = self._span_row(span_id, annotator)
        if row["label"] == label:
            return _span(row)
        stamp = now()
        self.db["spans"].update(span_id, {"label": label, "updated": stamp})
        self._log(
            annotator,
            row["article_id"],
            "relabel_span",
            {"id": span_id, "old": row["label"], "new": label},
        )
        row.update(label=label, updated=stamp)
        return _span(row)

    def _span_row(self, span_id: int, annotator: str) -> dict:
        rows = list(
            self.db["spans"].rows_where("id = ? and annotator = ?", [span_id, annotator], limit=1)
        )
        if not rows:
            raise StorageError(f"no span {span_id} for annotator {annotator!r}")
        return rows[0]

    # --- status ---------------------------------------------------------------------------------

    def status(self, article_id: int, annotator: str) -> str:
        row = self.db.execute(
            "select status from status where article_id = ? and annotator = ?",
            [article_id, annotator],
        ).fetchone()
        return row[0] if row else "todo"

    @transaction
    def set_status(self, article_ids: Iterable[int], annotator: str, status: str) -> int:
        """Set the status of many articles as one undoable action. Returns how many changed."""
        if status not in STATUSES:
            raise StorageError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
        ids = list(article_ids)
        old = {i: self.status(i, annotator) for i in ids}
        changed = [i for i in ids if old[i] != status]
        for i in changed:
            self._write_status(i, annotator, status)
        if changed:
            scope = changed[0] if len(changed) == 1 else None
            self._log(
                annotator,
                scope,
                "set_status",
                {"old": {str(i): old[i] for i in changed}, "new": status},
            )
        return len(changed)

    @transaction
    def flag(self, article_id: int, annotator: str, note: str | None) -> None:
        """Flag the article with a note (``None`` clears the flag), as one undoable action."""
        row = self.db.execute(
            "select flagged, note from status where article_id = ? and annotator = ?",
            [article_id, annotator],
        ).fetchone()
        old = {"flagged": bool(row[0]) if row else False, "note": row[1] if row else None}
        new = {"flagged": note is not None, "note": note}
        self._write_flag(article_id, annotator, new)
        self._log(annotator, article_id, "flag", {"old": old, "new": new})

    def flagged(self, article_id: int, annotator: str) -> str | None:
        """The flag's note ('' for a flag without a note), or None when not flagged."""
        row = self.db.execute(
            "select flagged, note from status where article_id = ? and annotator = ?",
            [article_id, annotator],
        ).fetchone()
        return (row[1] or "") if row and row[0] else None

    def _write_flag(self, article_id: int, annotator: str, value: dict) -> None:
        self.db.execute(
            """insert into status (article_id, annotator, status, flagged, note, updated)
               values (?, ?, 'todo', ?, ?, ?)
               on conflict (article_id, annotator)
               do update set flagged = excluded.flagged, note = excluded.note,
                             updated = excluded.updated""",
            [article_id, annotator, int(value["flagged"]), value["note"], now()],
        )

    def _write_status(self, article_id: int, annotator: str, status: str) -> None:
        self.db.execute(
            """insert into status (article_id, annotator, status, updated) values (?, ?, ?, ?)
               on conflict (article_id, annotator)
               do update set status = excluded.status, updated = excluded.updated""",
            [article_id, annotator, status, now()],
        )

    def _touch_status(self, article_id: int, annotator: str) -> None:
        """The first span on a todo article puts it in progress (not itself an undoable action)."""
        if self.status(article_id, annotator) == "todo":
            self._write_status(article_id, annotator, "in_progress")

    # --- undo and redo --------------------------------------------------------------------------

    def _log(self, annotator: str, article_id: int | None, kind: str, payload: dict) -> None:
        # A new action ends the redo history of its scope.
        self.db.execute(
            "delete from actions where annotator = ? and state = 'undone' "
            "and (article_id is ? or ? is null)",
            [annotator, article_id, article_id],
        )
        self.db["actions"].insert(
            {
                "annotator": annotator,
                "article_id": article_id,
                "kind": kind,
                "payload": json.dumps(payload, ensure_ascii=False),
                "state": "done",
                "created": now(),
            }
        )

    def _last_action(self, annotator: str, article_id: int | None, state: str) -> Action | None:
        order = "desc"
        sql = (
            "select id, kind, article_id, payload from actions where annotator = ? and state = ? "
            + ("and article_id = ? " if article_id is not None else "")
            + f"order by id {order} limit 1"
        )
        args: list = [annotator, state] + ([article_id] if article_id is not None else [])
        row = self.db.execute(sql, args).fetchone()
        if row is None:
            return None
        return Action(row[0], row[1], row[2], json.loads(row[3]))

    @transaction
    def undo(self, annotator: str, article_id: int | None = None) -> Action | None:
        """Undo the annotator's last action (in ``article_id`` when given). None if nothing."""
        action = self._last_action(annotator, article_id, "done")
        if action is None:
            return None
        self._apply(action, reverse=True)
        self.db["actions"].update(action.id, {"state": "undone"})
        return action

    @transaction
    def redo(self, annotator: str, article_id: int | None = None) -> Action | None:
        """Redo the annotator's most recently undone action. None if nothing."""
        sql = (
            "select id, kind, article_id, payload from actions where annotator = ? "
            "and state = 'undone' "
            + ("and article_id = ? " if article_id is not None else "")
            + "order by id asc limit 1"
        )
        args: list = [annotator] + ([article_id] if article_id is not None else [])
        row = self.db.execute(sql, args).fetchone()
        if row is None:
            return None
        action = Action(row[0], row[1], row[2], json.loads(row[3]))
        self._apply(action, reverse=False)
        self.db["actions"].update(action.id, {"state": "done"})
        return action

    def _apply(self, action: Action, reverse: bool) -> None:
        p = action.payload
        if action.kind in ("add_span", "delete_span"):
            insert = (action.kind == "add_span") != reverse
            if insert:
                self.db["spans"].insert(p["span"], replace=True)
            else:
                self.db["spans"].delete_where("id = ?", [p["span"]["id"]])
        elif action.kind == "relabel_span":
            label = p["old"] if reverse else p["new"]
            self.db["spans"].update(p["id"], {"label": label, "updated": now()})
        elif action.kind == "ops":
            self._run_ops(p["ops"], reverse=reverse)
        elif action.kind == "flag":
            annotator = self._action_annotator(action.id)
            self._write_flag(action.article_id, annotator, p["old"] if reverse else p["new"])
        elif action.kind == "set_status":
            for article_id, old in p["old"].items():
                annotator = self._action_annotator(action.id)
                self._write_status(int(article_id), annotator, old if reverse else p["new"])
        else:  # pragma: no cover - a log written by a newer newsmark
            raise StorageError(f"cannot undo an action of kind {action.kind!r}")

    def _action_annotator(self, action_id: int) -> str:
        return self.db.execute("select annotator from actions where id = ?", [action_id]).fetchone()[0]

    # --- export ---------------------------------------------------------------------------------

    def iter_records(
        self, annotators: list[str] | None = None, done_only: bool = False
    ) -> Iterator[Record]:
        """Every annotator's work on every article that has spans, events or is done, in article
        order, one at a time (exports stream: nothing is materialised)."""
        for article, annotator, status, spans in self.iter_annotated(annotators, done_only):
            yield Record(article, annotator, status, spans, self.events(article.id, annotator))

    def iter_annotated(
        self, annotators: list[str] | None = None, done_only: bool = False
    ) -> Iterator[tuple[Article, str, str, list[Span]]]:
        """(article, annotator, status, spans) for every annotator's work on every article that
        has spans or is done, in article order."""
        where = ["(st.status = 'done' or exists (select 1 from spans s where s.article_id = a.id "
                 "and s.annotator = pairs.annotator) or exists (select 1 from events e where "
                 "e.article_id = a.id and e.annotator = pairs.annotator))"]
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
        for article_id, annotator, status in self.db.execute(sql, args).fetchall():
            yield self.article(article_id), annotator, status, self.spans(article_id, annotator)
