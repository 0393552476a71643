"""Assignment with overlap (issue 14, item 1): the plan (balance, determinism, k > n, incremental
runs), ``newsmark assign`` and its ``--dry-run``, ``stats`` per annotator on their assignments,
the ``assigned:`` filter in storage (page, count and ids agree), ``next_todo`` in the queue, and
the library's default queue with ``N`` and ``d`` (one Pilot test)."""

from __future__ import annotations

import json
import random
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from tui_helpers import (
    make_app,  # noqa: F401 (the fixture)
    make_article,
    settle,
    type_text,
)

from newsmark.assign import AssignError, plan
from newsmark.query import parse_query
from storage.repo import Store
from tui.screens import LibraryScreen, ReaderScreen
from tui.widgets import ArticleList

# --- the plan (pure) ------------------------------------------------------------------------------


def spread(counts) -> int:
    values = list(counts.values())
    return max(values) - min(values)


@pytest.mark.parametrize("n, k", [(1, 1), (2, 2), (3, 1), (3, 2), (4, 2), (5, 3), (7, 4)])
def test_each_article_goes_to_k_distinct_annotators_balanced(n, k):
    names = [f"ann{i}" for i in range(n)]
    ids = list(range(1, 104))
    p = plan(ids, names, k)
    per_article: dict[int, list[str]] = {}
    for article_id, annotator in p.rows:
        per_article.setdefault(article_id, []).append(annotator)
    assert sorted(per_article) == ids and p.articles == len(ids)
    assert all(len(set(a)) == len(a) == k for a in per_article.values())
    counts = Counter(a for _, a in p.rows)
    assert counts == Counter(p.new) == Counter(p.total)
    assert sum(counts.values()) == len(ids) * k and spread(p.new) <= 1


def test_the_same_input_gives_the_same_rows_whatever_the_annotators_order():
    ids = list(range(10, 70))
    first = plan(ids, "carol,alice,bob,dave", 2)
    assert plan(ids, ["dave", "bob", "alice", "carol", "alice"], 2).rows == first.rows
    assert plan(ids, " alice , bob,carol,dave", 2).rows == first.rows
    # ties are broken by a hash of (article, annotator), not a fixed order: with 4 annotators and
    # 2 per article every pair meets (an agreement needs the pairs), none far more than another
    pairs = Counter(tuple(sorted(a for i, a in first.rows if i == article_id)) for article_id in ids)
    assert set(pairs) == set(combinations(["alice", "bob", "carol", "dave"], 2))
    assert max(pairs.values()) <= 3 * min(pairs.values())


def test_an_overlap_larger_than_the_annotators_is_an_error_naming_both():
    with pytest.raises(AssignError) as exc:
        plan([1, 2], "alice,bob", 3)
    assert "overlap 3" in str(exc.value) and "2 annotators" in str(exc.value)
    assert "alice, bob" in str(exc.value)
    with pytest.raises(AssignError, match="overlap: expected at least 1"):
        plan([1], "alice", 0)
    with pytest.raises(AssignError, match="annotators: expected names"):
        plan([1], "alice,,bob", 1)


def test_a_second_run_assigns_only_new_articles_and_keeps_the_union_balanced():
    names = ["a", "b", "c"]
    rng = random.Random(14)
    rows: list[tuple[int, str]] = []
    ids: list[int] = []
    for step in range(6):  # articles arrive in batches of uneven sizes
        ids += list(range(len(ids) + 1, len(ids) + 1 + rng.randint(1, 9)))
        existing = Counter(a for _, a in rows)
        assigned = {i for i, _ in rows}
        p = plan(ids, names, 2, existing, assigned)
        assert p.kept == len(assigned)
        assert not {i for i, _ in p.rows} & assigned  # earlier ones are left as they are
        rows += p.rows
        union = Counter(a for _, a in rows)
        assert union == Counter(p.total) and spread(union) <= 1
    assert sorted({i for i, _ in rows}) == ids
    # an annotator added later catches up first: the new articles go to the one behind
    p = plan(ids + [100, 101], names + ["d"], 1, Counter(a for _, a in rows), {i for i, _ in rows})
    assert p.rows == [(100, "d"), (101, "d")]


# --- the store and the CLI ------------------------------------------------------------------------

LANGS = ["de", "en", "fr"]


def fill(store: Store, n: int, start: int = 0) -> list[int]:
    """``n`` articles, one a day, languages in turn; their ids."""
    ids = []
    with store.db.atomic():
        for i in range(start, start + n):
            article, _ = store.add_article(make_article(
                f"Artikel Nummer {i} aus Berlin.", title=f"Artikel {i:04d}", source="zeit.de",
                published=f"2025-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}T{i // 336 % 24:02d}:00",
                language=LANGS[i % 3]))
            ids.append(article.id)
    return ids


def assignment_rows(db: Path) -> list[tuple[int, str, str]]:
    store = Store(db)
    try:
        return store.conn.execute(
            "select article_id, annotator, batch from assignments order by 1, 2").fetchall()
    finally:
        store.close()


