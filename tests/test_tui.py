"""The TUI driven with Pilot on real SQLite files: library, reader, every key, restarts."""

from __future__ import annotations

from rich.color import Color

from newsmark.model import DEFAULT_LABELS
from storage.repo import Store
from tui.screens import HelpScreen, LibraryScreen, ReaderScreen
from tui.widgets import ArticleList, DocumentView
from tui_helpers import (  # noqa: F401  (fixtures)
    ANNOTATOR,
    SIZE,
    db_spans,
    find,
    make_app,
    make_article,
    open_article,
    rendered,
    seeded,
    settle,
    surface,
    type_text,
)

NAME = "Wolodymyr Selenskyj"
PER = Color.parse(DEFAULT_LABELS[0].color)
ORG = Color.parse(DEFAULT_LABELS[1].color)


def assert_highlighted(view: DocumentView, start: int, end: int, color: Color) -> None:
    for offset in range(start, end):
        line_end = view.line_range(view.line_of(offset))[1]
        if not view.text[offset:line_end].strip():
            continue  # whitespace ending a wrapped line: highlights stop before it
        style = view.style_at(offset)
        assert style.bgcolor == color, (offset, view.text[offset], style)


# --- required: a span survives a restart, on disk and on screen ----------------------------------


async def test_find_label_quit_restart_shows_span(seeded, make_app):
    db, ids = seeded
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_article(pilot, ids["000"])
        await find(pilot, NAME)
        assert surface(view, view.selection) == NAME
        await pilot.press("1")
        await pilot.pause()
        # The span is on disk as soon as it is on screen.
        assert db_spans(db, ids["000"]) == [(NAME, "PER")]
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running

    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_article(pilot, ids["000"])
        start = view.text.index(NAME)
        assert [(s.start, s.end, s.label) for s in view.spans] == [(start, start + len(NAME), "PER")]
        assert_highlighted(view, start, start + len(NAME), PER)
        # ...and only those characters.
        assert view.style_at(start - 2).bgcolor != PER
        assert view.style_at(start + len(NAME) + 1).bgcolor != PER
        # The rendered characters are the text itself.
        assert rendered(view)[start : start + len(NAME)] == NAME
    assert db_spans(db, ids["000"]) == [(NAME, "PER")]


async def test_undo_and_redo_cross_restarts(seeded, make_app):
    db, ids = seeded
    aid = ids["000"]
    async with (app := make_app(db)).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await find(pilot, NAME)
        await pilot.press("1")
        await pilot.press("q")
    assert db_spans(db, aid) == [(NAME, "PER")]

    async with (app := make_app(db)).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        assert len(view.spans) == 1
        await pilot.press("u")
        await pilot.pause()
        assert view.spans == []
        assert db_spans(db, aid) == []
        start = view.text.index(NAME)
        assert view.style_at(start).bgcolor != PER
        await pilot.press("q")
    assert not app.is_running
    assert db_spans(db, aid) == []

    async with (app := make_app(db)).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        assert view.spans == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [(surface(view, (s.start, s.end)), s.label) for s in view.spans] == [(NAME, "PER")]
        assert db_spans(db, aid) == [(NAME, "PER")]
        start = view.text.index(NAME)
        assert_highlighted(view, start, start + len(NAME), PER)
        await pilot.press("q")


# --- the library ----------------------------------------------------------------------------------


async def test_library_lists_articles_and_enter_opens_one(seeded, make_app):
    db, ids = seeded
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        article_list = library.query_one(ArticleList)
        assert article_list.total == 2
        rows = {row.id: row for row in article_list.loaded_rows()}
        store = Store(db)
        try:
            for aid in ids.values():
                article = store.article(aid)
                cells = [cell.plain for cell in article_list.cells(rows[aid])]
                assert cells[0].rstrip("…") in article.display_title
                assert cells[1] == article.source
                assert cells[2] == (article.published or "")[:10]
                assert cells[3] == "todo"
                assert cells[4] == "0"
        finally:
            store.close()
        view = await open_article(pilot, ids["004"])
        assert view.text.startswith(Store(db).article(ids["004"]).text[:40])


