"""Converting a database's stored articles to plain text with their blocks beside it (issue 12):
the data half of migration ``m007_plain_text``, which only ``newsmark migrate`` runs on a
database that has articles (``storage.migrate``; every other command refuses such a database).

For each article (newest first), in the migration's one transaction:

- the text loses its Markdown markers (``newsmark.blocks.convert``); its hash, its tokens (with
  today's tokenizer, ``newsmark.text.tokenize``) and its ``blocks`` are written;
- every offset that points into it moves with it (``OffsetMap``): the spans and event triggers of
  every annotator (and their ``text_hash``), the saved cursor positions, and every span and event
  row inside the action log's undo and redo payloads (``add_span``/``delete_span``'s ``span``,
  the rows of ``ops``), so undo and redo of actions made before the migration still work;
- a span or trigger that covered a marker and more loses the marker (and whitespace at its
  edges): counted as trimmed; one that covered only a marker is deleted (a span with the event
  arguments pointing at it, an event with its arguments and attributes), and so are the logged
  actions that would bring it back: counted;
- afterwards every span and trigger is checked: its ``text_hash`` is the article's new hash, it
  lies on the new tokens, and (when not trimmed) it covers the same characters as before. Any
  failure raises, and the whole migration rolls back.

**Two versions that become equal.** ``articles.text_hash`` is unique, and two stored texts that
differed only in their markers (``## A`` and ``### A``) would have one plain text. The newest
article is converted first; an older one whose plain text would equal a text already stored is
**kept as it is**: its text, hash, spans, events and log entries stay exactly as they were, its
``blocks`` stay NULL (the reader then draws its markers from the text, as before), only its tokens
are recomputed (finer tokens keep every old boundary). The report names these articles.

Articles without markers keep their text and hash; they get their tokens recomputed and their
blocks (a table has a block but no marker). What was done is recorded in ``migration_notes`` (one
JSON report per migration) for ``newsmark migrate`` to print and for whoever asks later.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field

from newsmark.blocks import OffsetMap, convert
from newsmark.text import snap_to_tokens, text_hash, tokenize

from .errors import StorageError
from .rows import blocks_to_json, select, tokens_to_json


class ConversionError(StorageError):
    """A check after the conversion failed: nothing was changed (the migration rolled back)."""


@dataclass(slots=True)
class Report:
    articles: int = 0
    converted: int = 0  # text changed (markers taken out)
    kept: list[int] = field(default_factory=list)  # would equal another text: kept as they were
    spans: int = 0  # spans moved (in converted articles)
    spans_trimmed: int = 0
    spans_dropped: int = 0  # covered only a marker
    events: int = 0
    events_trimmed: int = 0
    events_dropped: int = 0
    positions: int = 0
    actions: int = 0  # log entries whose payload was rewritten
    actions_dropped: int = 0  # would bring back a span or trigger that covered only a marker

    def lines(self) -> list[str]:
        out = [f"{self.articles} articles: {self.converted} converted to plain text"]
        if self.kept:
            ids = ", ".join(map(str, self.kept))
            out.append(f"{len(self.kept)} kept as they were: their plain text equals a newer "
                       f"version's (articles {ids})")
        out.append(f"{self.spans} spans moved ({self.spans_trimmed} trimmed, "
                   f"{self.spans_dropped} deleted: they covered only a marker)")
        out.append(f"{self.events} events moved ({self.events_trimmed} trimmed, "
                   f"{self.events_dropped} deleted)")
        out.append(f"{self.positions} cursor positions, {self.actions} undo/redo entries moved "
                   f"({self.actions_dropped} dropped)")
        return out


def convert_all(conn: sqlite3.Connection) -> Report:
    """Convert every stored article (see the module's docstring); returns what was done."""
    report = Report()
    rows = conn.execute("select id, text, text_hash, language from articles "
                        "order by id desc").fetchall()
    report.articles = len(rows)
    plan = []
    taken: set[str] = set()
    for aid, text, old_hash, language in rows:
        c = convert(text)
        if not c.removed:
            taken.add(old_hash)
        plan.append((aid, text, old_hash, language, c))
    for aid, text, old_hash, language, c in plan:
        if not c.removed:
            _write_article(conn, aid, old_hash, c.text, tokenize(c.text, language), c.blocks)
            continue
        new_hash = text_hash(c.text)
        if new_hash in taken:
            report.kept.append(aid)
            _write_tokens(conn, aid, tokenize(text, language))
            continue
        taken.add(new_hash)
        tokens = tokenize(c.text, language)
        _write_article(conn, aid, new_hash, c.text, tokens, c.blocks)
        _Article(conn, aid, text, old_hash, c.text, new_hash, tokens, OffsetMap(c.removed),
                 report).move()
        report.converted += 1
    report.kept.sort()
    _update_titles(conn)
    bad = spans_off_their_text(conn)
    if bad:
        raise ConversionError(f"{len(bad)} spans or events do not point into their article's "
                              f"text after the conversion (first: {bad[0][0]} {bad[0][1]})")
    conn.execute("create table if not exists migration_notes "
                 "(name text primary key, note text not null)")
    conn.execute("insert or replace into migration_notes values ('m007_plain_text', ?)",
                 [json.dumps(asdict(report))])
    return report


def last_report(conn: sqlite3.Connection) -> Report | None:
    try:
        row = conn.execute("select note from migration_notes "
                           "where name = 'm007_plain_text'").fetchone()
    except sqlite3.OperationalError:
        return None
    return Report(**json.loads(row[0])) if row else None


def _write_article(conn, aid: int, new_hash: str, text: str, tokens, blocks) -> None:
    conn.execute("update articles set text = ?, text_hash = ?, tokens = ?, blocks = ? "
                 "where id = ?",
                 [text, new_hash, tokens_to_json(tokens), blocks_to_json(blocks), aid])


def _write_tokens(conn, aid: int, tokens) -> None:
    conn.execute("update articles set tokens = ? where id = ?", [tokens_to_json(tokens), aid])


def _update_titles(conn) -> None:
    """The library's title of an article without one is its text's first line: again, now."""
    conn.execute("""update library set title = (
                        select substr(ltrim(a.text), 1,
                                      instr(ltrim(a.text) || char(10), char(10)) - 1)
                        from articles a where a.id = library.id)
                    where id in (select id from articles where coalesce(title, '') = '')""")


class _Article:
    """Moving one converted article's offsets: spans, triggers, positions, the action log."""

    def __init__(self, conn, aid, old_text, old_hash, new_text, new_hash, tokens, shift,
                 report: Report) -> None:
        self.conn, self.aid, self.report = conn, aid, report
        self.old_text, self.old_hash = old_text, old_hash
        self.new_text, self.new_hash = new_text, new_hash
        self.tokens, self.shift = tokens, shift
        self.starts = {t.start for t in tokens}
        self.ends = {t.end for t in tokens}

    def place(self, start: int, end: int) -> tuple[tuple[int, int] | None, bool]:
        """Where [start, end) of the old text lies in the new one (None: nothing is left of
        it), and whether it lost anything (was trimmed)."""
        s, e = self.shift.span(start, end)
        text = self.new_text
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            return None, True
        if s not in self.starts or e not in self.ends:
            snapped = snap_to_tokens(self.tokens, s, e)
            if snapped is None:
                return None, True
            s, e = snapped
        trimmed = text[s:e] != self.old_text[start:end]
        return (s, e), trimmed

    def move(self) -> None:
        self._spans()
        self._events()
        self._positions()
        self._actions()

    def _spans(self) -> None:
        conn, report = self.conn, self.report
        rows = conn.execute("select id, annotator, start, end, label from spans "
                            "where article_id = ? order by start, end", [self.aid]).fetchall()
        seen: set[tuple] = set()
        for sid, annotator, start, end, label in rows:
            where, trimmed = self.place(start, end)
            key = (annotator, *where, label) if where else None
            if where is None or key in seen:  # nothing left, or now the same as another span
                conn.execute("delete from event_arguments where span_id = ?", [sid])
                conn.execute("delete from spans where id = ?", [sid])
                report.spans_dropped += 1
                continue
            seen.add(key)
            conn.execute("update spans set start = ?, end = ?, text_hash = ? where id = ?",
                         [*where, self.new_hash, sid])
            report.spans += 1
            report.spans_trimmed += trimmed
            self._check(start, end, *where, trimmed, f"span {sid}")

    def _events(self) -> None:
        conn, report = self.conn, self.report
        for eid, start, end in conn.execute("select id, start, end from events "
                                            "where article_id = ?", [self.aid]).fetchall():
            where, trimmed = self.place(start, end)
            if where is None:
                conn.execute("delete from event_arguments where event_id = ?", [eid])
                conn.execute("delete from event_attributes where event_id = ?", [eid])
                conn.execute("delete from events where id = ?", [eid])
                report.events_dropped += 1
                continue
            conn.execute("update events set start = ?, end = ?, text_hash = ? where id = ?",
                         [*where, self.new_hash, eid])
            report.events += 1
            report.events_trimmed += trimmed
            self._check(start, end, *where, trimmed, f"event {eid}")

    def _check(self, start: int, end: int, s: int, e: int, trimmed: bool, what: str) -> None:
        if s not in self.starts or e not in self.ends:
            raise ConversionError(f"article {self.aid}: {what} {s}-{e} is off the new tokens")
        if not trimmed and self.new_text[s:e] != self.old_text[start:end]:
            raise ConversionError(f"article {self.aid}: {what} no longer covers its words")

    def _positions(self) -> None:
        for annotator, cursor in self.conn.execute(
                "select annotator, cursor from positions where article_id = ?",
                [self.aid]).fetchall():
            if cursor is None:
                continue
            self.conn.execute("update positions set cursor = ? where article_id = ? "
                              "and annotator = ?",
                              [min(self.shift(cursor), len(self.new_text)), self.aid, annotator])
            self.report.positions += 1

    def _actions(self) -> None:
        for xid, kind, payload in self.conn.execute(
                "select id, kind, payload from actions where article_id = ?",
                [self.aid]).fetchall():
            if kind not in ("add_span", "delete_span", "ops"):
                continue
            p = json.loads(payload)
            rows = [p["span"]] if kind != "ops" else [
                op[2] for op in p["ops"] if op[0] in ("insert", "delete")
                and op[1] in ("spans", "events")]
            rows += [part for op in (p.get("ops") or []) if op[0] == "update"
                     and op[1] in ("spans", "events") for part in (op[3], op[4])]
            moved = False
            for row in rows:
                if "start" not in row or "end" not in row:
                    continue
                if row.get("text_hash", self.old_hash) != self.old_hash:
                    continue  # (another article's: never written so, but not ours to move)
                where, _ = self.place(row["start"], row["end"])
                if where is None:
                    self.conn.execute("delete from actions where id = ?", [xid])
                    self.report.actions_dropped += 1
                    break
                row["start"], row["end"] = where
                if "text_hash" in row:
                    row["text_hash"] = self.new_hash
                moved = True
            else:
                if moved:
                    self.conn.execute("update actions set payload = ? where id = ?",
                                      [json.dumps(p, ensure_ascii=False), xid])
                    self.report.actions += 1


def spans_off_their_text(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(table, id) of every span and event whose ``text_hash`` is not its article's: the check
    after a migration (empty when every offset points into the text it was made on)."""
    bad = []
    for table in ("spans", "events"):
        bad += [(table, r["id"]) for r in select(
            conn, f"select x.id from {table} x join articles a on a.id = x.article_id "
                  "where x.text_hash != a.text_hash")]
    return bad
