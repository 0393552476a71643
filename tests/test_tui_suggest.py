"""Suggestions in the reader (issue 15), one Pilot flow: an article opens with a patterns file
configured, its suggestions are drawn (never like spans); a accepts one, x rejects one, A
accepts the rest as one action, P propagates a span (u undoes it whole); an export then shows
every span's origin and no suggestion that was never accepted. And a snapshot of suggestions
beside spans."""

from __future__ import annotations

import json
from pathlib import Path

from tui_helpers import ANNOTATOR, SIZE, make_article, open_article, settle

from newsmark.config import default_schema
from newsmark.formats import prodigy
from storage.export import Selection
from storage.repo import Store

TEXT = ("Olaf Scholz traf Siemens-Chef Roland Busch in Berlin.\n\n"
        "Später sprach Olaf Scholz mit Siemens über Berlin und München.\n\n"
        "Die Siemens AG bestätigte das Treffen in München.")
PATTERNS = [
    {"label": "ORG", "pattern": "Siemens"},
    {"label": "LOC", "pattern": "Berlin"},
    {"label": "LOC", "pattern": "München"},
    {"label": "PER", "pattern": [{"LOWER": "roland"}, {"LOWER": "busch"}]},
    {"label": "HERO", "pattern": "Treffen"},  # not in the schema: never suggested
]


def build(tmp_path: Path) -> tuple[Path, Path, int]:
    db, patterns = tmp_path / "s.db", tmp_path / "patterns.jsonl"
    patterns.write_text("".join(json.dumps(p) + "\n" for p in PATTERNS), encoding="utf-8")
    store = Store(db)
    try:
        article, _ = store.add_article(make_article(TEXT, title="Scholz trifft Siemens"))
        return db, patterns, article.id
    finally:
        store.close()


def configured(db: Path, patterns: Path, stores: list):
    """The app as ``newsmark tui`` builds it with a config whose [suggest] names the patterns."""
    from newsmark.config import Config
    from tui.app import NewsmarkApp

    store = Store(db)
    stores.append(store)
    return NewsmarkApp(store=store, annotator=ANNOTATOR, settings=Config(patterns=patterns))


def offsets(needle: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(needle, i + 1)
    return i, i + len(needle)


async def test_suggestions_flow(tmp_path):
    db, patterns, article_id = build(tmp_path)
    stores: list[Store] = []
    app = configured(db, patterns, stores)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_article(pilot, article_id)
        await settle(pilot)
        reader = app.screen
        drawn = [(TEXT[s.start:s.end], s.label, s.source) for s in view.suggestions]
        assert ("Roland Busch", "PER", "pattern") in drawn
        assert ("Siemens", "ORG", "pattern") in drawn and len(drawn) == 8
        assert all(label != "HERO" for _, label, _ in drawn)
        assert any("8 suggestions" in n for n in app.notices)
        # drawn apart: the text's own background (a span has its label's), dim and underlined
        style = view.style_at(offsets("Berlin")[0])
        assert style.bgcolor == view.rich_style.bgcolor and style.dim and style.underline

        # a on "Roland Busch": accepted, a span with origin pattern
        view.move_to_offset(offsets("Roland")[0])
        await pilot.pause()
        assert reader.status_line.suggested == ("PER", "pattern")
        await pilot.press("a")
        await settle(pilot)
        assert [(TEXT[s.start:s.end], s.origin) for s in view.spans] == [
            ("Roland Busch", "pattern")]
        assert len(view.suggestions) == 7
        # x on the last "München": rejected, hidden, not a span
        view.move_to_offset(offsets("München", 1)[0])
        await pilot.press("x")
        await settle(pilot)
        assert len(view.suggestions) == 6 and len(view.spans) == 1
        # A: the six others, one action
        await pilot.press("A")
        await settle(pilot)
        assert len(view.spans) == 7 and view.suggestions == []
        assert any("6 accepted" in n for n in app.notices)
        await pilot.press("u")
        await settle(pilot)
        assert len(view.spans) == 1 and len(view.suggestions) == 6
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(view.spans) == 7

        # label the first "Olaf Scholz" by hand: its other occurrence is suggested (propagated)
        view.move_to_offset(0)
        await pilot.press("shift+right", "1")
        await settle(pilot)
        assert [(TEXT[s.start:s.end], s.source) for s in view.suggestions] == [
            ("Olaf Scholz", "propagated")]
        # P propagates it: one action, u takes it back whole
        await pilot.press("P")
        await settle(pilot)
        assert any("1 more PER: Olaf Scholz" in n for n in app.notices)
        assert sorted(s.origin for s in view.spans).count("propagated") == 1
        await pilot.press("u")
        await settle(pilot)
        assert [s.origin for s in view.spans].count("propagated") == 0
        await pilot.press("P")
        await settle(pilot)

        # T retrains in the background; with nothing finished it says so, the reader goes on
        await pilot.press("T")
        await settle(pilot)
        assert any("nothing to train on" in n for n in app.notices)
        assert reader.training == "" and len(view.spans) == 9
    stores[0].close()

    store = Store(db)
    try:
        records = list(store.records(Selection()))
        rec = prodigy.record(records[0].article, ANNOTATOR, records[0].spans)
        got = sorted((TEXT[s["start"]:s["end"]], o)
                     for s, o in zip(rec["spans"], rec["meta"]["span_origins"]))
        assert got == sorted([("Olaf Scholz", "manual"), ("Olaf Scholz", "propagated"),
                              ("Roland Busch", "pattern"), ("Siemens", "pattern"),
                              ("Siemens", "pattern"), ("Siemens", "pattern"),
                              ("Berlin", "pattern"), ("Berlin", "pattern"),
                              ("München", "pattern")])
        # the rejected München never became a span
        assert (TEXT.rindex("München"), TEXT.rindex("München") + 7) not in [
            (s["start"], s["end"]) for s in rec["spans"]]
        assert store.rejected_suggestions(article_id, ANNOTATOR) == [
            (*offsets("München", 1), "LOC")]
    finally:
        store.close()
    assert default_schema().label("HERO") is None


def test_reader_with_suggestions_snapshot(snap_compare, tmp_path):
    """Suggestions (dim, underlined, in their label's colour) beside spans (a background):
    "Roland Busch" is a span, the other names suggestions; the cursor on one (the status line
    names its label and source)."""
    db, patterns, article_id = build(tmp_path)
    store = Store(db)
    try:
        store.add_span(article_id, ANNOTATOR, *offsets("Roland Busch"), "PER")
        store.add_span(article_id, ANNOTATOR, *offsets("Olaf Scholz"), "PER")
    finally:
        store.close()

    async def run_before(pilot) -> None:
        await open_article(pilot, article_id)
        await settle(pilot)
        pilot.app.screen.view.move_to_offset(offsets("Berlin")[0])
        pilot.app.clear_notifications()  # (a toast's timeout is the clock's)
        await settle(pilot)

    stores: list[Store] = []
    try:
        assert snap_compare(configured(db, patterns, stores), terminal_size=SIZE,
                            run_before=run_before)
    finally:
        for store in stores:
            store.close()
