"""The database schema, as a sequence of migrations (``sqlite_utils.Migrations``).

Never edit a migration that has shipped: add a new one. Each runs in its own transaction.

Only migrating needs sqlite-utils, and importing it costs: it imports numpy and pandas when they
are installed (0.3 s and more). So this module names the migrations without it (``KNOWN``, which
``storage.db`` checks every database against) and ``migration_set`` imports it when a database
is to be migrated.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

_STEPS: list[Callable[[Database], None]] = []
# The names of every migration this code knows, in order. A database holding a name not in it,
# or a ``user_version`` above ``len(KNOWN)``, was migrated by a newer newsmark (storage.db).
KNOWN: list[str] = []


def migration(fn: Callable[[Database], None]) -> Callable[[Database], None]:
    _STEPS.append(fn)
    KNOWN.append(fn.__name__)
    return fn


@functools.cache
def migration_set() -> Migrations:
    """newsmark's migrations as sqlite-utils' ``Migrations`` set ``newsmark``."""
    from sqlite_utils import Migrations  # here, not on top: see the module's docstring

    migrations = Migrations("newsmark")
    for step in _STEPS:
        migrations()(step)
    return migrations


@migration
def m001_foundation(db: Database) -> None:
    db["articles"].create(
        {
            "id": int,
            "url": str,  # canonical URL, or the file path it came from
            "source": str,
            "title": str,
            "kicker": str,
            "author": str,
            "published": str,
            "language": str,
            "raw": bytes,  # the input, byte for byte
            "text": str,  # clean text: NFC, LF; never changes once stored
            "text_hash": str,  # SHA-256 of text
            "tokens": str,  # JSON [[start, end, ws], ...] from spaCy's blank tokenizer
            "origin": str,  # file | page | feed
            "version": int,
            "parent_id": int,  # the previous version of the same article, if any
            "ingested": str,
        },
        pk="id",
        not_null={"text", "text_hash", "tokens", "language", "ingested"},
        defaults={"version": 1, "origin": "file", "source": ""},
        foreign_keys=[("parent_id", "articles", "id")],
    )
    db["articles"].create_index(["text_hash"], unique=True)
    db["articles"].create_index(["url"])
    db["articles"].create_index(["published"])

    db["spans"].create(
        {
            "id": int,
            "article_id": int,
            "annotator": str,
            "start": int,
            "end": int,
            "label": str,
            "text_hash": str,  # hash of the article text the offsets point into
            "origin": str,  # manual | suggestion
            "created": str,
            "updated": str,
        },
        pk="id",
        not_null={"article_id", "annotator", "start", "end", "label", "text_hash", "origin"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["spans"].create_index(["article_id", "annotator"])
    db["spans"].create_index(["article_id", "annotator", "start", "end", "label"], unique=True)
    db["spans"].create_index(["label"])

    db["status"].create(
        {"article_id": int, "annotator": str, "status": str, "note": str, "updated": str},
        pk=("article_id", "annotator"),
        not_null={"status"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["status"].create_index(["annotator", "status"])

    # The action log: every user action, with what it needs to be undone and redone.
    db["actions"].create(
        {
            "id": int,
            "annotator": str,
            "article_id": int,  # null for actions over many articles
            "kind": str,
            "payload": str,  # JSON
            "state": str,  # done | undone
            "created": str,
        },
        pk="id",
        not_null={"annotator", "kind", "payload", "state", "created"},
    )
    db["actions"].create_index(["annotator", "article_id", "state"])


@migration
def m002_feeds_and_versions(db: Database) -> None:
    db["feeds"].create(
        {
            "id": int,
            "url": str,
            "name": str,
            "tags": str,  # JSON list
            "etag": str,
            "last_modified": str,
            "last_checked": str,
            "last_success": str,
            "last_error": str,
            "added": str,
        },
        pk="id",
        not_null={"url", "name"},
    )
    db["feeds"].create_index(["name"], unique=True)
    db["feeds"].create_index(["url"], unique=True)
    db["articles"].add_column("feed_id", int, fk="feeds", fk_col="id")
    db["articles"].create_index(["feed_id"])
    # the newest version of each address: what the library lists
    db["articles"].create_index(["url", "version"])
    db["articles"].create_index(["parent_id"])


@migration
def m003_library(db: Database) -> None:
    # what the library sorts by "date": published when known, else when it was ingested
    db["articles"].add_column("sort_date", str)
    db.execute("update articles set sort_date = coalesce(published, ingested)")
    db["articles"].create_index(["sort_date"])
    db["articles"].create_index(["title"])
    db["articles"].create_index(["source"])
    db["articles"].enable_fts(["title", "text"], fts_version="FTS5", create_triggers=True)
    db["status"].add_column("flagged", int, not_null_default=0)
    # where each annotator left each article: the cursor (a character offset) and the scroll row
    db["positions"].create(
        {"article_id": int, "annotator": str, "cursor": int, "scroll": int, "updated": str},
        pk=("article_id", "annotator"),
        foreign_keys=[("article_id", "articles", "id")],
    )


@migration
def m004_events(db: Database) -> None:
    db["events"].create(
        {
            "id": int,
            "article_id": int,
            "annotator": str,
            "type": str,
            "start": int,  # the trigger
            "end": int,
            "text_hash": str,
            "created": str,
            "updated": str,
        },
        pk="id",
        not_null={"article_id", "annotator", "type", "start", "end", "text_hash"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["events"].create_index(["article_id", "annotator"])
    db["event_arguments"].create(
        {"id": int, "event_id": int, "role": str, "span_id": int},
        pk="id",
        not_null={"event_id", "role", "span_id"},
        foreign_keys=[("event_id", "events", "id"), ("span_id", "spans", "id")],
    )
    db["event_arguments"].create_index(["event_id"])
    db["event_arguments"].create_index(["span_id"])
    db["event_attributes"].create(
        {"event_id": int, "name": str, "value": str},
        pk=("event_id", "name"),
        not_null={"value"},
        foreign_keys=[("event_id", "events", "id")],
    )


@migration
def m005_fts_vocabulary(db: Database) -> None:
    # per-term document counts, so a text filter can choose its plan (see storage/library.py)
    db.execute("create virtual table articles_fts_vocab using fts5vocab(articles_fts, 'row')")


@migration
def m006_library_at_scale(db: Database) -> None:
    """What the library lists, filters and sorts by, in a narrow table of its own (issue 11).

    An article row holds its raw input, its text and its tokens: several pages, and a column
    added to it later sits behind them all, so reading one costs reading the row. The library
    read such columns for every row it counted or filtered (and asked each row whether a newer
    version existed). Now:

    - ``library`` has one small row per newest version (id, sort date (the published date),
      language, source, host, title, address), kept by a trigger: a new version takes its
      predecessor's place; a page of the list reads nothing else;
    - ``articles.host``: the site of the address (lower case, no ``www.``; none for a file);
      ``sites``: every source name and host once, which ``source:`` matches its terms against
      before it looks the articles up;
    - ``sort_date`` is the published date only: an undated article sorts after the dated ones
      under "date ↓" (it sorted by when it was ingested, which put it first).
    """
    from .rows import host_of  # (no cycle: rows imports nothing of the schema)

    db["articles"].add_column("host", str)
    hosts = [(host_of(url), aid) for aid, url in db.execute("select id, url from articles")]
    db.conn.executemany("update articles set host = ? where id = ?",
                        [(h, aid) for h, aid in hosts if h])
    db.execute("update articles set sort_date = published")
    db.execute("drop index if exists idx_articles_sort_date")
    db.execute("drop index if exists idx_articles_title")
    db.execute("""create table library (
                    id integer primary key references articles(id),
                    sort_date text, language text, source text, host text, title text, url text)""")
    title = ("coalesce(nullif({a}.title, ''), "
             "substr(ltrim({a}.text), 1, instr(ltrim({a}.text) || char(10), char(10)) - 1))")
    db.execute(f"""insert into library
                   select a.id, a.sort_date, a.language, a.source, a.host, {title.format(a='a')},
                          a.url
                   from articles a
                   where not exists (select 1 from articles newer where newer.parent_id = a.id)""")
    # (covering: a date-ordered list with lang: or source: reads this index only)
    db.execute("create index library_date on library(sort_date, id, language, source, host)")
    db["spans"].create_index(["annotator", "label", "article_id"])  # label: filters
    db.execute("create index library_source on library(source, sort_date)")
    db.execute("create index library_title on library(title)")
    db.execute(f"""create trigger articles_library after insert on articles
                   begin
                     delete from library where id = new.parent_id;
                     insert into library values (new.id, new.sort_date, new.language,
                                                 new.source, new.host, {title.format(a='new')},
                                                 new.url);
                   end""")
    db.execute("create table sites (name text primary key) without rowid")
    db.execute("insert or ignore into sites select source from articles where source != '' "
               "union select host from articles where host != ''")
    db.execute("""create trigger articles_sites after insert on articles
                  begin
                    insert or ignore into sites select new.source where new.source != '';
                    insert or ignore into sites select new.host where new.host != '';
                  end""")


@migration
def m007_plain_text(db: Database) -> None:
    """Plain text with its structure beside it (issue 12): ``articles.blocks`` (JSON
    ``[[kind, level, start, end], ...]``, see ``newsmark.blocks``; NULL: not known), and every
    stored article converted: Markdown markers out of the text, every offset moved with it
    (``storage.plaintext``). On a database with articles only ``newsmark migrate`` runs it, after
    a backup (``storage.migrate``); ``storage.db`` refuses such a database everywhere else."""
    # (no cycle: plaintext imports nothing of the schema)
    from .plaintext import convert_all

    db["articles"].add_column("blocks", str)
    convert_all(db.conn)


@migration
def m008_team(db: Database) -> None:
    """The team (issue 14): who is to annotate what, and who is curating what.
    - ``assignments``: article × annotator, from ``newsmark assign`` (an article given to k
      annotators has k rows); ``batch`` names the run that made it (its time), so a later run can
      be told apart; a new version of an article (a re-fetch) inherits its assignments;
    - ``holds``: the curator holding an article in the curation screen, since when; another
      curator sees the hold and gets the article read-only until it is released or older than
      the configured limit."""
    db.execute("""create table assignments (
                    article_id integer not null references articles(id),
                    annotator text not null,
                    batch text not null,
                    primary key (article_id, annotator)) without rowid""")
    db.execute("create index assignments_annotator on assignments(annotator, article_id)")
    # a new version of an assigned article (a re-fetch) is in the same annotators' queues
    db.execute("""create trigger articles_assignments after insert on articles
                  when new.parent_id is not null
                  begin
                    insert or ignore into assignments
                      select new.id, annotator, batch from assignments
                      where article_id = new.parent_id;
                  end""")
    db.execute("""create table holds (
                    article_id integer primary key references articles(id),
                    curator text not null,
                    since text not null)""")


@migration
def m009_merge(db: Database) -> None:
    """A stable identity for every action, for ``newsmark merge`` (issue 14, ``storage.merge``).

    ``actions.uid`` (text) names an action in every database it travels to: the local ``id`` is
    only this file's order. New actions get a random one (128 bits, hex) from the trigger
    ``actions_uid`` whatever code inserts them (the action log, curation's takes, a merge that
    gives its own); the actions already stored get a deterministic one, the SHA-256 prefix of
    (id, annotator, article, kind, created, payload), so two copies of one database migrated apart
    name the same action alike. A merge copies an action with its uid, and compares an
    annotator's history of an article between two databases by uid (and state): it never adds an
    action whose uid the scope holds, which is what makes merging twice a no-op. Chosen over a
    table of (other database, other row id) pairs: a uid survives a chain of merges (A into B,
    B into C, A into C adds nothing twice) and needs no name for a database."""
    import hashlib

    db.execute("alter table actions add column uid text")
    rows = db.execute("select id, annotator, article_id, kind, created, payload from actions")
    db.conn.executemany("update actions set uid = ? where id = ?", [
        (hashlib.sha256("\x1f".join(map(str, row)).encode("utf-8")).hexdigest()[:32], row[0])
        for row in rows.fetchall()])
    db.execute("create index actions_uid on actions(uid)")
    db.execute("""create trigger actions_uid after insert on actions when new.uid is null
                  begin
                    update actions set uid = lower(hex(randomblob(16))) where id = new.id;
                  end""")


@migration
def m010_suggestions(db: Database) -> None:
    """Suggestions (issue 15): what each annotator rejected, and each model's uncertainty.
    - ``rejected_suggestions``: a suggestion the annotator rejected on an article (its extent and
      label, and where it came from) stays hidden for them;
    - ``uncertainty``: per model and article, how unsure the model is (1 − the mean confidence
      of its entities; 1 where it finds none), for the "least certain first" order of ``N`` and
      of the library; written by ``newsmark train`` / scoring, read by index."""
    db.execute("""create table rejected_suggestions (
                    article_id integer not null references articles(id),
                    annotator text not null,
                    start integer not null,
                    "end" integer not null,
                    label text not null,
                    source text not null,
                    created text not null,
                    primary key (article_id, annotator, start, "end", label)) without rowid""")
    db.execute("""create table uncertainty (
                    model text not null,
                    article_id integer not null references articles(id),
                    score real not null,
                    computed text not null,
                    primary key (model, article_id)) without rowid""")
    db.execute("create index uncertainty_order on uncertainty(model, score desc, article_id)")
