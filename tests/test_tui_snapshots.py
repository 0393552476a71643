"""SVG snapshots of the reader (pytest-textual-snapshot); the library's are in
``test_tui_snapshots_library.py``.

The articles are hand-made (not the seeds), so the pictures depend on the TUI only, not on the
cleaner; the annotator is fixed and nothing shows a clock. Regenerate with
``pytest tests/test_tui_snapshots.py --snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from pathlib import Path

from storage.repo import Store
from tui_helpers import ANNOTATOR, SIZE, make_app, make_article, open_article, settle  # noqa: F401

READER_TEXT = (
    "Kyjiw / Istanbul – Vertreter der Ukraine und Russlands haben sich am Montag in Istanbul "
    "zu direkten Gesprächen getroffen. Die ukrainische Delegation leitete Verteidigungsminister "
    "Rustem Umjerow, die russische der Präsidentenberater Wladimir Medinski.\n\n"
    "Präsident Wolodymyr Selenskyj sagte in Kyjiw, die Ukraine sei zu einem Waffenstillstand "
    "bereit. Der türkische Außenminister Hakan Fidan eröffnete das Treffen im Dolmabahçe-Palast.\n\n"
    "Beide Seiten vereinbarten einen Austausch von Gefangenen. Ein nächstes Treffen ist für Ende "
    "Juni geplant; die Vereinten Nationen begrüßten die Gespräche."
)


def build_database(path: Path) -> int:
    store = Store(path)
    try:
        reader, _ = store.add_article(
            make_article(READER_TEXT, title="Gespräche in Istanbul: Gefangenenaustausch vereinbart",
                         source="example-news", published="2025-06-02T13:58:00")
        )
        store.add_article(
            make_article("Ein zweiter Artikel.\n\nMit zwei Absätzen.", title="Zweiter Artikel",
                         source="other-source", published="2025-06-01")
        )
        done, _ = store.add_article(
            make_article("Ein fertiger Artikel über Berlin.", title="Fertig annotiert",
                         source="example-news", published="2025-05-30")
        )
        text = READER_TEXT
        for surface, label in [
            ("Ukraine", "LOC"), ("Istanbul", "LOC"), ("Rustem Umjerow", "PER"),
            ("Wladimir Medinski", "PER"), ("Wolodymyr Selenskyj", "PER"), ("Hakan Fidan", "PER"),
            ("Vereinten Nationen", "ORG"), ("Montag", "DATE"),
        ]:
            start = text.index(surface)
            store.add_span(reader.id, ANNOTATOR, start, start + len(surface), label)
        start = text.index("Präsident Wolodymyr Selenskyj")
        store.add_span(reader.id, ANNOTATOR, start, start + len("Präsident Wolodymyr Selenskyj"),
                       "MISC")
        berlin = "Ein fertiger Artikel über Berlin.".index("Berlin")
        store.add_span(done.id, ANNOTATOR, berlin, berlin + 6, "LOC")
        store.set_status([done.id], ANNOTATOR, "done")
        return reader.id
    finally:
        store.close()


def test_reader_snapshot(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    article_id = build_database(db)

    async def run_before(pilot) -> None:
        await open_article(pilot, article_id)
        # down to line 2, then a three-token selection (". Die ukrainische")
        await pilot.press("down", "right", "shift+right", "shift+right")
        await settle(pilot)

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)
