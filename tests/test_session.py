"""The rules of annotating, driven directly (no Textual): storage.session.AnnotationSession on a
real SQLite file."""

from __future__ import annotations

import pytest

from newsmark.config import default_schema
from newsmark.model import Article
from newsmark.text import text_hash, tokenize
from storage.repo import Store
from storage.session import AnnotationSession, Cursor, SessionError

TEXT = ("Olaf Scholz sagt, er treffe Emmanuel Macron am Montag in Paris.\n\n"
        "Das Treffen in Paris dauerte zwei Stunden.")


def at(needle: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(needle, i + 1)
    return i, i + len(needle)


def token(needle: str, nth: int = 0) -> Cursor:
    return Cursor(token=at(needle, nth))


def selected(needle: str, nth: int = 0) -> Cursor:
    start, end = at(needle, nth)
    first = at(needle.split()[0], nth)
    return Cursor(token=first, selection=(start, end))


@pytest.fixture
def session(store: Store) -> AnnotationSession:
    article, _ = store.add_article(Article(text=TEXT, text_hash=text_hash(TEXT),
                                           tokens=tokenize(TEXT, "de"), title="t"))
    return AnnotationSession(store, article.id, "alice", default_schema())


def labels(session: AnnotationSession) -> list[tuple[str, str]]:
    return [(TEXT[s.start:s.end], s.label) for s in session.state().spans]


def test_label_token_selection_and_relabel(session):
    out = session.label("PER", selected("Olaf Scholz"))
    assert out.changed and out.label == "PER"
    assert labels(session) == [("Olaf Scholz", "PER")]
    # no selection, cursor on the span: relabel it (one action), not a second span
    session.label("ORG", token("Scholz"))
    assert labels(session) == [("Olaf Scholz", "ORG")]
    # a selection over exactly that span with another label relabels instead of doubling
    session.label("PER", selected("Olaf Scholz"))
    assert labels(session) == [("Olaf Scholz", "PER")]
    # no span under the cursor: the token
    session.label("LOC", token("Paris"))
    assert ("Paris", "LOC") in labels(session)
    assert session.state().status == "in_progress"  # the header's status, with the action


def test_label_needs_a_target_and_a_known_label(session):
    assert not session.label("PER", Cursor()).changed
    out = session.label("NOPE", token("Paris"))
    assert not out.changed and "NOPE" in out.message


def test_chosen_span_wins_over_the_innermost(session):
    session.label("PER", selected("Emmanuel Macron"))
    session.label("MISC", token("Macron"))  # relabels the outer span: it is the only one
    session.label("LOC", selected("Macron"))  # a nested span over one token
    spans = session.state().spans
    outer = next(s for s in spans if TEXT[s.start:s.end] == "Emmanuel Macron")
    # the cursor on Macron: the innermost span is the default target...
    assert session.span_under(token("Macron")).label == "LOC"
    # ...unless the panel chose the outer one
    assert session.span_under(Cursor(token=at("Macron"), chosen=outer.id)).id == outer.id
    session.label("ORG", Cursor(token=at("Macron"), chosen=outer.id))
    assert ("Emmanuel Macron", "ORG") in labels(session) and ("Macron", "LOC") in labels(session)


def test_delete_asks_first_when_events_use_the_span(session):
    session.label("PER", selected("Olaf Scholz"))
    session.new_event("STATEMENT", at("sagt"))
    session.assign_role("Speaker", token("Scholz"))
    asked = session.delete_span(token("Olaf"))
    assert not asked.changed and [role for _, role in asked.confirm] == ["Speaker"]
    assert labels(session) == [("Olaf Scholz", "PER")]  # nothing deleted yet
    done = session.delete_span(token("Olaf"), span_id=asked.span.id, confirmed=True)
    assert done.changed and labels(session) == []
    assert session.state().events[0].arguments == []
    session.undo()  # one action: the span and its argument come back together
    state = session.state()
    assert labels(session) == [("Olaf Scholz", "PER")]
    assert [a.role for a in state.events[0].arguments] == ["Speaker"]


def test_delete_without_a_span(session):
    out = session.delete_span(token("Paris"))
    assert not out.changed and out.message == "No span under the cursor"


def test_argument_mode_roles_and_the_trigger_refusal(session):
    out = session.new_event("STATEMENT", at("sagt"))
    assert out.state.building is not None and out.state.building.new
    # the cursor still on the trigger: refused, nothing created
    refused = session.assign_role("Speaker", token("sagt"))
    assert not refused.changed and "trigger" in refused.message
    assert labels(session) == []
    # a selection equal to the trigger is refused too
    assert not session.assign_role("Speaker", selected("sagt")).changed
    # a token without a span: a span with the first mention label the role accepts (a filler is
    # a mention, not a named entity, unless labelled first), then the argument
    made = session.assign_role("Speaker", selected("Olaf Scholz"))
    assert made.changed and made.message == "MENTION span created for Speaker"
    event = made.state.building_event
    assert [(a.role, TEXT[made.state.spans_by_id[a.span_id].start:
                          made.state.spans_by_id[a.span_id].end]) for a in event.arguments] == [
        ("Speaker", "Olaf Scholz")]
    again = session.assign_role("Speaker", token("Scholz"))
    assert "Already the Speaker" in again.message
    finished = session.finish_event()
    assert finished.state.building is None and "STATEMENT saved with 1 argument" in finished.message
    with pytest.raises(SessionError):
        session.assign_role("Speaker", token("Paris"))


def test_cancel_deletes_a_new_event_and_undo_brings_it_back(session):
    session.new_event("MEET", at("Treffen"))
    session.assign_role("Place", token("Paris", 1))
    out = session.cancel_event()
    assert out.state.events == () and "cancelled" in out.message
    assert ("Paris", "MENTION") in labels(session)  # spans labelled meanwhile stay
    session.undo()
    (event,) = session.state().events
    assert [a.role for a in event.arguments] == ["Place"]


def test_editing_an_existing_event_does_not_delete_it_on_cancel(session):
    session.new_event("MEET", at("Treffen"))
    event_id = session.finish_event().state.events[0].id
    session.edit_arguments(event_id)
    assert session.cancel_event().state.events[0].id == event_id


def test_modality_type_and_panel_deletes(session):
    session.new_event("MEET", at("Treffen"))
    session.assign_role("Place", token("Paris", 1))
    event = session.finish_event().state.events[0]
    assert session.cycle_modality(event.id).message == "MEET: modality planned"
    session.set_event_type(event.id, "STATEMENT")
    assert session.state().events[0].type == "STATEMENT"
    argument = session.state().events[0].arguments[0]
    session.remove_argument(argument.id)
    assert session.state().events[0].arguments == []
    session.delete_event(event.id)
    assert session.state().events == ()
    assert not session.cycle_modality(None).changed


def test_undo_redo_status_and_flag(session):
    assert session.undo().message == "Nothing to undo"
    session.label("PER", selected("Olaf Scholz"))
    assert session.state().status == "in_progress"
    undone = session.undo()
    assert undone.action.kind == "add_span" and undone.state.spans == ()
    assert session.redo().state.spans != ()
    session.flag("unclear")
    assert session.state().flag == "unclear"
    assert session.undo().state.flag is None
    out = session.finish("done")
    assert out.state.status == "done" and out.next_article is None  # the only article


def test_undoing_the_event_being_built_ends_argument_mode(session):
    session.new_event("MEET", at("Treffen"))
    assert session.undo().state.building is None


def test_no_part_of_a_multi_token_trigger_fills_a_role(session):
    session.new_event("MEET", at("Montag in Paris"))
    for cursor in (token("Montag"), token("Paris"), selected("in Paris"),
                   selected("Macron am Montag")):
        out = session.assign_role("Place", cursor)
        assert not out.changed and "overlaps" in out.message
    assert labels(session) == [] and session.state().events[0].arguments == []
    assert session.assign_role("Place", token("Paris", 1)).changed  # the other Paris is fine
