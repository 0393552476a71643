"""Curation (issue 14, items 3 and 5): the plan (unanimous, majority, disagreements grouped by
overlap, events with their arguments), takes into gold as one undoable action each, and holds.
Plain functions over newsmark.curation, and the store on real SQLite files."""

from __future__ import annotations

import pytest
from tui_helpers import make_article

from newsmark.config import default_schema
from newsmark.curation import (
    GOLD,
    ArgumentItem,
    CurationError,
    EventItem,
    SpanItem,
    layer_items,
    plan,
    plan_layers,
)
from storage.holds import HeldError
from storage.repo import Store

TEXT = "Olaf Scholz trifft Emmanuel Macron am Montag in Paris."
SCHEMA = default_schema()


def at(needle: str) -> tuple[int, int]:
    i = TEXT.index(needle)
    return i, i + len(needle)


def span(needle: str, label: str) -> SpanItem:
    return SpanItem(*at(needle), label)


OLAF_PER, OLAF_ORG = span("Olaf Scholz", "PER"), span("Olaf Scholz", "ORG")
MACRON = span("Emmanuel Macron", "PER")
PARIS, PARIS_ORG = span("Paris", "LOC"), span("Paris", "ORG")
MONTAG = span("Montag", "DATE")


def meet(*args: tuple[str, str], modality: str | None = None) -> EventItem:
    arguments = tuple(sorted((ArgumentItem(role, *at(needle), "PER") for role, needle in args),
                             key=lambda a: (a.role, a.start)))
    return EventItem(*at("trifft"), "MEET", arguments,
                     (("modality", modality),) if modality else ())


# --- the plan (plain functions) -----------------------------------------------------------------


def test_unanimous_accepts_what_everyone_has_and_groups_the_rest_by_overlap():
    layers = {"alice": [OLAF_PER, MACRON, PARIS], "bob": [OLAF_ORG, MACRON],
              "carol": [OLAF_PER, MACRON, PARIS_ORG, MONTAG]}
    p = plan(layers, "unanimous")
    assert p.accepted == (MACRON,)
    # Olaf (three versions), Montag (carol's alone), Paris (LOC, nothing, ORG): text order
    assert [(d.start, d.end) for d in p.disagreements] == [at("Olaf Scholz"), at("Montag"),
                                                           at("Paris")]
    olaf, montag, paris = p.disagreements
    assert [v.annotator for v in olaf.versions] == ["alice", "bob", "carol"]
    assert [v.items for v in olaf.versions] == [(OLAF_PER,), (OLAF_ORG,), (OLAF_PER,)]
    assert [v.items for v in montag.versions] == [(), (), (MONTAG,)]
    assert [v.items for v in paris.versions] == [(PARIS,), (), (PARIS_ORG,)]
    assert olaf.accepted == () and olaf.items == (OLAF_ORG, OLAF_PER)  # same place: by label
    assert paris.both("alice", "carol") == (PARIS, PARIS_ORG)
    assert plan(layers, "unanimous") == p  # deterministic


def test_majority_accepts_more_than_half_and_keeps_the_dissent_as_a_disagreement():
    layers = {"alice": [OLAF_PER, MACRON, PARIS], "bob": [OLAF_ORG, MACRON],
              "carol": [OLAF_PER, MACRON, PARIS_ORG, MONTAG]}
    p = plan(layers, "majority")
    assert p.accepted == (OLAF_PER, MACRON)  # 2 of 3 and 3 of 3
    # Olaf stays a disagreement (bob's ORG is outvoted, not ignored): PER pre-accepted in it
    olaf = p.disagreements[0]
    assert (olaf.start, olaf.end, olaf.accepted) == (*at("Olaf Scholz"), (OLAF_PER,))
    assert [(d.start, d.end) for d in p.disagreements] == [at("Olaf Scholz"), at("Montag"),
                                                           at("Paris")]
    # a group every item of which has a majority is resolved: two of three have Paris LOC
    p2 = plan({"a": [PARIS], "b": [PARIS], "c": []}, "majority")
    assert (p2.accepted, p2.disagreements) == ((PARIS,), ())
    # with two annotators a majority is both
    assert plan({"a": [PARIS], "b": []}, "majority").accepted == ()
    with pytest.raises(CurationError):
        plan(layers, "plurality")


def test_overlapping_spans_chain_into_one_disagreement():
    a, b = SpanItem(0, 11, "PER"), SpanItem(5, 18, "ORG")
    c = SpanItem(12, 18, "LOC")  # overlaps b only: the same group through b
    far = SpanItem(40, 45, "LOC")
    p = plan({"x": [a, c, far], "y": [b, far]})
    assert p.accepted == (far,)
    (d,) = p.disagreements
    assert (d.start, d.end) == (0, 18)
    assert [v.items for v in d.versions] == [(a, c), (b,)]
    assert d.matching([a, c, far]) == ["x"] and d.matching([]) == []


