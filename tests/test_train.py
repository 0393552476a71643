"""``newsmark train`` and ``newsmark score`` (issue 15, items 3, 5, 6): a real spaCy pipeline is
trained once for the module, in process, on a small fixture set of short German articles with
gold and finished annotations; the tests then load it, let it suggest, read the uncertainty it
stored and the library's ``uncertain`` sort, and check what the command refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tui_helpers import ANNOTATOR, SIZE, make_app, settle  # noqa: F401

from newsmark.config import default_schema
from newsmark.model import Article
from newsmark.suggest.model import (
    ModelError,
    ModelSuggester,
    TrainingDoc,
    _write_atomically,
    model_name,
    train,
)
from newsmark.text import text_hash, tokenize
from storage.repo import Store

PER = ["Olaf Scholz", "Angela Merkel", "Annalena Baerbock", "Friedrich Merz", "Robert Habeck",
       "Christian Lindner", "Ursula von der Leyen"]
ORG = ["Siemens", "Volkswagen", "Bundesbank", "Deutsche Bahn", "Lufthansa", "Bayer"]
LOC = ["Berlin", "München", "Hamburg", "Brüssel", "Frankfurt", "Köln", "Leipzig"]
TEMPLATES = [
    "{p} traf am Montag in {l} Vertreter von {o}. Danach sprach {p} über die Lage.",
    "In {l} kündigte {o} neue Stellen an. {p} begrüßte den Plan von {o}.",
    "Der Kanzler {p} besuchte {o} in {l}. Die Gespräche dauerten zwei Stunden.",
]
# the test's run: the fewest epochs after which the tiny pipeline finds the fixture's entities
# on a new article (2 epochs learn nothing yet: it suggests "er" as LOC); about 1 CPU-second
EPOCHS = 15


def text_of(i: int) -> tuple[str, list[tuple[str, str]]]:
    p, o, loc = PER[i % len(PER)], ORG[(i * 2 + 1) % len(ORG)], LOC[(i * 3 + 2) % len(LOC)]
    text = TEMPLATES[i % len(TEMPLATES)].format(p=p, o=o, l=loc) + f" Meldung {i}."
    return text, [(p, "PER"), (o, "ORG"), (loc, "LOC")]


def article(text: str) -> Article:
    return Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, "de"),
                   language="de")


def annotate(store: Store, aid: int, who: str, text: str, names) -> None:
    for name, label in names:
        start = -1
        while (start := text.find(name, start + 1)) >= 0:
            store.add_span(aid, who, start, start + len(name), label)
    if text.startswith("Der Kanzler"):  # a nested mention around the PER
        end = text.index(".")
        cut = text.index(" ", text.index(" ", 12) + 1)  # "Der Kanzler Vorname Name"
        store.add_span(aid, who, 0, min(end, cut if " " in text[12:cut] else cut), "MENTION")


def build(db: Path) -> dict:
    """24 articles: 0-9 gold done (3 of them finished by ann too: not used), 10-15 done by
    alice (12, 13 by bob too), 16 in progress by alice, 17-23 nobody's; one gold span off the
    tokens (as an import from another tool may leave one) and one span of a label the news
    schema lacks (WORK)."""
    store = Store(db)
    ids = []
    for i in range(24):
        text, names = text_of(i)
        stored, _ = store.add_article(article(text))
        aid = stored.id
        ids.append(aid)
        if i < 10:
            annotate(store, aid, "gold", text, names)
            store.set_status([aid], "gold", "done")
            if i < 3:
                annotate(store, aid, "ann", text, names[:1])
                store.set_status([aid], "ann", "done")
        elif i < 16:
            annotate(store, aid, "alice", text, names)
            store.set_status([aid], "alice", "done")
            if i in (12, 13):
                annotate(store, aid, "bob", text, names)
                store.set_status([aid], "bob", "done")
        elif i == 16:
            annotate(store, aid, "alice", text, names)
            store.set_status([aid], "alice", "in_progress")
    first = text_of(0)[0]
    store.add_span(ids[1], "gold", 0, len(text_of(1)[0].split(" ")[0]), "WORK")
    store.conn.execute(
        "insert into spans (article_id, annotator, start, \"end\", label, text_hash, origin) "
        "values (?, 'gold', 1, 4, 'PER', ?, 'manual')", [ids[0], text_hash(first)])
    store.conn.commit()
    store.close()
    return {"ids": ids, "unfinished": ids[16:]}


def run(*args: str):
    from tui.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The fixture database and one real ``newsmark train`` into ``models/news`` (once)."""
    import time

    root = tmp_path_factory.mktemp("train")
    db = root / "team.db"
    info = build(db)
    out = root / "models" / "news"
    cpu = time.process_time()
    result = run("train", "--db", db, "--out", out, "--epochs", EPOCHS, "--seed", 1)
    info.update(db=db, out=out, result=result, cpu=time.process_time() - cpu)
    return info


