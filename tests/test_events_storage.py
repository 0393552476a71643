"""Events in storage: the migration onto a foundation-era database, actions, undo/redo, validation."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from newsmark.config import default_schema, load_schema
from newsmark.events import validate
from newsmark.model import Argument, Article, Event, SchemaError
from newsmark.query import parse_query
from newsmark.text import text_hash, tokenize
from storage.repo import Store
from storage.schema import migration_set

migrations = migration_set()

TEXT = ("Vertreter:innen Russlands und der Ukraine sind am Montag (2. Juni) in Istanbul zu zweiten "
        "direkten Gesprächen zusammengetroffen.")


def find(needle: str) -> tuple[int, int]:
    i = TEXT.index(needle)
    return i, i + len(needle)


def test_migration_onto_a_foundation_database(tmp_path):
    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path, isolation_level=None))
    migrations.apply(db, stop_before="m002_feeds_and_versions")  # what the foundation issue shipped
    assert "events" not in db.table_names()
    toks = "[" + ",".join(f"[{t.start},{t.end},{int(t.ws)}]" for t in tokenize(TEXT, "de")) + "]"
    db["articles"].insert({"id": 1, "text": TEXT, "text_hash": text_hash(TEXT), "tokens": toks,
                           "language": "de", "ingested": "2025-06-02T00:00:00", "raw": b"x"})
    s, e = find("Istanbul")
    db["spans"].insert({"id": 7, "article_id": 1, "annotator": "a", "start": s, "end": e,
                        "label": "LOC", "text_hash": text_hash(TEXT), "origin": "manual"})
    db.conn.close()

    from storage.migrate import migrate

    migrate(path, tmp_path / "backup.db")  # the later migrations (m007 only through migrate)
    store = Store(path)
    assert {"events", "event_arguments", "event_attributes", "feeds"} <= set(store.db.table_names())
    (span,) = store.spans(1, "a")
    assert (span.id, span.label) == (7, "LOC")
    assert store.library_count("a") == 1  # sort_date and FTS filled for old rows
    assert [r.id for r in store.library("a", parse_query("Istanbul"))] == [1]
    ev = store.add_event(1, "a", "MEET", *find("Gesprächen"), [("Place", 7)], {"modality": "planned"})
    assert ev.arguments[0].role == "Place" and ev.attributes == {"modality": "planned"}


@pytest.fixture
def art(store):
    a, _ = store.add_article(
        Article(text=TEXT, text_hash=text_hash(TEXT), tokens=tokenize(TEXT, "de"))
    )
    return a


def test_event_actions_and_undo(store, art):
    ru = store.add_span(art.id, "a", *find("Russlands"), "LOC")
    ua = store.add_span(art.id, "a", *find("Ukraine"), "LOC")
    ist = store.add_span(art.id, "a", *find("Istanbul"), "LOC")
    ev = store.add_event(art.id, "a", "MEET", *find("Gesprächen"), [("Participant", ru.id)])
    store.add_argument(ev.id, "a", "Participant", ua.id)
    store.add_argument(ev.id, "a", "Place", ist.id)
    store.set_attribute(ev.id, "a", "modality", "planned")
    got = store.event(ev.id)
    assert [(x.role, x.span_id) for x in got.arguments] == [("Participant", ru.id), ("Participant", ua.id), ("Place", ist.id)]
    assert got.attributes == {"modality": "planned"}

    store.undo("a", art.id)  # modality
    assert store.event(ev.id).attributes == {}
    store.undo("a", art.id)  # Place
    assert len(store.event(ev.id).arguments) == 2
    store.redo("a", art.id)
    store.redo("a", art.id)
    assert store.event(ev.id).attributes == {"modality": "planned"}

    store.set_event_type(ev.id, "a", "EXCHANGE")
    assert store.event(ev.id).type == "EXCHANGE"
    store.undo("a", art.id)
    assert store.event(ev.id).type == "MEET"


def test_deleting_a_span_removes_its_arguments_and_undo_restores_both(store, art):
    ist = store.add_span(art.id, "a", *find("Istanbul"), "LOC")
    ev = store.add_event(art.id, "a", "MEET", *find("Gesprächen"), [("Place", ist.id)])
    assert store.arguments_using(ist.id) == [(ev.id, "Place")]
    store.delete_span(ist.id, "a")
    assert store.spans(art.id, "a") == [] and store.event(ev.id).arguments == []
    store.undo("a", art.id)
    assert [x.span_id for x in store.event(ev.id).arguments] == [ist.id]


def test_delete_event_is_one_action(store, art):
    ist = store.add_span(art.id, "a", *find("Istanbul"), "LOC")
    ev = store.add_event(art.id, "a", "MEET", *find("Gesprächen"), [("Place", ist.id)], {"modality": "negated"})
    store.delete_event(ev.id, "a")
    assert store.events(art.id, "a") == []
    store.undo("a", art.id)
    back = store.event(ev.id)
    assert back.attributes == {"modality": "negated"} and back.arguments[0].span_id == ist.id
    store.undo("a", art.id)  # the add_event itself
    assert store.events(art.id, "a") == []
    assert [s.label for s in store.spans(art.id, "a")] == ["LOC"]


def test_validation_flags_without_blocking(store, art):
    schema = default_schema()
    per = store.add_span(art.id, "a", *find("Istanbul"), "PER")
    ev = store.add_event(art.id, "a", "MEET", *find("Gesprächen"), [("Place", per.id), ("Time", per.id), ("Time", per.id)])
    spans = {s.id: s for s in store.spans(art.id, "a")}
    warnings = validate(store.event(ev.id), schema, spans, TEXT)
    assert "Participant: missing (needs at least one)" in warnings
    assert "Place: PER 'Istanbul' is not LOC or MENTION" in warnings
    assert "Time: 2 fillers, at most one allowed" in warnings
    ok = Event(0, 5, "MEET", [Argument("Participant", per.id)])
    assert validate(ok, schema, spans) == []


def test_default_schema_has_the_news_event_types():
    schema = default_schema()
    names = [e.name for e in schema.events]
    for need in ("MEET", "EXCHANGE", "ATTACK", "CEASEFIRE", "AGREEMENT", "STATEMENT", "DEMAND"):
        assert need in names
    meet = schema.event_type("MEET")
    assert [(r.name, r.cardinality) for r in meet.roles] == [
        ("Participant", "+"), ("Place", "?"), ("Time", "?"), ("Topic", "?")]
    mod = schema.attribute("modality")
    assert mod.values == ("asserted", "planned", "possible", "negated") and mod.default == "asserted"


@pytest.mark.parametrize("body, message", [
    ('[[events]]\nname = "MEET"\nkey = "m"\n[[events.roles]]\nname = "Place"\nlabels = ["GPE"]\n', "unknown label 'GPE'"),
    ('[[events]]\nname = "MEET"\nkey = "m"\n[[events.roles]]\nname = "Place"\nkey = "l"\n[[events.roles]]\nname = "Place"\nkey = "k"\n', "role 'Place' is defined twice"),
    ('[[events]]\nname = "MEET"\nkey = "m"\n[[events.roles]]\nname = "Place"\ncardinality = "2"\n', "cardinality"),
    ('[[attributes]]\nname = "modality"\nvalues = ["a", "b"]\ndefault = "c"\n', "default: 'c' is not one of"),
    ('[[events]]\nname = "MEET"\nkey = "m"\n[[events.roles]]\nname = "Mediator"\n', "'m' is kept for the modality"),
    ('[[events]]\nname = "MEET"\nkey = "m"\n[[events.roles]]\nname = "Umpire"\nkey = "u"\n', "'u' is kept for undo"),
])
def test_bad_event_schemas(tmp_path, body, message):
    path = tmp_path / "s.toml"
    path.write_text('[[labels]]\nname = "LOC"\nkey = "1"\n' + body, "utf-8")
    with pytest.raises(SchemaError) as err:
        load_schema(path)
    assert message in str(err.value) and str(path) in str(err.value)
