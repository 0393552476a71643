"""The reader, driven with Pilot on real SQLite files: structure, nested spans, the span panel,
span jumps, the mouse, relabelling, moving between articles, done/skip/flag, the raw source,
other annotators, remembered positions, older versions, and label colours on both themes."""

from __future__ import annotations

from pathlib import Path

from rich.color import Color

from newsmark.model import Label, Schema
from storage.repo import Store
from tui.screens import LibraryScreen, ReaderScreen
from tui.widgets import DocumentView
from tui.widgets.labels import contrast, text_color_on
from tui.widgets.span_panel import SpanList, SpanPanel
from tui_helpers import (  # noqa: F401  (fixtures)
    ANNOTATOR,
    SIZE,
    db_spans,
    find,
    library_screen,
    make_app,
    make_article,
    notified,
    open_article,
    reader,
    rendered,
    settle,
    surface,
    type_text,
)

TEXT = (
    "## Gespräche in Istanbul\n\n"
    "Kyjiw / Istanbul – Vertreter der Ukraine und Russlands haben sich am Montag getroffen.\n\n"
    "- Präsident Wolodymyr Selenskyj sagte, die Ukraine sei bereit.\n"
    "- Der türkische Außenminister Hakan Fidan eröffnete das Treffen.\n\n"
    "> Beide Seiten vereinbarten einen Austausch von Gefangenen.\n\n"
    "Die Vereinten Nationen begrüßten die Gespräche."
)
OUTER = "Präsident Wolodymyr Selenskyj"
INNER = "Wolodymyr Selenskyj"
PER, ORG, LOC, MISC = (Color.parse(c) for c in ("#e06c75", "#61afef", "#98c379", "#c678dd"))


