"""SVG snapshots of events in the reader (pytest-textual-snapshot, 120x40): the events panel with
a selected event (its trigger and arguments marked in the text, a warning listed), argument mode
(the bar with roles, keys and fillers), and the event type picker.

Everything is built by hand here (fixed text, fixed annotator, no clock), so the pictures depend
on the TUI only. Regenerate with
``pytest tests/test_tui_snapshots_events.py --snapshot-update`` and look at the SVGs (their text
and colours) before committing.
"""

from __future__ import annotations

from pathlib import Path

from storage.repo import Store
from tui_helpers import ANNOTATOR, SIZE, make_app, make_article, open_article, settle  # noqa: F401

TEXT = (
    "## Gespräche in Istanbul\n\n"
    "Vertreter:innen Russlands und der Ukraine sind am Montag (2. Juni) in Istanbul zu zweiten "
    "direkten Gesprächen zusammengetroffen.\n\n"
    "Bei ihrer ersten Gesprächsrunde am 16. Mai hatten beide Seiten den größten "
    "Gefangenenaustausch des Krieges vereinbart. Präsident Wolodymyr Selenskyj sagte, die "
    "Ukraine sei zu einem Waffenstillstand bereit.\n\n"
    "> Eine neue Verhandlungsrunde in Genf ist geplant."
)
SPANS = [("Russlands", "LOC"), ("Ukraine", "LOC"), ("Montag (2. Juni)", "DATE"),
         ("Istanbul", "LOC", "Juni"), ("16. Mai", "DATE"), ("Wolodymyr Selenskyj", "PER"),
         ("Genf", "LOC")]
EVENTS = [
    ("MEET", "Gesprächen", [("Participant", "Russlands"), ("Participant", "Ukraine"),
                            ("Place", "Istanbul"), ("Time", "Montag (2. Juni)")], {}),
    ("EXCHANGE", "Gefangenenaustausch", [("Time", "16. Mai"), ("Place", "Wolodymyr Selenskyj")],
     {}),
    ("MEET", "Verhandlungsrunde", [("Place", "Genf")], {"modality": "planned"}),
]


def find(surface: str, after: str | None = None) -> tuple[int, int]:
    start = TEXT.index(surface, TEXT.index(after) if after else 0)
    return start, start + len(surface)


def build(path: Path, events=EVENTS) -> int:
    store = Store(path)
    try:
        article, _ = store.add_article(
            make_article(TEXT, title="Gespräche in Istanbul", source="example-news",
                         published="2025-06-02T13:58:00")
        )
        ids = {}
        for surface, label, *after in SPANS:
            ids[surface] = store.add_span(article.id, ANNOTATOR, *find(surface, *after), label).id
        for etype, trigger, arguments, attributes in events:
            store.add_event(article.id, ANNOTATOR, etype, *find(trigger),
                            [(role, ids[s]) for role, s in arguments], attributes)
        return article.id
    finally:
        store.close()


def test_events_panel_with_a_selected_event(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    article_id = build(db)

    async def run_before(pilot) -> None:
        await open_article(pilot, article_id)
        await pilot.press("E")  # the first event selected: its trigger and arguments marked
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)


def test_events_panel_warning_selected_on_light(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    article_id = build(db)

    async def run_before(pilot) -> None:
        pilot.app.theme = "textual-light"
        await open_article(pilot, article_id)
        await pilot.press("E", "down", "down", "down", "down", "down", "down")  # EXCHANGE's Place
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)


def test_argument_mode(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    article_id = build(db, events=EVENTS[1:])

    async def run_before(pilot) -> None:
        await open_article(pilot, article_id)
        await pilot.press("slash", *"Gesprächen", "space", *"zusammengetroffen", "enter")
        await pilot.press("shift+left", "e")
        await pilot.pause()
        await pilot.press("m")  # MEET: argument mode
        await pilot.pause()
        # back through the sentence: Montag (2. Juni) is the Time, Ukraine and Russlands
        # Participants; then the cursor on Istanbul, not assigned yet
        await pilot.press("shift+tab", "shift+tab", "t", "shift+tab", "p", "shift+tab", "p")
        await pilot.press("tab", "tab", "tab")
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)


def test_event_type_picker(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    article_id = build(db)

    async def run_before(pilot) -> None:
        await open_article(pilot, article_id)
        await pilot.press("slash", *"Gefangenenaustausch", "enter", "e", "down")
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)
