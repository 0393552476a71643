"""Events in the reader, driven with Pilot on real SQLite files: ``e`` and the type picker,
argument mode (tab, role keys, labelling in place, enter, escape), ``m`` for the modality, the
events panel (highlighting, delete, type change, removing and adding arguments), deleting a span
that is an argument (with confirmation), undo/redo of every change, warnings that never block,
and the exports (prodigy and brat) of events annotated on the real seeds."""

from __future__ import annotations

import json
from pathlib import Path

from newsmark.model import Schema
from storage.repo import Store
from tui.screens import ConfirmScreen, ReaderScreen
from tui.screens.event_type import EventTypeScreen
from tui.widgets import DocumentView
from tui.widgets.argument_bar import ArgumentBar
from tui.widgets.events_panel import EventList, EventsPanel
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
    seeded,
    settle,
)

TEXT = (
    "Vertreter der Ukraine und Russlands trafen sich am Montag in Istanbul zu Gesprächen. "
    "Präsident Wolodymyr Selenskyj sagte, ein Gefangenenaustausch sei am 16. Mai vereinbart "
    "worden.\n\nDie Verhandlungen sollen in Genf fortgesetzt werden."
)


def at(surface: str, text: str = TEXT, after: str | None = None) -> tuple[int, int]:
    start = text.index(surface, text.index(after) if after else 0)
    return start, start + len(surface)


def build(db: Path, spans=(), events=()) -> int:
    """TEXT with ``spans`` [(surface, label)] and ``events`` [(type, trigger, [(role, surface)],
    attributes)] by ANNOTATOR."""
    store = Store(db)
    try:
        article, _ = store.add_article(make_article(TEXT, title="Istanbul"))
        ids = {surface: store.add_span(article.id, ANNOTATOR, *at(surface), label).id
               for surface, label in spans}
        for etype, trigger, arguments, attributes in events:
            store.add_event(article.id, ANNOTATOR, etype, *at(trigger),
                            [(role, ids[surface]) for role, surface in arguments], attributes)
        return article.id
    finally:
        store.close()


def db_events(db: Path, article_id: int, annotator: str = ANNOTATOR) -> list[tuple]:
    """(type, trigger, sorted [(role, argument text, label)], attributes) of the events on disk,
    read through a separate connection."""
    store = Store(db)
    try:
        text = store.article(article_id).text
        spans = {s.id: s for s in store.spans(article_id, annotator)}
        out = []
        for e in store.events(article_id, annotator):
            args = sorted((a.role, text[spans[a.span_id].start : spans[a.span_id].end],
                           spans[a.span_id].label) for a in e.arguments)
            out.append((e.type, text[e.start : e.end], args, e.attributes))
        return out
    finally:
        store.close()


def panel_text(panel: EventsPanel) -> str:
    """The panel's rows, one per line, wrapped warnings joined again."""
    return "\n".join(panel.entries()).replace("\n     ", " ")


def word(view: DocumentView) -> str:
    start, end = view.cursor_range
    return view.text[start:end]


async def goto(pilot, view: DocumentView, target: str, key: str = "right", limit: int = 300):
    """Press ``key`` until the token under the cursor is ``target``."""
    for _ in range(limit):
        if word(view) == target:
            return
        await pilot.press(key)
    raise AssertionError(f"{target!r} not reached with {key}")


async def new_event(pilot, trigger_query: str, type_key: str, trim: int = 0) -> None:
    """Select the trigger with find (``trim`` tokens dropped off its end), ``e``, the type key."""
    await find(pilot, trigger_query)
    for _ in range(trim):
        await pilot.press("shift+left")
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, EventTypeScreen)
    await pilot.press(type_key)
    await settle(pilot)


# --- e, the picker, argument mode -----------------------------------------------------------------


async def test_e_picks_a_type_with_its_key_and_escape_in_the_picker_cancels(tmp_path, make_app):
    db = tmp_path / "e.db"
    aid = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await find(pilot, "Gesprächen")
        await pilot.press("e")
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, EventTypeScreen)
        listed = picker.query_one("#event-type-list").content.plain
        for line in ("m   MEET ", "x   EXCHANGE ", "a   ATTACK "):
            assert line in listed
        assert "Participant+ [p]" in listed
        await pilot.press("escape")  # cancels: nothing stored, no argument mode
        await pilot.pause()
        screen = reader(pilot)
        assert screen.building is None and db_events(db, aid) == []
        assert view.selection is not None  # the trigger stays selected

        # arrows and enter pick the highlighted type
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("down", "down", "up", "enter")
        await settle(pilot)
        assert db_events(db, aid) == [("EXCHANGE", "Gesprächen", [], {})]
        assert screen.building is not None and screen.building.new
        bar = screen.query_one(ArgumentBar)
        assert bar.display
        assert "Party [p] * —" in bar.content.plain
        assert view.selection is None and word(view) == "Gesprächen"


