"""clean_html: trafilatura's main content as Markdown-style blocks, page metadata, residue pass."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from newsmark.clean.html import Block, clean_html, is_residue_line, residue
from newsmark.text import normalize

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def assert_clean_paragraphs(paragraphs: list[str]) -> None:
    assert paragraphs
    for p in paragraphs:
        assert p == normalize(p).strip()
        assert unicodedata.is_normalized("NFC", p)
        assert "\r" not in p and "\n\n" not in p
        assert "**" not in p and "](" not in p and "\\" not in p and "<" not in p


# --- German news page -----------------------------------------------------------------------------


def test_german_page_keeps_the_article_body():
    c = clean_html(page("de_news.html"), url="https://example.de/verkehr/radwege")
    assert_clean_paragraphs(c.paragraphs)
    assert len(c.paragraphs) == 4
    assert c.paragraphs[0].startswith("Der Stadtrat hat am Dienstagabend")
    assert c.paragraphs[1].startswith("Oberbürgermeisterin Petra Muster")
    assert c.paragraphs[-1].endswith("im kommenden Frühjahr beginnen.")
    assert c.text == "\n\n".join(c.paragraphs)


def test_german_page_metadata():
    c = clean_html(page("de_news.html"))
    assert c.title == "Neue Radwege für die Innenstadt"
    assert c.author == "Anna Beispiel"
    assert c.published == "2024-03-12T09:30:00+01:00"
    assert c.language == "de"


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Anzeige",  # ad label
        "Lesen Sie auch",  # teaser
        "Straßenbahn teurer",  # teaser headline and related link list
        "Newsletter",
        "Postfach",
        "Teilen",  # share bar
        "WhatsApp",
        "Foto",  # photo credit
        "dpa",
        "Reuters",
        "Cookies",
        "Mehr zum Thema",
        "Das könnte Sie auch interessieren",
        "Startseite",  # navigation
        "Alle Rechte vorbehalten",  # footer
        "Impressum",
    ],
)
def test_german_page_boilerplate_is_gone(boilerplate):
    text = clean_html(page("de_news.html")).text
    assert boilerplate not in text


# --- English news page ----------------------------------------------------------------------------


def test_english_page_body_and_metadata():
    c = clean_html(page("en_news.html").encode("utf-8"))  # bytes work too
    assert_clean_paragraphs(c.paragraphs)
    assert len(c.paragraphs) == 4
    assert c.paragraphs[0].startswith("The harbour bridge reopened")
    assert c.paragraphs[-1].endswith("next meeting in December.")
    assert c.title == "Harbour bridge reopens after two-year repair"
    assert c.author == "James Example"
    assert c.published == "2023-11-05T14:20:00+00:00"
    assert c.language == "en"
    # the title lives in the metadata, not repeated as the first paragraph
    assert c.title not in c.text


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Advertisement",
        "Read more",
        "ferry timetable",
        "newsletter",
        "inbox",
        "Photo",
        "Getty",
        "Share this",
        "Reporting by",
        "Editing by",
        "Related",
        "Ferry fares",
        "All rights reserved",
        "Weather",
    ],
)
def test_english_page_boilerplate_is_gone(boilerplate):
    text = clean_html(page("en_news.html")).text
    assert boilerplate not in text


# --- structure ------------------------------------------------------------------------------------


def test_structure_headings_lists_quotes():
    c = clean_html(page("structure.html"))
    assert_clean_paragraphs(c.paragraphs)
    assert c.title == "A field guide to winter birds"
    assert c.paragraphs == [
        "Winter is the best season to watch birds in the garden: the trees are bare, food is scarce "
        "and many species come much closer to houses than at any other time of the year. This guide "
        "explains how to feed them and what to look for.",
        "## What to put out",
        "Different birds prefer different food, so a varied offer attracts the widest range of "
        "visitors. Keep feeders clean and refill them regularly during cold spells.",
        "- Sunflower hearts for finches and tits\n"
        "- Fat balls without plastic nets\n"
        "  - Hang them out of reach of cats\n"
        "- Fresh water, even when it freezes",
        "### Step by step",
        "- Choose a quiet spot near a hedge\n- Put the feeder at head height",
        "> The robin is the only bird that sings all through the winter, and it defends its "
        "territory fiercely against every intruder.",
        "With a little patience you will soon recognise the regular visitors and learn their habits. "
        "Keep a notebook by the window and write down every species you see.",
    ]


def test_no_link_image_or_emphasis_markup():
    text = clean_html(page("structure.html")).text
    assert "https://" not in text and "robin.jpg" not in text and "A robin" not in text
    assert not re.search(r"[*_`\[\]]", text)


def test_line_breaks_stay_inside_a_paragraph():
    html = (
        "<html><body><article><h1>Ein Gedicht</h1>"
        "<p>Über allen Gipfeln ist Ruh,<br>in allen Wipfeln spürest du kaum einen Hauch;<br>"
        "die Vögelein schweigen im Walde.</p>"
        "<p>Warte nur, balde ruhest du auch. So endet das Gedicht, das Goethe im Jahr 1780 an die "
        "Wand einer Jagdhütte schrieb.</p></article></body></html>"
    )
    c = clean_html(html)
    assert c.paragraphs[0] == (
        "Über allen Gipfeln ist Ruh,\nin allen Wipfeln spürest du kaum einen Hauch;\n"
        "die Vögelein schweigen im Walde."
    )


# --- normalisation and input forms ---------------------------------------------------------------


def test_paragraphs_are_nfc_and_lf():
    decomposed = "Gru\u0308ne Wa\u0308lder"  # combining diaeresis: NFD
    html = (
        "<html lang='de'><body><article><h1>Wälder</h1>\r\n"
        f"<p>{decomposed} bedecken ein Drittel der Fläche des Landes, und sie wachsen seit Jahren "
        "wieder, sagen die Förster.</p>\r\n"
        "<p>Die Bäume  leiden\tunter der Trockenheit der letzten Sommer, vor allem die Fichten in "
        "tieferen Lagen.</p></article></body></html>"
    )
    c = clean_html(html)
    assert_clean_paragraphs(c.paragraphs)
    assert c.paragraphs[0].startswith("Grüne Wälder bedecken")
    assert "Die Bäume leiden unter" in c.paragraphs[1]  # whitespace runs collapse


def test_declared_charset_bytes():
    html = (
        "<html lang='de'><head><meta charset='iso-8859-1'><title>Größe</title></head><body><article>"
        "<p>Die Straße ist schön und groß, und das hier ist ein längerer Satz für den Test der "
        "Zeichenkodierung.</p></article></body></html>"
    ).encode("latin-1")
    c = clean_html(html)
    assert c.paragraphs == [
        "Die Straße ist schön und groß, und das hier ist ein längerer Satz für den Test der "
        "Zeichenkodierung."
    ]


def test_fragment_and_empty_input():
    assert clean_html("").paragraphs == []
    assert clean_html(b"").paragraphs == []
    c = clean_html("<p>Nur ein Absatz ohne Dokument drumherum, aber mit genug Text.</p>")
    assert c.paragraphs == ["Nur ein Absatz ohne Dokument drumherum, aber mit genug Text."]


def test_unknown_metadata_is_none():
    html = (
        "<html><body><div><p>Ein Text ohne jede Metadaten, der trotzdem lang genug ist, um als "
        "Artikel zu gelten, und noch ein paar Wörter mehr.</p></div></body></html>"
    )
    c = clean_html(html)
    assert c.paragraphs
    assert c.author is None and c.published is None and c.language is None and c.kicker is None


def test_body_split_by_ads_is_kept_whole():
    def part(*numbers: int) -> str:
        paragraphs = "".join(
            f"<p>Absatz {n} mit genug Text, damit er als Fließtext des Artikels durchgeht und nicht "
            "als Teaser oder Bildunterschrift.</p>"
            for n in numbers
        )
        return f'<div class="grid"><div class="article-body">{paragraphs}</div></div>'

    html = (
        "<html><body><main><h1>Titel</h1>"
        + part(1, 2, 3)
        + '<div class="ad"><span>Anzeige</span></div>'
        + part(4, 5, 6)
        + "</main></body></html>"
    )
    text = clean_html(html).text
    for n in range(1, 7):
        assert f"Absatz {n} mit" in text


def test_domain_stays_pure():
    code = (
        "import sys, newsmark.clean.html; "
        "print(','.join(m for m in ('storage', 'tui', 'textual', 'sqlite3', 'sqlite_utils') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


# --- the residue pass on its own ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Anzeige",
        "- ANZEIGE -",
        "Advertisement",
        "Publicité",
        "Lesen Sie auch: Warum die Straßenbahn teurer wird",
        "Mehr zum Thema",
        "Das könnte Sie auch interessieren",
        "Read more: Council approves new ferry timetable",
        "READ MORE: China plague outbreak confirmed",
        "Related: The 15 weirdest galaxies in our universe",
        "You may also like",
        "Lire aussi : La réforme des retraites adoptée",
        "À lire aussi",
        "Newsletter abonnieren: jeden Morgen kostenlos in Ihr Postfach",
        "Sign up for our morning newsletter and get the top stories delivered to your inbox.",
        "Inscrivez-vous à notre newsletter",
        "Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten.",
        "This website uses cookies to improve your experience.",
        "Teilen",
        "Share this article",
        "Teilen: Facebook | WhatsApp | E-Mail",
        "Partager sur Facebook",
        "Click here to subscribe to The Paradigm Newsletter",
        "Foto: dpa",
        "Fotos: picture alliance/dpa",
        "© Reuters",
        "Photo: Getty Images",
        "Image credit: NASA/JPL",
        "Crédit photo : AFP",
        "Getty Images/iStockphoto",
        "(Reporting by Will Dunham; Editing by Tom Brown)",
        "Fox News' Jane Doe contributed to this report.",
        "Copyright 2019 Hawaii News Now. All rights reserved.",
        "© 2024 Stadtanzeiger. Alle Rechte vorbehalten.",
        "Tags: Radverkehr, Stadtrat, Innenstadt",
        "Lesezeit: 3 Minuten",
        "5 min read",
        "Comments",
        "Kommentare (12)",
        "Verwendete Quellen:",
        "Stellenangebote",
        "Redakteur Wirtschaft (m/w/d)",
        "Es werden alle Kommentare moderiert!",
        "Wir behalten uns vor, jeden Kommentar zu löschen, der nicht zum Thema passt.",
        "Du willst nichts verpassen?",
        "KOSTENLOS auf Joyn: Die neuesten Videos jetzt streamen!",
    ],
)
def test_residue_lines(line):
    assert is_residue_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Die Anzeige wurde am Montag bei der Polizei erstattet, teilte ein Sprecher mit.",
        "She said she had read more than forty books about the war before she started writing.",
        "Das Foto zeigt den Bürgermeister bei der Eröffnung der neuen Brücke im Sommer.",
        "Related research published in Nature last year reached the same conclusion, the authors said.",
        "Reuters reported on Tuesday that the talks had stalled over the question of tariffs.",
        "Der Newsletter-Versand ist eine der wichtigsten Einnahmequellen des Verlags geworden.",
        "La publicité représente encore la moitié des recettes du journal, selon son directeur.",
        "Teilen sich zwei Parteien die Macht, wird es kompliziert.",
        "Share prices fell sharply on Monday after the company cut its forecast.",
        "Der Konzern behält sich vor, die Dividende zu kürzen, sagte ein Sprecher am Montag.",
        "Analysts expect the company to miss its targets for the third year running.",
        "Die Quellen des Berichts sind nach Angaben der Redaktion vertraulich.",
    ],
)
def test_residue_keeps_body_text(line):
    assert not is_residue_line(line)


def test_residue_moves_kicker_title_and_standfirst_out_of_the_body():
    blocks = [
        Block("head", ["Verkehr"], 2),
        Block("head", ["Neue Radwege für die Innenstadt"], 2),
        Block("head", ["Der Stadtrat beschließt ein Netz aus geschützten Radwegen bis 2027."], 2),
        Block("p", ["Aktualisiert am 12.03.2024, 09:30 Uhr"]),
        Block("p", ["Der Stadtrat hat am Dienstagabend beschlossen, die Radwege auszubauen."]),
        Block("head", ["Was sich ändert"], 3),
        Block("p", ["Zunächst werden die Ost-West-Achse und die Ringstraße umgebaut."]),
    ]
    out, found = residue(blocks, ["Neue Radwege für die Innenstadt | Stadtanzeiger"])
    assert found == {
        "title": "Neue Radwege für die Innenstadt",
        "kicker": "Verkehr",
        "standfirst": "Der Stadtrat beschließt ein Netz aus geschützten Radwegen bis 2027.",
    }
    assert [b.lines[0] for b in out] == [
        "Der Stadtrat hat am Dienstagabend beschlossen, die Radwege auszubauen.",
        "Was sich ändert",
        "Zunächst werden die Ost-West-Achse und die Ringstraße umgebaut.",
    ]


def test_residue_drops_teaser_sections_with_their_link_lists():
    blocks = [
        Block("p", ["The bridge reopened on Sunday after a two-year repair programme."]),
        Block("head", ["Related stories"], 2),
        Block("list", ["- Ferry fares to rise", "- New cycle lane opens"]),
        Block("p", ["Buses will return to their usual routes from Monday, the council said."]),
        Block("head", ["Most popular"], 2),
    ]
    out, _ = residue(blocks, [])
    assert [b.lines for b in out] == [
        ["The bridge reopened on Sunday after a two-year repair programme."],
        ["Buses will return to their usual routes from Monday, the council said."],
    ]


def test_residue_keeps_ordinary_lists_and_headings():
    blocks = [
        Block("p", ["Three things changed this year."]),
        Block("head", ["What changed"], 2),
        Block("list", ["- Prices", "- Timetables", "- Routes"]),
        Block("p", ["The council will review the changes in spring."]),
    ]
    out, found = residue(blocks, ["Something else entirely"])
    assert found == {}
    assert [b.kind for b in out] == ["p", "head", "list", "p"]


# --- never lose the article (candidates.py) -------------------------------------------------------


def test_article_beside_a_larger_subscription_box_is_kept():
    """trafilatura's fast pass picks the subscription box (it is larger and sits in an
    "article-content" container); the box is taken out of the page and the page extracted again."""
    c = clean_html(page("de_subscription_box.html"), url="https://kurier.example/region/lahnbruecke")
    assert_clean_paragraphs(c.paragraphs)
    assert c.paragraphs[0].startswith("Der Bau der neuen Lahnbrücke")
    assert "Pendler müssen seither einen Umweg" in c.text
    assert "Herbst 2027 für den Verkehr freigegeben" in c.text
    for promo in ("Digital-Abo", "Plus-Artikeln", "Kostenloses Archiv", "Die digitale Welt", "Abonnent"):
        assert promo not in c.text


def test_free_preview_paragraph_is_kept_beside_the_teaser():
    """The fast pass finds only kicker, title and teaser (what the page's description says); the
    full cascade finds the free preview paragraph behind them, which is added."""
    c = clean_html(page("de_free_preview.html"), url="https://oz.example/freiburg/baeckerei")
    assert_clean_paragraphs(c.paragraphs)
    assert "Die Bäckerei Kaltenbach in der Wiehre gibt auf." in c.text
    assert "Seit vier Generationen backt die Familie Kaltenbach" in c.text
    assert c.text.index("Die Bäckerei Kaltenbach") < c.text.index("Seit vier Generationen")
    assert "Mehr aus Freiburg" not in c.text and "Stadtbahnlinie" not in c.text


def test_a_page_that_looks_right_is_extracted_once(monkeypatch):
    """The costly candidates run only when the cheap result looks wrong."""
    import newsmark.clean.html as html_module

    calls = []
    real = html_module.bare_extraction
    monkeypatch.setattr(html_module, "bare_extraction", lambda *a, **k: calls.append(k) or real(*a, **k))
    for name in ("de_news.html", "en_news.html"):
        calls.clear()
        assert clean_html(page(name)).paragraphs
        assert len(calls) == 1 and calls[0].get("fast") is True


def test_a_boilerplate_body_with_nothing_better_stays():
    """When no candidate is better, the cheap result stays (nothing is invented, nothing lost)."""
    html = (
        "<html><body><article><p>Jetzt abonnieren und weiterlesen: Mit dem Digital-Abo lesen Sie alle"
        " Artikel, in der App und als E-Paper. Sie sind bereits Abonnent? Hier anmelden.</p>"
        "<p>Der Gemeinderat tagt am Donnerstag öffentlich im Rathaus, Beginn ist um 18 Uhr.</p>"
        "</article></body></html>"
    )
    assert "Der Gemeinderat tagt am Donnerstag" in clean_html(html).text
