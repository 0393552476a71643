"""``newsmark merge OTHER.db``: another newsmark database's work brought into this one.

Everything happens in one write transaction (``BEGIN IMMEDIATE``, ``storage.db.write``); a dry
run does the same work and rolls it back, so its report is exactly what a real run would do.

OTHER.db is only read: through a read-only connection (``mode=ro``; ``immutable`` when no
``-wal`` file lies beside it, so SQLite creates no ``-wal`` or ``-shm`` there). One written by an
older newsmark is copied (SQLite's backup API) into a temporary directory, migrated there by
``storage.migrate.migrate`` (the m007 conversion included), read, and deleted; one written by a
newer newsmark, or another program's file, is refused.

- **Articles** are matched by text hash. One missing here is inserted with all its columns,
  parents before children: its ``parent_id`` is its parent's id here (matched or inserted), its
  feed the feed with the same address here, else none.
- **Annotations** are merged per *layer*: one annotator's spans, events (with arguments and
  attributes), status and flag on one article. Each side's *history* of a layer is the set of
  (uid, state) of its actions (``actions.uid``, migration m009). Theirs is compared with ours:

  - identical layers: nothing (but when our history is a strict part of theirs, their history
    replaces ours: same rows, a longer undo list);
  - we hold every action of theirs (their history is part of ours, and not empty): we are ahead,
    nothing;
  - our history is part of theirs (ours empty too when our layer is empty): they are ahead, and
    their layer and history replace ours (nothing of ours is lost: they did all we did, then
    more);
  - otherwise a **conflict**: both changed it. Ours stays as it is; theirs is stored under
    ``NAME@STEM`` (STEM: OTHER.db's file name without its suffix), or ``NAME@STEM~2``, … when
    that name holds a different layer of the article already; the same rules apply to that
    name, so merging again adds nothing.

  A layer brought in keeps its history: every action of it is copied (its uid kept), with the
  ids in its payload mapped to this database's rows; a row its history names that no longer
  exists there gets a negative id here (new rows always get positive ones, so an undo or redo
  that brings it back cannot take another row's id). Actions over many articles (a status set
  on a selection) are copied when their uid is not here and none of their articles was a
  conflict for that annotator; actions of a kind this code cannot map are skipped and counted.
  A saved position is copied where this database has none for that article and annotator.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsmark.merge import AnnotatorCounts, Conflict, MergeReport, derived_annotator

from .db import _pending, applied_names, check_ours, check_version, exists, write
from .errors import NoDatabase, NotNewsmark, StorageError, translate
from .rows import insert, select

_EMPTY_STATUS = ("todo", 0, None)


class _DryRun(Exception):
    """Rolls the dry run's transaction back."""


class _Unmappable(Exception):
    """An action whose payload this code cannot map onto this database's rows."""


def merge(conn: sqlite3.Connection, other_path: str | Path, dry_run: bool = False,
          where: str | Path = "database") -> MergeReport:
    """Merge the newsmark database at ``other_path`` into the one open on ``conn`` (at
    ``where``), in one transaction; ``dry_run``: report what would change, change nothing.
    Raises ``StorageError`` naming ``other_path`` (missing, not newsmark's, newer, …)."""
    other_path = Path(other_path)
    if str(where) != "database" and _same_file(other_path, Path(where)):
        raise StorageError(f"{other_path}: is the database itself (merge another one into it)")
    report = MergeReport(str(other_path), dry_run=dry_run)
    with _reading(other_path) as (other, migrated):
        report.migrated = migrated
        try:
            with write(conn, where):
                _Merger(conn, other, other_path, report).run()
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except sqlite3.Error as exc:
            raise translate(exc) from exc
    return report


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --- reading OTHER.db ---------------------------------------------------------------------------


def _open_read_only(path: Path) -> sqlite3.Connection:
    wal = path.with_name(path.name + "-wal")
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


