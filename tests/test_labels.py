"""``newsmark labels rename|merge|undo`` (issue 14, item 6): span labels, the role fillers that
point at them and event types change everywhere in one undoable action; labels no longer in the
schema are listed by ``stats``."""

from __future__ import annotations

import json

import pytest

from newsmark.config import default_schema
from newsmark.model import Article
from newsmark.text import text_hash, tokenize
from storage.labels import LABELS_ANNOTATOR, LabelError, decide_kind
from storage.repo import Store

TEXT = "Wolodymyr Selenskyj trifft Friedrich Merz in Berlin am Montag."


def at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


def dump(store: Store) -> dict:
    """Everything a label change may touch, by table (ids included), for before/after."""
    q = store.conn.execute
    return {
        "spans": q("select id, article_id, annotator, start, end, label from spans order by id").fetchall(),
        "events": q("select id, annotator, type from events order by id").fetchall(),
        "arguments": q("select id, event_id, role, span_id from event_arguments order by id").fetchall(),
    }


@pytest.fixture
def team(db_path):
    """One article: alice and bob label people PER (bob's Merz also as MISC, on the same
    extent), alice has a MEET event with both as Participants and Berlin as Place; gold has a
    PER too."""
    store = Store(db_path)
    article, _ = store.add_article(Article(text=TEXT, text_hash=text_hash(TEXT),
                                           tokens=tokenize(TEXT, "de")))
    aid = article.id
    ids = {}
    for who in ("alice", "bob"):
        ids[who, "Selenskyj"] = store.add_span(aid, who, *at("Wolodymyr Selenskyj"), "PER").id
        ids[who, "Merz"] = store.add_span(aid, who, *at("Friedrich Merz"), "PER").id
    ids["bob", "Merz MISC"] = store.add_span(aid, "bob", *at("Friedrich Merz"), "MISC").id
    ids["alice", "Berlin"] = store.add_span(aid, "alice", *at("Berlin"), "LOC").id
    ids["gold", "Merz"] = store.add_span(aid, "gold", *at("Friedrich Merz"), "PER").id
    event = store.add_event(aid, "alice", "MEET", *at("trifft"), [
        ("Participant", ids["alice", "Selenskyj"]), ("Participant", ids["alice", "Merz"]),
        ("Place", ids["alice", "Berlin"])])
    bob_event = store.add_event(aid, "bob", "MEET", *at("trifft"), [
        ("Participant", ids["bob", "Merz MISC"]), ("Participant", ids["bob", "Merz"])])
    ids["event"], ids["bob event"] = event.id, bob_event.id
    yield store, aid, ids
    store.close()


def test_rename_a_label_everywhere_and_undo(team):
    store, aid, ids = team
    before = dump(store)
    change = store.change_label(default_schema(), "PER", "PERSON", merge=False)
    assert change.kind == "label"
    assert change.counts == {
        "alice": {"spans": 2, "events": 0, "arguments": 2, "duplicates": 0},
        "bob": {"spans": 2, "events": 0, "arguments": 1, "duplicates": 0},
        "gold": {"spans": 1, "events": 0, "arguments": 0, "duplicates": 0},
    }
    labels = {who: sorted(s.label for s in store.spans(aid, who)) for who in ("alice", "bob", "gold")}
    assert labels == {"alice": ["LOC", "PERSON", "PERSON"], "bob": ["MISC", "PERSON", "PERSON"],
                      "gold": ["PERSON"]}
    # the role fillers follow their spans: same span ids, the new label
    (event,) = store.events(aid, "alice")
    fillers = {a.span_id for a in event.arguments if a.role == "Participant"}
    assert fillers == {ids["alice", "Selenskyj"], ids["alice", "Merz"]}
    assert {s.label for s in store.spans(aid, "alice") if s.id in fillers} == {"PERSON"}
    # one action, over many articles (article_id NULL), under no person's name
    (row,) = store.conn.execute("select annotator, article_id, state from actions "
                                "where annotator = ?", [LABELS_ANNOTATOR]).fetchall()
    assert row == (LABELS_ANNOTATOR, None, "done")
    undone = store.undo_label_change()
    assert undone is not None and undone.skipped == 0 and undone.restored == 5
    assert dump(store) == before
    assert store.undo_label_change() is None  # only label changes, and each once


def test_merge_removes_duplicates_and_moves_their_fillers(team):
    store, aid, ids = team
    before = dump(store)
    change = store.change_label(default_schema(), "MISC", "PER", merge=True)
    assert change.counts == {"bob": {"spans": 0, "events": 0, "arguments": 1, "duplicates": 1}}
    bob = store.spans(aid, "bob")
    assert sorted(s.label for s in bob) == ["PER", "PER"]
    assert ids["bob", "Merz MISC"] not in {s.id for s in bob}
    # bob's event had Merz twice as Participant (MISC and PER): the duplicate argument is gone
    (event,) = store.events(aid, "bob")
    assert [(a.role, a.span_id) for a in event.arguments] == [("Participant", ids["bob", "Merz"])]
    store.undo_label_change()
    assert dump(store) == before