async def test_argument_mode_tab_role_keys_and_labelling_in_place(tmp_path, make_app):
    db = tmp_path / "a.db"
    aid = build(db, spans=[("Ukraine", "LOC"), ("Montag", "DATE"), ("Istanbul", "LOC")])
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        screen = reader(pilot)
        await new_event(pilot, "Gesprächen", "m")
        bar = screen.query_one(ArgumentBar)
        assert "Participant [p] + —" in bar.content.plain
        assert "Place [l] ? —" in bar.content.plain
        assert "Participant: missing" in bar.content.plain  # warnings, shown, not blocking

        # tab jumps between the spans (the candidates), wrapping around
        starts = []
        for _ in range(4):
            await pilot.press("tab")
            starts.append(word(view))
        assert starts == ["Ukraine", "Montag", "Istanbul", "Ukraine"]
        await pilot.press("p")  # the span under the cursor is the Participant: saved at once
        await pilot.pause()
        assert db_events(db, aid) == [("MEET", "Gesprächen",
                                       [("Participant", "Ukraine", "LOC")], {})]
        await pilot.press("tab", "t", "tab", "l")
        await pilot.pause()
        assert db_events(db, aid)[0][2] == [("Participant", "Ukraine", "LOC"),
                                            ("Place", "Istanbul", "LOC"),
                                            ("Time", "Montag", "DATE")]
        # pressing the key again does not add the same filler twice
        await pilot.press("l")
        await pilot.pause()
        assert notified(pilot, "Already the Place")
        assert len(db_events(db, aid)[0][2]) == 3

        # not yet a span: label in place with a digit, then the role key
        await goto(pilot, view, "Russlands", "left")
        await pilot.press("2")  # ORG, as usual
        await pilot.pause()
        assert ("Russlands", "ORG") in db_spans(db, aid)
        assert screen.building is not None  # still in argument mode
        await pilot.press("p")
        await pilot.pause()
        assert ("Participant", "Russlands", "ORG") in db_events(db, aid)[0][2]
        bar_text = bar.content.plain
        assert "Participant [p] + Ukraine, Russlands" in bar_text
        assert "Place [l] ? Istanbul" in bar_text and "Time [t] ? Montag" in bar_text
        assert "Topic [o] ? —" in bar_text

        # a role key on a selection with no span: the span is created, a MENTION (the role
        # accepts mentions: a filler is not a named entity unless labelled first), then
        # assigned (two undoable actions)
        await goto(pilot, view, "Wolodymyr")
        await pilot.press("shift+right")
        assert view.text[slice(*view.selection)] == "Wolodymyr Selenskyj"
        await pilot.press("p")
        await pilot.pause()
        assert ("Wolodymyr Selenskyj", "MENTION") in db_spans(db, aid)
        assert ("Participant", "Wolodymyr Selenskyj", "MENTION") in db_events(db, aid)[0][2]
        assert view.selection is None
        await pilot.press("u")  # the argument
        await pilot.pause()
        assert ("Participant", "Wolodymyr Selenskyj", "MENTION") not in db_events(db, aid)[0][2]
        assert ("Wolodymyr Selenskyj", "MENTION") in db_spans(db, aid)
        await pilot.press("u")  # the span
        await pilot.pause()
        assert ("Wolodymyr Selenskyj", "MENTION") not in db_spans(db, aid)
        await pilot.press("ctrl+r", "ctrl+r")
        await pilot.pause()
        assert ("Participant", "Wolodymyr Selenskyj", "MENTION") in db_events(db, aid)[0][2]

        # enter finishes: the event stays, the bar goes, the reader keys are back
        await pilot.press("enter")
        await pilot.pause()
        assert screen.building is None and not bar.display
        assert notified(pilot, "MEET saved with 5 arguments")
        assert len(db_events(db, aid)) == 1