def at(surface: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(surface)
    return start, start + len(surface)


def build(db: Path, spans: list[tuple[str, str]] = (), **article) -> int:
    """One article (TEXT unless ``text=``) with ``spans`` [(surface, label)] by ANNOTATOR."""
    text = article.pop("text", TEXT)
    store = Store(db)
    try:
        stored, _ = store.add_article(make_article(text, title=article.pop("title", "Istanbul"),
                                                   **article))
        for surface, label in spans:
            store.add_span(stored.id, ANNOTATOR, *at(surface, text), label)
        return stored.id
    finally:
        store.close()


def screen_xy(view: DocumentView, offset: int) -> tuple[int, int]:
    """(x, y) of character ``offset`` relative to the view's top-left (padding included)."""
    y = view.line_of(offset) - view.scroll_line
    return view.column_of(offset) + 1, y  # +1: the left padding


# --- structure ------------------------------------------------------------------------------------


async def test_structure_is_styled_but_the_characters_are_the_stored_ones(tmp_path, make_app):
    db = tmp_path / "r.db"
    aid = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        # one for one: every stored character is shown, nothing is added
        assert rendered(view) == TEXT
        heading = view.style_at(TEXT.index("Gespräche"))
        assert heading.bold
        marker = view.style_at(0)  # "#" (under the cursor: check the next one)
        marker = view.style_at(1)
        assert marker.bold and marker.color != heading.color  # the "## " marker is muted
        item = view.style_at(TEXT.index("- Präsident"))
        plain = view.style_at(TEXT.index("Präsident"))
        assert item.bold and item.color != plain.color
        quote_marker = view.style_at(TEXT.index("> Beide"))
        quote = view.style_at(TEXT.index("Beide"))
        assert quote_marker.color != plain.color and quote.italic
        assert not view.style_at(TEXT.index("Kyjiw")).bold
        assert not view.style_at(TEXT.index("Vereinten")).italic


async def test_markers_and_selection_are_readable_on_dark_and_light_themes(tmp_path, make_app):
    db = tmp_path / "r.db"
    aid = build(db)
    for theme in ("textual-dark", "textual-light"):
        app = make_app(db)
        async with app.run_test(size=SIZE) as pilot:
            app.theme = theme
            view = await open_article(pilot, aid)
            await find(pilot, "Vertreter der")
            background = view.style_at(TEXT.index("Kyjiw")).bgcolor.triplet.hex
            for where in ("## ", "Gespräche", "- Präsident", "> Beide", "Beide", "Kyjiw"):
                style = view.style_at(TEXT.index(where))
                assert contrast(style.color.triplet.hex, background) >= 3, (theme, where, style)
            selected = view.style_at(TEXT.index("Vertreter"))
            assert contrast(selected.color.triplet.hex, selected.bgcolor.triplet.hex) >= 4.5
            await pilot.press("escape", "escape")
            await settle(pilot)


async def test_plain_lines_take_the_theme_colours(tmp_path, make_app):
    """A line with no span, structure or cursor is drawn in the theme's colours, not the
    terminal's defaults (Rich drops a Text's base style when it has no spans)."""
    db = tmp_path / "p.db"
    aid = build(db)
    for theme in ("textual-dark", "textual-light"):
        app = make_app(db)
        async with app.run_test(size=SIZE) as pilot:
            app.theme = theme
            view = await open_article(pilot, aid)
            style = view.style_at(TEXT.index("Vereinten"))
            assert style.bgcolor is not None and style.color is not None, (theme, style)
            assert (style.color, style.bgcolor) == (view.rich_style.color, view.rich_style.bgcolor)
            await pilot.press("escape")
            await settle(pilot)


# --- nested and overlapping spans, the panel, tab -----------------------------------------------


async def test_nested_overlapping_and_touching_spans_are_all_visible(tmp_path, make_app):
    db = tmp_path / "r.db"
    text = "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa."
    aid = build(db, text=text, spans=[
        ("Alpha Beta Gamma", "MISC"), ("Beta", "PER"),  # nested: PER inside MISC
        ("Delta Epsilon", "ORG"), ("Epsilon Zeta", "LOC"),  # overlapping
        ("Eta", "PER"), ("Theta", "PER"),  # touching? no: a space between; "Iota Kappa" below
        ("Iota", "PER"), ("Kappa", "PER"),
    ])
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await pilot.press("end")  # the cursor out of the way (on the final ".")

        def style(word: str, k: int = 0):
            return view.style_at(text.index(word) + k)

        # nested: the outer span's own part in its colour; the inner span in its colour,
        # underlined because the outer one covers it too
        assert style("Alpha").bgcolor == MISC and not style("Alpha").underline
        assert style("Beta", 1).bgcolor == PER and style("Beta", 1).underline
        assert style("Gamma").bgcolor == MISC and not style("Gamma").underline
        # overlapping: each span's own part in its colour, the shared part in the shorter one's
        # colour (equal lengths: the later one), underlined
        assert style("Delta").bgcolor == ORG
        assert style("Epsilon", 2).bgcolor == LOC and style("Epsilon", 2).underline
        assert style("Zeta").bgcolor == LOC and not style("Zeta").underline
        # a span starting inside another: its first character is a marker (darker, bold)
        first = style("Beta")
        assert first.bold and first.bgcolor not in (PER, MISC)
        assert style("Epsilon").bold and style("Epsilon").bgcolor not in (ORG, LOC)
        # separate spans with the same label: plain, no marker
        assert style("Theta").bgcolor == PER and not style("Theta").bold
        # the text on every label colour is black or white by luminance
        for word, k in [("Alpha", 0), ("Beta", 1), ("Beta", 0), ("Epsilon", 0), ("Zeta", 0)]:
            s = style(word, k)
            assert s.color.triplet.hex in ("#000000", "#ffffff")
            assert s.color.triplet.hex == text_color_on(s.bgcolor.triplet.hex)
        # the shown characters are still exactly the text
        assert view.rendered_lines() == [text]


async def test_touching_spans_get_a_start_marker(tmp_path, make_app):
    db = tmp_path / "r.db"
    text = "Der Ort heißt Baden-Baden heute."
    aid = build(db, text=text, language="de")
    store = Store(db)
    tokens = store.article(aid).tokens
    words = [(t.start, t.end) for t in tokens if text[t.start : t.end].strip()]
    # two adjacent tokens with no space between them (spaCy splits "Baden-Baden" on the hyphen)
    pairs = [(a, b) for a, b in zip(words, words[1:]) if a[1] == b[0]]
    assert pairs, words
    (s1, e1), (s2, e2) = pairs[0]
    store.add_span(aid, ANNOTATOR, s1, e1, "LOC")
    store.add_span(aid, ANNOTATOR, s2, e2, "LOC")
    store.close()
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await pilot.press("end")
        assert view.style_at(s1).bgcolor == LOC and not view.style_at(s1).bold
        marker = view.style_at(s2)
        assert marker.bold and marker.bgcolor != LOC  # where the second one starts
        assert view.rendered_lines() == [text]


async def test_panel_lists_spans_in_text_order_and_tab_jumps_between_them(tmp_path, make_app):
    db = tmp_path / "r.db"
    aid = build(db, spans=[("Vereinten Nationen", "ORG"), (INNER, "PER"), (OUTER, "MISC"),
                           ("Ukraine", "LOC"), ("Hakan Fidan", "PER")])
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        screen = reader(pilot)
        panel = screen.query_one(SpanPanel)
        assert panel.display  # shown by default at 120 columns
        assert panel.entries() == [
            " LOC  Ukraine", f" MISC  {OUTER}", f" PER  {INNER}", " PER  Hakan Fidan",
            " ORG  Vereinten Nationen",
        ]
        assert "Spans (5)" in screen.query_one("#span-panel-header").content.plain
        starts = []
        for _ in range(5):
            await pilot.press("tab")
            starts.append(view.cursor_range[0])
        assert starts == [TEXT.index(s) for s in ("Ukraine", OUTER, INNER, "Hakan", "Vereinten")]
        # the panel highlights the (innermost) span under the cursor
        assert panel.query_one(SpanList).highlighted == 4
        await pilot.press("tab")  # around to the first
        assert view.cursor_range[0] == TEXT.index("Ukraine")
        await pilot.press("shift+tab")
        assert view.cursor_range[0] == TEXT.index("Vereinten")
        await pilot.press("shift+tab", "shift+tab")
        assert view.cursor_range[0] == TEXT.index(INNER)
        assert panel.query_one(SpanList).highlighted == 2
        # p hides and shows the panel; the document gets the width
        width = view.size.width
        await pilot.press("p")
        await pilot.pause()
        assert not panel.display and view.size.width > width
        await pilot.press("p")
        await pilot.pause()
        assert panel.display
        # clicking an entry puts the cursor on that span
        await pilot.click(SpanList, offset=(5, 3))
        await pilot.pause()
        assert view.cursor_range[0] == TEXT.index("Hakan")
        assert view.has_focus


async def test_spans_starting_together_are_each_reachable_by_tab_and_by_click(tmp_path, make_app):
    """A nested span that starts where its outer span starts: tab stops on each, a click on
    either panel entry makes that one the span under the cursor, and x deletes that one."""
    db = tmp_path / "t.db"
    whole = "Vereinten Nationen begrüßten"
    aid = build(db, spans=[(whole, "MISC"), ("Vereinten Nationen", "ORG"), ("Ukraine", "LOC")])
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        screen = reader(pilot)
        panel = screen.query_one(SpanPanel)
        assert panel.entries()[1:] == [f" MISC  {whole}", " ORG  Vereinten Nationen"]
        labels = []
        for _ in range(4):
            await pilot.press("tab")
            labels.append(view.span_at_cursor().label)
        assert labels == ["LOC", "MISC", "ORG", "LOC"]
        await pilot.press("shift+tab")
        assert view.span_at_cursor().label == "ORG"
        await pilot.press("shift+tab")
        assert view.span_at_cursor().label == "MISC"
        # a click on the outer entry (row 1 below the header row of the list): that one
        await pilot.press("home")
        await pilot.click(SpanList, offset=(5, 1))
        await pilot.pause()
        assert view.span_at_cursor().label == "MISC" and view.has_focus
        assert "at cursor  MISC   ORG" in screen.query_one("#reader-status").content.plain
        await pilot.press("x")
        await pilot.pause()
        assert sorted(db_spans(db, aid)) == [("Ukraine", "LOC"), ("Vereinten Nationen", "ORG")]
        # moving the cursor forgets the choice: the innermost span again
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("right", "left")
        assert view.span_at_cursor().label == "ORG"


async def test_narrow_terminals_start_without_the_panel(tmp_path, make_app):
    db = tmp_path / "r.db"
    aid = build(db, spans=[("Ukraine", "LOC")])
    async with make_app(db).run_test(size=(80, 30)) as pilot:
        await open_article(pilot, aid)
        assert not reader(pilot).query_one(SpanPanel).display


# --- the mouse ------------------------------------------------------------------------------------


async def test_drag_selects_whole_tokens(tmp_path, make_app):
    db = tmp_path / "r.db"
    aid = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        # from inside "Vertreter" to inside "Ukraine": snapped to whole tokens
        x1, y1 = screen_xy(view, TEXT.index("Vertreter") + 3)
        x2, y2 = screen_xy(view, TEXT.index("Ukraine") + 2)
        await pilot.mouse_down(DocumentView, offset=(x1, y1))
        await pilot.hover(DocumentView, offset=(x2, y2))
        await pilot.mouse_up(DocumentView, offset=(x2, y2))
        await pilot.pause()
        assert surface(view, view.selection) == "Vertreter der Ukraine"
        # dragging backwards works too
        await pilot.mouse_down(DocumentView, offset=(x2, y2))
        await pilot.hover(DocumentView, offset=(x1 + 1, y1))
        await pilot.mouse_up(DocumentView, offset=(x1 + 1, y1))
        await pilot.pause()
        assert surface(view, view.selection) == "Vertreter der Ukraine"
        # ...across lines
        x3, y3 = screen_xy(view, TEXT.index("Präsident") + 1)
        await pilot.mouse_down(DocumentView, offset=(x2, y2))
        await pilot.hover(DocumentView, offset=(x3, y3))
        await pilot.mouse_up(DocumentView, offset=(x3, y3))
        await pilot.pause()
        assert surface(view, view.selection) == TEXT[TEXT.index("Ukraine") : at("Präsident")[1]]
        # a label key labels the dragged selection
        await pilot.mouse_down(DocumentView, offset=(x1, y1))
        await pilot.hover(DocumentView, offset=(x2, y2))
        await pilot.mouse_up(DocumentView, offset=(x2, y2))
        await pilot.press("4")
        assert db_spans(db, aid) == [("Vertreter der Ukraine", "MISC")]
        # a plain click drops the selection and moves the cursor
        await pilot.click(DocumentView, offset=(x1, y1))
        assert view.selection is None
        assert surface(view, view.cursor_range) == "Vertreter"


async def test_clicking_a_span_puts_the_cursor_on_it(tmp_path, make_app):
    db = tmp_path / "r.db"
    aid = build(db, spans=[("Hakan Fidan", "PER")])
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        x, y = screen_xy(view, TEXT.index("Fidan") + 2)
        await pilot.click(DocumentView, offset=(x, y))
        assert [s.label for s in view.spans_at_cursor()] == ["PER"]
        status = reader(pilot).query_one("#reader-status").content.plain
        assert "at cursor  PER" in status
        # shift+click extends a selection from the cursor
        x2, y2 = screen_xy(view, TEXT.index("eröffnete") + 1)
        await pilot.click(DocumentView, offset=(x2, y2), shift=True)
        assert surface(view, view.selection) == "Fidan eröffnete"


# --- relabelling ---------------------------------------------------------------------------------


async def test_a_label_key_on_a_span_relabels_it_and_undo_restores_it(tmp_path, make_app):
    db = tmp_path / "r.db"
    aid = build(db, spans=[(OUTER, "MISC"), (INNER, "PER")])
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await pilot.press("tab")  # OUTER: the cursor on "Präsident", only MISC covers it
        assert [s.label for s in view.spans_at_cursor()] == ["MISC"]
        await pilot.press("2")
        assert sorted(db_spans(db, aid)) == sorted([(OUTER, "ORG"), (INNER, "PER")])
        assert view.style_at(TEXT.index("Präsident") + 1).bgcolor == ORG
        assert len(view.spans) == 2  # relabelled, not added
        await pilot.press("tab")  # INNER: the innermost span under the cursor is relabelled
        await pilot.press("3")
        assert sorted(db_spans(db, aid)) == sorted([(OUTER, "ORG"), (INNER, "LOC")])
        await pilot.press("u")
        assert sorted(db_spans(db, aid)) == sorted([(OUTER, "ORG"), (INNER, "PER")])
        assert view.style_at(TEXT.index("Selenskyj")).bgcolor == PER
        await pilot.press("u")
        assert sorted(db_spans(db, aid)) == sorted([(OUTER, "MISC"), (INNER, "PER")])
        assert view.style_at(TEXT.index("Präsident") + 1).bgcolor == MISC
        assert reader(pilot).query_one(SpanPanel).entries()[0] == f" MISC  {OUTER}"
        await pilot.press("ctrl+r")
        assert sorted(db_spans(db, aid)) == sorted([(OUTER, "ORG"), (INNER, "PER")])
        # with a selection, a label key adds a span even inside another one
        await pilot.press("shift+tab")  # back to "Präsident"
        await pilot.press("shift+right", "shift+left")  # select the one token under the cursor
        assert surface(view, view.selection) == "Präsident"
        await pilot.press("5")
        assert ("Präsident", "DATE") in db_spans(db, aid) and len(db_spans(db, aid)) == 3


# --- moving between articles ---------------------------------------------------------------------


def build_three(db: Path) -> list[int]:
    store = Store(db)
    try:
        ids = []
        for n, day in ((1, "2025-06-03"), (2, "2025-06-02"), (3, "2025-06-01")):
            article, _ = store.add_article(
                make_article(f"Artikel Nummer {n}.\n\nMit Text.", title=f"Artikel {n}",
                             published=day)
            )
            ids.append(article.id)
        return ids
    finally:
        store.close()


async def test_brackets_go_to_the_next_and_previous_article_in_the_list(tmp_path, make_app):
    db = tmp_path / "r.db"
    ids = build_three(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        order = list(library_screen(pilot).article_ids)
        assert sorted(order) == sorted(ids)
        await open_article(pilot, order[0])
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert reader(pilot).article.id == order[1]
        assert reader(pilot).view.text.startswith(f"Artikel Nummer {order[1]}"[:15])
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert reader(pilot).article.id == order[2]
        await pilot.press("right_square_bracket")  # the last one: stays, says so
        await settle(pilot)
        assert reader(pilot).article.id == order[2]
        assert notified(pilot, "last article")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert reader(pilot).article.id == order[0]
        assert "Artikel" in reader(pilot).query_one("#reader-title").content.plain
        # the list the library set is what counts: reversed, ] goes the other way
        library_screen(pilot).article_ids = list(reversed(order))
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert reader(pilot).article.id == order[0]  # it is the last of the reversed list
        library_screen(pilot).article_ids = [order[2], order[0], order[1]]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert reader(pilot).article.id == order[1]


async def test_d_marks_done_and_opens_the_next_to_do_then_back_to_the_library(tmp_path, make_app):
    db = tmp_path / "r.db"
    ids = build_three(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_article(pilot, ids[0])
        seen = [ids[0]]
        for _ in range(2):
            await pilot.press("d")
            await settle(pilot)
            seen.append(reader(pilot).article.id)
        assert sorted(seen) == sorted(ids)
        store = Store(db)
        assert [store.status(i, ANNOTATOR) for i in seen[:2]] == ["done", "done"]
        assert store.status(seen[2], ANNOTATOR) == "todo"
        store.close()
        await pilot.press("d")  # nothing left to do: back to the library, with a notice
        await settle(pilot)
        assert isinstance(pilot.app.screen, LibraryScreen)
        assert notified(pilot, "Nothing left to do")
        store = Store(db)
        assert {store.status(i, ANNOTATOR) for i in ids} == {"done"}
        store.close()


async def test_s_skips_and_opens_the_next_to_do(tmp_path, make_app):
    db = tmp_path / "r.db"
    ids = build_three(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_article(pilot, ids[1])
        await pilot.press("s")
        await settle(pilot)
        store = Store(db)
        assert store.status(ids[1], ANNOTATOR) == "skipped"
        following = reader(pilot).article.id
        assert following != ids[1] and store.status(following, ANNOTATOR) == "todo"
        store.close()
        # u in the skipped article's reader would undo it; here, the next one is open
        assert "todo" in reader(pilot).query_one("#reader-notes").content.plain


async def test_f_flags_with_a_note_and_u_undoes_it(tmp_path, make_app):
    db = tmp_path / "r.db"
    aid = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await pilot.press("f")
        prompt = reader(pilot).query_one("#flag-note")
        assert prompt.has_focus and prompt.display
        await type_text(pilot, "Text cut [bold]off[/]")  # typed into the prompt, not keys
        await pilot.press("enter")
        await pilot.pause()
        assert not prompt.display and view.has_focus
        store = Store(db)
        assert store.flagged(aid, ANNOTATOR) == "Text cut [bold]off[/]"
        store.close()
        assert db_spans(db, aid) == []
        notes = reader(pilot).query_one("#reader-notes").content.plain
        assert "flagged: Text cut [bold]off[/]" in notes
        # escape cancels the prompt without writing
        await pilot.press("f")
        await type_text(pilot, "other")
        await pilot.press("escape")
        assert not prompt.display
        store = Store(db)
        assert store.flagged(aid, ANNOTATOR) == "Text cut [bold]off[/]"
        store.close()
        await pilot.press("u")
        store = Store(db)
        assert store.flagged(aid, ANNOTATOR) is None
        store.close()
        assert "flagged" not in reader(pilot).query_one("#reader-notes").content.plain


# --- the raw source ---------------------------------------------------------------------------------

RAW = b"<html><b>[bold]x[/]</b> \x1b[31mred\x1b[0m caf\xc3\xa9 bad\xff\n<p>zwei</p>\x07</html>"


async def test_r_toggles_the_raw_source_shown_literally(tmp_path, make_app):
    from tui.screens.raw import RawScreen

    db = tmp_path / "r.db"
    store = Store(db)
    article = make_article(TEXT, title="Raw")
    article.raw = RAW
    stored, _ = store.add_article(article)
    store.close()
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, stored.id)
        screen = reader(pilot)
        await pilot.press("r")
        await settle(pilot)
        raw_screen = pilot.app.screen
        assert isinstance(raw_screen, RawScreen)
        raw = raw_screen.query_one("#raw", DocumentView)
        assert raw.has_focus
        lines = raw.rendered_lines()
        assert lines == [
            "<html><b>[bold]x[/]</b> ␛[31mred␛[0m café bad\ufffd",
            "<p>zwei</p>␇</html>",
        ]
        for y in range(raw.line_count):
            for segment in raw.render_document_line(y):
                assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in segment.text)
                assert not segment.style or not segment.style.link
        assert "raw source" in raw_screen.query_one("#raw-title").content.plain
        # the cursor moves in the raw source; labels do nothing there
        await pilot.press("right")
        assert surface(raw, raw.cursor_range) == "␛[31mred␛[0m".replace("␛", "\x1b")
        await pilot.press("1")
        assert db_spans(db, stored.id) == []
        assert notified(pilot, "read-only")
        await pilot.press("r")
        assert pilot.app.screen is screen and view.has_focus
        await pilot.press("r", "escape")  # escape leaves the raw source too
        assert pilot.app.screen is screen


async def test_r_without_a_raw_source_says_so(tmp_path, make_app):
    db = tmp_path / "r.db"
    aid = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await open_article(pilot, aid)
        await pilot.press("r")
        assert isinstance(pilot.app.screen, ReaderScreen)
        assert notified(pilot, "No raw source")


# --- other annotators -------------------------------------------------------------------------------


async def test_o_shows_other_annotators_spans_read_only(tmp_path, make_app):
    db = tmp_path / "r.db"
    aid = build(db, spans=[("Ukraine", "LOC")])
    store = Store(db)
    store.add_span(aid, "anna", *at("Hakan Fidan"), "PER")
    store.add_span(aid, "bert", *at("Vereinten Nationen"), "ORG")
    store.add_span(aid, "bert", *at("Istanbul"), "LOC")
    store.close()
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        screen = reader(pilot)
        assert [s.label for s in view.spans] == ["LOC"]
        await pilot.press("o")
        assert screen.showing == "anna"
        assert [(surface(view, (s.start, s.end)), s.label) for s in view.spans] == [
            ("Hakan Fidan", "PER")
        ]
        assert "anna's spans, read-only" in screen.query_one("#reader-notes").content.plain
        assert "anna" in screen.query_one("#span-panel-header").content.plain
        # label, enter, delete, undo: nothing happens but a notice
        await pilot.press("tab")
        for key in ("1", "enter", "x", "u", "ctrl+r"):
            await pilot.press(key)
        assert db_spans(db, aid, "anna") == [("Hakan Fidan", "PER")]
        assert db_spans(db, aid) == [("Ukraine", "LOC")]
        assert notified(pilot, "read-only")
        await pilot.press("o")
        assert screen.showing == "bert"
        assert sorted(s.label for s in view.spans) == ["LOC", "ORG"]
        await pilot.press("o")  # back to mine
        assert screen.showing is None
        assert [s.label for s in view.spans] == ["LOC"]
        assert "read-only" not in screen.query_one("#reader-notes").content.plain
        await pilot.press("right", "2")
        assert len(db_spans(db, aid)) == 2


# --- position -----------------------------------------------------------------------------------


async def test_cursor_and_scroll_are_remembered_across_a_fresh_app(tmp_path, make_app):
    db = tmp_path / "r.db"
    long_text = "\n\n".join(f"Absatz {n} mit einigen Wörtern darin." for n in range(80))
    aid = build(db, text=long_text)
    other = build(db, text="Ein anderer Artikel.", title="Anderer")
    async with (app := make_app(db)).run_test(size=(100, 24)) as pilot:
        view = await open_article(pilot, aid)
        for _ in range(60):
            await pilot.press("down")
        await pilot.press("right", "right")
        await pilot.pause()
        cursor, scroll = view.cursor_offset, view.scroll_line
        assert scroll > 0 and long_text[cursor:].startswith("mit")
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    store = Store(db)
    assert store.position(aid, ANNOTATOR) == (cursor, scroll)
    store.close()

    async with make_app(db).run_test(size=(100, 24)) as pilot:
        view = await open_article(pilot, aid)
        await pilot.pause()
        assert view.cursor_offset == cursor
        assert view.scroll_line == scroll
        # leaving with escape saves too; another annotator's position is separate
        await pilot.press("up")
        moved = view.cursor_offset
        await pilot.press("escape")
        await settle(pilot)
        view = await open_article(pilot, other)
        assert view.cursor_offset == 0
        await pilot.press("escape")
        await settle(pilot)
        view = await open_article(pilot, aid)
        assert view.cursor_offset == moved

    async with make_app(db, annotator="someone-else").run_test(size=(100, 24)) as pilot:
        view = await open_article(pilot, aid)
        assert view.cursor_offset == 0 and view.scroll_line == 0


async def test_brackets_save_the_position_of_the_article_left(tmp_path, make_app):
    db = tmp_path / "r.db"
    ids = build_three(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        order = list(library_screen(pilot).article_ids)
        view = await open_article(pilot, order[0])
        await pilot.press("right", "right")
        offset = view.cursor_offset
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert view.cursor_offset == 0
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert view.cursor_offset == offset
        del ids


# --- versions -----------------------------------------------------------------------------------


async def test_an_older_annotated_version_is_mentioned(tmp_path, make_app):
    db = tmp_path / "r.db"
    store = Store(db)
    url = "https://example.org/a"
    old = make_article("Erste Fassung über Berlin.", title="Fassung")
    old.url = url
    v1, _ = store.add_article(old)
    store.add_span(v1.id, "anna", *at("Berlin", v1.text), "LOC")
    new = make_article("Zweite Fassung über Berlin und Potsdam.", title="Fassung")
    new.url = url
    v2, state = store.save_article(new)
    assert state == "version" and store.older_annotated_versions(v2.id) == [v1.id]
    plain = make_article("Ohne Vorgänger.", title="Allein")
    v3, _ = store.add_article(plain)
    store.close()
    async with make_app(db).run_test(size=SIZE) as pilot:
        await open_article(pilot, v2.id)
        notes = reader(pilot).query_one("#reader-notes").content.plain
        assert f"an older annotated version exists (#{v1.id})" in notes
        await pilot.press("escape")
        await settle(pilot)
        await open_article(pilot, v3.id)
        assert "older" not in reader(pilot).query_one("#reader-notes").content.plain


# --- themes and bindings ------------------------------------------------------------------------

SCHEMA = Schema(labels=(
    Label("PER", "1", "#e06c75"),
    Label("NAVY", "2", "#1f3a93"),
    Label("SUN", "3", "yellow"),
    Label("INK", "4", "#202020"),
    Label("PALE", "5", "#f5f5dc"),
))


async def test_label_colours_are_readable_on_dark_and_light_themes(tmp_path, make_app):
    db = tmp_path / "r.db"
    text = "Eins zwei drei vier fünf sechs."
    spans = [("Eins", "PER"), ("zwei", "NAVY"), ("drei", "SUN"), ("vier", "INK"), ("fünf", "PALE")]
    aid = build(db, text=text, spans=spans)
    for theme in ("textual-dark", "textual-light"):
        app = make_app(db, schema=SCHEMA)
        async with app.run_test(size=SIZE) as pilot:
            app.theme = theme
            await pilot.pause()
            view = await open_article(pilot, aid)
            await pilot.press("end")
            await pilot.pause()
            for word, label in spans:
                style = view.style_at(text.index(word))
                bg, fg = style.bgcolor.triplet.hex, style.color.triplet.hex
                assert fg == text_color_on(bg), (theme, label)
                assert contrast(fg, bg) >= 4.5, (theme, label, fg, bg)
            assert view.style_at(text.index("zwei")).color.triplet.hex == "#ffffff"
            assert view.style_at(text.index("drei")).color.triplet.hex == "#000000"
            # the legend: every label with its key, on its colour, readable
            legend = reader(pilot).query_one("#reader-legend").content
            assert legend.plain.split() == ["1", "PER", "2", "NAVY", "3", "SUN", "4", "INK", "5",
                                            "PALE"]
            for span in legend.spans:
                style = span.style
                fg, bg = style.color.triplet.hex, style.bgcolor.triplet.hex
                assert contrast(fg, bg) >= 4.5, (theme, legend.plain[span.start : span.end])
            # the plain text stays readable against the theme's background
            plain = view.style_at(text.index("sechs"))
            assert contrast(plain.color.triplet.hex, plain.bgcolor.triplet.hex) >= 4.5


def test_every_reader_binding_has_an_id_and_a_description():
    from tui.widgets.span_panel import SpanList as ListClass

    ids = set()
    for cls in (ReaderScreen, DocumentView, ListClass):
        for binding in cls.BINDINGS:
            assert binding.id and binding.id.startswith("reader."), (cls.__name__, binding)
            assert binding.description, (cls.__name__, binding)
            ids.add(binding.id)
    for wanted in ("reader.next_span", "reader.prev_span", "reader.next_article",
                   "reader.prev_article", "reader.done", "reader.skip", "reader.flag",
                   "reader.raw", "reader.other_annotator", "reader.toggle_panel"):
        assert wanted in ids


async def test_the_help_lists_the_new_keys(tmp_path, make_app):
    from tui.screens import HelpScreen

    db = tmp_path / "r.db"
    aid = build(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot, aid)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listed = {binding_id: (key, what) for key, what, binding_id in app.screen.rows}
        assert listed["reader.next_span"][1] == "Next span"
        assert listed["reader.done"][0] == "d"
        assert listed["reader.next_article"][0] == "]"
        for binding_id in ("reader.prev_span", "reader.skip", "reader.flag", "reader.raw",
                           "reader.other_annotator", "reader.toggle_panel",
                           "reader.prev_article"):
            assert binding_id in listed, binding_id