async def test_escape_back_to_library_refreshes_counts(seeded, make_app):
    db, ids = seeded
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_article(pilot, ids["000"])
        await find(pilot, NAME)
        await pilot.press("1")
        await pilot.press("escape")  # no selection left after labelling: back to the library
        await settle(pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        article_list = library.query_one(ArticleList)
        row = next(r for r in article_list.loaded_rows() if r.id == ids["000"])
        cells = [c.plain for c in article_list.cells(row)]
        assert cells[3:] == ["in progress", "1"]
        assert article_list.cursor == library.article_ids.index(ids["000"])
        del view


# --- keys in the reader ---------------------------------------------------------------------------


async def test_left_right_move_by_word_tokens(seeded, make_app):
    db, ids = seeded
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, ids["000"])
        words = view.text.split()
        assert surface(view, view.cursor_range) == words[0]
        await pilot.press("right")
        second = surface(view, view.cursor_range)
        assert second and not second.isspace() and second != words[0]
        await pilot.press("right", "right", "left", "left")
        assert surface(view, view.cursor_range) == second
        await pilot.press("left", "left", "left")  # stops at the first token
        assert view.cursor_range[0] == 0
        assert view.selection is None
        await pilot.press("end")
        assert view.cursor_range[1] == len(view.text.rstrip())
        await pilot.press("right")  # stops at the last token
        assert view.cursor_range[1] == len(view.text.rstrip())
        await pilot.press("home")
        assert view.cursor_range[0] == 0


async def test_up_down_keep_the_column(seeded, make_app):
    db, ids = seeded
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, ids["000"])
        # The first paragraph wraps at 120 columns: move along its first line a bit.
        for _ in range(6):
            await pilot.press("right")
        start = view.cursor_range[0]
        y, col = view.line_of(start), view.column_of(start)
        await pilot.press("down")
        below = view.cursor_range
        assert view.line_of(below[0]) == y + 1
        # The token nearest the column: it covers the column or is the closest one.
        b0 = view.column_of(below[0])
        assert abs(b0 - col) <= 20
        await pilot.press("up")
        assert view.cursor_range[0] == start
        # down across a paragraph break skips the blank line
        while view.line_of(view.cursor_range[0]) < view.line_of(view.text.index("\n\n")):
            await pilot.press("down")
        para2 = view.text.index("\n\n") + 2
        await pilot.press("down")
        assert view.line_of(view.cursor_range[0]) == view.line_of(para2)
        assert view.display_lines()[view.line_of(para2) - 1] == ""


async def test_down_scrolls_the_cursor_into_view(seeded, make_app):
    db, ids = seeded
    async with make_app(db).run_test(size=(60, 20)) as pilot:
        view = await open_article(pilot, ids["000"])
        assert view.line_count > view.scrollable_content_region.height
        for _ in range(view.line_count):
            await pilot.press("down")
        await pilot.pause()
        y = view.line_of(view.cursor_range[0])
        assert view.scroll_offset.y <= y < view.scroll_offset.y + view.scrollable_content_region.height
        assert view.scroll_offset.y > 0
        await pilot.press("pageup", "pageup", "pageup", "home")
        await pilot.pause()
        assert view.scroll_offset.y == 0


async def test_shift_arrows_extend_the_selection_by_tokens(seeded, make_app):
    db, ids = seeded
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, ids["000"])
        await find(pilot, "Wolodymyr")
        assert surface(view, view.selection) == "Wolodymyr"
        await pilot.press("shift+right")
        assert surface(view, view.selection) == NAME
        await pilot.press("shift+right")
        assert surface(view, view.selection) == NAME + " die"
        await pilot.press("shift+left", "shift+left", "shift+left")
        assert surface(view, view.selection) == "Präsident Wolodymyr"
        await pilot.press("right")  # a plain move drops the selection
        assert view.selection is None
        assert surface(view, view.cursor_range) == "Wolodymyr"


