"""One boilerplate vocabulary (issue 12, item 5): the HTML residue pass and the dump cleaner
classify lines with the same rules (``boilerplate.is_boilerplate_line``), and the prefilter hints
of the big alternations never hide an alternative."""

from __future__ import annotations

import pytest

from newsmark.clean.boilerplate import (
    _SIGNOFF_LINE,
    _STRONG,
    _SUBSCRIBE_ALTS,
    _SUBSCRIBE_HINTS,
    _alternatives,
    _hint,
    is_boilerplate_line,
    skeletons,
)
from newsmark.clean.dump import clean_dump
from newsmark.clean.html import clean_html, is_residue_line

BOILERPLATE = [
    # de
    "Anzeige",
    "Alle Rechte vorbehalten.",
    "© 2024 Stadtanzeiger. Alle Rechte vorbehalten.",
    "Lesezeit: 3 Minuten",
    "Lesen Sie auch: Wie die Stadt ihre Radwege plant",
    "Mehr zum Thema",
    "Artikel teilen",
    "Teilen: Facebook WhatsApp E-Mail",
    "Jetzt Newsletter abonnieren und nichts verpassen!",
    "Wir verwenden Cookies, um Ihnen das beste Nutzererlebnis zu bieten.",
    "Foto: dpa/Max Muster",
    "Bildquelle: picture alliance",
    "Kommentare (12)",
    "Schlagworte: Verkehr, Radwege, Stadtrat",
    "Redakteur (m/w/d) für unsere Lokalredaktion gesucht",
    "Zur Startseite",
    "Mit Material von dpa",
    "Video: AFP",
    # en
    "Advertisement",
    "All rights reserved.",
    "Copyright 2023 The Example Times",
    "Read more: Harbour bridge reopens after repair",
    "Related articles",
    "Share this article",
    "Share on Twitter | Email",
    "Sign up for our newsletter to get the latest news delivered to your inbox.",
    "We use cookies to improve your experience on our site.",
    "Photo: Getty Images",
    "Reporting by Jane Doe; Editing by John Smith",
    "Follow us on Twitter",
    "Click here to download the app",
    "5 min read",
    "Tags: politics, elections",
    "Comments are moderated and will appear after approval by our editors.",
    "Continue reading the main story",
    # fr
    "Publicité",
    "Tous droits réservés",
    "Tous droits réservés © Le Quotidien 2024",
    "Lire aussi : La réforme des retraites adoptée",
    "À lire aussi",
    "Partager cet article",
    "Abonnez-vous à notre newsletter",
    "Nous utilisons des cookies pour améliorer votre expérience.",
    "Crédit photo : AFP",
    "Temps de lecture : 4 min",
    "Suivez-nous sur Facebook",
    "Cliquez ici pour en savoir plus",
    "Mots-clés : économie, retraites",
    # it / es, the prefilter's old blind spot
    "Tutti i diritti riservati",
    "Todos los derechos reservados",
    # es / it / pt teaser labels and related-link boxes (issue 12: the second development set)
    "Lea también: El puerto reabre tras dos años de obras",
    "Lee más: Así será el nuevo tranvía de la ciudad",
    "Le puede interesar: Los precios del transporte suben en enero",
    "TE PUEDE INTERESAR: Cinco claves de la nueva ley de vivienda",
    "VEA TAMBIÉN: La alcaldía presenta su plan de movilidad",
    "PUEDES VER: ¿Qué cambia con la reforma?",
    "MIRA: El alcalde inaugura la nueva biblioteca",
    "Mirá también",
    "Notas relacionadas",
    "NOTICIAS RELACIONADAS",
    "Contenido relacionado",
    "Temas",
    "Leggi anche: Il ponte riapre dopo due anni",
    "Articoli correlati",
    "Veja também: Prefeitura anuncia novas ciclovias",
    "Notícias relacionadas",
    # notices in es/pt and en/de/fr, one per new rule
    "Suscríbete a nuestra newsletter y recibe las noticias del día.",
    "¿Ya conoces nuestro canal de WhatsApp? Únete y recibe las noticias en tu celular.",
    "HAZTE SOCIO Y LEE SIN LÍMITES",
    "Apoya el periodismo independiente. Cancela cuando quieras.",
    "Cancel anytime.",
    "Jetzt testen, jederzeit kündbar.",
    "Pour lire la suite de cet article, créez votre compte.",
    "Sie müssen angemeldet sein, um einen Kommentar zu schreiben.",
    "You must be logged in to post a comment.",
    "We may receive compensation when you click on links to products we review.",
    "Read our advertiser disclosure for more information.",
    "Submit a letter to the editor or write to us by email.",
    "For breaking news alerts, download the Example Times apps for iOS and Android.",
    "Permalink https://example.org/p/AbC12",
    "Der Bürgermeister bei der Eröffnung am Montag (Foto: Max Muster/Pool via dpa).",
]