async def test_a_role_that_accepts_any_label_and_a_wrong_label_are_not_blocked(tmp_path, make_app):
    db = tmp_path / "w.db"
    aid = build(db, spans=[("Selenskyj", "PER")])
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        screen = reader(pilot)
        await new_event(pilot, "Gesprächen", "m")
        await goto(pilot, view, "Selenskyj")
        await pilot.press("l")  # Place accepts LOC only: assigned anyway, and flagged
        await pilot.pause()
        await goto(pilot, view, "Gefangenenaustausch")
        await pilot.press("3")  # the label used last is LOC now ...
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("o")  # ... Topic accepts any label: a MENTION, not the label used last
        await pilot.pause()
        events = db_events(db, aid)
        assert events[0][2] == [("Place", "Selenskyj", "PER"),
                                ("Topic", "Gefangenenaustausch", "MENTION")]
        warnings = panel_text(screen.events_panel)
        assert "⚠ Participant: missing (needs at least one)" in warnings
        assert "⚠ Place: PER 'Selenskyj' is not LOC or MENTION" in warnings
        assert "⚠ 2 warnings" in screen.query_one("#events-panel-header").content.plain
        await pilot.press("enter")
        await pilot.pause()
        assert notified(pilot, "Participant: missing")
        await pilot.press("d")  # done is never blocked by warnings
        await settle(pilot)
        store = Store(db)
        try:
            assert store.status(aid, ANNOTATOR) == "done"
        finally:
            store.close()


async def test_escape_cancels_the_whole_event_and_one_u_brings_it_back(tmp_path, make_app):
    db = tmp_path / "c.db"
    aid = build(db, spans=[("Ukraine", "LOC")])
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        screen = reader(pilot)
        await new_event(pilot, "Gesprächen", "m")
        await pilot.press("tab", "p")
        await goto(pilot, view, "Istanbul")
        await pilot.press("3", "l")  # a span labelled in place, then assigned
        await pilot.pause()
        assert len(db_events(db, aid)[0][2]) == 2
        # escape with a selection only drops the selection
        await pilot.press("shift+right")
        await pilot.press("escape")
        assert view.selection is None and screen.building is not None
        await pilot.press("escape")  # cancels the event
        await pilot.pause()
        assert screen.building is None
        assert db_events(db, aid) == []
        assert ("Istanbul", "LOC") in db_spans(db, aid)  # labelled in place: stays
        assert notified(pilot, "MEET cancelled")
        assert isinstance(pilot.app.screen, ReaderScreen)  # escape did not leave the reader
        await pilot.press("u")  # one undo: the event with both its arguments
        await pilot.pause()
        assert db_events(db, aid) == [("MEET", "Gesprächen", [("Participant", "Ukraine", "LOC"),
                                                              ("Place", "Istanbul", "LOC")], {})]
        assert screen.building is None  # undo does not re-enter argument mode
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert db_events(db, aid) == []
        await pilot.press("u")
        await pilot.pause()
        assert len(db_events(db, aid)) == 1


async def test_undoing_the_event_being_annotated_leaves_argument_mode(tmp_path, make_app):
    db = tmp_path / "u.db"
    aid = build(db)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await open_article(pilot, aid)
        screen = reader(pilot)
        await new_event(pilot, "Gesprächen", "m")
        assert screen.building is not None
        await pilot.press("u")
        await pilot.pause()
        assert db_events(db, aid) == [] and screen.building is None
        assert not screen.query_one(ArgumentBar).display


async def test_role_keys_win_and_leaving_keys_are_off_in_argument_mode(tmp_path, make_app):
    db = tmp_path / "k.db"
    aid = build(db, spans=[("Ukraine", "LOC"), ("Montag", "DATE")])
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        screen = reader(pilot)
        await new_event(pilot, "Gesprächen", "m")
        await pilot.press("tab")
        await pilot.press("p")  # Participant, not the panel toggle
        await pilot.pause()
        assert screen.panel.display and screen.events_panel.display
        await pilot.press("tab", "o")  # Topic, not the other annotator's spans
        await pilot.pause()
        assert screen.showing is None
        assert db_events(db, aid)[0][2] == [("Participant", "Ukraine", "LOC"),
                                            ("Topic", "Montag", "DATE")]
        # keys that would leave the article or change the view do nothing
        for key in ("d", "s", "r", "right_square_bracket", "e"):
            await pilot.press(key)
            await pilot.pause()
            assert pilot.app.screen is screen and screen.building is not None, key
            assert pilot.app.screen is screen  # no raw source opened
        store = Store(db)
        try:
            assert store.status(aid, ANNOTATOR) == "in_progress"
        finally:
            store.close()
        # the help and the palette know the role keys' meaning
        rows = {binding_id: what for _, what, binding_id in app.help_rows(screen)}
        assert rows["reader.escape"] == "Cancel the event"
        assert rows["reader.label_selected"] == "Finish the event"  # enter
        assert "reader.done" not in rows and "reader.raw" not in rows
        titles = {c.title for c in screen.commands()}
        assert {"Assign Participant", "Assign Place", "Assign Time", "Assign Topic",
                "Finish event", "Cancel event"} <= titles
        # nor does the palette offer what the keys refuse in argument mode
        palette = {c.title for c in app.get_system_commands(screen)}
        assert not palette & {"Done", "Skip", "Flag", "Next article", "Previous article",
                              "Raw source", "Other annotator"}
        assert "Undo" in palette
        # in the events panel its own keys stay: t changes the type, not the Time
        await pilot.press("E", "t")
        await pilot.pause()
        assert isinstance(pilot.app.screen, EventTypeScreen)
        await pilot.press("escape", "escape")  # the picker, then back to the text
        await pilot.pause()
        assert view.has_focus and screen.building is not None
        await pilot.press("enter")
        await pilot.pause()
        rows = {binding_id: what for _, what, binding_id in app.help_rows(screen)}
        assert "reader.done" in rows and rows["reader.escape"] == "Back"
        # outside argument mode the letters are the reader's again
        await pilot.press("p")
        await pilot.pause()
        assert not screen.panel.display and not screen.events_panel.display
        assert word(view) == "Montag"