async def test_find_is_case_insensitive_wraps_and_snaps_to_tokens(seeded, make_app):
    db, ids = seeded
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, ids["000"])
        text = view.text
        await find(pilot, "olodymyr selensk")  # inside tokens: widened to whole tokens
        assert surface(view, view.selection) == NAME
        hits = [i for i in range(len(text)) if text.lower().startswith("istanbul", i)]
        assert len(hits) >= 2
        seen = []
        for _ in range(len(hits) + 1):
            await find(pilot, "ISTANBUL")
            seen.append(view.selection[0])
        # every occurrence after the cursor, then around again
        after = [h for h in hits if h > text.index(NAME)]
        before = [h for h in hits if h < text.index(NAME)]
        expected = (after + before + after + before)[: len(hits) + 1]
        assert seen == [_token_start(view, h) for h in expected]
        # n repeats the last search
        current = view.selection[0]
        await pilot.press("n")
        assert view.selection[0] != current
        # nothing found: a notification, the selection stays
        selection = view.selection
        await find(pilot, "zzzzqqq")
        assert view.selection == selection
        assert any("Not found" in m for m in pilot.app.notices)


def _token_start(view: DocumentView, offset: int) -> int:
    return max(t.start for t in view.tokens if t.start <= offset)


async def test_find_prompt_escape_cancels(seeded, make_app):
    db, ids = seeded
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, ids["000"])
        await pilot.press("slash")
        find_input = pilot.app.screen.query_one("#find")
        assert find_input.has_focus and find_input.display
        await type_text(pilot, "q1x")  # typed into the prompt, not taken as keys
        assert find_input.value == "q1x"
        assert pilot.app.is_running and view.spans == []
        await pilot.press("escape")
        assert not find_input.display
        assert view.has_focus
        assert isinstance(pilot.app.screen, ReaderScreen)


async def test_digit_labels_the_selection_or_the_cursor_token(seeded, make_app):
    db, ids = seeded
    aid = ids["000"]
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        # without a selection: the token under the cursor
        await pilot.press("right", "right")
        token = surface(view, view.cursor_range)
        await pilot.press("3")
        assert db_spans(db, aid) == [(token, "LOC")]
        assert_highlighted(view, *view.cursor_range, Color.parse(DEFAULT_LABELS[2].color))
        # with a selection: the selection, which is then cleared
        await find(pilot, NAME)
        await pilot.press("2")
        assert sorted(db_spans(db, aid)) == sorted([(token, "LOC"), (NAME, "ORG")])
        assert view.selection is None
        # after labelling, the cursor is on the selection's last token
        assert surface(view, view.cursor_range) == "Selenskyj"
        # a token inside a span gets its own span when it is selected (without a selection, a
        # label key on a span relabels that span: see test_tui_reader.py)
        await pilot.press("shift+right", "shift+left")
        assert surface(view, view.selection) == "Selenskyj"
        await pilot.press("1")
        # the same characters with another label: relabelled, not doubled
        await find(pilot, NAME)
        await pilot.press("1")
        assert sorted(db_spans(db, aid)) == sorted(
            [(token, "LOC"), ("Selenskyj", "PER"), (NAME, "PER")]
        )
        # the status line shows the label applied last
        status = pilot.app.screen.query_one("#reader-status").content.plain
        assert "label  PER" in status and ANNOTATOR in status
        # a key without a label does nothing but say so
        await pilot.press("9")
        assert len(db_spans(db, aid)) == 3  # "Selenskyj" PER, token LOC, NAME PER
        assert any("No label on key 9" in m for m in pilot.app.notices)


async def test_enter_applies_the_selected_label(seeded, make_app):
    db, ids = seeded
    aid = ids["000"]
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await pilot.press("enter")  # nothing applied yet: the first label
        first = surface(view, view.cursor_range)
        assert db_spans(db, aid) == [(first, "PER")]
        await find(pilot, NAME)
        await pilot.press("4")
        await find(pilot, "Tass")
        await pilot.press("enter")
        assert ("Tass", "MISC") in db_spans(db, aid)


