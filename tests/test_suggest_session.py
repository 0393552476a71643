"""Suggestions in the session (issue 15), without Textual: propagate, accept one, accept all,
reject; one undoable action each; provenance in the action log and in every export; a
suggestion never accepted is in no export."""

from __future__ import annotations

import json

import pytest

from newsmark.config import default_schema
from newsmark.formats import doccano, prodigy
from newsmark.formats.brat import ann_lines
from newsmark.model import Article
from newsmark.suggest import Suggestion
from newsmark.text import text_hash, tokenize
from storage.export import Selection
from storage.repo import Store
from storage.session import AnnotationSession, Cursor

TEXT = ("Olaf Scholz traf Macron in Paris. Später sagte Olaf Scholz, Paris sei schön.\n\n"
        "Olaf Scholz und Siemens: Olaf ist nicht Olaf Scholz.")


def at(needle: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(needle, i + 1)
    return i, i + len(needle)


@pytest.fixture
def session(store: Store) -> AnnotationSession:
    article, _ = store.add_article(Article(text=TEXT, text_hash=text_hash(TEXT),
                                           tokens=tokenize(TEXT, "de"), title="t"))
    return AnnotationSession(store, article.id, "alice", default_schema())


def spans(session: AnnotationSession) -> list[tuple[str, str, str]]:
    return [(TEXT[s.start:s.end], s.label, s.origin) for s in session.state().spans]


def actions(store: Store) -> list[tuple[str, dict]]:
    return [(kind, json.loads(payload)) for kind, payload in store.conn.execute(
        "select kind, payload from actions where state = 'done' order by id")]


def suggestion(needle: str, label: str, source: str, nth: int = 0) -> Suggestion:
    return Suggestion(*at(needle, nth), label, source)


def test_propagate_is_one_action_and_undoes_whole(session, store):
    start, end = at("Olaf Scholz")
    session.label("PER", Cursor(token=at("Olaf"), selection=(start, end)))
    # the last "Olaf Scholz" is labelled ORG by hand: propagation leaves it alone
    session.label("ORG", Cursor(token=at("Olaf", 4), selection=at("Olaf Scholz", 3)))
    before = len(actions(store))
    out = session.propagate(Cursor(token=at("Scholz")))
    assert out.changed and out.extra["count"] == 2
    assert out.message == "2 more PER: Olaf Scholz"
    assert spans(session) == [("Olaf Scholz", "PER", "manual"),
                              ("Olaf Scholz", "PER", "propagated"),
                              ("Olaf Scholz", "PER", "propagated"),
                              ("Olaf Scholz", "ORG", "manual")]
    logged = actions(store)
    assert len(logged) == before + 1  # ONE action
    kind, payload = logged[-1]
    assert kind == "ops" and payload["origins"] == {"propagated": 2}
    assert [op[2]["origin"] for op in payload["ops"]] == ["propagated", "propagated"]
    # a second propagate finds nothing more
    again = session.propagate(Cursor(token=at("Olaf")))
    assert not again.changed and again.extra["count"] == 0
    # one undo takes both back
    undone = session.undo()
    assert undone.action.payload["label"] == "propagate PER"
    assert [o for _, _, o in spans(session)] == ["manual", "manual"]
    assert session.redo().changed and len(spans(session)) == 4
    # no span under the cursor: nothing happens
    assert not session.propagate(Cursor(token=at("traf"))).changed


def test_propagate_refuses_a_label_outside_the_schema(session, store):
    start, end = at("Olaf Scholz")
    store.add_span(session.article_id, "alice", start, end, "POLITICIAN")
    out = session.propagate(Cursor(token=at("Olaf")))
    assert not out.changed and "POLITICIAN" in out.message
    assert len(spans(session)) == 1


def test_accept_one_all_and_reject(session, store):
    pattern = suggestion("Siemens", "ORG", "pattern")
    model = suggestion("Macron", "PER", "model:news")
    paris = suggestion("Paris", "LOC", "model:news")
    paris2 = suggestion("Paris", "LOC", "model:news", 1)
    odd = suggestion("Olaf", "HERO", "pattern")  # not in the schema: never shown, never taken
    out = session.accept(pattern)
    assert out.changed and spans(session) == [("Siemens", "ORG", "pattern")]
    assert actions(store)[-1][0] == "add_span"
    assert actions(store)[-1][1]["span"]["origin"] == "pattern"  # provenance in the log
    # accepting it again: a span is there now
    assert not session.accept(pattern).changed
    assert not session.accept(odd).changed

    # reject: recorded, hidden afterwards, undoable
    out = session.reject(paris2)
    assert out.changed and session.state().rejected == ((paris2.start, paris2.end, "LOC"),)
    everything = [pattern, model, paris, paris2, odd]
    assert session.visible(everything) == [model, paris]
    session.undo()
    assert session.state().rejected == ()
    assert session.visible(everything) == [model, paris, paris2]
    session.redo()
    assert session.visible(everything) == [model, paris]

    n = len(actions(store))
    out = session.accept_all(everything)
    assert out.extra["count"] == 2 and out.message == "2 accepted: 1 LOC, 1 PER"
    assert len(actions(store)) == n + 1  # one action for all of them
    assert actions(store)[-1][1]["origins"] == {"model:news": 2}
    assert spans(session) == [("Macron", "PER", "model:news"), ("Paris", "LOC", "model:news"),
                              ("Siemens", "ORG", "pattern")]
    assert session.visible(everything) == []
    assert not session.accept_all(everything).changed
    session.undo()
    assert spans(session) == [("Siemens", "ORG", "pattern")]


def test_exports_carry_origins_and_never_unaccepted_suggestions(session, store, tmp_path):
    schema = default_schema()
    session.label("PER", Cursor(token=at("Olaf"), selection=at("Olaf Scholz")))
    session.propagate(Cursor(token=at("Olaf")))
    session.accept(suggestion("Siemens", "ORG", "pattern"))
    session.visible([suggestion("Macron", "PER", "model:news")])  # shown, never accepted
    records = list(store.records(Selection()))
    assert len(records) == 1
    rec = prodigy.record(records[0].article, "alice", records[0].spans)
    got = [(TEXT[s["start"]:s["end"]], o) for s, o in zip(rec["spans"],
                                                          rec["meta"]["span_origins"])]
    assert got == [("Olaf Scholz", "manual"), ("Olaf Scholz", "propagated"),
                   ("Olaf Scholz", "propagated"), ("Siemens", "pattern"),
                   ("Olaf Scholz", "propagated")]
    assert "Macron" not in [TEXT[s["start"]:s["end"]] for s in rec["spans"]]

    out = tmp_path / "d.jsonl"
    doccano.export(records, str(out), schema)
    line = json.loads(out.read_text())
    assert [(TEXT[s:e], o) for (s, e, _), o in zip(line["label"], line["meta"]["span_origins"])
            ] == got

    notes = [x for x in ann_lines(records[0], schema) if "AnnotatorNotes" in x]
    assert [n.split("\t")[-1] for n in notes] == ["origin=propagated", "origin=propagated",
                                                  "origin=pattern", "origin=propagated"]

    from newsmark.formats.spacy_docbin import doc

    d = doc(records[0], schema)
    assert [(s.text, o) for s, o in zip(d.spans["sc"], d.user_data["span_origins"])] == got
