"""The reader draws an article's blocks from their ranges, beside a text without markers (issue
12, item 6); and a part of a compound ("NDR" in "NDR-Recherchen") can be tagged in the TUI and
imported from doccano, and exports aligned (item 7)."""

from __future__ import annotations

import json
from pathlib import Path

from newsmark.blocks import split_blocks
from storage.repo import Store
from tui_helpers import (  # noqa: F401  (fixtures)
    ANNOTATOR,
    SIZE,
    db_spans,
    find_and_label,
    make_app,
    make_article,
    open_article,
)

MARKDOWN = (
    "## Die Recherche\n\n"
    "Die NDR-Recherchen zeigen, dass Siemens-Chef Müller in Berlin war.\n\n"
    "- Präsident Wolodymyr Selenskyj sagte, die Ukraine sei zu einem Waffenstillstand bereit, "
    "und die Gespräche gingen in Istanbul weiter.\n"
    "- Fidan eröffnete\n\n"
    "> Beide Seiten vereinbarten einen Austausch."
)


def build(path: Path) -> tuple[int, str]:
    text, blocks = split_blocks(MARKDOWN)
    article = make_article(text, title="Recherche")
    article.blocks = blocks
    store = Store(path)
    try:
        return store.add_article(article)[0].id, text
    finally:
        store.close()


async def test_blocks_are_drawn_beside_the_text(tmp_path, make_app):
    db = tmp_path / "b.db"
    article_id, text = build(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_article(pilot, article_id)
        assert view.text == text and "- " not in text and "## " not in text and "> " not in text
        lines = view.rendered_lines()
        assert lines[0] == "Die Recherche"
        assert view.style_at(0).bold  # the heading
        item = next(y for y, line in enumerate(lines) if line.startswith("\u2022 Präsident"))
        assert lines[item + 1].startswith("  ") and not lines[item + 1].startswith("   ")
        assert any(line == "\u2022 Fidan eröffnete" for line in lines)
        assert any(line.startswith("\u2502 Beide Seiten") for line in lines)
        # columns and clicks skip the gutter: a click on "Fidan" puts the cursor on it
        fidan = text.index("Fidan")
        y = view.line_of(fidan)
        assert view.column_of(fidan) == 2
        region = view.scrollable_content_region
        await pilot.click(offset=(region.x + view.column_of(fidan) + 1,
                                  region.y + y - view.scroll_line))
        start, end = view.cursor_range
        assert text[start:end] == "Fidan"


async def test_ndr_inside_a_compound_can_be_tagged_and_exports_aligned(tmp_path, make_app, cli):
    db = tmp_path / "ndr.db"
    article_id, text = build(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_article(pilot, article_id)
        await find_and_label(pilot, "NDR", "2")
        await find_and_label(pilot, "Siemens", "2")
    assert db_spans(db, article_id) == [("NDR", "ORG"), ("Siemens", "ORG")]
    out = tmp_path / "out.jsonl"
    assert cli("export", "--status", "any", "-o", out, db=db).exit_code == 0  # (not done yet)
    rec = json.loads(out.read_text("utf-8"))
    tokens = rec["tokens"]
    for span in rec["spans"]:
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]
        assert tokens[span["token_start"]]["text"] in ("NDR", "Siemens")
    assert rec["meta"]["blocks"][0] == ["heading", 2, 0, 13]


def test_ndr_inside_a_compound_imports_from_doccano_and_exports_aligned(tmp_path, cli):
    db = tmp_path / "imp.db"
    text = "Die NDR-Recherchen zeigen, dass Siemens-Chef Müller in Berlin war."
    line = {"id": 1, "text": text, "label": [[4, 7, "ORG"], [32, 39, "ORG"], [55, 61, "LOC"]]}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(line, ensure_ascii=False) + "\n", "utf-8")
    result = cli("import", "--format", "doccano", "--annotator", "ann", src, db=db)
    assert result.exit_code == 0, result.output
    for fmt in ("prodigy", "doccano", "conll", "hf", "spacy"):
        out = tmp_path / f"out.{fmt}"
        result = cli("export", "--format", fmt, "-o", out, db=db)
        assert result.exit_code == 0, (fmt, result.output)
    rec = json.loads((tmp_path / "out.prodigy").read_text("utf-8"))
    words = [(rec["tokens"][s["token_start"]]["text"], rec["tokens"][s["token_end"]]["text"])
             for s in rec["spans"]]
    assert words == [("NDR", "NDR"), ("Siemens", "Siemens"), ("Berlin", "Berlin")]
    conll = (tmp_path / "out.conll").read_text("utf-8")
    assert "NDR -X- _ B-ORG\n- -X- _ O\nRecherchen -X- _ O" in conll
    assert "Siemens -X- _ B-ORG\n- -X- _ O\nChef -X- _ O" in conll