def test_merge_moves_a_filler_to_the_twin_span(db_path):
    store = Store(db_path)
    article, _ = store.add_article(Article(text=TEXT, text_hash=text_hash(TEXT),
                                           tokens=tokenize(TEXT, "de")))
    misc = store.add_span(article.id, "carol", *at("Berlin"), "MISC")
    loc = store.add_span(article.id, "carol", *at("Berlin"), "LOC")
    store.add_event(article.id, "carol", "MEET", *at("trifft"), [("Place", misc.id)])
    before = dump(store)
    store.change_label(default_schema(), "MISC", "LOC", merge=True)
    (event,) = store.events(article.id, "carol")
    assert [(a.role, a.span_id) for a in event.arguments] == [("Place", loc.id)]
    assert [s.label for s in store.spans(article.id, "carol")] == ["LOC"]
    store.undo_label_change()
    assert dump(store) == before
    store.close()


def test_event_types_rename_and_merge(team):
    store, aid, ids = team
    before = dump(store)
    change = store.change_label(default_schema(), "MEET", "MEETING", merge=False)
    assert change.kind == "event"
    assert change.counts == {"alice": {"spans": 0, "events": 1, "arguments": 0, "duplicates": 0},
                             "bob": {"spans": 0, "events": 1, "arguments": 0, "duplicates": 0}}
    assert [e.type for e in store.events(aid, "alice")] == ["MEETING"]
    # after the schema was edited the new name decides: MEETING is no label or type there,
    # but it is stored as an event type
    change = store.change_label(default_schema(), "MEETING", "STATEMENT", merge=True,
                                annotator="bob")
    assert change.counts == {"bob": {"spans": 0, "events": 1, "arguments": 0, "duplicates": 0}}
    assert [e.type for e in store.events(aid, "bob")] == ["STATEMENT"]
    assert [e.type for e in store.events(aid, "alice")] == ["MEETING"]
    store.undo_label_change()  # the merge only
    assert [e.type for e in store.events(aid, "bob")] == ["MEETING"]
    store.undo_label_change()
    assert dump(store) == before


def test_undo_leaves_what_changed_since(team):
    store, aid, ids = team
    store.change_label(default_schema(), "PER", "PERSON", merge=False)
    store.relabel_span(ids["alice", "Merz"], "alice", "ORG")  # alice's own action meanwhile
    undone = store.undo_label_change()
    assert undone.skipped == 1 and undone.restored == 4
    assert store.spans(aid, "alice")[1].label == "ORG"  # hers stays


def test_rename_refuses_a_name_in_use_and_ambiguous_names(team):
    store, aid, ids = team
    before = dump(store)
    with pytest.raises(LabelError, match="already the label of 5 spans.*labels merge MISC PER"):
        store.change_label(default_schema(), "MISC", "PER", merge=False)
    with pytest.raises(LabelError, match="no span label or event type NOPE"):
        store.change_label(default_schema(), "NOPE", "X", merge=False)
    assert dump(store) == before
    # a name the schema does not know, stored both as a label and as a type: --kind decides
    with pytest.raises(LabelError, match="stored both as a span label and as an event type"):
        decide_kind(default_schema(), "MEETX", "MEETY", (True, True))
    both = default_schema().__class__(labels=default_schema().labels + (
        default_schema().labels[0].__class__("MEET", "7", "#ffffff"),))
    with pytest.raises(LabelError, match="MEET is both a span label and an event type"):
        decide_kind(both, "MEET", "X", (False, False))
    assert decide_kind(default_schema(), "MEETX", "MEETY", (True, True), "label") == "label"


def test_cli_rename_dry_run_annotator_and_undo(team, cli, db_path, tmp_path):
    store, aid, ids = team
    before = dump(store)
    schema = tmp_path / "schema.toml"
    schema.write_text('[[labels]]\nname = "PER"\nkey = "1"\n[[labels]]\nname = "LOC"\n'
                      '[[labels]]\nname = "MISC"\n\n[[events]]\nname = "MEET"\nkey = "m"\n'
                      '[[events.roles]]\nname = "Participant"\nlabels = ["PER", "LOC"]\n',
                      encoding="utf-8")
    result = cli("labels", "rename", "PER", "PERSON", "--dry-run", "--schema", schema)
    assert result.exit_code == 0, result.output
    assert dump(store) == before  # nothing written
    lines = result.output.splitlines()
    assert lines[0] == "dry run: would have renamed span label PER -> PERSON (every annotator)"
    assert lines[1].split() == ["annotator", "spans", "events", "arguments", "duplicates"]
    assert lines[2].split() == ["alice", "2", "0", "2", "0"]
    assert lines[5].split() == ["total", "5", "0", "3", "0"]
    assert "the schema file is not changed by this command" in result.output
    assert f"{schema}:2: name = \"PER\"" in result.output
    assert f"{schema}:14: labels = [\"PER\", \"LOC\"]" in result.output
    assert store.conn.execute("select count(*) from actions where annotator = ?",
                              [LABELS_ANNOTATOR]).fetchone()[0] == 0

    result = cli("labels", "rename", "PER", "PERSON", "--annotator", "bob")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == \
        "renamed span label PER -> PERSON (bob's annotations)"
    assert "undo with: newsmark labels undo" in result.output
    assert sorted(s.label for s in store.spans(aid, "bob")) == ["MISC", "PERSON", "PERSON"]
    assert sorted(s.label for s in store.spans(aid, "alice")) == ["LOC", "PER", "PER"]

    result = cli("labels", "merge", "MISC", "PERSON")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].split() == ["bob", "0", "0", "1", "1"]

    assert cli("labels", "undo").output.startswith("undone: labels merge MISC -> PERSON")
    assert cli("labels", "undo").output.startswith("undone: labels rename PER -> PERSON (bob's)")
    assert dump(store) == before
    result = cli("labels", "undo")
    assert result.exit_code == 1 and "no label rename or merge to undo" in result.output

    result = cli("labels", "rename", "MISC", "PER")
    assert result.exit_code == 1
    assert result.output.startswith("Error: PER is already the label of 5 spans")