async def test_x_deletes_the_innermost_span_under_the_cursor(seeded, make_app):
    db, ids = seeded
    aid = ids["000"]
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await find(pilot, "Präsident Wolodymyr Selenskyj")
        await pilot.press("2")  # outer ORG
        await find(pilot, NAME)
        await pilot.press("1")  # inner PER; the cursor is on "Selenskyj"
        assert sorted(db_spans(db, aid)) == sorted([("Präsident " + NAME, "ORG"), (NAME, "PER")])
        await pilot.press("x")
        assert db_spans(db, aid) == [("Präsident " + NAME, "ORG")]
        start = view.text.index(NAME)
        assert view.style_at(start).bgcolor == ORG
        await pilot.press("x")
        assert db_spans(db, aid) == []
        await pilot.press("x")
        assert any("No span" in m for m in pilot.app.notices)
        await pilot.press("u")  # undo the delete
        assert db_spans(db, aid) == [("Präsident " + NAME, "ORG")]
        assert view.style_at(start).bgcolor == ORG


async def test_u_and_ctrl_r_in_one_session(seeded, make_app):
    db, ids = seeded
    aid = ids["000"]
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await pilot.press("u")
        assert any("Nothing to undo" in m for m in pilot.app.notices)
        await find(pilot, NAME)
        await pilot.press("1")
        await find(pilot, "Tass")
        await pilot.press("2")
        assert len(view.spans) == 2
        await pilot.press("u")
        assert db_spans(db, aid) == [(NAME, "PER")] and len(view.spans) == 1
        await pilot.press("u")
        assert db_spans(db, aid) == [] and view.spans == []
        await pilot.press("ctrl+r")
        assert db_spans(db, aid) == [(NAME, "PER")] and len(view.spans) == 1
        await pilot.press("ctrl+r")
        assert sorted(db_spans(db, aid)) == sorted([(NAME, "PER"), ("Tass", "ORG")])
        assert len(view.spans) == 2
        await pilot.press("ctrl+r")
        assert any("Nothing to redo" in m for m in pilot.app.notices)


async def test_undo_is_per_article(seeded, make_app):
    db, ids = seeded
    async with make_app(db).run_test(size=SIZE) as pilot:
        await open_article(pilot, ids["000"])
        await find(pilot, NAME)
        await pilot.press("1")
        await pilot.press("escape")
        view = await open_article(pilot, ids["004"])
        await pilot.press("u")  # nothing to undo in this article
        assert db_spans(pilot.app.store.path, ids["000"]) == [(NAME, "PER")]
        assert view.spans == []


async def test_escape_clears_the_selection_first(seeded, make_app):
    db, ids = seeded
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, ids["000"])
        await pilot.press("shift+right")
        assert view.selection is not None
        await pilot.press("escape")
        assert view.selection is None
        assert isinstance(pilot.app.screen, ReaderScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, LibraryScreen)


async def test_question_mark_lists_every_live_key(seeded, make_app):
    db, ids = seeded
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot, ids["000"])
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        listed = {binding_id: (key, what) for key, what, binding_id in help_screen.rows}
        for binding_id in [
            "reader.cursor_left", "reader.cursor_right", "reader.cursor_up", "reader.cursor_down",
            "reader.select_left", "reader.select_right", "reader.find", "reader.delete_span",
            "reader.undo", "reader.redo", "reader.escape", "app.help", "app.quit",
            *[f"reader.label_{n}" for n in range(1, 10)],
        ]:
            assert binding_id in listed, binding_id
        assert listed["reader.label_1"] == ("1", "Apply label PER")
        assert listed["reader.find"][0] == "/"
        assert listed["app.quit"][0] == "q"
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "library.open" in {row[2] for row in app.screen.rows}
        await pilot.press("question_mark")
        assert isinstance(app.screen, LibraryScreen)