def test_assign_cli_dry_run_writes_nothing_then_assigns_and_prints_the_counts(db_path, cli):
    store = Store(db_path)
    ids = fill(store, 9)
    store.close()
    dry = cli("assign", "--annotators", "carol,alice,bob", "--overlap", "2", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert assignment_rows(db_path) == []
    expected = plan(sorted(ids), "alice,bob,carol", 2)
    lines = dry.output.splitlines()
    assert lines[0] == ("would assign 9 articles to 3 annotators, 2 per article "
                        "(dry run: nothing written)")
    assert lines[1:] == [f"  {a:<5}  {expected.new[a]:>6} new  {expected.total[a]:>6} in all"
                         for a in ("alice", "bob", "carol")]

    done = cli("assign", "--annotators", "carol,alice,bob", "--overlap", "2")
    assert done.exit_code == 0, done.output
    rows = assignment_rows(db_path)
    assert [(i, a) for i, a, _ in rows] == sorted(expected.rows)
    batch = rows[0][2]
    assert {b for _, _, b in rows} == {batch}
    assert done.output.splitlines()[0] == (f"assigned 9 articles to 3 annotators, 2 per article "
                                           f"(batch {batch})")
    assert done.output.splitlines()[1:] == lines[1:]

    # more articles: a second run assigns only those, and the union stays balanced
    store = Store(db_path)
    more = fill(store, 5, start=9)
    store.close()
    again = cli("assign", "--annotators", "alice,bob,carol", "--overlap", "2")
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[0].startswith(
        "assigned 5 articles to 3 annotators, 2 per article; 9 of the 14 matching had "
        "assignments already (batch ")
    rows2 = assignment_rows(db_path)
    assert rows2[:len(rows)] == rows  # the first run's rows untouched, batch and all
    assert {i for i, _, _ in rows2[len(rows):]} == set(more)
    assert spread(Counter(a for _, a, _ in rows2)) <= 1
    totals = {line.split()[0]: int(line.split()[3]) for line in again.output.splitlines()[1:]}
    assert totals == dict(Counter(a for _, a, _ in rows2))

    nothing = cli("assign", "--annotators", "alice,bob,carol", "--overlap", "2")
    assert "assigned 0 articles" in nothing.output and "(nothing to write)" in nothing.output
    assert assignment_rows(db_path) == rows2


def test_assign_cli_errors_and_query(db_path, cli):
    store = Store(db_path)
    ids = fill(store, 6)
    store.close()
    too_many = cli("assign", "--annotators", "alice,bob", "--overlap", "3")
    assert too_many.exit_code == 1
    assert too_many.output.strip() == ("Error: overlap 3 is more than the 2 annotators named "
                                       "(alice, bob): each article goes to distinct annotators")
    bad = cli("assign", "--annotators", "alice", "--query", "after:yesterday")
    assert bad.exit_code == 1 and bad.output.startswith("Error: --query 'after:yesterday': after:")
    assert assignment_rows(db_path) == []
    nothing = cli("assign", "--annotators", "alice,bob", "--query", "lang:xx")
    assert nothing.exit_code == 1
    assert nothing.output.strip() == "Error: --query 'lang:xx' matches no article: nothing assigned"
    english = cli("assign", "--annotators", "alice,bob", "--query", "lang:en")
    assert english.exit_code == 0, english.output
    assert {i for i, _, _ in assignment_rows(db_path)} == set(ids[1::3])


def test_stats_show_progress_per_annotator_on_their_assignments(db_path, cli):
    store = Store(db_path)
    ids = fill(store, 6)
    assert store.stats(store_schema())["assignments"] == {}
    store.assign(ids, "alice,bob", 1)  # 3 each
    alice = store.assigned_ids("alice")
    store.set_status(alice[:1], "alice", "done")
    store.set_status(alice[1:2], "alice", "in_progress")
    store.set_status(store.assigned_ids("bob")[:1], "alice", "done")  # not alice's assignment
    store.set_status(store.assigned_ids("bob")[:1], "bob", "skipped")
    store.close()
    data = json.loads(cli("stats", "--json").output)
    assert data["assignments"] == {
        "alice": {"assigned": 3, "todo": 1, "in_progress": 1, "done": 1, "skipped": 0},
        "bob": {"assigned": 3, "todo": 2, "in_progress": 0, "done": 0, "skipped": 1},
    }
    text = cli("stats").output
    at = text.splitlines().index("assignments:")
    assert [line.split() for line in text.splitlines()[at + 1:at + 4]] == [
        ["annotator", "assigned", "todo", "in_progress", "done", "skipped"],
        ["alice", "3", "1", "1", "1", "0"],
        ["bob", "3", "2", "0", "0", "1"],
    ]


def store_schema():
    from newsmark.config import default_schema

    return default_schema()


def test_the_assigned_filter_agrees_in_page_count_and_ids(store):
    ids = fill(store, 700)
    store.assign(ids, "alice,bob,carol,dave", 3)  # 525 each: a page probes row by row
    assert not store.has_assignments("erin") and store.has_assignments("alice")
    erins = fill(store, 30, start=700)
    store.assign(ids + erins, "erin", 1)  # 30: read by id and sorted
    assert store.assigned_ids("erin") == sorted(erins)
    store.set_status(store.assigned_ids("alice")[::4], "alice", "done")
    everything = store.library_ids("alice")
    assert len(everything) == 730
    for text, who in [("assigned:me", "alice"), ("assigned:bob", "bob"), ("assigned:erin", "erin"),
                      ("assigned:me status:todo", "alice"), ("assigned:carol lang:de", "carol"),
                      ("assigned:me assigned:dave", None), ("assigned:all", None)]:
        q = parse_query(text)
        listed = store.library_ids("alice", q)
        wanted = set(everything)
        if who is not None:
            wanted &= set(store.assigned_ids(who))
        elif "dave" in text:
            wanted &= set(store.assigned_ids("alice")) | set(store.assigned_ids("dave"))
        if "status:todo" in text:
            wanted -= set(store.assigned_ids("alice")[::4])
        if "lang:de" in text:
            wanted &= set((ids + erins)[0::3])  # article i is German when i % 3 == 0
        assert set(listed) == wanted and len(listed) == len(wanted), text
        assert listed == [i for i in everything if i in wanted], text  # the list's order
        assert store.library_count("alice", q) == len(listed), text
        page = store.library("alice", q, offset=50, limit=40)
        assert [r.id for r in page] == listed[50:90], text
    # no assigned: term is the whole library, as before
    assert store.library_ids("alice", parse_query("lang:de")) == [
        i for i in everything if i in set((ids + erins)[0::3])]


def test_next_todo_stays_in_the_annotators_queue(store):
    ids = fill(store, 8)
    assert store.next_todo("alice") == store.library_ids("alice")[0]
    store.assign(ids[:4], "alice,bob", 1)
    mine = set(store.assigned_ids("alice"))
    in_order = [i for i in store.library_ids("alice") if i in mine]
    assert store.next_todo("alice") == in_order[0]
    assert store.next_todo("alice", after=in_order[0]) == in_order[1]
    store.set_status(in_order, "alice", "done")
    assert store.next_todo("alice") is None
    # an annotator without assignments still gets the whole library
    assert store.next_todo("erin") == store.library_ids("erin")[0]


def test_a_new_version_of_an_assigned_article_stays_in_the_queue(store):
    import dataclasses

    url = "https://example.org/a"
    first, _ = store.save_article(dataclasses.replace(make_article("Erste Fassung."), url=url))
    store.assign([first.id], "alice,bob", 1)
    (who,) = [a for a in ("alice", "bob") if store.assigned_ids(a)]
    newer, _ = store.save_article(dataclasses.replace(make_article("Zweite Fassung."), url=url))
    assert newer.id != first.id and store.library_ids(who) == [newer.id]
    assert store.assigned_ids(who) == [first.id, newer.id]
    assert store.library_ids(who, parse_query("assigned:me")) == [newer.id]


# --- the library's default queue (Pilot) ----------------------------------------------------------


def header(app) -> str:
    return str(app.screen.query_one("#library-header").render())


def titles(app) -> list[int]:
    article_list = app.screen.query_one(ArticleList)
    rows = article_list.loaded_rows()
    assert len(rows) == article_list.total
    return [row.id for row in rows]


async def test_the_library_shows_the_annotators_queue_and_n_and_d_stay_in_it(
        db_path, make_app):  # noqa: F811
    store = Store(db_path)
    ids = fill(store, 8)
    everything = store.library_ids("alice")
    app = make_app(db_path, annotator="alice")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert titles(app) == everything and "your queue" not in header(app)  # as before
        store.assign(ids, "alice,bob", 1)  # while the TUI runs; r reads again
        mine = set(store.assigned_ids("alice"))
        queue = [i for i in everything if i in mine]
        await pilot.press("r")
        await settle(pilot)
        assert titles(app) == queue and app.screen.article_ids == queue
        assert "your queue" in header(app)
        await pilot.press("slash")
        await type_text(pilot, "assigned:bob")
        await pilot.press("enter")
        await settle(pilot)
        assert titles(app) == [i for i in everything if i not in mine]
        assert "your queue" not in header(app)
        await pilot.press("slash")
        app.screen.query_one("#filter").value = ""
        await type_text(pilot, "assigned:all")
        await pilot.press("enter")
        await settle(pilot)
        assert titles(app) == everything
        await pilot.press("escape")  # back to the default: the queue
        await settle(pilot)
        assert titles(app) == queue and "your queue" in header(app)
        # N opens the first of the queue; d marks it done and opens the next one of the queue
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen) and app.screen.article_id == queue[0]
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen) and app.screen.article_id == queue[1]
        app.pop_screen()
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert store.status(queue[0], "alice") == "done"
    store.close()