@contextmanager
def _reading(path: Path) -> Iterator[tuple[sqlite3.Connection, list[str]]]:
    """A read-only connection to the database at ``path`` (or to a migrated temporary copy of
    it), and the migrations the copy needed."""
    if not exists(path):
        raise NoDatabase(f"{path}: no such database to merge")
    if path.is_dir():
        raise StorageError(f"{path}: is a directory, not a database")
    try:
        conn = _open_read_only(path)
    except sqlite3.Error as exc:
        raise StorageError(f"{path}: cannot open it ({exc})") from None
    tmp: str | None = None
    try:
        try:
            check_version(conn, path)
            check_ours(conn, path)
            if not applied_names(conn):
                raise NotNewsmark(f"{path}: not a newsmark database (it is empty)")
            pending = _pending(conn)
        except sqlite3.DatabaseError as exc:
            raise NotNewsmark(f"{path}: not a newsmark database ({exc})") from None
        if not pending:
            yield conn, []
            return
        from .migrate import migrate  # (here: it imports sqlite-utils)

        tmp = tempfile.mkdtemp(prefix="newsmark-merge-")
        copy = Path(tmp) / path.name
        try:
            dest = sqlite3.connect(copy)
            try:
                conn.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        except sqlite3.Error as exc:
            raise StorageError(f"{path}: cannot copy it to migrate the copy ({exc})") from None
        conn.close()
        done = migrate(copy, Path(tmp) / "before-migrate.db")
        conn = sqlite3.connect(copy, check_same_thread=False)
        yield conn, done.pending
    finally:
        conn.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


# --- the merge -----------------------------------------------------------------------------------