def test_stats_lists_labels_not_in_the_schema(team, cli):
    store, aid, ids = team
    store.change_label(default_schema(), "PER", "PERSON", merge=False)
    result = cli("stats")
    assert result.exit_code == 0, result.output
    assert "labels not in the schema: PERSON (5 spans in 1 article)" in result.output
    data = json.loads(cli("stats", "--json").output)
    assert data["spans"]["not_in_schema"] == ["PERSON"]
    assert data["spans"]["not_in_schema_articles"] == {"PERSON": 1}


# --- the TUI: labels not in the schema, and the guidelines pane -----------------------------------

GUIDED = """
[[labels]]
name = "PER"
key = "1"
description = "A **person**, by name: [PER] stays literal."
examples = ["*Wolodymyr Selenskyj* trifft", "die Kanzlerin *Merkel*"]

[[labels]]
name = "LOC"
key = "2"

[[events]]
name = "MEET"
key = "m"
description = "People *meet*."
"""


async def test_tui_warns_once_and_opens_the_guidelines(db_path, tmp_path):
    """The library says once which stored labels the schema lacks; the reader draws those spans
    and names them in the pane's header; g (and g from ?) shows the guidelines of the label
    under the cursor, else of all."""
    from textual.widgets import Markdown
    from tui_helpers import notified, open_article, settle

    from newsmark.config import load_schema
    from tui.app import NewsmarkApp
    from tui.screens import ReaderScreen
    from tui.screens.help import HelpScreen
    from tui.widgets.guidelines import GuidelinesPane

    store = Store(db_path)
    article, _ = store.add_article(Article(text=TEXT, text_hash=text_hash(TEXT),
                                           tokens=tokenize(TEXT, "de"),
                                           ingested="2025-01-01T00:00:00.000+00:00"))
    store.add_span(article.id, "tester", *at("Wolodymyr Selenskyj"), "PER")
    store.add_span(article.id, "tester", *at("Berlin"), "CITY\x1b[31m")  # not in the schema
    store.add_span(article.id, "bob", *at("Berlin"), "CITY\x1b[31m")
    path = tmp_path / "guided.toml"
    path.write_text(GUIDED, encoding="utf-8")
    app = NewsmarkApp(store=store, annotator="tester", schema=load_schema(path))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        notice = r"Labels not in the schema: CITY␛[31m (2 spans in 1 article)"
        assert sum(notice in m for m in app.notices) == 1, app.notices
        view = await open_article(pilot, article.id)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert sum("Labels not in the schema" in m for m in app.notices) == 1  # once
        view.move_to_offset(at("Montag")[0])
        await pilot.press("g")
        await settle(pilot)
        pane = reader.query_one(GuidelinesPane)
        assert pane.display and pane.shown == ()  # no span at the cursor: every label
        assert "## PER" in pane.markdown and "## LOC" in pane.markdown
        assert "## MEET" in pane.markdown and "People *meet*." in pane.markdown
        view.move_to_offset(at("Selenskyj")[0])
        await settle(pilot)
        assert pane.shown == ("PER",)
        assert pane.markdown.startswith("## PER") and "## LOC" not in pane.markdown
        assert "- die Kanzlerin *Merkel*" in pane.markdown
        assert "person" in pane.query_one(Markdown).source
        view.move_to_offset(at("Berlin")[0])  # the label the schema lacks: named, as text
        await settle(pilot)
        header = str(pane.query_one("#guidelines-header").render())
        assert r"not in the schema: CITY␛[31m" in header
        await pilot.press("g")  # hides
        await settle(pilot)
        assert not pane.display
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert "g: the guidelines" in str(help_screen.query_one("#help-guidelines").render())
        await pilot.press("g")  # from the key list: back to the reader, the pane open
        await settle(pilot)
        assert app.screen is reader and pane.display
        assert not notified(pilot, "Traceback")
    store.close()
