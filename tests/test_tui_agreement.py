"""The agreement screen: opened from the library with ``A`` (and listed in the command palette),
showing the README example's figures in its table and chart; one snapshot of it (120x40)."""

from __future__ import annotations

from pathlib import Path

from test_agreement import (
    ALICE,
    ALICE_ROLES,
    BOB,
    BOB_ROLES,
    TEXT,
    add_article,
    annotate,
)
from test_keymap import _chain
from tui_helpers import SIZE, make_app, settle  # noqa: F401

from storage.repo import Store
from tui.keymap import SCOPES


def build(path: Path) -> None:
    store = Store(path)
    try:
        article = add_article(store, TEXT)
        annotate(store, article, "alice", ALICE, ALICE_ROLES)
        annotate(store, article, "bob", BOB, BOB_ROLES)
    finally:
        store.close()


def cells(table) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_agreement_screen_from_the_library(tmp_path, make_app):
    from textual.widgets import DataTable

    from tui.screens.agreement import AgreementScreen
    from tui.screens.library import LibraryScreen

    db = tmp_path / "team.db"
    build(db)
    app = make_app(db, annotator="alice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("Agreement between annotators") for t in titles)
        await pilot.press("A")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        assert _chain(app) == dict(SCOPES)["the agreement screen"]
        spans = cells(screen.query_one("#agreement-spans", DataTable))
        # pair, label, A, B, exact P R F1, overlap P R F1, kappa, alpha (README: Agreement)
        assert ["alice–bob", "(all)", "3", "3", "0.333", "0.333", "0.333", "0.667", "0.667",
                "0.667", "0.600", "0.615"] in spans
        assert ["alice–bob", "PER", "2", "2", "0.500", "0.500", "0.500", "1.000", "1.000",
                "1.000", "0.750", "0.762"] in spans
        events = cells(screen.query_one("#agreement-events", DataTable))
        assert events[0][:2] == ["alice–bob", "MEET"] and events[0][-1] == "0.400"
        chart = str(screen.query_one("#agreement-chart").render())
        assert "κ" in chart and "0.600" in chart and "█" in chart
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        # under a filter, the figures are over the articles it shows: here none
        app.screen.apply_filter("lang:fr")
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        title = str(app.screen.query_one("#agreement-title").render())
        assert "no article matching --query 'lang:fr' was finished" in title, title


def test_agreement_snapshot(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    build(db)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)

    assert snap_compare(make_app(db, annotator="alice"), terminal_size=SIZE,
                        run_before=run_before)