def test_events_compare_trigger_type_arguments_by_role_and_extent_and_attributes():
    full = meet(("Participant", "Olaf Scholz"), ("Participant", "Emmanuel Macron"))
    short = meet(("Participant", "Olaf Scholz"))
    planned = meet(("Participant", "Olaf Scholz"), ("Participant", "Emmanuel Macron"),
                   modality="planned")
    p = plan({"a": [full], "b": [full], "c": [short], "d": [planned]}, "majority")
    assert p.accepted == ()  # 2 of 4 is no majority
    (d,) = p.disagreements
    assert d.kind == "event" and [v.items for v in d.versions] == [(full,), (full,), (short,),
                                                                   (planned,)]
    # the filler's label is carried, not compared
    relabelled = EventItem(full.start, full.end, "MEET", tuple(
        ArgumentItem(x.role, x.start, x.end, "ORG") for x in full.arguments))
    assert relabelled.key == full.key


def test_stored_layers_become_items_with_defaults_left_out(tmp_path):
    store, aid = article_store(tmp_path)
    s = store.add_span(aid, "alice", *at("Olaf Scholz"), "PER")
    store.add_event(aid, "alice", "MEET", *at("trifft"), [("Participant", s.id)],
                    {"modality": "asserted"})
    s2 = store.add_span(aid, "bob", *at("Olaf Scholz"), "PER")
    store.add_event(aid, "bob", "MEET", *at("trifft"), [("Participant", s2.id)])
    items = layer_items(store.spans(aid, "alice"), store.events(aid, "alice"), SCHEMA)
    assert items == [OLAF_PER, meet(("Participant", "Olaf Scholz"))]
    p = plan_layers({w: (store.spans(aid, w), store.events(aid, w)) for w in ("alice", "bob")},
                    "unanimous", SCHEMA)
    assert p.disagreements == () and len(p.accepted) == 2


# --- takes into gold ----------------------------------------------------------------------------


def article_store(tmp_path) -> tuple[Store, int]:
    store = Store(tmp_path / "cur.db")
    article, _ = store.add_article(make_article(TEXT, title="Treffen"))
    return store, article.id


def gold(store: Store, aid: int) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in store.spans(aid, GOLD)]


def actions(store: Store) -> int:
    return store.conn.execute("select count(*) from actions where annotator = 'gold' "
                              "and state = 'done'").fetchone()[0]


def test_take_left_right_both_neither_each_one_action_and_undo(tmp_path):
    store, aid = article_store(tmp_path)
    p = plan({"alice": [OLAF_PER, PARIS], "bob": [OLAF_ORG, PARIS]})
    assert store.curate(aid, "cat", p.accepted, (), "accept agreed") == 1
    (d,) = p.disagreements
    left, right = d.version("alice").items, d.version("bob").items

    store.curate(aid, "cat", left, d.items, "take alice")
    assert gold(store, aid) == [(*at("Olaf Scholz"), "PER"), (*at("Paris"), "LOC")]
    store.curate(aid, "cat", right, d.items, "take bob")  # replaces alice's version
    assert gold(store, aid) == [(*at("Olaf Scholz"), "ORG"), (*at("Paris"), "LOC")]
    store.curate(aid, "cat", d.both("alice", "bob"), d.items, "take both")
    assert sorted(gold(store, aid)) == sorted([(*at("Olaf Scholz"), "PER"),
                                               (*at("Olaf Scholz"), "ORG"), (*at("Paris"), "LOC")])
    store.curate(aid, "cat", (), d.items, "take neither")
    assert gold(store, aid) == [(*at("Paris"), "LOC")]
    assert actions(store) == 5  # accept + four takes: one action each
    assert store.curate(aid, "cat", (), d.items, "again") == 0 and actions(store) == 5

    store.curate_step(aid, "cat")  # undo "neither": both back
    assert len(gold(store, aid)) == 3
    store.curate_step(aid, "cat")  # undo "both": bob's version
    assert gold(store, aid) == [(*at("Olaf Scholz"), "ORG"), (*at("Paris"), "LOC")]
    store.curate_step(aid, "cat", redo=True)
    assert len(gold(store, aid)) == 3


