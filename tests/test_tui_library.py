"""The library driven with Pilot on real SQLite files: the virtual list, the filter (every kind of
term), sorting, ``N``, ``enter``, bulk status with confirmation and undo, the progress line, the
command palette, keymaps, themes and the config file (through the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from storage.repo import Store
from tui.app import NewsmarkApp
from tui.keymap import binding_ids
from tui.screens import ConfirmScreen, HelpScreen, LibraryScreen, ReaderScreen
from tui.widgets import ArticleList
from tui_helpers import ANNOTATOR, SIZE, make_app, make_article, settle, type_text  # noqa: F401

# title: (source, published, language, text)
ARTICLES = {
    "Charlie Paris": ("lemonde.fr", "2025-07-01", "fr", "L'Assemblée nationale vote à Paris."),
    "Alpha Berlin": ("zeit.de", "2025-06-10", "de", "Der Bundestag in Berlin stimmt ab."),
    "Echo München": ("sueddeutsche.de", "2025-06-01", "de", "Oktoberfest und Bundestag in München."),
    "Bravo London": ("bbc.co.uk", "2025-05-20", "en", "Parliament in London votes today."),
    "Delta Hamburg": ("zeit.de", "2025-04-02", "de", "Im Hafen von Hamburg liegt ein Containerschiff."),
}
BY_DATE = list(ARTICLES)  # newest first


@pytest.fixture
def library_db(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """Five articles: Alpha has a PER span (in progress), Echo an ORG span (in progress),
    Delta is done, Charlie skipped, Bravo to do."""
    path = tmp_path / "library.db"
    store = Store(path)
    ids = {}
    try:
        for title, (source, published, language, text) in ARTICLES.items():
            article, _ = store.add_article(
                make_article(text, title=title, source=source, published=published,
                             language=language)
            )
            ids[title] = article.id
        store.add_span(ids["Alpha Berlin"], ANNOTATOR, 4, 13, "PER")
        store.add_span(ids["Echo München"], ANNOTATOR, 0, 11, "ORG")
        store.set_status([ids["Delta Hamburg"]], ANNOTATOR, "done")
        store.set_status([ids["Charlie Paris"]], ANNOTATOR, "skipped")
    finally:
        store.close()
    return path, ids


def shown(app) -> list[str]:
    """Titles of the rows the list holds, in order (and the app's ids agree with them)."""
    article_list = app.screen.query_one(ArticleList)
    rows = article_list.loaded_rows()
    assert len(rows) == article_list.total
    assert [row.id for row in rows] == app.screen_stack[0].article_ids
    return [row.title for row in rows]


def statuses(db: Path, ids: dict[str, int]) -> dict[str, str]:
    store = Store(db)
    try:
        return {title: store.status(aid, ANNOTATOR) for title, aid in ids.items()}
    finally:
        store.close()


async def filter_by(pilot, query: str) -> None:
    await pilot.press("slash")
    field = pilot.app.screen.query_one("#filter")
    field.value = ""
    await type_text(pilot, query)
    await pilot.press("enter")
    await settle(pilot)


# --- the list -------------------------------------------------------------------------------------


async def test_the_list_shows_every_column(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert shown(app) == BY_DATE
        article_list = app.screen.query_one(ArticleList)
        cells = {row.title: [c.plain for c in article_list.cells(row)]
                 for row in article_list.loaded_rows()}
        assert cells["Alpha Berlin"] == ["Alpha Berlin", "zeit.de", "2025-06-10", "in progress", "1"]
        assert cells["Delta Hamburg"] == ["Delta Hamburg", "zeit.de", "2025-04-02", "done", "0"]
        assert cells["Charlie Paris"][3] == "skipped"
        assert cells["Bravo London"][3] == "todo"
        # the line on screen holds the cells, aligned under the column titles
        line = "".join(s.text for s in article_list.render_line(1))
        header = app.screen.query_one("#library-columns").content.plain
        for cell, title in zip(cells["Alpha Berlin"][1:4], ["Source", "Date", "Status"]):
            assert line.index(cell) == header.index(title)
        assert line.rstrip().endswith("1") and header.rstrip().endswith("Spans")


async def test_a_flagged_article_shows_the_flag(library_db, make_app):
    db, ids = library_db
    store = Store(db)
    store.flag(ids["Bravo London"], ANNOTATOR, "check the date")
    store.close()
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        row = article_list.row(BY_DATE.index("Bravo London"))
        assert article_list.cells(row)[3].plain == "todo ⚑"


async def test_only_the_rows_on_screen_are_loaded_and_rendered(tmp_path, make_app):
    db = tmp_path / "many.db"
    store = Store(db)
    with store.db.atomic():
        for i in range(1000):
            store.add_article(make_article(f"Artikel Nummer {i}.", title=f"Artikel {i:04d}",
                                           published=f"2025-01-01T00:{i // 60:02d}:{i % 60:02d}"))
    store.close()
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        article_list = app.screen.query_one(ArticleList)
        assert article_list.total == 1000 and article_list.virtual_size.height == 1000
        assert len(article_list.loaded_rows()) == 100  # the first page only
        assert article_list.row(0).title == "Artikel 0999"
        rendered = []
        original = article_list.row_text

        def counting(row, original=original):
            rendered.append(row.id)
            return original(row)

        article_list.row_text = counting
        await pilot.press("down")
        await pilot.pause()
        assert len(rendered) <= 2  # the old and the new cursor line
        await pilot.press("end")
        await settle(pilot)
        assert article_list.cursor == 999
        assert article_list.current.title == "Artikel 0000"
        assert len(article_list.loaded_rows()) == 200  # the first page and the last
        store = Store(db)
        try:  # the last page (read from the other end) is the list's own last page
            assert article_list.loaded_rows()[100:] == store.library(ANNOTATOR, offset=900, limit=100)
        finally:
            store.close()
        assert len(rendered) <= 2 + 2 * app.screen.query_one(ArticleList).size.height
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article_id == article_list.current.id


async def test_enter_opens_the_highlighted_article(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article_id == ids[BY_DATE[2]]


async def test_article_ids_follow_the_list(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen_stack[0].article_ids == [ids[t] for t in BY_DATE]
        await filter_by(pilot, "source:zeit")
        assert app.screen_stack[0].article_ids == [ids["Alpha Berlin"], ids["Delta Hamburg"]]


# --- filter ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, titles",
    [
        ("status:todo", ["Bravo London"]),
        ("status:in-progress", ["Alpha Berlin", "Echo München"]),
        ("status:done status:skipped", ["Charlie Paris", "Delta Hamburg"]),
        ("-status:done", ["Charlie Paris", "Alpha Berlin", "Echo München", "Bravo London"]),
        ("source:zeit", ["Alpha Berlin", "Delta Hamburg"]),
        ("lang:de", ["Alpha Berlin", "Echo München", "Delta Hamburg"]),
        ("lang:en", ["Bravo London"]),
        ("label:PER", ["Alpha Berlin"]),
        ("label:PER label:ORG", ["Alpha Berlin", "Echo München"]),
        ("after:2025-06-01", ["Charlie Paris", "Alpha Berlin", "Echo München"]),
        ("before:2025-06-01", ["Bravo London", "Delta Hamburg"]),
        ("after:2025-05-01 before:2025-06-05", ["Echo München", "Bravo London"]),
        ("Bundestag", ["Alpha Berlin", "Echo München"]),
        ('"Bundestag in Berlin"', ["Alpha Berlin"]),
        ("Hafen Hamburg", ["Delta Hamburg"]),
        ("lang:de Bundestag -status:todo source:sueddeutsche", ["Echo München"]),
        ("nirgendwo", []),
    ],
)
async def test_filter_terms(library_db, make_app, query, titles):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await filter_by(pilot, query)
        assert shown(app) == titles
        header = app.screen.query_one("#library-header").content.plain
        assert f"{len(titles)} article" in header and query in header
        assert app.screen.query_one(ArticleList).has_focus


async def test_a_bad_filter_shows_one_line_and_keeps_the_prompt(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await filter_by(pilot, "after:June")
        error = app.screen.query_one("#filter-error")
        assert error.display
        assert error.content.plain == "after: expected a date like 2025-06-01, got 'June'"
        field = app.screen.query_one("#filter")
        assert field.display and field.has_focus and field.value == "after:June"
        assert shown(app) == BY_DATE  # the list is untouched
        await filter_by(pilot, "status:maybe")
        assert error.content.plain.startswith("status: expected one of todo")
        # fixing it applies it and hides the message
        await filter_by(pilot, "status:todo")
        assert not error.display and not field.display
        assert shown(app) == ["Bravo London"]


async def test_escape_closes_the_prompt_then_clears_the_filter(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await filter_by(pilot, "lang:de")
        assert len(shown(app)) == 3
        await pilot.press("slash")
        field = app.screen.query_one("#filter")
        assert field.value == "lang:de"  # the prompt starts from the current filter, selected:
        await type_text(pilot, "q D")  # typing replaces it (keys into the prompt, not commands)
        assert field.value == "q D" and app.is_running
        await pilot.press("escape", "slash", "end")  # to extend it: end, then type
        await type_text(pilot, " q D")
        assert field.value == "lang:de q D" and app.is_running
        await pilot.press("escape")
        await settle(pilot)
        assert not field.display and len(shown(app)) == 3
        await pilot.press("escape")
        await settle(pilot)
        assert shown(app) == BY_DATE
        assert "filter" not in app.screen.query_one("#library-header").content.plain


# --- sort -----------------------------------------------------------------------------------------


async def test_o_cycles_the_sort_and_shift_o_reverses_it(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown(app) == BY_DATE
        await pilot.press("O")
        await settle(pilot)
        assert shown(app) == BY_DATE[::-1]
        await pilot.press("o")  # title, A to Z
        await settle(pilot)
        assert shown(app) == sorted(ARTICLES)
        assert "sort title ↑" in app.screen.query_one("#library-header").content.plain
        await pilot.press("O")
        await settle(pilot)
        assert shown(app) == sorted(ARTICLES, reverse=True)
        await pilot.press("o")  # source
        await settle(pilot)
        assert [ARTICLES[t][0] for t in shown(app)] == sorted(ARTICLES[t][0] for t in ARTICLES)
        await pilot.press("o")  # status: done, in progress, skipped, todo (then newest first)
        await settle(pilot)
        assert shown(app) == ["Delta Hamburg", "Alpha Berlin", "Echo München", "Charlie Paris",
                              "Bravo London"]
        await pilot.press("o")  # back to date
        await settle(pilot)
        assert shown(app) == BY_DATE
        # the sort applies to a filtered list too
        await filter_by(pilot, "lang:de")
        await pilot.press("o")
        await settle(pilot)
        assert shown(app) == ["Alpha Berlin", "Delta Hamburg", "Echo München"]


# --- N --------------------------------------------------------------------------------------------


async def test_n_opens_the_next_article_still_to_do(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(4):
            await pilot.press("N")
            await settle(pilot)
            assert isinstance(app.screen, ReaderScreen)
            seen.append(app.screen.article_id)
            app.pop_screen()
            await settle(pilot)
        # to do or in progress, newest first, then around again
        todo = [ids[t] for t in ("Alpha Berlin", "Echo München", "Bravo London")]
        assert seen == todo + todo[:1]
        # nothing left: a notice, no reader
        store = Store(db)
        store.set_status(ids.values(), ANNOTATOR, "done")
        store.close()
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert any("Nothing left to do" in m for m in app.notices)


# --- bulk status, undo, redo ----------------------------------------------------------------------


async def test_bulk_done_asks_applies_to_the_filter_and_undoes(library_db, make_app):
    db, ids = library_db
    before = statuses(db, ids)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await filter_by(pilot, "lang:de")
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.query_one("#confirm-question").content.plain
        assert "Mark all 3 articles the filter shows as done?" in question
        assert "lang:de" in question
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert statuses(db, ids) == before
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        after = statuses(db, ids)
        assert {t for t in ids if after[t] != before[t]} == {"Alpha Berlin", "Echo München"}
        assert after["Alpha Berlin"] == after["Echo München"] == after["Delta Hamburg"] == "done"
        assert after["Bravo London"] == "todo" and after["Charlie Paris"] == "skipped"
        article_list = app.screen.query_one(ArticleList)
        assert {article_list.cells(r)[3].plain for r in article_list.loaded_rows()} == {"done"}
        # u undoes the whole bulk change as one action
        await pilot.press("u")
        await settle(pilot)
        assert statuses(db, ids) == before
        assert any("Undone: status done on 2 articles" in m for m in app.notices)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert statuses(db, ids) == after
        await pilot.press("u")
        await settle(pilot)
        assert statuses(db, ids) == before


async def test_bulk_skipped_and_todo_and_escape_cancels(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await filter_by(pilot, "source:zeit")
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert statuses(db, ids)["Alpha Berlin"] == "in_progress"
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        s = statuses(db, ids)
        assert s["Alpha Berlin"] == s["Delta Hamburg"] == "skipped"
        assert s["Bravo London"] == "todo"
        await pilot.press("escape")  # clear the filter: T applies to all five
        await settle(pilot)
        await pilot.press("T")
        await pilot.pause()
        assert "Mark all 5 articles the library holds as todo?" in (
            app.screen.query_one("#confirm-question").content.plain)
        await pilot.press("y")
        await settle(pilot)
        assert set(statuses(db, ids).values()) == {"todo"}


async def test_u_in_the_library_undoes_the_last_action_anywhere(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    store = Store(db)
    try:
        store.add_span(ids["Bravo London"], ANNOTATOR, 0, 10, "ORG")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("u")
            await settle(pilot)
            assert store.spans(ids["Bravo London"], ANNOTATOR) == []
            assert any("Undone:" in m for m in app.notices)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert len(store.spans(ids["Bravo London"], ANNOTATOR)) == 1
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert any("Nothing to redo" in m for m in app.notices)
    finally:
        store.close()


# --- progress -------------------------------------------------------------------------------------


async def test_the_progress_line_counts_done_and_spans_per_label(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        progress = app.screen.query_one("#library-progress").content.plain
        assert "done 1/5 (20%)" in progress
        assert " ORG  1" in progress and " PER  1" in progress
        await filter_by(pilot, "status:todo")
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert "done 2/5 (40%)" in app.screen.query_one("#library-progress").content.plain
        await pilot.press("u")
        await settle(pilot)
        assert "done 1/5 (20%)" in app.screen.query_one("#library-progress").content.plain


# --- discoverable and remappable ------------------------------------------------------------------


async def test_every_library_action_is_in_the_command_palette(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = list(app.get_system_commands(app.screen))
        helps = " ".join(c.help for c in commands)
        for binding_id in ["library.open", "library.filter", "library.sort", "library.reverse",
                           "library.next_todo", "library.bulk_done", "library.bulk_skipped",
                           "library.bulk_todo", "library.undo", "library.redo", "library.refresh",
                           "app.quit", "app.help"]:
            assert binding_id in helps, binding_id
        titles = [c.title for c in commands]
        assert "Theme" in titles and len(titles) == len(set(titles))
        # run one through the palette
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Reverse the sort")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert shown(app) == BY_DATE[::-1]


async def test_the_palette_lists_the_reader_keys_too(library_db, make_app):
    db, ids = library_db
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        helps = " ".join(c.help for c in app.get_system_commands(app.screen))
        for binding in app.screen.BINDINGS:
            if binding.description:
                assert binding.id in helps, binding.id


async def test_a_keymap_moves_library_keys_and_the_key_list_shows_it(library_db):
    db, ids = library_db
    store = Store(db)
    try:
        app = NewsmarkApp(store=store, annotator=ANNOTATOR,
                          keymap={"library.filter": "f", "library.sort": "s,ctrl+o",
                                  "library.bulk_done": "ctrl+d", "confirm.yes": "j"})
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("f")
            field = app.screen.query_one("#filter")
            assert field.has_focus
            await type_text(pilot, "lang:en")
            await pilot.press("enter")
            await settle(pilot)
            assert shown(app) == ["Bravo London"]
            await pilot.press("slash")  # the old key does nothing now
            assert not field.display
            await pilot.press("ctrl+o")
            await settle(pilot)
            assert app.screen.sort == "title"
            await pilot.press("ctrl+d")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "j: yes" in app.screen.query_one("#confirm-hint").content.plain
            await pilot.press("j")
            await settle(pilot)
            assert statuses(db, ids)["Bravo London"] == "done"
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            keys = {}
            for key, _, binding_id in app.screen.rows:
                keys.setdefault(binding_id, []).append(key)
            assert keys["library.filter"] == ["f"]
            assert sorted(keys["library.sort"]) == ["^o", "s"]
            assert keys["library.bulk_done"] == ["^d"]
            palette = " ".join(c.help for c in app.get_system_commands(app.screen_stack[-2]))
            assert "key f  ·  library.filter" in palette
    finally:
        store.close()


def test_binding_ids_cover_every_screen_and_widget():
    ids = binding_ids()
    assert len(ids) == len(set(ids))
    for binding_id in ["app.quit", "app.help", "library.open", "library.filter", "library.undo",
                       "confirm.yes", "help.close", "reader.undo", "reader.find"]:
        assert binding_id in ids


async def test_a_theme_from_the_config_and_the_palette_switcher(library_db):
    db, ids = library_db
    store = Store(db)
    try:
        app = NewsmarkApp(store=store, annotator=ANNOTATOR, theme="textual-light")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.theme == "textual-light"
            article_list = app.screen.query_one(ArticleList)
            light = article_list.render_line(0)
            await pilot.press("ctrl+p")
            await pilot.pause()
            await type_text(pilot, "theme")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause(0.3)
            await type_text(pilot, "nord")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
            assert app.theme == "nord"
            # the list repaints in the new theme
            assert article_list.render_line(0) != light
    finally:
        store.close()


# --- the config file, through the CLI -------------------------------------------------------------


@pytest.fixture
def cli_app(monkeypatch):
    """Run ``newsmark tui`` without a terminal: the app is built but ``run`` only records it."""
    built = []

    def fake_run(self, *args, **kwargs):
        built.append(self)

    monkeypatch.setattr(NewsmarkApp, "run", fake_run)
    monkeypatch.delenv("NEWSMARK_CONFIG", raising=False)
    return built


def invoke(*args: str, env: dict | None = None):
    from tui.cli import main

    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_config_file_sets_annotator_schema_keys_and_theme(tmp_path, cli_app, library_db):
    db, _ = library_db
    (tmp_path / "schema.toml").write_text('[[labels]]\nname = "THING"\nkey = "1"\n')
    config = tmp_path / "config.toml"
    config.write_text(
        'annotator = "carla"\ntheme = "gruvbox"\nschema = "schema.toml"\n'
        '[keys]\n"library.filter" = "f"\n"reader.undo" = "z"\n'
    )
    result = invoke("tui", "--db", str(db), "--config", str(config))
    assert result.exit_code == 0, result.output
    app = cli_app[-1]
    assert app.annotator == "carla"
    assert app.theme == "gruvbox"
    assert [label.name for label in app.schema.labels] == ["THING"]
    assert app.keymap_given == {"library.filter": "f", "reader.undo": "z"}
    # the command line wins over the file
    schema = tmp_path / "other.toml"
    schema.write_text('[[labels]]\nname = "OTHER"\n')
    result = invoke("tui", "--db", str(db), "--config", str(config), "--annotator", "dora",
                    "--schema", str(schema))
    assert result.exit_code == 0, result.output
    assert cli_app[-1].annotator == "dora"
    assert [label.name for label in cli_app[-1].schema.labels] == ["OTHER"]
    # $NEWSMARK_CONFIG works too
    result = invoke("tui", "--db", str(db), env={"NEWSMARK_CONFIG": str(config)})
    assert result.exit_code == 0 and cli_app[-1].annotator == "carla"


def test_the_default_config_file_is_optional(tmp_path, cli_app, library_db, monkeypatch):
    db, _ = library_db
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nothing-here"))
    result = invoke("tui", "--db", str(db), "--annotator", "erin")
    assert result.exit_code == 0, result.output
    assert cli_app[-1].annotator == "erin" and cli_app[-1]._keymap == {}


@pytest.mark.parametrize(
    "content, message",
    [
        ('[keys]\n"library.nope" = "f"\n', '[keys] "library.nope": no such binding id'),
        ('[keys]\nundo = "f"\n', '[keys] "undo": no such binding id; did you mean '
                                   '"curation.undo" or "library.undo" or "reader.undo"?'),
        ('[keys]\n"reader.done" = "u"\n', '[keys] "reader.done" = "u" clashes with reader.undo'),
        ('[keys]\n"library.filter" = "ctrl+banana+"\n', '"banana" in "ctrl+banana+" is not a'),
        ('theme = "no-such-theme"\n', "theme: no such theme 'no-such-theme' (known: "),
        ('annotator = 3\n', "annotator: expected a non-empty string"),
        ('colour = "red"\n', "unknown key 'colour'"),
        ('[keys\n', "not valid TOML"),
        ('schema = "missing.toml"\n', "schema: "),
    ],
)
def test_a_bad_config_is_one_clear_error(tmp_path, cli_app, content, message):
    config = tmp_path / "config.toml"
    config.write_text(content)
    result = invoke("tui", "--db", str(tmp_path / "x.db"), "--config", str(config))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: {config}: ")
    assert message in lines[0]
    assert not cli_app


def test_a_missing_explicit_config_is_an_error(tmp_path, cli_app):
    result = invoke("tui", "--db", str(tmp_path / "x.db"), "--config", str(tmp_path / "no.toml"))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path / 'no.toml'}: no such file"
