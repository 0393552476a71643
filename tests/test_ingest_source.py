"""The source of an ingested article is its site (issue 12): the canonical host or og:site_name
for an HTML file, the folder for a plain-text dump, or what ``ingest --source`` says. ``extract``
cleans without tokenizing."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SEED_004

import newsmark.ingest as ingest_module
from newsmark.ingest import article_from_file, clean_input
from storage.repo import Store

HTML = Path(__file__).parent / "fixtures" / "html"


def _folder(tmp_path: Path, name: str, *files: Path) -> Path:
    d = tmp_path / name
    d.mkdir()
    for f in files:
        shutil.copy(f, d / f.name)
    return d


def test_html_file_source_is_the_site(tmp_path):
    d = _folder(tmp_path, "html-de", HTML / "de_publisher_byline.html", HTML / "de_news.html")
    canonical = article_from_file(d / "de_publisher_byline.html")
    assert canonical.source == "www.morgenblatt-beispiel.de"  # <link rel="canonical">
    assert canonical.author == "Markus Balsam"
    assert article_from_file(d / "de_news.html").source == "Stadtanzeiger"  # og:site_name only


def test_dump_source_is_the_folder_unless_given(tmp_path):
    d = _folder(tmp_path, "dumps-de", SEED_004)
    assert article_from_file(d / SEED_004.name).source == "dumps-de"
    assert article_from_file(d / SEED_004.name, source="Beispielzeitung").source == "Beispielzeitung"


def test_ingest_source_option(cli, db_path, tmp_path):
    d = _folder(tmp_path, "html-de", HTML / "de_publisher_byline.html", SEED_004)
    result = cli("ingest", "--source", "Morgenblatt", d)
    assert result.exit_code == 0, result.output
    assert sorted(r.source for r in Store(db_path).list_articles("me")) == ["Morgenblatt", "Morgenblatt"]


def test_ingest_without_source_option(cli, db_path, tmp_path):
    d = _folder(tmp_path, "html-de", HTML / "de_publisher_byline.html", SEED_004)
    assert cli("ingest", d).exit_code == 0
    sources = sorted(r.source for r in Store(db_path).list_articles("me"))
    assert sources == ["html-de", "www.morgenblatt-beispiel.de"]


def test_clean_input_does_not_tokenize(monkeypatch):
    def no_tokenizing(*args, **kwargs):
        raise AssertionError("extract must not tokenize")

    monkeypatch.setattr(ingest_module, "tokenize", no_tokenizing)
    body, _blocks, cleaned = clean_input((HTML / "de_news.html").read_bytes(), "html",
                                         url="de_news.html")
    assert body.startswith("Der Stadtrat hat am Dienstagabend")
    assert cleaned.author == "Anna Beispiel"


def test_extract_without_metadata_prints_the_text_ingest_stores():
    """``newsmark extract`` skips the author, date and site lookups; the text is the same."""
    pages = sorted(HTML.glob("*.html"))
    assert len(pages) >= 5
    for page in pages:
        raw = page.read_bytes()
        full = clean_input(raw, "html", url=page.name)
        bare = clean_input(raw, "html", url=page.name, metadata=False)
        assert bare.text == full.text and bare.blocks == full.blocks, page.name
        assert bare.cleaned.author is None and bare.cleaned.published is None