class _Merger:
    def __init__(self, conn: sqlite3.Connection, other: sqlite3.Connection, other_path: Path,
                 report: MergeReport) -> None:
        self.conn = conn
        self.other = other
        self.stem = other_path.stem or other_path.name
        self.report = report
        self.articles: dict[int, int] = {}  # their article id -> ours
        # their row ids -> ours, per table; rows only their history names get negative ids
        self.ids: dict[str, dict[int, int]] = {
            "spans": {}, "events": {}, "event_arguments": {}}
        self.next_negative = {table: self._lowest(table) for table in self.ids}
        self.targets: dict[tuple[int, str], str] = {}  # (their article, annotator) -> name here
        self.conflicted: set[tuple[int, str]] = set()  # (their article, annotator)

    def _lowest(self, table: str) -> int:
        low = self.conn.execute(f"select min(id) from [{table}]").fetchone()[0]
        return min(low or 0, 0) - 1

    def run(self) -> None:
        self.merge_articles()
        scopes = self.other.execute(
            "select article_id, annotator from spans union select article_id, annotator "
            "from events union select article_id, annotator from status union "
            "select article_id, annotator from actions where article_id is not null "
            "order by 1, 2").fetchall()
        for article_id, annotator in scopes:
            if article_id in self.articles:
                self.merge_layer(article_id, annotator)
        self.merge_wide_actions()
        self.merge_positions()

    # --- articles ------------------------------------------------------------------------------

    def merge_articles(self) -> None:
        ours = dict(self.conn.execute("select text_hash, id from articles"))
        theirs = {r[0]: (r[1], r[2], r[3]) for r in self.other.execute(
            "select id, text_hash, parent_id, feed_id from articles order by id")}
        columns = [r[1] for r in self.conn.execute("pragma table_info(articles)")]
        their_columns = {r[1] for r in self.other.execute("pragma table_info(articles)")}
        copied = [c for c in columns if c in their_columns and c != "id"]
        feeds = self._feed_map()
        for start in theirs:
            chain = []  # this article and the ancestors not merged yet, newest first
            at: int | None = start
            while at is not None and at in theirs and at not in self.articles:
                chain.append(at)
                at = theirs[at][1]
            for oid in reversed(chain):  # parents before children (the library's trigger)
                text_hash, parent, feed = theirs[oid]
                if text_hash in ours:
                    self.articles[oid] = ours[text_hash]
                    self.report.articles_matched += 1
                    continue
                row = select(self.other, f"select {', '.join(f'[{c}]' for c in copied)} "
                                         "from articles where id = ?", [oid])[0]
                row["parent_id"] = self.articles.get(parent) if parent is not None else None
                row["feed_id"] = feeds.get(feed) if feed is not None else None
                self.articles[oid] = ours[text_hash] = insert(self.conn, "articles", row)
                self.report.articles_new += 1

    def _feed_map(self) -> dict[int, int]:
        ours = dict(self.conn.execute("select url, id from feeds"))
        return {fid: ours[url] for fid, url in self.other.execute("select id, url from feeds")
                if url in ours}

    # --- layers --------------------------------------------------------------------------------

    def merge_layer(self, their_article: int, annotator: str) -> None:
        article = self.articles[their_article]
        theirs = _layer(self.other, their_article, annotator)
        their_history = _history(self.other, their_article, annotator)
        attempt = 1
        target = annotator
        while True:
            ours = _layer(self.conn, article, target)
            our_history = _history(self.conn, article, target)
            decision = _decide(theirs, their_history, ours, our_history)
            if decision != "conflict":
                break
            if attempt == 1:
                self.conflicted.add((their_article, annotator))
            attempt += 1
            target = derived_annotator(annotator, self.stem, attempt - 1)
        self.targets[(their_article, annotator)] = target
        counts = self.report.counts(target)
        if decision == "replace":
            if attempt > 1:  # (reported when their layer is stored, not on every merge after)
                self.report.conflicts.append(Conflict(article, self._title(article), annotator,
                                                      target))
            if ours != _NO_LAYER or our_history:
                counts.updated_layers += int(attempt == 1 and ours != _NO_LAYER)
                self._delete_layer(article, target)
            self._copy_layer(their_article, annotator, article, target, counts)

    def _title(self, article: int) -> str:
        row = self.conn.execute(
            "select coalesce(nullif(title, ''), substr(ltrim(text), 1, 60)) from articles "
            "where id = ?", [article]).fetchone()
        title = (row[0] or "").splitlines()[0] if row and row[0] else ""
        return title if len(title) <= 60 else title[:59] + "…"

    def _delete_layer(self, article: int, annotator: str) -> None:
        scope = "(select id from events where article_id = ? and annotator = ?)"
        spans = "(select id from spans where article_id = ? and annotator = ?)"
        args = [article, annotator]
        self.conn.execute(f"delete from event_attributes where event_id in {scope}", args)
        self.conn.execute(f"delete from event_arguments where event_id in {scope} "
                          f"or span_id in {spans}", args + args)
        self.conn.execute("delete from events where article_id = ? and annotator = ?", args)
        self.conn.execute("delete from spans where article_id = ? and annotator = ?", args)
        self.conn.execute("delete from status where article_id = ? and annotator = ?", args)
        kinds = ", ".join(f"'{k}'" for k in MAPPED)  # (what we cannot compare stays)
        self.conn.execute("delete from actions where article_id = ? and annotator = ? "
                          f"and kind in ({kinds})", args)

    def _copy_layer(self, their_article: int, annotator: str, article: int, target: str,
                    counts: AnnotatorCounts) -> None:
        args = [their_article, annotator]
        for row in select(self.other, "select * from spans where article_id = ? "
                                      "and annotator = ? order by id", args):
            old = row.pop("id")
            row.update(article_id=article, annotator=target)
            self.ids["spans"][old] = insert(self.conn, "spans", row)
            counts.spans += 1
        for row in select(self.other, "select * from events where article_id = ? "
                                      "and annotator = ? order by id", args):
            old = row.pop("id")
            row.update(article_id=article, annotator=target)
            new = self.ids["events"][old] = insert(self.conn, "events", row)
            counts.events += 1
            for arg in select(self.other, "select * from event_arguments where event_id = ? "
                                          "order by id", [old]):
                old_arg = arg.pop("id")
                arg.update(event_id=new, span_id=self.ids["spans"][arg["span_id"]])
                self.ids["event_arguments"][old_arg] = insert(self.conn, "event_arguments", arg)
            for attr in select(self.other, "select * from event_attributes where event_id = ?",
                               [old]):
                attr["event_id"] = new
                insert(self.conn, "event_attributes", attr)
        status = select(self.other, "select * from status where article_id = ? "
                                    "and annotator = ?", args)
        if status:
            row = status[0]
            row.update(article_id=article, annotator=target)
            insert(self.conn, "status", row)
            if (row["status"], row["flagged"], row["note"]) != _EMPTY_STATUS:
                counts.statuses += 1
        for action in select(self.other, "select * from actions where article_id = ? "
                                         "and annotator = ? order by id", args):
            self._copy_action(action, target, counts)

    def _copy_action(self, action: dict, target: str, counts: AnnotatorCounts) -> None:
        try:
            payload = self._map_payload(action["kind"], json.loads(action["payload"]), target)
        except (_Unmappable, KeyError, TypeError, ValueError, AttributeError):
            counts.skipped_actions += 1
            return
        action.pop("id")
        action.update(annotator=target, payload=json.dumps(payload, ensure_ascii=False))
        if action["article_id"] is not None:
            action["article_id"] = self.articles[action["article_id"]]
        insert(self.conn, "actions", action)
        counts.actions += 1

    # --- an action's payload, mapped onto this database's rows -----------------------------------

    def _id(self, table: str, old: int) -> int:
        ids = self.ids[table]
        if old not in ids:  # a row their history names but they no longer have
            ids[old] = self.next_negative[table]
            self.next_negative[table] -= 1
        return ids[old]

    def _row(self, table: str, row: dict, target: str) -> dict:
        row = dict(row)
        if table in ("spans", "events"):
            row["id"] = self._id(table, row["id"])
            row["article_id"] = self.articles[row["article_id"]]
            row["annotator"] = target
        elif table == "event_arguments":
            row["id"] = self._id(table, row["id"])
            row["event_id"] = self._id("events", row["event_id"])
            row["span_id"] = self._id("spans", row["span_id"])
        elif table == "event_attributes":
            row["event_id"] = self._id("events", row["event_id"])
        else:
            raise _Unmappable(table)
        return row

    def _key(self, table: str, key: dict) -> dict:
        key = dict(key)
        if table == "event_attributes":
            key["event_id"] = self._id("events", key["event_id"])
        elif table in self.ids and set(key) == {"id"}:
            key["id"] = self._id(table, key["id"])
        else:
            raise _Unmappable(table)
        return key

    def _map_payload(self, kind: str, p: dict, target: str) -> dict:
        p = dict(p)
        if kind in ("add_span", "delete_span"):
            p["span"] = self._row("spans", p["span"], target)
        elif kind == "relabel_span":
            p["id"] = self._id("spans", p["id"])
        elif kind == "ops":
            ops = []
            for op in p["ops"]:
                if op[0] == "update":
                    for value in (op[3], op[4]):
                        if set(value) & {"id", "event_id", "span_id", "article_id"}:
                            raise _Unmappable(op)
                    ops.append(["update", op[1], self._key(op[1], op[2]), op[3], op[4]])
                elif op[0] in ("insert", "delete"):
                    ops.append([op[0], op[1], self._row(op[1], op[2], target)])
                else:
                    raise _Unmappable(op[0])
            p["ops"] = ops
        elif kind == "set_status":
            p["old"] = {str(self.articles[int(k)]): v for k, v in p["old"].items()}
        elif kind != "flag":
            raise _Unmappable(kind)
        return p

    # --- actions over many articles, positions ------------------------------------------------

    def merge_wide_actions(self) -> None:
        for action in select(self.other, "select * from actions where article_id is null "
                                         "order by id"):
            annotator = action["annotator"]
            if self.conn.execute("select 1 from actions where uid = ? and annotator = ? "
                                 "limit 1", [action["uid"], annotator]).fetchone():
                continue
            counts = self.report.counts(annotator)
            try:
                articles = [int(k) for k in json.loads(action["payload"]).get("old", {})]
            except (ValueError, AttributeError, TypeError):
                articles = []
            if action["kind"] != "set_status" or any(
                    (a, annotator) in self.conflicted or a not in self.articles
                    for a in articles):
                counts.skipped_actions += 1
                continue
            self._copy_action(action, annotator, counts)

    def merge_positions(self) -> None:
        for row in select(self.other, "select * from positions order by article_id, annotator"):
            if row["article_id"] not in self.articles:
                continue
            target = self.targets.get((row["article_id"], row["annotator"]), row["annotator"])
            article = self.articles[row["article_id"]]
            if self.conn.execute("select 1 from positions where article_id = ? "
                                 "and annotator = ?", [article, target]).fetchone():
                continue
            row.update(article_id=article, annotator=target)
            insert(self.conn, "positions", row)
            self.report.counts(target).positions += 1


