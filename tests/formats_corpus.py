"""Annotated databases for the export-format tests (spacy, doccano, hf, conll).

- ``annotated_corpus``: the two seeds, alice's spans and events on both, bob's spans on one, carol
  done without spans.
- ``nested_corpus``: hand-written texts with nested, crossing, identical and whitespace spans,
  and ``NESTED_SURVIVORS``, the spans the overlap rule keeps, worked out by hand.
- ``training_corpus``: the seeds and hand-written news sentences, split by annotator into
  ``train`` and ``dev``.

Every record in them is marked done (``finish``), as training data is: ``export`` exports only
finished work unless ``--status any``.
"""

from __future__ import annotations

from pathlib import Path

from conftest import SEED_000, SEED_004

from newsmark.ingest import article_from_file
from newsmark.model import Article
from newsmark.text import text_hash, tokenize
from storage.repo import Store


def plain(text: str, title: str) -> Article:
    """A hand-written article, stored as it is (too short for the boilerplate cleaner)."""
    return Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, "de"), title=title,
                   source="hand-written", language="de")


def find(text: str, needle: str, after: str | None = None) -> tuple[int, int]:
    """Offsets of ``needle``, the first occurrence after ``after`` when given."""
    i = text.index(needle, text.index(after) if after else 0)
    return i, i + len(needle)


def add(store: Store, article, annotator: str, spans: list[tuple]) -> dict[str, int]:
    """Spans as (needle, label) or (needle, label, after); returns needle -> span id."""
    ids = {}
    for needle, label, *after in spans:
        span = store.add_span(article.id, annotator, *find(article.text, needle, *after), label)
        ids[needle] = span.id
    return ids


def finish(store: Store) -> Store:
    """Mark every annotator's work done (spans or events on an article, not yet done)."""
    for r in list(store.records()):
        if r.status != "done":
            store.set_status([r.article.id], r.annotator, "done")
    return store


def annotated_corpus(path: Path) -> Store:
    store = Store(path)
    a0, _ = store.add_article(article_from_file(SEED_000))
    a4, _ = store.add_article(article_from_file(SEED_004))
    ids = add(store, a0, "alice", [
        ("Wolodymyr Selenskyj", "PER"), ("Istanbul", "LOC"), ("Tass", "ORG"),
        ("Ukraine", "LOC", "Parallel zu"), ("Präsident Selenskyj", "PER"),
        ("internationale Gemeinschaft", "ORG"),
    ])
    store.add_event(a0.id, "alice", "DEMAND", *find(a0.text, "aufgerufen"),
                    arguments=[("Speaker", ids["Präsident Selenskyj"]),
                               ("Addressee", ids["internationale Gemeinschaft"])])
    ids = add(store, a4, "alice", [
        ("Russlands", "LOC", "Vertreter:innen"), ("Ukraine", "LOC", "Vertreter:innen"),
        ("2. Juni", "DATE"), ("Istanbul", "LOC", "(2. Juni)"), ("Rustem Umerow", "PER"),
        ("16. Mai", "DATE"), ("Wladimir Medinski", "PER"), ("Kiew", "LOC", "Regierung in"),
    ])
    store.add_event(a4.id, "alice", "MEET", *find(a4.text, "zusammengetroffen", "(2. Juni)"),
                    arguments=[("Participant", ids["Russlands"]), ("Participant", ids["Ukraine"]),
                               ("Place", ids["Istanbul"]), ("Time", ids["2. Juni"])],
                    attributes={"modality": "asserted"})
    add(store, a4, "bob", [("Istanbul", "LOC"), ("Kreml-Berater", "MISC")])
    store.set_status([a4.id], "carol", "done")  # done without spans: exported too
    return finish(store)


NESTED_1 = ("Die Universität Hamburg und die Stadt Hamburg haben am 3. Mai 2025 in Berlin ein "
            "Abkommen unterzeichnet.\n\nBundeskanzler Friedrich Merz sprach von einem Durchbruch.")
NESTED_2 = "Gipfel in Rom\n\nNächste Woche"

