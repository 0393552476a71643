"""The config file's ``[keys]`` table: unknown ids with suggestions, key syntax, clashes between
bindings active together (and none where there is no real clash), unquoted dotted ids — each
problem one line through ``newsmark tui`` with exit status 1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from newsmark.config import ConfigError, load_config
from tui.app import NewsmarkApp
from tui.keymap import SCOPES, binding_classes, check_keymap, default_pairs, key_problem, scopes
from tui_helpers import ANNOTATOR, SIZE, open_article, seeded, settle  # noqa: F401


@pytest.fixture
def cli_app(monkeypatch):
    """Run ``newsmark tui`` without a terminal: the app is built but ``run`` only records it."""
    built = []
    monkeypatch.setattr(NewsmarkApp, "run", lambda self, *a, **k: built.append(self))
    monkeypatch.delenv("NEWSMARK_CONFIG", raising=False)
    return built


def run_tui(tmp_path, keys_toml: str):
    from tui.cli import main

    from storage.repo import Store

    config = tmp_path / "config.toml"
    config.write_text(f"[keys]\n{keys_toml}\n")
    Store(tmp_path / "x.db").close()  # the TUI opens only an existing database
    result = CliRunner().invoke(main, ["tui", "--db", str(tmp_path / "x.db"), "--config",
                                       str(config)], catch_exceptions=False)
    return config, result


def one_error_line(config, result) -> str:
    """The single ``Error: <config>: …`` line of a rejected config, without the prefix."""
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: {config}: "), lines[0]
    return lines[0].removeprefix(f"Error: {config}: ")


# --- clashes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "keys_toml, message",
    [
        # the reviewer's case: u (undo) would mark the article done
        ('"reader.done" = "u"', '[keys] "reader.done" = "u" clashes with reader.undo (u) in the reader'),
        # one of several keys; "?" as written is question_mark to Textual
        ('"reader.done" = "d,?"', '[keys] "reader.done" = "d,?" clashes with app.help (?) in the reader'),
        # the text widget's keys are active together with the reader's
        ('"reader.done" = "left"', 'clashes with reader.cursor_left (left) in the reader'),
        # an app key moved onto a screen key
        ('"app.quit" = "d"', '[keys] "app.quit" = "d" clashes with reader.done (d) in the reader'),
        # the list's keys are active together with the library's
        ('"library.open" = "slash"', 'clashes with library.filter (/) in the library'),
        # the events panel: a new key that hides a reader key while the panel has the focus
        ('"events.type" = "d"', 'clashes with reader.done (d) in the events panel'),
        # Textual's own bindings count: the key list's table, the app's priority ctrl+q
        ('"help.close" = "enter"', "clashes with Textual's select_cursor (enter) in the key list"),
        ('"confirm.yes" = "ctrl+q"', "clashes with Textual's quit (ctrl+q) in the confirm dialog"),
        # both moved onto one key
        ('"reader.done" = "z"\n"reader.undo" = "z"', 'clashes with reader.undo (z) in the reader'),
    ],
)
def test_a_remap_that_makes_a_key_do_two_things_is_one_clear_error(tmp_path, cli_app, keys_toml,
                                                                   message):
    config, result = run_tui(tmp_path, keys_toml)
    assert message in one_error_line(config, result)
    assert not cli_app


@pytest.mark.parametrize(
    "keys_toml",
    [
        '"reader.done" = "u"\n"reader.undo" = "z"',  # undo moved out of the way first
        '"reader.done" = "u"\n"reader.undo" = "d"',  # a swap
        '"confirm.yes" = "q"',  # app keys are off under a modal screen: q does not quit there
        '"events.delete" = "x"',  # the panel's x stands in for the reader's by default
        '"reader.delete_span" = "X"\n"events.delete" = "delete"',
        '"reader.undo" = "l"',  # a role key in argument mode, not a binding: roles win there
        '"event_type.pick" = "m"',  # an event type's key in the picker, not a binding
        '"library.undo" = "d"',  # d is the reader's: other screen
        '"reader.done" = "ctrl+pageup"',  # Textual's page_left skips when nothing scrolls sideways
        '"library.filter" = "f"\n"library.sort" = "s, ctrl+o"\n"app.help" = "h,f1"',
    ],
)
def test_remaps_without_a_real_clash_are_accepted(tmp_path, cli_app, keys_toml):
    config, result = run_tui(tmp_path, keys_toml)
    assert result.exit_code == 0, result.output
    assert cli_app[-1]._keymap


def test_only_the_deliberate_default_pairs_share_a_key():
    """Keys two bindings share in one scope with no keymap: the events panel standing in for the
    reader, the text's tab/shift+tab over Textual's focus keys, Textual's two ctrl+c. A new pair
    here hides a key: make it deliberate (and add it), or move one of them."""
    assert sorted(default_pairs()) == sorted([
        ("the events panel", "ctrl+c", "Textual's help_quit", "Textual's screen.copy_text"),
        ("the events panel", "a", "events.arguments", "reader.accept_suggestion"),
        ("the events panel", "enter", "events.show", "reader.label_selected"),
        ("the events panel", "escape", "events.back", "reader.escape"),
        ("the events panel", "m", "events.modality", "reader.modality"),
        ("the events panel", "x", "events.delete", "reader.delete_span"),
        ("the curation screen", "ctrl+c", "Textual's help_quit", "Textual's screen.copy_text"),
        ("the library", "ctrl+c", "Textual's help_quit", "Textual's screen.copy_text"),
        ("the reader", "ctrl+c", "Textual's help_quit", "Textual's screen.copy_text"),
        ("the reader", "shift+tab", "Textual's app.focus_previous", "reader.prev_span"),
        ("the reader", "tab", "Textual's app.focus_next", "reader.next_span"),
        # the raw source is a document view too: the same deliberate pairs
        ("the raw source", "ctrl+c", "Textual's help_quit", "Textual's screen.copy_text"),
        ("the raw source", "shift+tab", "Textual's app.focus_previous", "reader.prev_span"),
        ("the raw source", "tab", "Textual's app.focus_next", "reader.next_span"),
        # the agreement screen's tables: DataTable's own ctrl+c, as everywhere
        ("the agreement screen", "ctrl+c", "Textual's help_quit", "Textual's screen.copy_text"),
    ])


def test_every_class_with_bindings_is_in_a_scope():
    in_scopes = {cls for _, classes in scopes() for cls, _ in classes}
    for cls in binding_classes():
        if cls.__dict__.get("BINDINGS"):
            assert any(issubclass(cls, scope_cls) for scope_cls in in_scopes), cls.__name__


def _chain(app) -> tuple[str, ...]:
    """The classes whose bindings are live on the current screen, innermost first, as SCOPES
    names them (containers without bindings left out)."""
    screen = app.screen
    names = [type(node).__name__ for node, bindings in screen._modal_binding_chain
             if bindings.key_to_bindings]
    if screen.is_modal:
        names.append("App(priority)")
    return tuple("App" if name == "NewsmarkApp" else "DocumentView" if name == "RawView" else name
                 for name in names)


async def test_the_scopes_are_the_binding_chains_of_the_running_app(seeded):
    from storage.repo import Store

    db, ids = seeded
    expected = dict(SCOPES)
    store = Store(db)
    try:
        app = NewsmarkApp(store=store, annotator=ANNOTATOR)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert _chain(app) == expected["the library"]
            await pilot.press("question_mark")
            await pilot.pause()
            assert _chain(app) == expected["the key list"]
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("D")
            await pilot.pause()
            assert _chain(app) == expected["the confirm dialog"]
            await pilot.press("n")
            await pilot.pause()
            await open_article(pilot, ids["000"])
            assert _chain(app) == expected["the reader"]
            await pilot.press("r")  # the raw source: a DocumentView on a screen of its own
            await settle(pilot)
            assert _chain(app) == expected["the raw source"]
            await pilot.press("r")
            await settle(pilot)
            await pilot.press("e")
            await pilot.pause()
            assert _chain(app) == expected["the event type picker"]
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("E")
            await pilot.pause()
            assert _chain(app) == expected["the events panel"]
    finally:
        store.close()


# --- key syntax -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ("ctrl+banana+", '"banana" in "ctrl+banana+" is not a modifier (alt, ctrl, hyper, meta, '
                         'shift, super, joined with "+")'),
        ("ctrl+", '"ctrl+" has nothing after its last "+" (write "plus"'),
        ("ctrl+banana+x", '"banana" in "ctrl+banana+x" is not a modifier'),
        (",", 'an empty key (commas separate keys; write "comma" for the , key)'),
        ("s,,u", "an empty key"),
        ("banana", '"banana" is not a key name'),
        ("esc", '"esc" is not a key name (one character, or a name like "enter", "escape", '
                '"pageup", "f5", "comma"); did you mean "escape"?'),
        ("ctrl+pgup", 'did you mean "ctrl+pageup"?'),
        ("shift+ctrl+up", 'Textual reports "shift+ctrl+up" as "ctrl+shift+up"'),
        ("ctrl+A", 'Textual reports "ctrl+A" as "ctrl+shift+a"'),
        ("shift+a", 'Textual reports "shift+a" as "A"'),
        ("ctrl+,", '"ctrl+" has nothing after its last "+" (write "plus" for the + key, "comma" '
                   'for the , key)'),
        ("ctrl+.", 'Textual reports "ctrl+." as "ctrl+full_stop"'),
        ("ctrl+ctrl+x", "repeats a modifier"),
    ],
)
def test_a_key_textual_cannot_bind_is_named(tmp_path, cli_app, value, message):
    config, result = run_tui(tmp_path, f'"library.filter" = "{value}"')
    line = one_error_line(config, result)
    assert line.startswith(f'[keys] "library.filter" = "{value}": ')
    assert message in line
    assert not cli_app


@pytest.mark.parametrize(
    "key",
    ["f", "F", "?", "§", "comma", "slash", "minus", "section_sign", "space", "enter", "f5", "f30", "ctrl+f", "ctrl+shift+up",
     "alt+x", "ctrl+comma", "shift+space", "shift+tab", "super+c", "ctrl+shift+1"],
)
def test_keys_textual_can_bind_pass(key):
    assert key_problem(key) is None


def test_a_remapped_key_works_as_typed(tmp_path, cli_app):
    config, result = run_tui(tmp_path, '"reader.find" = "?, ctrl+f"\n"app.help" = "h"')
    assert result.exit_code == 0, result.output
    # Textual stores ? as question_mark
    assert cli_app[-1]._keymap == {"reader.find": "question_mark,ctrl+f", "app.help": "h"}


# --- unknown ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "binding_id, suggestion",
    [
        ("library.filtr", 'did you mean "library.filter"'),
        ("undo", 'did you mean "curation.undo" or "library.undo" or "reader.undo"?'),
        ("reader.dne", '"reader.done"'),
    ],
)
def test_an_unknown_id_suggests_the_closest_ids(tmp_path, cli_app, binding_id, suggestion):
    config, result = run_tui(tmp_path, f'"{binding_id}" = "f"')
    line = one_error_line(config, result)
    assert line.startswith(f'[keys] "{binding_id}": no such binding id; ')
    assert suggestion in line
    assert "press ? in the app" in line
    assert len(line) < 200  # not the list of every id
    assert "app.quit" not in line


def test_an_unknown_id_with_nothing_close_still_says_where_the_ids_are():
    with pytest.raises(ConfigError) as exc:
        check_keymap({"zzzzzz": "f"}, "c.toml: ")
    assert str(exc.value) == ('c.toml: [keys] "zzzzzz": no such binding id (press ? in the app '
                              'to see the keys of a screen with their ids)')


# --- dotted ids -----------------------------------------------------------------------------------


def test_unquoted_dotted_ids_and_key_tables_are_the_same_ids(tmp_path, cli_app):
    config, result = run_tui(
        tmp_path, 'library.filter = "f"\n"library.sort" = "s"\n[keys.reader]\nundo = "z"'
    )
    assert result.exit_code == 0, result.output
    assert cli_app[-1]._keymap == {"library.filter": "f", "library.sort": "s", "reader.undo": "z"}
    assert load_config(config).keys == {"library.filter": "f", "library.sort": "s",
                                        "reader.undo": "z"}


def test_an_id_set_quoted_and_dotted_is_an_error(tmp_path, cli_app):
    config, result = run_tui(tmp_path, '"library.filter" = "f"\nlibrary.filter = "g"')
    assert one_error_line(config, result).startswith('[keys] "library.filter" is set twice')


def test_a_dotted_id_that_is_unknown_is_named_whole(tmp_path, cli_app):
    config, result = run_tui(tmp_path, 'library.filter.x = "f"')
    line = one_error_line(config, result)
    assert line.startswith('[keys] "library.filter.x": no such binding id; did you mean '
                           '"library.filter"')