def test_take_an_event_brings_its_argument_spans_and_undo_takes_all_of_it(tmp_path):
    store, aid = article_store(tmp_path)
    ev = meet(("Participant", "Olaf Scholz"), ("Participant", "Emmanuel Macron"),
              modality="planned")
    store.curate(aid, "cat", [ev], (), "take alice", {"modality": "asserted"})
    (stored,) = store.events(aid, GOLD)
    assert (stored.type, stored.attributes) == ("MEET", {"modality": "planned"})
    spans = {s.id: (s.start, s.end, s.label) for s in store.spans(aid, GOLD)}
    assert sorted(spans[a.span_id] for a in stored.arguments) == [
        (*at("Olaf Scholz"), "PER"), (*at("Emmanuel Macron"), "PER")]
    assert actions(store) == 1
    store.curate(aid, "cat", [], [ev], "take neither", {"modality": "asserted"})
    assert store.events(aid, GOLD) == [] and len(gold(store, aid)) == 2  # the spans stay
    store.curate_step(aid, "cat")
    assert len(store.events(aid, GOLD)) == 1
    store.curate_step(aid, "cat")
    assert store.events(aid, GOLD) == [] and gold(store, aid) == []


# --- holds --------------------------------------------------------------------------------------


def test_holds_refuse_a_second_curator_until_released_or_stale(tmp_path):
    store, aid = article_store(tmp_path)
    first = store.hold(aid, "cat", stale_after=1800)
    assert first.granted and first.curator == "cat"
    again = store.hold(aid, "cat", stale_after=1800)  # again: still hers, refreshed
    assert again.granted and again.since >= first.since
    second = store.hold(aid, "dan", stale_after=1800)
    assert not second.granted and second.curator == "cat" and second.since == again.since
    with pytest.raises(HeldError, match="curated by cat since"):
        store.curate(aid, "dan", [PARIS], (), "take")
    with pytest.raises(HeldError):
        store.curate_step(aid, "dan")
    assert gold(store, aid) == []
    assert not store.release(aid, "dan")  # not his
    assert store.release(aid, "cat") and store.holder(aid) is None
    assert store.hold(aid, "dan", stale_after=1800).granted
    # a hold older than the limit is taken over
    store.conn.execute("update holds set since = '2026-01-01T00:00:00.000+00:00'")
    taken = store.hold(aid, "cat", stale_after=1800)
    assert taken.granted and taken.took_over == "dan" and store.holder(aid).curator == "cat"
    store.curate(aid, "cat", [PARIS], (), "take")  # the holder writes (and refreshes the hold)
    assert store.holder(aid).since >= taken.since
    assert gold(store, aid) == [(*at("Paris"), "LOC")]


def test_the_curation_settings_of_the_config_file(tmp_path):
    from newsmark.config import ConfigError, load_config

    path = tmp_path / "config.toml"
    assert (load_config(path).curation_rule, load_config(path).hold_minutes) == ("unanimous", 30)
    path.write_text('[curation]\nrule = "majority"\nhold_minutes = 5\n')
    cfg = load_config(path)
    assert (cfg.curation_rule, cfg.hold_minutes) == ("majority", 5.0)
    for bad, says in (('rule = "most"', "expected \"unanimous\" or \"majority\""),
                      ("hold_minutes = 0", "minutes from 1 to 1440"),
                      ("hold = 5", "unknown key (known: rule, hold_minutes)")):
        path.write_text(f"[curation]\n{bad}\n")
        with pytest.raises(ConfigError, match=f"\\[curation\\] .*{says[:12]}"):
            load_config(path)


def test_a_curation_session_pre_accepts_takes_switches_the_rule_and_a_second_is_read_only(
        tmp_path):
    from storage.curating import CurationSession, candidates

    store, aid = article_store(tmp_path)
    for who, labels in (("alice", ("PER", "LOC")), ("bob", ("ORG", "LOC")),
                        ("carol", ("PER", "ORG"))):
        store.add_span(aid, who, *at("Olaf Scholz"), labels[0])
        store.add_span(aid, who, *at("Paris"), labels[1])
    store.set_status([aid], "alice", "done")
    assert candidates(store, aid) == (["alice", "bob", "carol"], ["alice"])
    cat = CurationSession(store, aid, "cat", SCHEMA, ["alice", "bob", "carol"])
    view = cat.open()
    assert not view.read_only and view.gold == () and len(view.plan.disagreements) == 2
    view = cat.switch_rule()  # majority: PER Olaf (2 of 3) and LOC Paris (2 of 3)
    assert view.plan.rule == "majority" and set(view.gold) == {OLAF_PER, PARIS}
    assert view.plan.disagreements[0].matching(view.gold) == ["alice", "carol"]
    view = cat.take(1, 2)  # Paris: carol's ORG
    assert set(view.gold) == {OLAF_PER, PARIS_ORG} and view.changed
    dan = CurationSession(store, aid, "dan", SCHEMA, ["alice", "bob"])
    view = dan.open()
    assert view.read_only and "cat since" in view.message
    assert dan.take(0, 0).severity == "warning" and dan.undo().severity == "warning"
    assert set(cat.undo().gold) == {OLAF_PER, PARIS}
    assert cat.release() and store.holder(aid) is None