def test_train_reports_its_data_and_dev_scores(trained):
    result = trained["result"]
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # gold where it is finished (10 articles, ann's 3 layers unused), else alice's 6 and bob's 2
    assert lines[0] == "training on 10 gold articles and 8 finished annotations by 2 annotators " \
                       "(alice, bob)"
    assert f"trained {EPOCHS} epochs" in result.output
    assert "on 15 examples, 3 held out" in result.output  # every fifth of 18
    assert "1 span not on token boundaries: not learnt" in result.output
    assert "dev scores: entities P" in result.output
    assert result.output.count("labels not in the schema") == 1  # WORK, said once
    assert "not suggested: WORK" in result.output
    out = trained["out"]
    meta = json.loads((out / "newsmark.json").read_text())
    assert meta["gold_articles"] == 10 and meta["finished_annotations"] == 8
    assert meta["annotators"] == ["alice", "bob"] and meta["source"] == "gold+finished"
    assert meta["schema"]["name"] == "news" and "PER" in meta["schema"]["labels"]
    assert meta["unaligned_spans"] == 1 and meta["epochs"] == EPOCHS
    # written whole: nothing but the pipeline beside it
    assert [p.name for p in out.parent.iterdir()] == ["news"]
    print(f"\nnewsmark train: {trained['cpu']:.2f} CPU-s in process")


def test_the_trained_pipeline_suggests_with_scores_and_schema_labels_only(trained):
    out = trained["out"]
    schema = default_schema()
    model = ModelSuggester(out, schema)
    assert model.name == "model:news" == model_name(out)
    assert {"PER", "ORG", "LOC", "WORK"} <= model.labels
    assert model.unknown_labels == {"WORK"}
    text = "Robert Habeck traf am Montag in Köln Vertreter von Bayer. Danach sprach er lange."
    new = article(text)
    found = model.suggest(new)
    got = {(text[s.start:s.end], s.label) for s in found}
    assert {("Köln", "LOC"), ("Bayer", "ORG")} <= got, got
    for s in found:
        assert s.label in schema.names and s.source == "model:news"
        assert s.score is not None and 0.0 <= s.score <= 1.0
        assert any(t.start == s.start for t in new.tokens)
        assert any(t.end == s.end for t in new.tokens)
    mean = sum(s.score for s in found) / len(found)
    assert model.uncertainty(new) == pytest.approx(1 - mean)
    assert model.uncertainty(article("")) == 1.0  # nothing found: the least certain
    # without a schema every label of the model is suggested
    assert ModelSuggester(out).unknown_labels == set()


def test_batched_suggestions_equal_one_by_one(trained):
    """``suggest_many`` (``nlp.pipe``, what ``newsmark score`` uses) finds what ``suggest``
    finds, article by article."""
    model = ModelSuggester(trained["out"], default_schema())
    store = Store(trained["db"])
    try:
        articles = [store.article(i) for i in store.library_ids(ANNOTATOR)]
    finally:
        store.close()
    batched = list(model.suggest_many(iter(articles), batch_size=4))
    assert [a.id for a, _ in batched] == [a.id for a in articles]
    for article, found in batched:
        one = model.suggest(article)
        assert [(s.start, s.end, s.label) for s in found] == [(s.start, s.end, s.label)
                                                              for s in one]
        assert [s.score for s in found] == pytest.approx([s.score for s in one], abs=1e-5)


def test_uncertainty_is_stored_and_the_library_sorts_by_it(trained):
    store = Store(trained["db"])
    try:
        rows = store.conn.execute("select article_id, score from uncertainty where model = "
                                  "'model:news'").fetchall()
        scores = dict(rows)
        assert sorted(scores) == trained["unfinished"]  # no one finished them
        assert all(0.0 <= v <= 1.0 for v in scores.values())
        # a new article has no score: it comes last
        late, _ = store.add_article(article("Eine Meldung ohne Namen und ohne Ort."))
        want = sorted(scores, key=lambda a: (-scores[a], a))
        ids = store.library_ids("alice", sort="uncertain")
        assert ids[:len(want)] == want and ids[len(want)] == late.id
        assert len(ids) == 25
        page = [r.id for r in store.library("alice", sort="uncertain", offset=2, limit=3)]
        assert page == ids[2:5]
        tail = [r.id for r in store.library("alice", sort="uncertain", offset=5, limit=30)]
        assert tail == ids[5:]
        reverse = store.library_ids("alice", sort="uncertain", descending=True)
        assert reverse[:len(want)] == want[::-1]
        # N: the least certain still to do (alice's in progress one counts)
        assert store.next_todo("alice", sort="uncertain") == want[0]
        assert store.next_todo("alice", after=want[0], sort="uncertain") == want[1]
        store.uncertainty_model = "model:other"  # a model without scores: date order
        assert store.library_ids("alice", sort="uncertain") == store.library_ids("alice")
    finally:
        store.close()