async def test_q_quits_from_library_and_reader(seeded, make_app):
    db, ids = seeded
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot, ids["004"])
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:  # q quits from the key list too
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


def test_every_binding_has_an_id():
    from tui.app import NewsmarkApp
    from tui.keymap import binding_classes
    from tui.screens import HelpScreen, LibraryScreen, ReaderScreen
    from tui.widgets import ArticleList, DocumentView

    classes = binding_classes()
    for cls in (NewsmarkApp, LibraryScreen, ReaderScreen, HelpScreen, ArticleList, DocumentView):
        assert cls in classes
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", []):
            assert binding.id, (cls.__name__, binding)


async def test_keymap_remaps_by_binding_id(seeded, make_app):
    db, ids = seeded
    from tui.app import NewsmarkApp

    store = Store(db)
    try:
        app = NewsmarkApp(store=store, annotator=ANNOTATOR, keymap={"reader.undo": "z"})
        async with app.run_test(size=SIZE) as pilot:
            view = await open_article(pilot, ids["000"])
            await find(pilot, NAME)
            await pilot.press("1")
            await pilot.press("z")
            assert view.spans == []
    finally:
        store.close()


async def test_click_moves_the_cursor(seeded, make_app):
    db, ids = seeded
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, ids["000"])
        y = view.line_of(view.text.index(NAME))
        x = view.column_of(view.text.index(NAME))
        await pilot.click(DocumentView, offset=(x + 1 + 2, y))  # +1 padding, +2 into the word
        assert surface(view, view.cursor_range) == "Wolodymyr"


async def test_status_line_shows_title_annotator_and_label(seeded, make_app):
    db, ids = seeded
    async with make_app(db).run_test(size=SIZE) as pilot:
        await open_article(pilot, ids["000"])
        status = "\n".join(
            pilot.app.screen.query_one(f"#reader-{part}").content.plain for part in ("title", "status")
        )
        title = Store(db).article(ids["000"]).display_title
        assert title in status
        assert f"annotator {ANNOTATOR}" in status
        assert "label  PER " in status


# --- web text is data -----------------------------------------------------------------------------

MARKUP = "[bold]x[/]"
ANSI = "\x1b[31mred\x1b[0m"
LITERAL_TEXT = f"Markup {MARKUP} and {ANSI} here.\n\nBell \x07 tab\tdel\x7f c1\x85 end [link=http://e.vil]y[/link]."


async def test_web_text_is_shown_literally(tmp_path, make_app):
    db = tmp_path / "literal.db"
    store = Store(db)
    article, _ = store.add_article(
        make_article(LITERAL_TEXT, title=f"Title {MARKUP} {ANSI}", source="[i]src[/i]\x1b]8;;x\x07")
    )
    store.close()
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        cells = [cell.plain for cell in article_list.cells(article_list.row(0))]
        assert cells[0] == "Title [bold]x[/] ␛[31mred␛[0m"
        assert cells[1] == "[i]src[/i]␛]8;;x␇"
        view = await open_article(pilot, article.id)
        lines = view.rendered_lines()
        assert lines[0] == "Markup [bold]x[/] and ␛[31mred␛[0m here."
        assert lines[1] == ""
        assert lines[2] == "Bell ␇ tab␉del␡ c1\ufffd end [link=http://e.vil]y[/link]."
        # one for one: offsets into the stored text are offsets into what is shown
        assert rendered(view) == LITERAL_TEXT.translate(
            {0x1B: "␛", 0x07: "␇", 0x09: "␉", 0x7F: "␡", 0x85: "\ufffd"}
        )
        for y in range(view.line_count):
            for segment in view.render_document_line(y):
                assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in segment.text)
                assert not segment.style or not segment.style.link
        status = app.screen.query_one("#reader-title").content.plain
        assert "Title [bold]x[/] ␛[31mred␛[0m" in status
        assert "[i]src[/i]␛]8;;x␇" in status
        # Labelling "[bold]x[/]" works on the literal characters.
        await find(pilot, MARKUP)
        assert surface(view, view.selection) == MARKUP
        await pilot.press("4")
        assert db_spans(db, article.id) == [(MARKUP, "MISC")]