# --- m: modality ----------------------------------------------------------------------------------


async def test_m_cycles_the_modality_of_the_event_under_the_cursor(tmp_path, make_app):
    db = tmp_path / "m.db"
    aid = build(db, events=[("MEET", "Gesprächen", [], {}), ("EXCHANGE", "Gefangenenaustausch",
                                                          [], {})])
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await pilot.press("m")  # the cursor is on "Vertreter": no event
        await pilot.pause()
        assert notified(pilot, "No event under the cursor")
        await goto(pilot, view, "Gesprächen")
        seen = []
        for _ in range(4):
            await pilot.press("m")
            await pilot.pause()
            seen.append(db_events(db, aid)[0][3].get("modality"))
        assert seen == ["planned", "possible", "negated", "asserted"]
        assert db_events(db, aid)[1][3] == {}  # the other event is untouched
        await pilot.press("u", "u")
        await pilot.pause()
        assert db_events(db, aid)[0][3] == {"modality": "possible"}
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert db_events(db, aid)[0][3] == {"modality": "negated"}
        panel = reader(pilot).events_panel
        assert "  MEET  Gesprächen negated" in panel.entries()


# --- the events panel -----------------------------------------------------------------------------

PANEL_SPANS = [("Ukraine", "LOC"), ("Russlands", "LOC"), ("Istanbul", "LOC"), ("Montag", "DATE"),
               ("16. Mai", "DATE"), ("Wolodymyr Selenskyj", "PER")]
PANEL_EVENTS = [
    ("MEET", "Gesprächen", [("Participant", "Ukraine"), ("Participant", "Russlands"),
                            ("Place", "Istanbul"), ("Time", "Montag")], {}),
    ("EXCHANGE", "Gefangenenaustausch", [("Time", "16. Mai"), ("Place", "Wolodymyr Selenskyj")],
     {"modality": "planned"}),
]