# spans per article: (needle, label[, after])
NESTED_SPANS = {
    NESTED_1: [
        ("Universität Hamburg", "ORG"), ("Hamburg", "LOC"),  # nested: the outer ORG wins
        ("Stadt Hamburg", "ORG"), ("Hamburg", "LOC", "Stadt"),  # nested again
        ("3. Mai 2025", "DATE"), ("Mai 2025", "DATE"),  # nested, same label
        ("Berlin ein Abkommen", "MISC"), ("in Berlin", "LOC"),  # crossing: the longer wins
        ("Bundeskanzler Friedrich", "MISC"), ("Friedrich Merz", "PER"),  # crossing, equal: earliest
        ("Durchbruch", "ORG"), ("Durchbruch", "MISC"),  # identical: alphabetical label wins
        ("\n\n", "MISC"),  # whitespace only: never a tag
    ],
    NESTED_2: [("Rom\n\n", "LOC")],  # trailing whitespace token: trimmed to "Rom"
}
NESTED_SURVIVORS = {
    NESTED_1: [("Universität Hamburg", "ORG"), ("Stadt Hamburg", "ORG"), ("3. Mai 2025", "DATE"),
               ("Berlin ein Abkommen", "MISC"), ("Bundeskanzler Friedrich", "MISC"),
               ("Durchbruch", "MISC")],
    NESTED_2: [("Rom", "LOC")],
}


def survivors(text: str) -> list[tuple[int, int, str]]:
    return sorted((*find(text, needle), label) for needle, label in NESTED_SURVIVORS[text])


def nested_corpus(path: Path) -> Store:
    store = Store(path)
    for i, (text, spans) in enumerate(NESTED_SPANS.items()):
        article, _ = store.add_article(plain(text, f"nested {i + 1}"))
        add(store, article, "nina", spans)
    return finish(store)


TRAIN_TEXTS = [
    "Angela Merkel traf am Montag in Paris den französischen Präsidenten Emmanuel Macron.",
    "Der Konzern Siemens kündigte in München neue Stellen an.",
    "Die Vereinten Nationen warnten am 12. März vor einer Hungersnot im Sudan.",
    "Olaf Scholz reiste nach Warschau, um mit Donald Tusk zu sprechen.",
    "In Hamburg demonstrierten Tausende gegen die Pläne der Deutschen Bahn.",
    "Die Europäische Union verhängte am Freitag neue Sanktionen gegen Russland.",
]
TRAIN_SPANS = [
    [("Angela Merkel", "PER"), ("Montag", "DATE"), ("Paris", "LOC"), ("Emmanuel Macron", "PER")],
    [("Siemens", "ORG"), ("München", "LOC")],
    [("Vereinten Nationen", "ORG"), ("12. März", "DATE"), ("Sudan", "LOC")],
    [("Olaf Scholz", "PER"), ("Warschau", "LOC"), ("Donald Tusk", "PER")],
    [("Hamburg", "LOC"), ("Deutschen Bahn", "ORG")],
    [("Europäische Union", "ORG"), ("Freitag", "DATE"), ("Russland", "LOC")],
]


def training_corpus(path: Path) -> Store:
    """``train``: the seeds and four sentences; ``dev``: the last two sentences and a seed."""
    store = annotated_corpus(path)
    for a in (1, 2):
        for span in store.spans(a, "alice"):
            store.add_span(a, "train", span.start, span.end, span.label)
    add(store, store.article(2), "dev", [("Rustem Umerow", "PER"), ("Istanbul", "LOC")])
    for i, (text, spans) in enumerate(zip(TRAIN_TEXTS, TRAIN_SPANS)):
        article, _ = store.add_article(plain(text, f"sentence {i + 1}"))
        add(store, article, "train" if i < 4 else "dev", spans)
    return finish(store)


def decode_iob2(tags: list[str]) -> list[tuple[int, int, str]]:
    """IOB2 tags to token spans ``(start, end exclusive, label)``; an ``I-`` must continue its
    ``B-``/``I-`` of the same label (strict IOB2)."""
    out: list[tuple[int, int, str]] = []
    current: list | None = None
    for i, tag in enumerate([*tags, "O"]):
        if tag.startswith("I-"):
            assert current is not None and current[2] == tag[2:], f"stray {tag} at {i}: {tags}"
            current[1] = i + 1
            continue
        if current is not None:
            out.append(tuple(current))
            current = None
        if tag.startswith("B-"):
            current = [i, i + 1, tag[2:]]
        else:
            assert tag == "O", tag
    return out


def db_spans(spans) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.label) for s in spans)
