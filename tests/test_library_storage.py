"""The library's filter queries in storage: both text-search plans give the same pages."""

from __future__ import annotations

from newsmark.model import Article
from newsmark.query import parse_query
from newsmark.text import text_hash, tokenize
from storage.library import fts_common


def add(store, text: str, published: str) -> int:
    art = Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, "de"), published=published)
    return store.save_article(art)[0].id


def test_common_and_rare_words_page_alike(store):
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