# --- layers and histories, and what to do with them -------------------------------------------

_NO_LAYER: tuple = ((), (), None)


def _layer(conn: sqlite3.Connection, article: int, annotator: str) -> tuple:
    """One annotator's work on one article, without ids or times: (spans, events, status)."""
    args = [article, annotator]
    spans = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(
        "select id, start, end, label from spans where article_id = ? and annotator = ?", args)}
    events = []
    for eid, type_, start, end in conn.execute(
            "select id, type, start, end from events where article_id = ? and annotator = ?",
            args).fetchall():
        roles = sorted((role, spans.get(span_id, ())) for role, span_id in conn.execute(
            "select role, span_id from event_arguments where event_id = ?", [eid]))
        attrs = sorted(conn.execute(
            "select name, value from event_attributes where event_id = ?", [eid]).fetchall())
        events.append((type_, start, end, tuple(roles), tuple(attrs)))
    row = conn.execute("select status, flagged, note from status where article_id = ? "
                       "and annotator = ?", args).fetchone()
    status = tuple(row) if row and tuple(row) != _EMPTY_STATUS else None
    return tuple(sorted(spans.values())), tuple(sorted(events)), status


# the kinds of action a merge maps onto this database's rows (others are skipped, and left out of
# the histories it compares, so a skipped one does not make the layer new at every merge)
MAPPED = ("add_span", "delete_span", "relabel_span", "ops", "set_status", "flag")


def _history(conn: sqlite3.Connection, article: int, annotator: str) -> frozenset:
    """The (uid, state) of every action of ``annotator`` on ``article`` a merge copies."""
    kinds = ", ".join(f"'{k}'" for k in MAPPED)
    return frozenset(conn.execute(
        "select uid, state from actions where article_id = ? and annotator = ? "
        f"and kind in ({kinds})", [article, annotator]).fetchall())


def _decide(theirs: tuple, their_history: frozenset, ours: tuple, our_history: frozenset
            ) -> str:
    """``nothing``, ``replace`` (theirs replaces ours) or ``conflict``: see the module."""
    if theirs == ours:
        return "replace" if our_history < their_history else "nothing"
    if theirs == _NO_LAYER and not their_history:
        return "nothing"  # (a status row they reset to todo)
    if their_history and their_history <= our_history:
        return "nothing"  # we hold every action of theirs: we are ahead
    if our_history <= their_history and (our_history or ours == _NO_LAYER):
        return "replace"  # they did all we did, and more (or we have nothing)
    return "conflict"