async def test_the_panel_lists_events_and_highlights_the_selected_one_in_the_text(tmp_path,
                                                                                   make_app):
    db = tmp_path / "p.db"
    aid = build(db, spans=PANEL_SPANS, events=PANEL_EVENTS)
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        screen = reader(pilot)
        panel = screen.query_one(EventsPanel)
        assert panel_text(panel).split("\n") == [
            "  MEET  Gesprächen",
            "   Participant: Ukraine",
            "   Participant: Russlands",
            "   Place: Istanbul",
            "   Time: Montag",
            "  EXCHANGE  Gefangenenaustausch planned",
            "   Place: Wolodymyr Selenskyj",
            "   Time: 16. Mai",
            "   ⚠ Place: PER 'Wolodymyr Selenskyj' is not LOC or MENTION",
        ]
        header = screen.query_one("#events-panel-header").content.plain
        assert "Events (2)" in header and "1 warning" in header
        # every trigger is shown in its type's colour, italic
        meet = view.style_at(TEXT.index("Gesprächen"))
        assert meet.italic and meet.bgcolor.triplet.hex == "#56b6c2"
        assert view.current_event == (None, ())

        await pilot.press("E")  # into the panel: the first event is selected
        await pilot.pause()
        event_list = panel.query_one(EventList)
        assert event_list.has_focus and event_list.cursor == 0
        trigger, arguments = view.current_event
        assert trigger == at("Gesprächen")
        assert sorted(arguments) == sorted(at(s) for s in ("Ukraine", "Russlands", "Istanbul",
                                                           "Montag"))
        for surface in ("Ukraine", "Istanbul"):
            style = view.style_at(TEXT.index(surface))
            assert style.underline and style.overline and style.bold
        assert not view.style_at(TEXT.index("16. Mai")).overline
        assert word(view) == "Gesprächen"  # the text follows the panel
        await pilot.press("down", "down", "down", "down", "down")
        await pilot.pause()
        assert view.current_event[0] == at("Gefangenenaustausch")
        assert view.style_at(TEXT.index("16. Mai")).overline
        assert not view.style_at(TEXT.index("Ukraine")).overline
        await pilot.press("escape")  # back to the text; the cursor on that trigger
        await pilot.pause()
        assert view.has_focus and word(view) == "Gefangenenaustausch"
        assert view.current_event[0] == at("Gefangenenaustausch")
        await pilot.press("left")  # off the trigger: nothing marked
        assert view.current_event == (None, ())
        await goto(pilot, view, "Gesprächen", "left")  # on a trigger: its event is marked
        assert view.current_event[0] == at("Gesprächen")
        assert event_list.cursor == 0
        # clicking a row selects it
        await pilot.click(EventList, offset=(3, 5))
        await pilot.pause()
        assert event_list.has_focus and event_list.cursor == 5
        assert view.current_event[0] == at("Gefangenenaustausch")


async def test_panel_edits_delete_type_arguments_each_undoable(tmp_path, make_app):
    db = tmp_path / "d.db"
    aid = build(db, spans=PANEL_SPANS, events=PANEL_EVENTS)
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        screen = reader(pilot)
        panel = screen.events_panel
        before = db_events(db, aid)
        await pilot.press("E", "down", "down")  # on "Participant: Russlands"
        await pilot.press("x")  # removes that argument only
        await pilot.pause()
        assert db_events(db, aid)[0][2] == [("Participant", "Ukraine", "LOC"),
                                            ("Place", "Istanbul", "LOC"),
                                            ("Time", "Montag", "DATE")]
        assert panel.list.has_focus
        await pilot.press("u")
        await pilot.pause()
        assert db_events(db, aid) == before

        # t: change the type with the picker (the current type highlighted)
        await pilot.press("home", "t")
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, EventTypeScreen) and picker.highlighted == 0
        assert "Change the type" in picker.query_one("#event-type-title").content.plain
        await pilot.press("g")  # AGREEMENT
        await pilot.pause()
        assert db_events(db, aid)[0][0] == "AGREEMENT"
        # its roles do not fit: flagged, not blocked
        entries = panel_text(panel)
        assert "Participant: not a role of AGREEMENT" in entries
        await pilot.press("u")
        await pilot.pause()
        assert db_events(db, aid)[0][0] == "MEET"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert db_events(db, aid)[0][0] == "AGREEMENT"
        await pilot.press("u")
        await pilot.pause()

        # m in the panel: the selected event's modality
        await pilot.press("end", "m")  # the cursor on the EXCHANGE's last argument
        await pilot.pause()
        assert db_events(db, aid)[1][3] == {"modality": "possible"}
        await pilot.press("u")
        await pilot.pause()

        # delete on an event row: the event and its arguments, one action
        await pilot.press("home", "delete")
        await pilot.pause()
        assert [e[0] for e in db_events(db, aid)] == ["EXCHANGE"]
        assert notified(pilot, "MEET deleted")
        assert len(db_spans(db, aid)) == len(PANEL_SPANS)  # its arguments' spans stay
        # the cursor moved to the event now in its place: the panel's keys still act
        assert panel.current_event() is not None and panel.current_event().type == "EXCHANGE"
        await pilot.press("u")
        await pilot.pause()
        assert db_events(db, aid) == before
        assert panel.current_event() is not None
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [e[0] for e in db_events(db, aid)] == ["EXCHANGE"]
        await pilot.press("u")
        await pilot.pause()

        # a: add arguments to an existing event; escape then keeps the event
        await pilot.press("home", "a")
        await pilot.pause()
        assert view.has_focus and screen.building is not None and not screen.building.new
        await goto(pilot, view, "Wolodymyr")
        await pilot.press("p", "escape")
        await pilot.pause()
        assert screen.building is None
        assert ("Participant", "Wolodymyr Selenskyj", "PER") in db_events(db, aid)[0][2]
        assert len(db_events(db, aid)) == 2


