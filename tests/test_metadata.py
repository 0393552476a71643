"""Page metadata (newsmark/clean/metadata.py, bylines.py, dates.py): structured data first, a
publisher is not an author, the site as the source's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsmark.clean.bylines import is_organisation, people
from newsmark.clean.html import clean_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_byline_person_wins_over_publisher_metadata():
    # JSON-LD names the company as author, the author meta tag the domain; the byline a person
    c = clean_html(page("de_publisher_byline.html"))
    assert c.author == "Markus Balsam"
    assert c.published == "2024-05-14T06:45:00+02:00"
    assert c.title == "Bahn verschiebt Ausbau der Nordstrecke"
    assert c.extra["site"] == "www.morgenblatt-beispiel.de"  # the canonical address's host
    assert "Typisch." not in c.text


def test_author_needs_no_slow_lookup(monkeypatch):
    """Author and date come from the tags, JSON-LD and bylines: trafilatura's author search and
    htmldate are never called for the fixtures."""
    import htmldate
    import trafilatura.metadata

    def slow(*args, **kwargs):
        raise AssertionError("slow metadata path taken")

    monkeypatch.setattr(trafilatura.metadata, "extract_author", slow)
    monkeypatch.setattr(htmldate, "find_date", slow)
    for name, author in (("de_publisher_byline.html", "Markus Balsam"), ("de_news.html", "Anna Beispiel"),
                         ("en_news.html", "James Example")):
        assert clean_html(page(name)).author == author


@pytest.mark.parametrize(
    "name",
    ["Süddeutsche de GmbH; Munich; Germany", "Tagesschau De", "tagesschau.de", "Redaktion", "dpa",
     "AFP/Reuters", "Associated Press", "BBC News", "Morgenblatt Medien GmbH", "Le Monde avec AFP",
     "Rédaction"],
)
def test_organisations_are_not_people(name):
    publishers = {"www.tagesschau.de", "Le Monde"}  # the page's hosts and publisher names
    assert is_organisation(name, publishers)
    assert people(name, publishers) == []


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Von Markus Balser", ["Markus Balser"]),
        ("By TOM KRISHER, AP Auto Writer", ["Tom Krisher"]),
        ("By Meg Kinnard and Errin Haines, Associated Press", ["Meg Kinnard", "Errin Haines"]),
        ("Par Léa Dupont", ["Léa Dupont"]),
        ("Posted by Ned Deily", ["Ned Deily"]),
        ("Author: Julia Hitz (eg)", ["Julia Hitz"]),
        ("Grant Tinsley, PhD", ["Grant Tinsley"]),
        ("Jan van der Berg", ["Jan van der Berg"]),
        ("Photo by ev on Unsplash", []),
        ("6 de mayo de 2022 05:30", []),
        ("Admin", []),
    ],
)
def test_people_in_bylines(value, names):
    assert people(value) == names


HEAD = '<html><head>{}</head><body><article><p>{}</p></article></body></html>'
BODY = "Ein Absatz, der lang genug ist, um als Artikeltext zu gelten, mit mehreren Wörtern darin. " * 3


@pytest.mark.parametrize(
    ("head", "url", "site"),
    [
        (('<link rel="canonical" href="https://www.example.de/a/1"><meta property="og:url" '
          'content="https://m.example.de/a/1"><meta property="og:site_name" content="Beispiel">'), None,
         "www.example.de"),
        (('<meta property="og:url" content="https://m.example.de/a/1">'
          '<meta property="og:site_name" content="Beispiel">'), "https://other.example/x", "m.example.de"),
        ('<meta property="og:site_name" content="Beispiel">', "https://news.example.org/x", "news.example.org"),
        ('<meta property="og:site_name" content="Beispiel">', "/data/html-de/page.html", "Beispiel"),
        ("", "/data/html-de/page.html", None),
    ],
)
def test_site(head, url, site):
    c = clean_html(HEAD.format(head, BODY), url=url)
    assert c.extra.get("site") == site