def test_score_rescores_and_refuses_what_it_cannot_load(trained, tmp_path):
    db, out = trained["db"], trained["out"]
    result = run("score", "--db", db, "--model", out)
    assert result.exit_code == 0, result.output
    assert "uncertainty of model:news stored for" in result.output
    missing = tmp_path / "no-model"
    result = run("score", "--db", db, "--model", missing)
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith(f"Error: {missing}:")


def test_score_without_any_model_says_how_to_make_one(trained, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # no models/news there
    result = run("score", "--db", trained["db"])
    assert result.exit_code == 1
    assert result.output == (f"Error: no model to score with: {tmp_path}/data/newsmark/models/news "
                             "does not exist (newsmark train makes it; --model or [suggest] "
                             "model names another)\n")


def test_nothing_to_train_on_is_one_line(tmp_path):
    db = tmp_path / "empty.db"
    store = Store(db)
    aid = store.add_article(article("Olaf Scholz war in Berlin."))[0].id
    store.add_span(aid, "alice", 0, 11, "PER")  # not finished: not used
    store.close()
    out = tmp_path / "m"
    result = run("train", "--db", db, "--out", out)
    assert result.exit_code == 1
    assert result.output == f"Error: {db}: nothing to train on: no finished annotations (an " \
                            "article counts once it is marked done)\n"
    result = run("train", "--db", db, "--out", out, "--annotator", "bob")
    assert result.exit_code == 1 and "no finished annotations by bob" in result.output
    assert not out.exists()
    with pytest.raises(ModelError):
        train([], out, epochs=1, max_seconds=1)


def test_a_failed_run_leaves_no_half_directory(tmp_path):
    text, names = text_of(3)
    doc = TrainingDoc(article(text), tuple((text.index(n), text.index(n) + len(n), lab)
                                           for n, lab in names), "gold")
    out = tmp_path / "models" / "m"

    def stop(*_):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train([doc], out, epochs=1, max_seconds=10, progress=stop)
    assert not out.exists() and not out.parent.exists()  # (nothing made before the write)
    # an existing pipeline stays as it was when writing its successor fails half way
    out.mkdir(parents=True)
    (out / "meta.json").write_text('{"name": "old"}')

    def half(tmp: Path):
        (tmp / "meta.json").write_text('{"name": "new"}')
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        _write_atomically(out, half)
    assert [p.name for p in out.parent.iterdir()] == ["m"]
    assert json.loads((out / "meta.json").read_text()) == {"name": "old"}


async def test_the_library_offers_the_uncertain_sort_and_n_follows_it(trained, make_app):  # noqa: F811
    """o reaches "uncertain" once a model has scored articles: the least certain first, the
    unscored after them; N then opens the least certain article still to do, where the trained
    model's suggestions (``[suggest] model``) are drawn."""
    from newsmark.config import Config
    from tui.screens import LibraryScreen, ReaderScreen
    from tui.widgets import ArticleList

    store = Store(trained["db"])
    want = store.library_ids(ANNOTATOR, sort="uncertain")
    from newsmark.suggest import shown

    model = ModelSuggester(trained["out"], default_schema())
    expected = shown(model.suggest(store.article(want[0])), [], default_schema())
    store.close()
    app = make_app(trained["db"], settings=Config(model=str(trained["out"])))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen) and library.sorts[-1] == "uncertain"
        await pilot.press("o", "o", "o", "o")  # title, source, status, uncertain
        await settle(pilot)
        assert library.sort == "uncertain"
        assert "sort uncertain" in library.query_one("#library-header").content.plain
        assert [r.id for r in library.query_one(ArticleList).loaded_rows()] == want
        await pilot.press("N")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.article_id == want[0]
        for _ in range(200):  # the model's suggestions are computed in a thread
            if reader.view.suggestions:
                break
            await pilot.pause(0.02)
        drawn = {(s.start, s.end, s.label, s.source) for s in reader.view.suggestions}
        assert expected and drawn == {(s.start, s.end, s.label, s.source) for s in expected}
        assert all(source == "model:news" for *_, source in drawn)
        assert reader.view.spans == []  # suggestions, not spans