async def test_deleting_a_span_used_as_an_argument_asks_first(tmp_path, make_app):
    db = tmp_path / "x.db"
    aid = build(db, spans=PANEL_SPANS, events=PANEL_EVENTS)
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        before = db_events(db, aid)
        await goto(pilot, view, "Istanbul")
        await pilot.press("x")
        await pilot.pause()
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen)
        question = confirm.question.plain
        assert "Istanbul" in question and "Place of MEET Gesprächen" in question
        await pilot.press("n")  # no: nothing changes
        await pilot.pause()
        assert db_events(db, aid) == before and ("Istanbul", "LOC") in db_spans(db, aid)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")  # yes: the span and the argument, one action
        await pilot.pause()
        assert ("Istanbul", "LOC") not in db_spans(db, aid)
        assert ("Place", "Istanbul", "LOC") not in db_events(db, aid)[0][2]
        await pilot.press("u")
        await pilot.pause()
        assert db_events(db, aid) == before and ("Istanbul", "LOC") in db_spans(db, aid)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert ("Istanbul", "LOC") not in db_spans(db, aid)
        # a span no event uses is deleted without asking
        await goto(pilot, view, "Selenskyj", "right")
        await goto(pilot, view, "Wolodymyr", "left")
        store = Store(db)
        try:
            store.remove_argument(store.events(aid, ANNOTATOR)[1].arguments[0].id, ANNOTATOR)
        finally:
            store.close()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReaderScreen)
        assert ("Wolodymyr Selenskyj", "PER") not in db_spans(db, aid)


async def test_other_annotators_events_are_read_only(tmp_path, make_app):
    db = tmp_path / "o.db"
    aid = build(db, spans=PANEL_SPANS, events=PANEL_EVENTS)
    store = Store(db)
    try:  # the same annotations as "anna"; the tester has a span of their own
        for s in store.spans(aid, ANNOTATOR):
            store.add_span(aid, "anna", s.start, s.end, s.label)
        store.add_event(aid, "anna", "MEET", *at("Gesprächen"))
        for e in store.events(aid, ANNOTATOR):
            store.delete_event(e.id, ANNOTATOR)
    finally:
        store.close()
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        screen = reader(pilot)
        assert screen.events_panel.events == []
        await pilot.press("o")
        await pilot.pause()
        assert [e.type for e in screen.events_panel.events] == ["MEET"]
        assert "anna" in screen.query_one("#events-panel-header").content.plain
        await goto(pilot, view, "Gesprächen")
        await pilot.press("m", "e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReaderScreen) and screen.building is None
        assert notified(pilot, "read-only")
        store = Store(db)
        try:
            assert store.events(aid, "anna")[0].attributes == {}
        finally:
            store.close()


def test_every_new_binding_has_an_id_and_a_description():
    ids = set()
    for cls in (EventList, EventTypeScreen):
        for binding in cls.BINDINGS:
            assert binding.id and binding.description, (cls.__name__, binding)
            ids.add(binding.id)
    reader_ids = {b.id for b in ReaderScreen.BINDINGS}
    for wanted in ("reader.new_event", "reader.modality", "reader.focus_events"):
        assert wanted in reader_ids
    for wanted in ("events.delete", "events.type", "events.arguments", "events.modality",
                   "event_type.cancel", "event_type.pick"):
        assert wanted in ids


async def test_a_schema_with_other_keys(tmp_path, make_app):
    from newsmark.model import DEFAULT_LABELS, EventType, Role

    schema = Schema(labels=DEFAULT_LABELS, events=(
        EventType("VISIT", "v", "#56b6c2", (Role("Visitor", "w", ("PER",), "1"),
                                            Role("Host", "h", ("LOC", "ORG"), "?"))),
    ))
    db = tmp_path / "s.db"
    aid = build(db, spans=[("Wolodymyr Selenskyj", "PER")])
    async with make_app(db, schema=schema).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, aid)
        await new_event(pilot, "Gesprächen", "v")
        await goto(pilot, view, "Wolodymyr")
        await pilot.press("w")
        await goto(pilot, view, "Istanbul", "left")
        await pilot.press("h")  # creates a LOC span (Host's first accepted label)
        await pilot.press("enter")
        await pilot.pause()
        assert db_events(db, aid) == [("VISIT", "Gesprächen",
                                       [("Host", "Istanbul", "LOC"),
                                        ("Visitor", "Wolodymyr Selenskyj", "PER")], {})]


