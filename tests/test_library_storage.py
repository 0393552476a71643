"""The library's filter queries in storage: both text-search plans give the same pages."""

from __future__ import annotations

from newsmark.model import Article
from newsmark.query import parse_query
from newsmark.text import text_hash, tokenize
from storage.library import fts_common, query_where


def add(store, text: str, published: str) -> int:
    art = Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, "de"), published=published)
    return store.save_article(art)[0].id


def test_common_and_rare_words_page_alike(store, monkeypatch):
    import storage.library

    monkeypatch.setattr(storage.library, "SMALL_SET", 5)  # 40 articles: every plan is taken
    ids = {}
    for i in range(40):
        words = ["Bericht", f"Nummer{i}"]
        if i % 4:
            words.append("Gemeinsam")  # 30 of 40: a common word
        if i == 7:
            words.append("Seltenheit")
        ids[i] = add(store, " ".join(words) + ".", f"2025-06-{1 + i % 28:02d}T{i % 24:02d}:00")
    assert fts_common(store.conn, ["gemeinsam"]) and not fts_common(store.conn, ["Seltenheit"])
    assert fts_common(store.conn, ["Gémeinsam"])  # folded like the FTS tokenizer folds
    assert not fts_common(store.conn, ["gemeinsam Bericht"])  # several words: never probed
    by_date = store.library_ids("x", parse_query(""))
    expected_common = [a for a in by_date if store.article(a).text.find("Gemeinsam") >= 0]
    for offset in (0, 10, 25):
        page = [r.id for r in store.library("x", parse_query("gemeinsam"), offset=offset, limit=10)]
        assert page == expected_common[offset : offset + 10]
    monkeypatch.setattr(storage.library, "COMMON_SHARE", 0.9)  # "gemeinsam": the walk plan
    assert not fts_common(store.conn, ["gemeinsam"])
    for offset in (0, 10, 25):
        page = [r.id for r in store.library("x", parse_query("gemeinsam"), offset=offset, limit=10)]
        assert page == expected_common[offset : offset + 10]
    assert [r.id for r in store.library("x", parse_query("Seltenheit"))] == [ids[7]]
    assert store.library_count("x", parse_query('gemeinsam "Nummer7"')) == 1
    assert store.library_count("x", parse_query("gemeinsam")) == 30


def test_a_bad_filter_names_every_bad_term():
    import pytest

    from newsmark.query import QueryError

    with pytest.raises(QueryError) as caught:
        parse_query("status:nope lang:de after:june -source:x Berlin")
    message = str(caught.value)
    assert "status: expected one of" in message and "after: expected a date" in message
    assert "-source: only status can be negated" in message and message.count(";") == 2


def fetched(store, text: str, url: str, published: str | None, source: str = "") -> int:
    art = Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, "de"), url=url,
                  source=source, published=published)
    return store.save_article(art)[0].id


def test_source_matches_the_site_or_the_source_name_by_index(store):
    zeit = fetched(store, "Eins.", "https://www.zeit.de/politik/1", "2025-06-01")
    feed = fetched(store, "Zwei.", "https://taz.de/2", "2025-06-02", source="ZEIT ONLINE feed")
    other = fetched(store, "Drei.", "https://example.org/zeit-artikel", "2025-06-03")
    odd = fetched(store, "Vier.", "https://x.test/4", "2025-06-04", source="50%_off")
    assert store.conn.execute("select host from articles where id = ?", [zeit]).fetchone()[0] == "zeit.de"

    def ids(q: str) -> list[int]:
        return store.library_ids("x", parse_query(q))

    # the host or the source name contain the term; the address's path does not count
    assert ids("source:zeit") == [feed, zeit]
    assert ids("source:ZEIT.de") == [zeit]
    assert ids("source:example source:taz") == [other, feed]
    assert ids("source:%") == [odd] and ids("source:_") == [odd]  # LIKE's wildcards are literal
    assert store.library_count("x", parse_query("source:zeit")) == 2
    where, args = query_where(store.conn, "x", parse_query("source:zeit"))
    plan = " ".join(r[-1] for r in store.conn.execute(
        f"explain query plan select count(*) from library l where {where}", args))
    assert "articles" not in plan  # the narrow table (and its indexes) only: no article row read


def test_a_new_version_takes_the_old_ones_place_in_the_library_table(store):
    first = fetched(store, "Alte Fassung.", "https://zeit.de/a", "2025-06-01")
    second = fetched(store, "Neue Fassung.", "https://zeit.de/a", "2025-06-01")
    third = fetched(store, "Anderes.", "https://zeit.de/b", "2025-06-02")
    listed = [r[0] for r in store.conn.execute("select id from library order by id")]
    assert listed == [second, third] and first < second
    assert store.library_ids("x", parse_query("")) == [third, second]
    assert store.library_count("x", parse_query("Fassung")) == 1