# --- structure: no spaCy, line layout, bounded repaint --------------------------------------------

NO_SPACY_SCRIPT = """
import asyncio, sys
sys.path.insert(0, {tests!r})
from storage.repo import Store
from tui.app import NewsmarkApp
from tui_helpers import open_article, find_and_label

async def main():
    store = Store({db!r})
    app = NewsmarkApp(store=store, annotator="tester")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_article(pilot, {aid})
        await find_and_label(pilot, "Selenskyj", "1")
        await pilot.press("q")
    store.close()
    print(sorted(m for m in sys.modules if m.split(".")[0] in ("spacy", "thinc")))

asyncio.run(main())
"""


def test_the_tui_never_imports_spacy(seeded):
    import subprocess
    import sys
    from pathlib import Path

    db, ids = seeded
    tests = str(Path(__file__).parent)
    script = NO_SPACY_SCRIPT.format(tests=tests, db=str(db), aid=ids["000"])
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=Path(tests).parent, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert db_spans(db, ids["000"]) == [("Selenskyj", "PER")]


def test_wrap_covers_the_text_and_fits_the_width():
    from rich.cells import cell_len

    from tui.widgets.document import wrap

    text = (
        "Ein kurzer Absatz.\n\nEin sehr langer Absatz mit vielen Wörtern, der umgebrochen wird, "
        "und einem Wort: " + "x" * 50 + " danach.\n  eingerückt\n\n\n東京都の全角文字は二つのセルを使う。"
    )
    for width in (1, 7, 20, 33):
        lines = wrap(text, width)
        # consecutive, covering everything; "\n" only between hard lines
        position = 0
        for start, end in lines:
            gap = text[position:start]
            assert gap in ("", "\n"), (width, gap)
            position = end
        assert position == len(text)
        for start, end in lines:
            assert cell_len(text[start:end].rstrip()) <= width or end - start == 1
    lines = wrap(text, 30)
    assert [text[s:e] for s, e in lines][:3] == ["Ein kurzer Absatz.", "", "Ein sehr langer Absatz mit "]


def test_visible_maps_control_characters_one_for_one():
    from tui.widgets import visible, visible_line

    raw = "a\x00b\x1b[1mc\td\x7fe\x85f\u202eg\nh"
    shown = visible(raw)
    assert len(shown) == len(raw)
    assert shown == "a␀b␛[1mc␉d␡e\ufffdf\ufffdg\nh"
    assert visible_line(raw).endswith("g␤h")
    assert visible("Grüße – “quotes” 東京") == "Grüße – “quotes” 東京"


async def test_a_keystroke_repaints_only_the_lines_it_changes(tmp_path, make_app):
    """The reader's cost per cursor move does not grow with the article."""
    paragraph = (
        "Die Verhandlungen zwischen der Ukraine und Russland in Istanbul markieren einen weiteren "
        "Versuch, die anhaltenden Spannungen zwischen den beiden Ländern zu entschärfen."
    )
    counts = {}
    for size in (2_000, 50_000):
        text = "\n\n".join([paragraph] * (size // (len(paragraph) + 2)))
        db = tmp_path / f"{size}.db"
        store = Store(db)
        article, _ = store.add_article(make_article(text, title=str(size)))
        store.close()
        async with make_app(db).run_test(size=SIZE) as pilot:
            view = await open_article(pilot, article.id)
            rendered = []
            original = view.render_document_line

            def counting(y, original=original, rendered=rendered):
                if y not in view._cache:
                    rendered.append(y)
                return original(y)

            view.render_document_line = counting
            await pilot.press("right", "right", "shift+right", "left", "down", "escape")
            await pilot.pause()
            counts[size] = len(rendered)
    assert counts[50_000] == counts[2_000] <= 12
