"""Plain text with its structure beside it (issue 12, item 6): ``newsmark.blocks``, what ingest
stores, and the finer tokens of item 7 keeping every old boundary."""

from __future__ import annotations

import re

import pytest
from conftest import SEEDS

from newsmark.blocks import Block, OffsetMap, convert, has_markers, split_blocks
from newsmark.ingest import article_from_file, build_article
from newsmark.text import tokenize

MARKDOWN = (
    "## Gespräche in Istanbul\n\n"
    "Vertreter trafen sich am Montag.\n\n"
    "- Erstens kam Selenskyj\n"
    "  - darunter eingerückt\n"
    "* Zweitens Fidan\n\n"
    "> Beide Seiten vereinbarten\n"
    "> einen Austausch.\n\n"
    ">> Tiefer zitiert\n\n"
    "Land | Hauptstadt\n"
    "Ukraine | Kyjiw\n\n"
    "1. Mai: Feiertag, die Zahl bleibt.\n\n"
    "#hashtag und -5 Grad > 3 bleiben."
)
# what a line may not start with in stored text: the markers the cleaners write
MARKER_LINE = re.compile(r"^(?:#{1,6}(?: |$)|[ \t]*[-*+\u2022] |>)", re.M)


def test_markers_leave_the_text_and_become_blocks():
    text, blocks = split_blocks(MARKDOWN)
    assert not MARKER_LINE.search(text)
    shown = [(b.kind, b.level, text[b.start : b.end]) for b in blocks]
    assert shown == [
        ("heading", 2, "Gespräche in Istanbul"),
        ("item", 1, "Erstens kam Selenskyj"),
        ("item", 2, "darunter eingerückt"),
        ("item", 1, "Zweitens Fidan"),
        ("quote", 1, "Beide Seiten vereinbarten\neinen Austausch."),
        ("quote", 2, "Tiefer zitiert"),
        ("table", 0, "Land | Hauptstadt\nUkraine | Kyjiw"),
    ]
    assert "1. Mai: Feiertag" in text  # numbers are words
    assert text.endswith("#hashtag und -5 Grad > 3 bleiben.")  # not markers: no space after
    assert not has_markers(text) and has_markers(MARKDOWN)
    assert split_blocks(text)[0] == text  # plain text stays as it is


def test_offsets_move_with_the_text():
    c = convert(MARKDOWN)
    shift = OffsetMap(c.removed)
    for word in ("Gespräche", "Montag", "Selenskyj", "eingerückt", "Fidan", "Austausch",
                 "Tiefer", "Kyjiw", "bleiben"):
        old = MARKDOWN.index(word)
        s, e = shift.span(old, old + len(word))
        assert c.text[s:e] == word
    heading = MARKDOWN.index("## ")
    assert shift.span(heading, heading + 2) == (0, 0)  # a marker alone: nothing left
    assert c.text[slice(*shift.span(heading, heading + 12))] == "Gespräche"  # trimmed
    assert shift(len(MARKDOWN)) == len(c.text)
    assert OffsetMap([]).identity and OffsetMap([])(7) == 7


def test_an_empty_heading_leaves_no_block():
    assert split_blocks("##\n\nText") == ("\n\nText", [])


@pytest.fixture(scope="module")
def fixtures_articles():
    """Every seed, dump and HTML fixture through the real pipeline (what ingest stores)."""
    root = SEEDS.parent / "tests" / "fixtures"
    paths = sorted(SEEDS.glob("*.txt")) + sorted((root / "dumps").glob("*.txt")) + sorted(
        (root / "html").glob("*.htm*"))
    out = []
    for path in paths:
        try:
            out.append((path.name, article_from_file(path)))
        except Exception:  # (a fixture that is meant to fail to ingest)
            continue
    assert len(out) >= 5
    return out


def test_no_stored_text_of_the_fixtures_starts_a_line_with_a_marker(fixtures_articles):
    found = 0
    for name, article in fixtures_articles:
        assert not MARKER_LINE.search(article.text), (name, MARKER_LINE.search(article.text))
        assert article.blocks is not None
        for b in article.blocks:
            assert 0 <= b.start < b.end <= len(article.text), name
        found += len(article.blocks)
    assert found  # the fixtures have headings, lists or quotes, and they are kept as blocks


def test_ingest_stores_plain_text_with_blocks():
    raw = "# Titel\n\nErster Absatz.\n\n## Zwischentitel\n\n- eins\n- zwei\n\n> Zitat".encode()
    article = build_article(raw, "markdown")
    assert article.title == "Titel"
    assert article.text == "Erster Absatz.\n\nZwischentitel\n\neins\nzwei\n\nZitat"
    assert article.blocks == [Block("heading", 2, 16, 29), Block("item", 1, 31, 35),
                              Block("item", 1, 36, 40), Block("quote", 1, 42, 47)]
    assert all(not article.text[t.start : t.end] in "#->" for t in article.tokens)


# --- item 7: finer tokens ------------------------------------------------------------------------


def test_a_hyphen_between_letters_is_a_token_of_its_own():
    text = "Die NDR-Recherchen zeigen: Siemens-Chef und Rheinmetall-Tochtergesellschaften."
    words = [text[t.start : t.end] for t in tokenize(text)]
    assert words[:4] == ["Die", "NDR", "-", "Recherchen"]
    assert ["Siemens", "-", "Chef"] == words[words.index("Siemens") : words.index("Chef") + 1]
    assert "Rheinmetall" in words and "Tochtergesellschaften" in words


def test_finer_tokens_keep_every_old_boundary(fixtures_articles):
    """Spans made on the old tokens stay on token boundaries: every start and end of the tokens
    without the hyphen rule is a start and end with it."""
    import spacy

    for name, article in fixtures_articles:
        old = spacy.blank(article.language).tokenizer(article.text)
        new = article.tokens
        starts, ends = {t.start for t in new}, {t.end for t in new}
        assert {t.idx for t in old} <= starts, name
        assert {t.idx + len(t.text) for t in old} <= ends, name
        assert len(new) >= len(old)