# --- the seeds, through the real pipeline, and the exports ----------------------------------------


async def test_seed_events_annotated_in_the_reader_and_exported(seeded, make_app, tmp_path):
    """Seed 004: "Gesprächen" as a MEET (Participants Russlands and Ukraine, Place Istanbul, Time
    "Montag (2. Juni)", all labelled in place) and "Gefangenenaustausch" as an EXCHANGE with Time
    "16. Mai"; seed 000: "Verhandlungsrunde" as a planned MEET. Then the prodigy and brat
    exports hold exactly that."""
    db, ids = seeded
    async with make_app(db).run_test(size=SIZE) as pilot:
        view = await open_article(pilot, ids["004"])
        screen = reader(pilot)
        sentence = "Vertreter:innen Russlands und der Ukraine sind am Montag (2. Juni)"
        assert sentence in view.text
        await new_event(pilot, "Gesprächen zusammengetroffen", "m", trim=1)
        assert db_events(db, ids["004"]) == [("MEET", "Gesprächen", [], {})]
        await goto(pilot, view, "Russlands", "left")
        await pilot.press("3", "p")  # LOC in place, then Participant
        await goto(pilot, view, "Ukraine")
        await pilot.press("3", "p")
        await goto(pilot, view, "Montag")
        await pilot.press(*["shift+right"] * 4)
        assert view.text[slice(*view.selection)] == "Montag (2. Juni)"
        await pilot.press("5", "t")  # DATE in place, then Time (the cursor is inside it)
        await goto(pilot, view, "Istanbul")
        await pilot.press("3", "l")  # LOC in place, then Place (the key alone: a MENTION)
        await pilot.pause()
        assert "Participant [p] + Russlands, Ukraine" in screen.argument_bar.content.plain
        await pilot.press("enter")
        await pilot.pause()

        await new_event(pilot, "Gefangenenaustausch", "x")
        await goto(pilot, view, "16.", "left")
        await pilot.press("shift+right", "t")  # "16. Mai": a DATE span for Time
        await pilot.press("enter")
        await pilot.pause()
        assert sorted(e[0] for e in db_events(db, ids["004"])) == ["EXCHANGE", "MEET"]

        await pilot.press("escape")  # back to the library, then seed 000
        await settle(pilot)
        view = await open_article(pilot, ids["000"])
        await new_event(pilot, "Verhandlungsrunde", "m")
        await goto(pilot, view, "Ukraine", "left")
        await pilot.press("3", "p")
        await goto(pilot, view, "Russland")
        await pilot.press("3", "p")
        await goto(pilot, view, "Istanbul")
        await pilot.press("3", "l")
        await pilot.press("m")  # the modality of the event being annotated: planned
        await pilot.press("enter")
        await pilot.pause()

    meet_004 = ("MEET", "Gesprächen", [("Participant", "Russlands", "LOC"),
                                       ("Participant", "Ukraine", "LOC"),
                                       ("Place", "Istanbul", "LOC"),
                                       ("Time", "Montag (2. Juni)", "DATE")], {})
    exchange_004 = ("EXCHANGE", "Gefangenenaustausch", [("Time", "16. Mai", "DATE")], {})
    meet_000 = ("MEET", "Verhandlungsrunde", [("Participant", "Russland", "LOC"),
                                              ("Participant", "Ukraine", "LOC"),
                                              ("Place", "Istanbul", "LOC")],
                {"modality": "planned"})
    assert db_events(db, ids["004"]) == [meet_004, exchange_004]
    assert db_events(db, ids["000"]) == [meet_000]
    store = Store(db)
    try:  # the MEET's trigger is the one in the sentence
        text = store.article(ids["004"]).text
        trigger = store.events(ids["004"], ANNOTATOR)[0]
        sentence_at = text.index("Vertreter:innen Russlands")
        assert sentence_at < trigger.start < text.index("zusammengetroffen", sentence_at)
    finally:
        store.close()

    expected = {
        ids["004"]: {("MEET", "Gesprächen", "asserted",
                      (("Participant", "Russlands"), ("Participant", "Ukraine"),
                       ("Place", "Istanbul"), ("Time", "Montag (2. Juni)"))),
                     ("EXCHANGE", "Gefangenenaustausch", "asserted", (("Time", "16. Mai"),))},
        ids["000"]: {("MEET", "Verhandlungsrunde", "planned",
                      (("Participant", "Russland"), ("Participant", "Ukraine"),
                       ("Place", "Istanbul")))},
    }

    # prodigy, through the CLI
    from click.testing import CliRunner

    from tui.cli import main

    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["export", "--format", "prodigy", "--status", "any",
                                       "-o", str(out), "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    got: dict[int, set] = {}
    for line in out.read_text("utf-8").splitlines():
        rec = json.loads(line)
        text = rec["text"]
        assert rec["meta"]["annotator"] == ANNOTATOR
        got[rec["meta"]["id"]] = {
            (e["type"], text[e["trigger"]["start"] : e["trigger"]["end"]],
             e["attributes"]["modality"],
             tuple(sorted((a["role"], text[a["start"] : a["end"]]) for a in e["arguments"])))
            for e in rec.get("events", [])
        }
        assert all(not e["warnings"] for e in rec.get("events", []))
    assert got == expected

    # brat, through the CLI: parse the .ann files
    brat_dir = tmp_path / "brat"
    result = CliRunner().invoke(main, ["export", "--format", "brat", "--status", "any",
                                       "-o", str(brat_dir), "--db", str(db)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    got = {}
    for article_id in ids.values():
        ann = (brat_dir / f"{article_id}-{ANNOTATOR}.ann").read_text("utf-8")
        text = (brat_dir / f"{article_id}-{ANNOTATOR}.txt").read_text("utf-8")
        got[article_id] = brat_events(ann, text)
    assert got == expected


def brat_events(ann: str, text: str) -> set:
    """(type, trigger text, modality, sorted (role, argument text)) of every E line."""
    spans: dict[str, tuple[str, str]] = {}
    events: dict[str, tuple[str, str, list[tuple[str, str]]]] = {}
    modality: dict[str, str] = {}
    for line in ann.splitlines():
        ident, rest = line.split("\t", 1)
        if ident.startswith("T"):
            head, surface = rest.split("\t", 1)
            label, where = head.split(" ", 1)
            frags = [tuple(int(x) for x in f.split()) for f in where.split(";")]
            assert surface == " ".join(text[a:b] for a, b in frags)
            spans[ident] = (label, text[frags[0][0] : frags[-1][1]])
        elif ident.startswith("E"):
            parts = rest.split()
            etype, trigger = parts[0].split(":")
            args = [tuple(p.split(":")) for p in parts[1:]]
            events[ident] = (etype, trigger, args)
        elif ident.startswith("A"):
            name, target, value = rest.split()
            if name == "modality":
                modality[target] = value
    out = set()
    for ident, (etype, trigger, args) in events.items():
        assert spans[trigger][0] == etype
        roles = tuple(sorted((role.rstrip("0123456789"), spans[t][1]) for role, t in args))
        out.add((etype, spans[trigger][1], modality[ident], roles))
    return out


# --- warnings in the library's progress line ------------------------------------------------------


def test_event_warnings_are_counted_per_annotator_in_batches(tmp_path):
    from newsmark.config import default_schema
    from storage.warnings import WarningCounts

    db = tmp_path / "w.db"
    aid = build(db, spans=PANEL_SPANS, events=PANEL_EVENTS + [("MEET", "Verhandlungen", [], {})])
    store = Store(db)
    try:
        store.add_event(aid, "anna", "MEET", *at("Gesprächen"))  # anna's: not counted
        schema = default_schema()
        # EXCHANGE: Place is PER; the second MEET: no Participant
        assert store.event_warnings(ANNOTATOR, schema) == WarningCounts(3, 2, 2)
        assert store.event_warnings("anna", schema) == WarningCounts(1, 1, 1)
        first, after = store.event_warnings_batch(ANNOTATOR, schema, 0, limit=2)
        rest, end = store.event_warnings_batch(ANNOTATOR, schema, after, limit=2)
        assert first + rest == WarningCounts(3, 2, 2) and end is None
    finally:
        store.close()


async def test_the_library_progress_line_counts_event_warnings(tmp_path, make_app):
    db = tmp_path / "l.db"
    aid = build(db, spans=PANEL_SPANS, events=PANEL_EVENTS)
    async with make_app(db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        progress = pilot.app.screen.query_one("#library-progress").content.plain
        assert "events 2  ⚠ 1 warning in 1" in progress
        view = await open_article(pilot, aid)
        await new_event(pilot, "Verhandlungen", "m")  # no Participant: a warning
        await pilot.press("enter", "escape")
        await settle(pilot)
        progress = pilot.app.screen.query_one("#library-progress").content.plain
        assert "events 3  ⚠ 2 warnings in 2" in progress
        assert view is not None
