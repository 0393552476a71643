"""SVG snapshots of the reader (pytest-textual-snapshot): nested and overlapping spans over
Markdown-style structure, on the dark and the light theme; and web text with Rich markup and
ANSI escapes, shown literally.

Everything is built by hand here (fixed text, fixed annotator, no clock), so the pictures depend
on the TUI only. Regenerate with
``pytest tests/test_tui_snapshots_reader.py --snapshot-update`` and look at the SVGs (their text
and colours) before committing.
"""

from __future__ import annotations

from pathlib import Path

from tui_helpers import ANNOTATOR, SIZE, make_app, make_article, open_article  # noqa: F401

from storage.repo import Store

NESTED_TEXT = (
    "## Gespräche in Istanbul\n\n"
    "Kyjiw / Istanbul – Vertreter der Ukraine und Russlands haben sich am Montag in Istanbul "
    "zu direkten Gesprächen getroffen.\n\n"
    "- Präsident Wolodymyr Selenskyj sagte, die Ukraine sei zu einem Waffenstillstand bereit.\n"
    "- Der türkische Außenminister Hakan Fidan eröffnete das Treffen im Dolmabahçe-Palast.\n\n"
    "> Beide Seiten vereinbarten einen Austausch von Gefangenen.\n\n"
    "Die Vereinten Nationen begrüßten die Gespräche."
)
NESTED_SPANS = [
    ("Präsident Wolodymyr Selenskyj", "MISC"),  # outer
    ("Wolodymyr Selenskyj", "PER"),  # nested inside it
    ("Hakan Fidan eröffnete", "MISC"),  # overlapping ...
    ("Fidan eröffnete das Treffen", "ORG"),  # ... with this one
    ("Vereinten Nationen", "ORG"),
    ("Ukraine", "LOC"),
    ("Montag", "DATE"),
    ("Dolmabahçe-Palast", "LOC"),
]

LITERAL_TEXT = (
    "Markup [bold]x[/] and [link=http://e.vil]y[/link] stay text.\n\n"
    "ANSI \x1b[31mred\x1b[0m and a bell \x07 and a tab\there.\n\n"
    "- A list item with [i]brackets[/i]\n"
    "> A quote with \x1b[1mbold\x1b[0m escapes"
)


def build_nested(path: Path) -> int:
    store = Store(path)
    try:
        article, _ = store.add_article(
            make_article(NESTED_TEXT, title="Gespräche in Istanbul", source="example-news",
                         published="2025-06-02T13:58:00")
        )
        for surface, label in NESTED_SPANS:
            start = NESTED_TEXT.index(surface)
            store.add_span(article.id, ANNOTATOR, start, start + len(surface), label)
        return article.id
    finally:
        store.close()


def build_literal(path: Path) -> int:
    store = Store(path)
    try:
        article, _ = store.add_article(
            make_article(LITERAL_TEXT, title="Title [bold]x[/] \x1b[31mred\x1b[0m",
                         source="[i]src[/i]", published="2025-06-01")
        )
        start = LITERAL_TEXT.index("[bold]x[/]")
        store.add_span(article.id, ANNOTATOR, start, start + len("[bold]x[/]"), "MISC")
        return article.id
    finally:
        store.close()


def test_reader_nested_and_overlapping_spans(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    article_id = build_nested(db)

    async def run_before(pilot) -> None:
        await open_article(pilot, article_id)
        await pilot.press("tab", "tab", "tab", "tab")  # the cursor on the nested span

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)


def test_reader_nested_and_overlapping_spans_light(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    article_id = build_nested(db)

    async def run_before(pilot) -> None:
        pilot.app.theme = "textual-light"
        await open_article(pilot, article_id)
        await pilot.press("tab", "tab", "tab", "tab")

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)


def test_reader_markup_and_ansi_shown_literally(snap_compare, tmp_path, make_app):
    db = tmp_path / "snap.db"
    article_id = build_literal(db)

    async def run_before(pilot) -> None:
        await open_article(pilot, article_id)
        await pilot.press("end")

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)


def test_reader_find_prompt_open(snap_compare, tmp_path, make_app):
    """The find prompt under the text, above the footer, holding what was typed."""
    db = tmp_path / "snap.db"
    article_id = build_nested(db)

    async def run_before(pilot) -> None:
        await open_article(pilot, article_id)
        await pilot.press("slash", "I", "s", "t")

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)


def build_blocks(path: Path) -> int:
    """The nested article as ingest stores it now: plain text, its structure as blocks."""
    from newsmark.blocks import split_blocks

    text, blocks = split_blocks(NESTED_TEXT)
    store = Store(path)
    try:
        article = make_article(text, title="Gespräche in Istanbul", source="example-news",
                               published="2025-06-02T13:58:00")
        article.blocks = blocks
        article, _ = store.add_article(article)
        for surface, label in NESTED_SPANS:
            start = text.index(surface)
            store.add_span(article.id, ANNOTATOR, start, start + len(surface), label)
        return article.id
    finally:
        store.close()


def test_reader_draws_blocks_from_their_ranges(snap_compare, tmp_path, make_app):
    """Plain text (no #, - or > in it) with the heading bold, a bullet before each list item and
    a bar before the quote, drawn beside the text; the cursor on the nested span in an item."""
    db = tmp_path / "snap.db"
    article_id = build_blocks(db)

    async def run_before(pilot) -> None:
        await open_article(pilot, article_id)
        await pilot.press("tab", "tab", "tab", "tab")

    assert snap_compare(make_app(db), terminal_size=SIZE, run_before=run_before)