def test_undated_articles_sort_after_the_dated_ones(store):
    undated = fetched(store, "Ohne Datum.", "https://a.test/1", None)  # ingested last of all
    old = fetched(store, "Alt.", "https://a.test/2", "2020-01-01")
    new = fetched(store, "Neu.", "https://a.test/3", "2025-01-01")
    assert store.library_ids("x", parse_query("")) == [new, old, undated]
    assert [r.id for r in store.library("x", parse_query(""))] == [new, old, undated]
    assert store.library_ids("x", parse_query("after:2000-01-01")) == [new, old]


def test_m006_fills_the_library_the_hosts_and_the_sites_of_an_older_database(tmp_path):
    import sqlite3

    from sqlite_utils import Database, Migrations

    from storage import schema
    from storage.repo import Store

    path = tmp_path / "old.db"
    old = Migrations("newsmark")
    for step in schema._STEPS[:5]:  # the database as newsmark with five migrations made it
        old()(step)
    db = Database(path)
    old.apply(db)
    db.execute("pragma user_version = 5")
    rows = [(1, "https://www.zeit.de/a", "", None, "2025-07-01T00:00:00", None),
            (2, "https://www.zeit.de/a", "", "2025-06-01", "2025-07-02T00:00:00", 1),
            (3, "/data/html-de/b.html", "html-de", None, "2025-07-03T00:00:00", None)]
    for aid, url, source, published, ingested, parent in rows:
        text = f"Text {aid}."
        db["articles"].insert({"id": aid, "url": url, "source": source, "published": published,
                               "ingested": ingested, "sort_date": published or ingested,
                               "text": text, "text_hash": text_hash(text), "tokens": "[]",
                               "language": "de", "origin": "file", "raw": b"",
                               "version": 2 if parent else 1, "parent_id": parent})
    db.conn.commit()
    db.close()
    from storage.migrate import migrate

    migrate(path, tmp_path / "backup.db")  # m006, then m007 (which only `migrate` runs)
    store = Store(path)
    try:
        got = store.conn.execute("select id, host, sort_date from articles order by id")
        assert [tuple(r) for r in got] == [(1, "zeit.de", None), (2, "zeit.de", "2025-06-01"),
                                           (3, None, None)]
        got = store.conn.execute("select * from library order by id")
        assert [tuple(r) for r in got] == [
            (2, "2025-06-01", "de", "", "zeit.de", "Text 2.", "https://www.zeit.de/a"),
            (3, None, "de", "html-de", None, "Text 3.", "/data/html-de/b.html")]
        assert {r[0] for r in store.conn.execute("select name from sites")} == {"zeit.de", "html-de"}
        assert store.library_ids("x", parse_query("")) == [2, 3]
        assert store.library_ids("x", parse_query("source:html")) == [3]
    finally:
        store.close()
    assert sqlite3.connect(path).execute("pragma user_version").fetchone()[0] == len(schema.KNOWN)


def test_status_and_label_filters_match_a_plain_reading_page_and_whole(store):
    """Each status filter (a set for the whole list, a probe per row for a page) and the
    label filter give what reading every article's status and spans says."""
    from newsmark.model import STATUSES

    ids = [fetched(store, f"Artikel {i} über Berlin.", f"https://a.test/{i}", f"2025-06-{i + 1:02d}")
           for i in range(12)]
    for i, aid in enumerate(ids):
        if i % 4:
            store.set_status([aid], "x", STATUSES[i % 4])
        store.set_status([aid], "y", "done")  # another annotator's statuses do not count
    art = store.article(ids[5])
    start = art.text.index("Berlin")
    store.add_span(ids[5], "x", start, start + 6, "LOC")
    newest_first = ids[::-1]
    status = {aid: (STATUSES[i % 4] if i % 4 else "todo") for i, aid in enumerate(ids)}
    for q in ["status:todo", "status:done", "-status:done", "status:todo status:skipped",
              "-status:todo", "status:in_progress -status:in_progress"]:
        query = parse_query(q)
        expected = [a for a in newest_first
                    if (not query.status or status[a] in query.status)
                    and status[a] not in query.not_status]
        assert store.library_ids("x", query) == expected, q
        assert [r.id for r in store.library("x", query)] == expected, q
        assert store.library_count("x", query) == len(expected), q
    assert store.library_ids("x", parse_query("label:LOC")) == [ids[5]]
    assert [r.id for r in store.library("x", parse_query("label:LOC"))] == [ids[5]]
    assert store.library_ids("y", parse_query("label:LOC")) == []
