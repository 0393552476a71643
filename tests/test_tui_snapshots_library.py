"""SVG snapshots of the library, its filter prompt, the bulk confirmation and the key list
(pytest-textual-snapshot, 120x40).

The articles are hand-made, the annotator is fixed and nothing shows a clock. Regenerate with
``pytest tests/test_tui_snapshots_library.py --snapshot-update`` and look at the SVGs before
committing.
"""

from __future__ import annotations

from pathlib import Path

from storage.repo import Store
from tui_helpers import ANNOTATOR, SIZE, make_app, make_article, settle, type_text  # noqa: F401

ROWS = [
    # title, source, published, language, text
    ("Gespräche in Istanbul: Gefangenenaustausch vereinbart", "example-news", "2025-06-02T13:58:00",
     "de", "Vertreter der Ukraine und Russlands haben sich in Istanbul getroffen."),
    ("Zweiter Artikel", "other-source", "2025-06-01", "de", "Ein zweiter Artikel."),
    ("Fertig annotiert", "example-news", "2025-05-30", "de", "Ein fertiger Artikel über Berlin."),
    ("A very long English headline that does not fit into the title column of the library at all",
     "a-source-with-a-very-long-name.example", "2025-05-12", "en", "Parliament votes."),
    ("Übersprungen: [bold]kein Markup[/bold]", "[i]quelle[/i]", "2025-04-01", "de", "Text."),
    ("東京の記事", "asahi", "2025-03-03", "ja", "東京で会議。"),
]


def build_database(path: Path) -> None:
    store = Store(path)
    try:
        ids = []
        for title, source, published, language, text in ROWS:
            article, _ = store.add_article(make_article(text, title=title, source=source,
                                                        published=published, language=language))
            ids.append(article.id)
        for i, surface, label in [(0, "Ukraine", "LOC"), (0, "Istanbul", "LOC"),
                                  (0, "Russlands", "ORG"), (2, "Berlin", "LOC")]:
            start = ROWS[i][4].index(surface)
            store.add_span(ids[i], ANNOTATOR, start, start + len(surface), label)
        store.set_status([ids[2]], ANNOTATOR, "done")
        store.set_status([ids[4]], ANNOTATOR, "skipped")
        store.flag(ids[3], ANNOTATOR, "headline?")
    finally:
        store.close()


def test_library_snapshot(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    build_database(db)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)


def test_library_filtered_and_sorted_snapshot(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    build_database(db)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "-status:skipped after:2025-05-01")
        await pilot.press("enter", "o")
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)


def test_library_filter_error_snapshot(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    build_database(db)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "status:later")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)


def test_bulk_confirmation_snapshot(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    build_database(db)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "lang:de")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)


def test_help_snapshot(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    build_database(db)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)