BODY = [
    # de
    "Der Stadtrat hat am Dienstagabend den Ausbau der Radwege in der Innenstadt beschlossen.",
    "Oberbürgermeisterin Petra Muster sprach von einem historischen Tag für die Verkehrswende.",
    "Die Opposition kritisierte, dass zahlreiche Parkplätze entfallen sollen.",
    "Die Bauarbeiten sollen im kommenden Frühjahr beginnen und zwei Jahre dauern.",
    "Nach Angaben der Polizei wurde niemand verletzt.",
    "Die Rechte der Mieter sollen nach dem Willen der Regierung gestärkt werden.",
    "Der Verlag behält sich vor, die Preise im kommenden Jahr anzupassen, heißt es im Bericht.",
    "Wer die App der Verkehrsbetriebe nutzt, bekommt die Verspätungen jetzt in Echtzeit angezeigt.",
    "Im Interview sagte der Trainer, seine Mannschaft habe sich den Sieg verdient.",
    "Das Gericht wies die Klage am Montag als unbegründet ab.",
    "Die Zahl der Abonnenten der Zeitung ist im vergangenen Jahr leicht gestiegen.",
    "Rund 3000 Menschen folgten dem Aufruf und demonstrierten vor dem Rathaus.",
    "Die Lesezeit eines Buches hängt nicht nur von seiner Länge ab, sagt die Forscherin.",
    "Wie das Ministerium mitteilte, sollen die Mittel noch in diesem Jahr fließen.",
    # en
    "The harbour bridge reopened on Sunday after a two-year repair programme.",
    "City officials said the project came in under budget and ahead of schedule.",
    "Commuters welcomed the reopening, saying their journeys had doubled in length.",
    "The company said it would share more details about the plan next month.",
    "Police said no one was injured in the incident on Tuesday evening.",
    "Her lawyers said they reserve the right to appeal the ruling.",
    "The minister told reporters that all options remained on the table.",
    "Researchers found that the drug reduced symptoms in two thirds of patients.",
    "The report, published on Monday, calls for stricter rules on data sharing.",
    "Shares of the company fell 4 per cent in early trading in New York.",
    "Copyright law has not kept pace with the rise of generative models, the judge wrote.",
    "The team will play its next match at home against the league leaders.",
    "Voters in the state will head to the polls in November.",
    "He said the cookies his grandmother baked were the best he had ever eaten.",
    # fr
    "Le conseil municipal a adopté mardi soir le projet de nouvelles pistes cyclables.",
    "La maire a salué une journée historique pour la ville et ses habitants.",
    "Les travaux doivent commencer au printemps prochain et durer deux ans.",
    "Selon la préfecture, aucun blessé n'est à déplorer.",
    "Le gouvernement souhaite renforcer les droits des locataires.",
    "Les syndicats appellent à une nouvelle journée de mobilisation jeudi.",
    "L'entreprise a annoncé la suppression de 300 postes en France.",
    "Le tribunal a rejeté lundi le recours déposé par l'association.",
    "Les chercheurs ont publié leurs résultats dans la revue Nature.",
    "Le match a été interrompu pendant dix minutes en raison de la pluie.",
    "Les prix de l'énergie ont baissé pour le troisième mois consécutif.",
    "Le ministre a promis de présenter un nouveau texte avant l'été.",
    "Plusieurs milliers de personnes ont défilé dans les rues de Lyon samedi.",
    # es / it / pt, and lines the new rules must leave alone
    "Mira tenía razón: el puerto reabrió el domingo tras dos años de obras.",
    "Lea Müller: Ich habe die Verspätungen jeden Tag gesehen.",
    "El alcalde dijo que los temas pendientes se tratarán en la próxima sesión.",
    "Los vecinos pueden cancelar la suscripción al servicio de agua en cualquier oficina.",
    "Il sindaco ha annunciato che i lavori sul ponte dureranno due anni.",
    "A prefeitura anunciou novas ciclovias no centro da cidade.",
    "The app is available for iOS and Android and costs nothing.",
    # code and commands are not service furniture ("app" inside "exampleapp:app")
    "CMD gunicorn --bind 0.0.0.0 myproject:app",
    "uvicorn main:app --reload",
]


