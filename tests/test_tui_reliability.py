"""The TUI under real use, with Pilot on real SQLite files: keys that arrive all at once after a
prompt-opening key, argument mode with the cursor moving between role keys, the trigger refused
as its own argument, the header's status with each action, a full disk and a busy database."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

from textual import events

from storage.repo import Store
from tui.screens import LibraryScreen, ReaderScreen
from tui_helpers import (  # noqa: F401  (fixtures)
    ANNOTATOR,
    SIZE,
    db_spans,
    find,
    make_app,
    make_article,
    notified,
    open_article,
    reader,
    settle,
)

TEXT = ("Olaf Scholz sagt, er treffe Emmanuel Macron am Montag in Paris.\n\n"
        "Das Treffen in Paris dauerte zwei Stunden. Cars und Busse standen vor dem Haus.")

KEYS = {"/": "slash", " ": "space", ":": "colon", "\r": "enter", "?": "question_mark"}


def build(db: Path, n: int = 2) -> list[int]:
    store = Store(db)
    try:
        return [store.add_article(make_article(f"{TEXT}\n\nArtikel {i}.", title=f"Artikel {i}",
                                               published=f"2025-06-0{i + 1}"))[0].id
                for i in range(n)]
    finally:
        store.close()


def burst(app, keys: str) -> None:
    """Post every key at once, as a terminal delivers text pasted or typed faster than the app
    handles it (tmux send-keys does the same): nothing is processed in between."""
    for ch in keys:
        name = KEYS.get(ch, ch)
        app.post_message(events.Key(name, "\r" if ch == "\r" else ch))


def status_of(db: Path, article_id: int) -> str:
    store = Store(db)
    try:
        return store.status(article_id, ANNOTATOR)
    finally:
        store.close()


def actions(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("select kind, state from actions order by id").fetchall()


async def test_keys_right_after_slash_land_in_the_find_prompt(tmp_path, make_app):
    db = tmp_path / "r.db"
    first, _ = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await open_article(pilot, first)
        screen = reader(pilot)
        panels = screen.panel.display
        burst(pilot.app, "/Cars")  # 's' is skip, 'p' the panels, 'C'… nothing must run
        await pilot.pause()
        await settle(pilot)
        assert pilot.app.screen is screen and screen.article_id == first
        assert screen.prompts.prompt("find").value == "Cars" and screen.prompts.prompt("find").has_focus
        assert screen.panel.display == panels
        burst(pilot.app, "\r")
        await pilot.pause()
        assert screen.view.text[slice(*screen.view.selection)] == "Cars"
    assert status_of(db, first) == "todo" and actions(db) == []


async def test_keys_right_after_slash_land_in_the_library_filter(tmp_path, make_app):
    db = tmp_path / "r.db"
    build(db, 3)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        library = pilot.app.screen
        assert isinstance(library, LibraryScreen)
        sort = library.sort
        burst(pilot.app, "/status:done\r")  # 'u' undo, 'o' sort, 'enter' opens, 'd' …
        await pilot.pause()
        await settle(pilot)
        assert pilot.app.screen is library  # no article opened
        assert library.query_text == "status:done" and library.sort == sort
        assert library.article_list.total == 0
    assert actions(db) == []


async def test_keys_right_after_the_palette_key_go_to_the_palette(tmp_path, make_app):
    from textual.command import CommandPalette

    db = tmp_path / "r.db"
    first, _ = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await open_article(pilot, first)
        pilot.app.post_message(events.Key("ctrl+p", None))
        burst(pilot.app, "skip")
        await pilot.pause()
        await settle(pilot)
        palette = pilot.app.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one("#--input").query_one("Input").value == "skip"
        await pilot.press("escape")
    assert status_of(db, first) == "todo"


async def test_role_keys_act_where_the_cursor_is_at_each_key(tmp_path, make_app):
    """Find 'sagt', e, s (STATEMENT), s (Speaker: the cursor still on the trigger: refused), →,
    →, s (Speaker: 'er'), all at once."""
    db = tmp_path / "r.db"
    first, _ = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, first)
        await find(pilot, "sagt")
        screen = reader(pilot)
        burst(pilot.app, "es")
        await pilot.pause()
        burst(pilot.app, "s")
        pilot.app.post_message(events.Key("right", None))
        pilot.app.post_message(events.Key("right", None))
        burst(pilot.app, "s")
        await pilot.pause()
        await settle(pilot)
        assert screen.building is not None and screen.building.type == "STATEMENT"
        event = screen.events_mode.building_event()
        fillers = [(a.role, view.text[screen.events_mode.spans_by_id[a.span_id].start:
                                      screen.events_mode.spans_by_id[a.span_id].end])
                   for a in event.arguments]
        assert fillers == [("Speaker", "er")]
        assert notified(pilot, "The trigger cannot be an argument of its own event")
        assert ("sagt", "PER") not in db_spans(db, first)
        await pilot.press("enter")
        assert screen.building is None
    assert status_of(db, first) == "in_progress"


async def test_the_header_status_changes_with_the_action(tmp_path, make_app):
    db = tmp_path / "r.db"
    first, _ = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await open_article(pilot, first)
        screen = reader(pilot)

        def notes() -> str:
            return str(screen.query_one("#reader-notes").render())

        assert notes().endswith("todo")
        await find(pilot, "Scholz")
        await pilot.press("1")
        assert screen.status == "in_progress" and notes().endswith("in progress")
        await pilot.press("u")
        # undo takes the span back; the status follows what is stored
        assert screen.status == status_of(db, first) and notes().endswith(
            screen.status.replace("_", " "))


async def test_a_full_disk_is_a_notice_and_the_span_is_not_shown(tmp_path, make_app):
    db = tmp_path / "r.db"
    first, _ = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, first)
        writer = pilot.app.calls.writer.db.conn
        pages = writer.execute("pragma page_count").fetchone()[0]
        writer.execute(f"pragma max_page_count = {pages}")  # the database cannot grow
        # and the action log's last page is full: the label's action needs a new page
        while True:
            try:
                writer.execute("insert into actions (annotator, kind, payload, state, created) "
                               "values ('filler', 'x', '', 'done', '')")
            except sqlite3.OperationalError as exc:
                assert "full" in str(exc)
                break
        await find(pilot, "Scholz")
        await pilot.press("1")
        assert notified(pilot, "disk full: not saved")
        assert pilot.app.is_running and isinstance(pilot.app.screen, ReaderScreen)
        stored = db_spans(db, first)
        shown = [(view.text[s.start:s.end], s.label) for s in view.spans]
        assert shown == stored  # what the screen shows is what is stored
        writer.execute("pragma max_page_count = 1073741823")
        await pilot.press("1")
        assert ("Scholz", "PER") in db_spans(db, first) or ("Olaf", "PER") in db_spans(db, first)


async def test_a_busy_database_waits_and_then_saves(tmp_path, make_app):
    """Another connection holds the write lock for 1.5 s: the label waits (a notice says so),
    the screen stays responsive, and the span lands once the lock is gone."""
    db = tmp_path / "r.db"
    first, _ = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, first)
        await find(pilot, "Macron")
        held = threading.Event()

        def hold() -> None:
            conn = sqlite3.connect(db, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            held.set()
            time.sleep(1.5)
            conn.execute("ROLLBACK")
            conn.close()

        locker = threading.Thread(target=hold)
        locker.start()
        held.wait()
        pilot.app.post_message(events.Key("3", "3"))
        started = time.monotonic()
        while not notified(pilot, "waiting for the database") and time.monotonic() - started < 3:
            await asyncio.sleep(0.05)
        assert notified(pilot, "waiting for the database")
        pilot.app.post_message(events.Key("right", None))  # the screen still answers keys
        await asyncio.sleep(0.1)
        assert view.text[slice(*view.cursor_range)] == "am"
        locker.join()
        await settle(pilot)
        await pilot.app.calls.idle()
        await pilot.pause()
        assert ("Macron", "LOC") in db_spans(db, first)
        assert any(view.text[s.start:s.end] == "Macron" for s in view.spans)


async def test_keys_right_after_enter_wait_for_the_article(tmp_path, make_app):
    """enter (open) and '/Cars' at once: the find prompt of the article just opened gets them
    ('s' must not skip it, 'C'… nothing else)."""
    db = tmp_path / "r.db"
    build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(pilot.app, "\r/Cars")
        await pilot.pause()
        await settle(pilot)
        screen = reader(pilot)
        assert screen.prompts.prompt("find").value == "Cars" and screen.prompts.prompt("find").has_focus
        opened = screen.article_id
    assert status_of(db, opened) == "todo" and actions(db) == []


async def test_keys_right_after_enter_in_a_prompt_act_on_the_screen_it_leaves(tmp_path, make_app):
    db = tmp_path / "r.db"
    first, second = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, first)
        screen = reader(pilot)
        burst(pilot.app, "/Cars\r3")  # find, then LOC on the match
        await pilot.pause()
        await settle(pilot)
        assert ("Cars", "LOC") in db_spans(db, first)
        burst(pilot.app, "fcheck\rd")  # flag with a note, then done
        await pilot.pause()
        await settle(pilot)
        assert status_of(db, first) == "done"
        assert screen.article_id != first or pilot.app.screen is not screen
    store = Store(db)
    try:
        assert store.flagged(first, ANNOTATOR) == "check"
    finally:
        store.close()
    assert view is not None


async def test_keys_right_after_the_filter_act_on_the_filtered_list(tmp_path, make_app):
    db = tmp_path / "r.db"
    first, second = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        library = pilot.app.screen
        burst(pilot.app, "/Artikel 0\r\r")  # filter, then open what it shows
        await pilot.pause()
        await settle(pilot)
        assert reader(pilot).article_id == first
        await pilot.press("escape")
        await settle(pilot)
        pilot.app.post_message(events.Key("escape", None))  # clear the filter…
        burst(pilot.app, "o")  # …then sort the whole list
        await pilot.pause()
        await settle(pilot)
        assert library.query_text == "" and library.sort == "title"


async def test_a_failing_library_read_is_a_notice_not_a_crash(tmp_path, make_app):
    db = tmp_path / "r.db"
    build(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def broken(*args, **kwargs):
            raise sqlite3.OperationalError("database or disk is full")

        app.store.library_ids = broken  # the read behind the list's ids
        await pilot.press("o")
        await settle(pilot)
        assert notified(pilot, "disk full")
        assert app.is_running and isinstance(app.screen, LibraryScreen)


async def test_a_failed_write_whose_read_back_fails_is_said_and_not_retried(tmp_path, make_app):
    db = tmp_path / "r.db"
    first, _ = build(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot, first)

        def broken(*args, **kwargs):
            raise sqlite3.OperationalError("no such column: status")

        writer = app.calls.writer
        writer.add_span = broken
        writer.spans = broken
        await pilot.press("1")
        await settle(pilot)
        await asyncio.sleep(0.2)
        assert app.calls.pending == 0 and app.calls.failures == 2  # the write, its read-back
        assert app.is_running


async def test_the_key_list_scrolls_with_the_arrow_keys(tmp_path, make_app):
    from textual.widgets import DataTable

    db = tmp_path / "r.db"
    first, _ = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await open_article(pilot, first)
        await pilot.press("question_mark")
        table = pilot.app.screen.query_one(DataTable)
        assert table.has_focus and table.max_scroll_y > 0
        await pilot.press(*["down"] * table.row_count)
        assert table.cursor_row == table.row_count - 1 and table.scroll_y == table.max_scroll_y


async def test_find_shows_the_match_with_lines_above_it(tmp_path, make_app):
    db = tmp_path / "r.db"
    store = Store(db)
    text = "\n\n".join(f"Absatz {n} mit Wörtern." for n in range(120)) + "\n\nDas Ziel steht hier."
    text += "".join(f"\n\nNachsatz {n}." for n in range(60))
    aid = store.add_article(make_article(text, title="Lang"))[0].id
    store.close()
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await find(pilot, "Ziel")
        line = view.line_of(text.index("Ziel")) - view.scroll_line
        height = view.scrollable_content_region.height
        assert 0 < line < height - 2  # not on the last rows of the view


async def test_notices_move_to_the_top_in_argument_mode(tmp_path, make_app):
    db = tmp_path / "r.db"
    first, _ = build(db)
    async with make_app(db).run_test(size=SIZE, notifications=True) as pilot:
        await open_article(pilot, first)
        await find(pilot, "sagt")
        await pilot.press("e", "s")
        screen = reader(pilot)
        assert screen.has_class("-arguments")
        rack = screen.query_one("ToastRack")
        assert rack.styles.dock == "top"
        await pilot.press("enter")
        assert not screen.has_class("-arguments") and rack.styles.dock == "bottom"


async def test_back_from_the_reader_the_highlight_is_on_the_article_shown_last(tmp_path,
                                                                             make_app):
    from tui.widgets import ArticleList

    db = tmp_path / "r.db"
    ids = build(db, 4)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        library = pilot.app.screen
        order = list(library.article_ids)
        await open_article(pilot, order[1])
        await pilot.press("right_square_bracket")  # on to the next one in the list
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert library.query_one(ArticleList).cursor == 2 and sorted(order) == sorted(ids)


async def test_the_find_prompt_is_on_screen_where_it_can_be_seen(tmp_path, make_app):
    """Found in a real terminal: a prompt inside a container that did not grow was invisible
    while it had the focus."""
    db = tmp_path / "r.db"
    first, _ = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await open_article(pilot, first)
        await pilot.press("slash")
        await pilot.pause()
        prompt = reader(pilot).prompts.prompt("find")
        assert prompt.has_focus and prompt.region.height > 0
        widget, _ = pilot.app.screen.get_widget_at(*prompt.region.center)
        assert widget is prompt or prompt in widget.ancestors


async def test_the_footer_shows_the_screens_keys_and_a_click_runs_one(tmp_path, make_app):
    from tui.widgets.key_footer import KeyFooter

    db = tmp_path / "r.db"
    build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = pilot.app.screen.query_one(KeyFooter)
        line = footer.render().plain
        assert " / Filter " in line and " o Sort " in line and line.rstrip().endswith("palette")
        sort = pilot.app.screen.sort
        start = line.index(" o Sort ")
        await pilot.click(KeyFooter, offset=(start + 2, 0))
        await settle(pilot)
        assert pilot.app.screen.sort != sort
        await pilot.press("slash")  # the filter prompt has the focus: its keys
        assert footer.render().plain != line


async def test_a_cancelled_read_stops_its_query_and_frees_the_connection(tmp_path):
    """The library's count for an old filter is cancelled with its worker: the query stops, so
    the next filter's rows do not wait for it."""
    from tui.store import StoreCalls

    build(tmp_path / "n.db", 1)
    store = Store(tmp_path / "n.db")
    calls = StoreCalls(app=None, store=store)
    slow = ("with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000000) "
            "select count(*) from n")
    try:
        started = time.perf_counter()
        task = asyncio.ensure_future(calls.read(lambda s: s.conn.execute(slow).fetchone()[0]))
        await asyncio.sleep(0.2)
        task.cancel()
        count = await calls.read(lambda s: s.library_count(ANNOTATOR))
        assert count == 1 and time.perf_counter() - started < 5  # the whole CTE takes ~30 s
        assert task.cancelled()
    finally:
        store.close()
