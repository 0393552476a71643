"""The curation screen (issue 14, item 3), one Pilot flow: from the library's key, choose the
annotators, the agreed span pre-accepted into gold, then left, right, both and neither on span
disagreements and right on an event's, ] and [, undo and redo, the hold released on leaving,
and ``export --merge gold`` showing the result."""

from __future__ import annotations

import io
import json

from rich.console import Console
from tui_helpers import SIZE, make_app, make_article, settle  # noqa: F401  (fixtures)

from newsmark.curation import GOLD
from storage.repo import Store
from tui.screens.curation import CurationScreen

TEXT = "Olaf Scholz trifft Emmanuel Macron am Montag in Paris und Berlin."


def shown(screen, selector: str) -> str:
    """What a Static of the screen shows, as plain text."""
    console = Console(width=SIZE[0], file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(screen.query_one(selector).content)
    return captured.get()


def at(needle: str) -> tuple[int, int]:
    i = TEXT.index(needle)
    return i, i + len(needle)


def build(path) -> int:
    store = Store(path)
    try:
        aid = store.add_article(make_article(TEXT, title="Treffen"))[0].id
        versions = {
            "alice": {"Olaf Scholz": "PER", "Emmanuel Macron": "PER", "Montag": "DATE",
                      "Paris": "LOC", "Berlin": "LOC"},
            "bob": {"Olaf Scholz": "ORG", "Emmanuel Macron": "MISC", "Montag": "MISC",
                    "Paris": "ORG", "Berlin": "LOC"},
        }
        for who, spans in versions.items():
            ids = {needle: store.add_span(aid, who, *at(needle), label).id
                   for needle, label in spans.items()}
            roles = [("Participant", ids["Olaf Scholz"])]
            if who == "bob":
                roles.append(("Participant", ids["Emmanuel Macron"]))
            store.add_event(aid, who, "MEET", *at("trifft"), roles)
            store.set_status([aid], who, "done")
        return aid
    finally:
        store.close()


def gold(path, aid) -> tuple[list[tuple[str, str]], list[tuple[str, list[tuple[str, str]]]]]:
    store = Store(path)
    try:
        spans = store.spans(aid, GOLD)
        by_id = {s.id: s for s in spans}
        events = [(TEXT[e.start:e.end], sorted((a.role, TEXT[by_id[a.span_id].start:
                                                               by_id[a.span_id].end])
                                              for a in e.arguments))
                  for e in store.events(aid, GOLD)]
        return sorted((TEXT[s.start:s.end], s.label) for s in spans), events
    finally:
        store.close()


async def test_curate_left_right_both_neither_event_undo_and_export(tmp_path, make_app, cli):
    db = tmp_path / "cur.db"
    aid = build(db)
    app = make_app(db, annotator="cat")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")  # the highlighted (only) article
        await settle(pilot)
        assert "alice" in shown(app.screen, "#pick-list")
        await pilot.press("enter")  # alice and bob, who finished it
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CurationScreen) and screen.view is not None
        # Berlin LOC was agreed: in gold as the screen opened; five disagreements in text order
        assert gold(db, aid)[0] == [("Berlin", "LOC")]
        assert [TEXT[d.start:d.end] for d in screen.view.plan.disagreements] == [
            "Olaf Scholz", "trifft", "Emmanuel Macron", "Montag", "Paris"]
        assert "Disagreement 1 of 5" in shown(screen, "#curation-main")
        await pilot.press("left")  # Olaf Scholz: alice's PER
        await pilot.press("right")  # the event: bob's, with Macron as a second Participant
        await pilot.press("b")  # Emmanuel Macron: both (PER and MISC)
        await pilot.press("n")  # Montag: neither
        await pilot.press("right")  # Paris: bob's ORG
        await settle(pilot)
        spans, events = gold(db, aid)
        assert spans == [("Berlin", "LOC"), ("Emmanuel Macron", "MISC"),
                         ("Emmanuel Macron", "PER"), ("Olaf Scholz", "PER"), ("Paris", "ORG")]
        assert events == [("trifft", [("Participant", "Emmanuel Macron"),
                                      ("Participant", "Olaf Scholz")])]
        assert screen.index == 4
        await pilot.press("left_square_bracket", "left_square_bracket", "right_square_bracket")
        assert screen.index == 3
        assert "gold has nothing here" in shown(screen, "#curation-main")
        await pilot.press("u")  # the last take (Paris) undone as one action
        await settle(pilot)
        assert ("Paris", "ORG") not in gold(db, aid)[0]
        await pilot.press("u")  # neither on Montag: nothing was in gold there, so the one before
        await settle(pilot)
        assert ("Emmanuel Macron", "PER") not in gold(db, aid)[0]
        await pilot.press("ctrl+r", "ctrl+r")
        await settle(pilot)
        assert gold(db, aid)[0] == spans
        store = Store(db)
        assert store.holder(aid).curator == "cat"
        assert store.status(aid, GOLD) != "done"
        store.close()
        await pilot.press("d")  # gold done: the default export (finished work) takes it
        await settle(pilot)
        store = Store(db)
        assert store.status(aid, GOLD) == "done"
        store.close()
        await pilot.press("escape")
        await settle(pilot)
        store = Store(db)
        assert store.holder(aid) is None  # released on leaving
        store.close()

    result = cli("export", "--merge", "gold", db=db)
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert record["meta"]["annotator"] == GOLD
    assert sorted((TEXT[s["start"]:s["end"]], s["label"]) for s in record["spans"]) == spans
    (event,) = record["events"]
    assert event["type"] == "MEET" and len(event["arguments"]) == 2