def test_table_sizes():
    assert len(BOILERPLATE) >= 40 and len(BODY) >= 40


@pytest.mark.parametrize("line", BOILERPLATE)
def test_boilerplate_for_both_cleaners(line):
    assert is_boilerplate_line(line), "dump cleaner"
    assert is_residue_line(line), "HTML residue pass"


@pytest.mark.parametrize("line", BODY)
def test_body_for_both_cleaners(line):
    assert not is_boilerplate_line(line), "dump cleaner"
    assert not is_residue_line(line), "HTML residue pass"


COPYRIGHT = ["Alle Rechte vorbehalten.", "Tous droits réservés.", "Tutti i diritti riservati."]
P1 = ("Der Stadtrat hat am Dienstagabend mit großer Mehrheit beschlossen, das Netz der Radwege in "
      "der Innenstadt bis zum Jahr 2027 deutlich auszubauen und sicherer zu machen.")
P2 = ("Die Bauarbeiten sollen im kommenden Frühjahr beginnen; die Stadt rechnet mit Kosten von "
      "rund zwölf Millionen Euro, von denen das Land etwa die Hälfte übernehmen will.")
P3 = ("Oberbürgermeisterin Petra Muster sprach von einem historischen Tag für die Verkehrswende, "
      "die Opposition kritisierte dagegen den Wegfall zahlreicher Parkplätze in der Altstadt.")


@pytest.mark.parametrize("phrase", COPYRIGHT)
def test_copyright_phrase_dropped_by_the_dump_cleaner(phrase):
    text = "\n\n".join(["Radwege für die Innenstadt", P1, P2, phrase, P3])
    body = clean_dump(text).text
    assert P1 in body and P3 in body
    assert phrase.rstrip(".") not in body


@pytest.mark.parametrize("phrase", COPYRIGHT)
def test_copyright_phrase_dropped_by_the_html_cleaner(phrase):
    html = (f"<html><head><title>Radwege</title></head><body><article><h1>Radwege</h1>"
            f"<p>{P1}</p><p>{P2}</p><p>{phrase}</p><p>{P3}</p></article></body></html>")
    body = clean_html(html).text
    assert P1 in body and P3 in body
    assert phrase.rstrip(".") not in body


def test_every_alternative_contains_its_hint():
    """The prefilter runs an alternative only when its hint is in the line: every string the
    alternative can match must contain the hint."""
    for hint, rx in _STRONG.rules + _SIGNOFF_LINE.rules:
        assert hint == _hint(rx.pattern)
        shapes = skeletons(rx.pattern)
        if shapes is None:
            assert hint == "", rx.pattern
            continue
        assert all(hint in shape for shape in shapes), (hint, rx.pattern)


def test_every_subscription_cue_has_a_hint():
    """is_subscription_line runs its cue regex only when one of these substrings is in the line."""
    for alt in _alternatives(_SUBSCRIBE_ALTS):
        shapes = skeletons(alt)
        assert shapes and any(all(h in shape for shape in shapes) for h in _SUBSCRIBE_HINTS), alt


def test_skeletons():
    # "\0" stands for what is not fixed text (here: the optional "ing")
    assert skeletons(r"\b(?:click|tap)(?:ing)? here\b") == {
        "click\0ing\0 here", "tap\0ing\0 here", "click\0 here", "tap\0 here"}
    assert _hint(r"\b(?:click|tap)(?:ing)? here\b") == " here"
    assert _hint(r"alle rechte vorbehalten") == "alle rechte vorbehalten"
