"""The fixture set of bench/suggest.py: German news-like articles with gold entities, generated
from a seed (nothing stored in the repository but this file).

Entities come from gazetteers (PER, ORG, LOC, MISC) drawn with Zipf-like weights (the r-th name
of a type is drawn in proportion to 1/r), so the head names repeat within and across articles
and the tail names are seen once or never, as in real news. Each article has a cast (a few
people, organisations, places and things drawn once) that its sentences mostly reuse; a person
is named in full the first time and mostly by surname afterwards. The sentences are templates
with varied fillers (numbers, days, months, verbs) around the names, and entity-free sentences
in between; an entity's slot holds a common noun instead now and then (``DECOYS``: "von
Experten", "in der Region"), so that contexts alone do not make entities; some words are entity
strings in one place and not in another, as in real text:
"Bayern" and "Dortmund" are places (LOC) but clubs (ORG) in the sports sentences, "Welt" is a
newspaper (ORG) in „Welt“ and no entity in "in der ganzen Welt", "Golf" is a car (MISC) in "den
neuen Golf" and a sport (no entity) elsewhere, "Grünen" a party (ORG) and "im Grünen" none.

``articles(n, seed)`` returns ``n`` ``(text, [(start, end, label), ...])`` pairs, the spans in
text order and on token boundaries of ``newsmark.text.tokenize`` (checked).
"""

from __future__ import annotations

import random

# --- gazetteers, most frequent first (the order is the Zipf rank) ----------------------------------

PEOPLE = [
    "Friedrich Merz", "Olaf Scholz", "Annalena Baerbock", "Robert Habeck", "Christian Lindner",
    "Boris Pistorius", "Nancy Faeser", "Karl Lauterbach", "Markus Söder", "Hendrik Wüst",
    "Lars Klingbeil", "Saskia Esken", "Ricarda Lang", "Alice Weidel", "Sahra Wagenknecht",
    "Ursula von der Leyen", "Emmanuel Macron", "Wolodymyr Selenskyj", "Wladimir Putin",
    "Joe Biden", "Donald Trump", "Kai Wegner", "Manuela Schwesig", "Michael Kretschmer",
    "Winfried Kretschmann", "Bodo Ramelow", "Daniel Günther", "Stephan Weil", "Markus Lanz",
    "Thomas Tuchel", "Julian Nagelsmann", "Joshua Kimmich", "Thomas Müller", "Jamal Musiala",
    "Christine Lagarde", "Joachim Nagel", "Jens Spahn", "Carsten Linnemann", "Volker Wissing",
    "Bettina Stark-Watzinger", "Svenja Schulze", "Hubertus Heil", "Klara Geywitz", "Cem Özdemir",
    "Steffi Lemke", "Marco Buschmann", "Claudia Roth", "Frank-Walter Steinmeier", "Bärbel Bas",
]
# the tail: names of people seen rarely (made of common first and last names)
FIRST = ["Anna", "Jonas", "Miriam", "Tobias", "Katrin", "Stefan", "Lea", "Matthias", "Sabine",
         "Florian", "Julia", "Andreas", "Nadine", "Sebastian", "Claudia", "Martin", "Heike",
         "Lukas", "Petra", "Felix", "Ines", "Jürgen", "Carola", "Moritz", "Doris", "Yusuf",
         "Elena", "Piotr", "Aylin", "Henrik"]
LAST = ["Hoffmann", "Becker", "Krüger", "Neumann", "Schwarz", "Zimmermann", "Braun", "Hartmann",
        "Lange", "Werner", "Krause", "Lehmann", "Schmitt", "Koch", "Richter", "Klein", "Wolf",
        "Schröder", "Meyer", "Scholl", "Keller", "Brandt", "Vogel", "Friedrich", "Seidel",
        "Kaya", "Nowak", "Yilmaz", "Engel", "Roth", "Kemper", "Albrecht", "Haas", "Jansen"]

ORGS = [
    "SPD", "CDU", "Bundestag", "EU-Kommission", "Nato", "Bundesregierung", "Grünen",
    "FDP", "Deutsche Bahn", "Siemens", "Volkswagen", "Europäischen Zentralbank", "Bundeswehr",
    "Linke", "CSU", "Vereinten Nationen", "Lufthansa", "BASF", "Deutsche Bank", "Bundesrat",
    "IG Metall", "Verdi", "Bundesverfassungsgericht", "Statistischen Bundesamt",
    "Deutschen Gewerkschaftsbund", "Ifo-Institut", "Robert Koch-Institut", "Allianz",
    "Deutsche Telekom", "Mercedes-Benz", "BMW", "Porsche", "Bosch", "Commerzbank", "Bayer",
    "ADAC", "DFB", "Uefa", "Amnesty International", "Greenpeace", "Caritas", "Tesla", "Apple",
    "Google", "Microsoft", "Zalando", "SAP", "Thyssenkrupp", "Continental", "Adidas", "Puma",
    "Deutschen Wetterdienst", "Bundesagentur für Arbeit", "Bundesnetzagentur", "Kfz-Innung",
    "Sparkasse Hannover", "Stadtwerke München", "Max-Planck-Gesellschaft", "Fraunhofer-Institut",
    "Charité", "Universität Heidelberg", "Technischen Universität Dresden", "Goethe-Institut",
    "Bundeskartellamt", "Bundesbank", "Eurostat", "Weltbank", "Internationale Währungsfonds",
]
CLUBS = ["Bayern", "Dortmund", "Leverkusen", "Leipzig", "Frankfurt", "Freiburg", "Stuttgart",
         "Bremen", "Wolfsburg", "Union Berlin", "Hoffenheim", "Mainz", "Gladbach", "Augsburg",
         "FC Bayern München", "Borussia Dortmund", "Eintracht Frankfurt", "Werder Bremen",
         "VfB Stuttgart", "Hertha BSC", "Holstein Kiel", "Hamburger SV"]

PLACES = [
    "Berlin", "Deutschland", "Kiew", "Russland", "München", "Brüssel", "Hamburg", "Frankreich",
    "China", "Bayern", "Washington", "Köln", "Frankfurt", "Paris", "Polen", "Sachsen",
    "Nordrhein-Westfalen", "Israel", "Odessa", "Moskau", "Stuttgart", "Dresden", "Leipzig",
    "Dortmund", "Hannover", "Düsseldorf", "Italien", "Österreich", "Wien", "Basel", "Zürich",
    "Amsterdam", "Spanien", "Ankara", "Istanbul", "Peking", "Gaza", "Thüringen", "Brandenburg",
    "Hessen", "Niedersachsen", "Baden-Württemberg", "Rheinland-Pfalz", "Bremen", "Kiel", "Mainz",
    "Erfurt", "Potsdam", "Magdeburg", "Schwerin", "Saarbrücken", "Wiesbaden", "Nürnberg",
    "Augsburg", "Freiburg", "Heidelberg", "Bonn", "Münster", "Rostock", "Lübeck", "Rhein",
    "Ostsee", "Nordsee", "Alpen", "Elbe", "Bodensee", "Harz", "Schwarzwald", "Sylt", "Rügen",
    "Ruhrgebiet", "Lausitz", "Allgäu", "Eifel", "Vogtland", "Oberpfalz", "Uckermark", "Emsland",
    "Cottbus", "Görlitz", "Bautzen", "Zwickau", "Chemnitz", "Jena", "Gera", "Halle", "Dessau",
    "Wittenberg", "Stralsund", "Greifswald", "Wismar", "Flensburg", "Husum", "Cuxhaven",
    "Osnabrück", "Bielefeld", "Paderborn", "Kassel", "Fulda", "Gießen", "Marburg", "Siegen",
    "Koblenz", "Trier", "Kaiserslautern", "Ludwigshafen", "Mannheim", "Karlsruhe", "Ulm",
    "Konstanz", "Ravensburg", "Kempten", "Passau", "Regensburg", "Ingolstadt", "Würzburg",
    "Bamberg", "Bayreuth", "Hof", "Coburg",
]
MISCS = [
    "Bundesliga", "Champions League", "Deutschlandticket", "Bürgergeld", "Grundgesetz",
    "Schuldenbremse", "Oktoberfest", "Heizungsgesetz", "Tatort", "Berlinale", "Golf",
    "Tagesschau", "Documenta", "Eurovision Song Contest", "Olympia", "iPhone",
    "Elterngeld", "Mindestlohn", "Cannabisgesetz", "Klimaschutzgesetz", "Wachstumschancengesetz",
    "Rentenpaket", "Kölner Karneval", "Cannes-Festival", "Frankfurter Buchmesse", "Hannover Messe",
    "Internationale Funkausstellung", "Tour de France", "DFB-Pokal", "Europameisterschaft",
    "Weltmeisterschaft", "Nobelpreis", "Grimme-Preis", "Deutscher Buchpreis", "Bachmannpreis",
    "Leopard-Panzer", "Taurus", "Patriot", "ICE", "Airbus",
]

# what fills an entity's slot now and then instead (no entity): the same contexts then hold
# names and common nouns, so a model must learn the names, not just the contexts
DECOYS = {
    "P": ["ein Sprecher", "die Ministerin", "der Bürgermeister", "eine Anwohnerin",
          "der Vorsitzende", "die Expertin"],
    "O": ["Experten", "Verbänden", "Fachleuten", "Beobachtern", "Anwohnern", "Unternehmen"],
    "L": ["der Region", "der Hauptstadt", "vielen Städten", "der Innenstadt", "den Dörfern",
          "der Umgebung"],
    "M": ["Thema Wohnen", "Haushalt", "Wetter", "Bahnverkehr"],
}
DECOY_RATE = 0.15

# --- sentences ------------------------------------------------------------------------------------
# slots: {P} a person, {O} an organisation, {L} a place, {M} a thing (MISC), {C} a club (ORG),
# {Z} a newspaper (ORG), {=LABEL:text} that text as an entity; {n} a number, {d} a weekday,
# {m} a month, {v} a verb of saying, {x} a topic (no entities)

TEMPLATES = [
    "{P} {v} am {d} in {L}, man werde die Pläne noch vor dem Sommer vorlegen.",
    "Nach Angaben von {O} stieg die Zahl der Fälle im {m} um {n} Prozent.",
    "{P} traf sich am {d} mit Vertretern von {O}, um über {x} zu beraten.",
    "Die Gespräche in {L} seien konstruktiv gewesen, {v} {P}.",
    "„Wir müssen jetzt handeln“, {v} {P} bei einer Veranstaltung in {L}.",
    "Laut {O} sollen in den kommenden Jahren {n} Millionen Euro nach {L} fließen.",
    "Kritik kam von {O}: Die Pläne gingen an der Wirklichkeit vorbei.",
    "In {L} demonstrierten am {d} nach Polizeiangaben rund {n} Menschen.",
    "{P} wies die Vorwürfe zurück und verwies auf eine Stellungnahme von {O}.",
    "Auch {P} äußerte sich zurückhaltend zu den Vorschlägen.",
    "Das Thema {M} bleibt nach Ansicht von {P} in den nächsten Monaten wichtig.",
    "Rund um {M} erwarten die Veranstalter in diesem Jahr mehr als {n} Besucher.",
    "Vertreter von {O} und {O} wollen bei {x} enger zusammenarbeiten.",
    "Die Lage in {L} bleibt nach Einschätzung von {O} angespannt.",
    "{P} reist in der kommenden Woche nach {L} und anschließend nach {L}.",
    "Nach Angaben von {O} sind von der Entscheidung rund {n} Beschäftigte betroffen.",
    "Zuvor hatte {P} im Gespräch mit der „{Z}“ Änderungen gefordert.",
    "Die Debatte über {M} hatte zuletzt auch {O} beschäftigt.",
    "Ein Sprecher von {O} in {L} bestätigte den Bericht.",
    "{P} sprach von einem wichtigen Signal für {L}.",
    "{C} gewann am {d} mit {n}:1 gegen {C}.",
    "Trainer {P} zeigte sich nach dem Spiel gegen {C} zufrieden.",
    "Im Wettbewerb {M} trifft {C} nun auf {C}.",
    "{C} verlor zu Hause mit 0:{n} gegen {C}.",
    "Die Bahnstrecke zwischen {L} und {L} bleibt bis Ende {m} gesperrt.",
    "Nach dem Unwetter in {L} warnten Fachleute von {O} vor weiterem Starkregen.",
    "Für {L} rechnen Ökonomen von {O} mit einem Wachstum von {n} Prozent.",
    "Ob {P} an dem Treffen in {L} teilnimmt, ist noch offen.",
    "Bereits im {m} hatte {O} vor den Folgen gewarnt.",
    "{P} und {P} verständigten sich auf einen Kompromiss.",
    "Der Vorschlag von {P} stieß bei {O} auf Widerstand.",
    "Ein Unternehmen aus {L} zeigte am {d} Neuheiten rund um {M}.",
    "Zu {M} reisten Gäste aus {L}, {L} und {L} an.",
    "{P} kündigte an, das Vorhaben {M} im Herbst erneut zur Abstimmung zu stellen.",
    "Die Polizei in {L} ermittelt, {O} hat eine Prüfung angekündigt.",
    "Wie die „{Z}“ berichtete, sollen die Gespräche im {m} fortgesetzt werden.",
    "Das sei ein Erfolg für {L}, {v} {P} der „{Z}“.",
    "Der Verkauf des neuen {=MISC:Golf} beginnt nach Angaben von {=ORG:Volkswagen} im {m}.",
]
# newspapers (ORG), in the dative after "der": "im Gespräch mit der „Welt“"
PAPERS = ["Welt", "Zeit", "Bild", "taz", "Süddeutschen Zeitung", "Frankfurter Allgemeinen Zeitung",
          "Rheinischen Post", "Stuttgarter Zeitung"]
FILLERS = [
    "Die Verhandlungen sollen in den kommenden Wochen fortgesetzt werden.",
    "Eine Entscheidung wird nicht vor dem Herbst erwartet.",
    "Beobachter rechnen mit einer schwierigen Debatte.",
    "Die Opposition sprach von einem Versäumnis und forderte Aufklärung.",
    "Viele Menschen im ganzen Land verfolgen die Entwicklung mit Sorge.",
    "Das Thema beschäftigt Politik und Wirtschaft seit Monaten.",
    "Die Kosten des Vorhabens werden auf mehrere Milliarden Euro geschätzt.",
    "Fachleute halten den Zeitplan für ehrgeizig.",
    "In der ganzen Welt wird die Entscheidung aufmerksam verfolgt.",
    "Am Wochenende zog es viele Familien bei gutem Wetter ins Grüne und im Grünen wurde gegrillt.",
    "Wer am Sonntag Golf spielen wollte, musste mit Regen rechnen.",
    "Die Preise für Lebensmittel sind im vergangenen Jahr deutlich gestiegen.",
    "Für Pendler bedeutet das längere Fahrzeiten und volle Züge.",
    "Ein Ergebnis soll bis zum Jahresende vorliegen.",
    "Die Gewerkschaften drohen mit weiteren Streiks.",
    "Der Bericht war zunächst nicht öffentlich zugänglich.",
    "Zahlreiche Fragen sind bislang ungeklärt.",
    "Die Stimmung in den Betrieben gilt als gedrückt.",
    "Es war bereits der dritte Anlauf in diesem Jahr.",
    "Die Polizei war mit einem Großaufgebot im Einsatz.",
    "Verletzt wurde nach ersten Erkenntnissen niemand.",
    "Die Behörden riefen die Bevölkerung zur Vorsicht auf.",
    "Zuletzt war die Zustimmung in Umfragen deutlich gesunken.",
    "Der Vorstoß kam für viele überraschend.",
    "Kritiker bemängeln fehlende Transparenz bei der Vergabe.",
    "Nun sollen unabhängige Gutachter den Fall prüfen.",
    "In den sozialen Netzwerken wurde der Auftritt heftig diskutiert.",
    "Die Einigung gilt als wichtiger Schritt, ist aber umstritten.",
    "Hinter den Kulissen wird bereits über Nachfolger spekuliert.",
    "Ob das Geld reicht, ist offen.",
]
VERBS = ["sagte", "erklärte", "betonte", "sagte", "teilte mit", "versicherte", "kündigte an"]
TOPICS = ["die Energiepreise", "die Migration", "den Haushalt", "die Digitalisierung",
          "die Verteidigung", "den Klimaschutz", "die Rente", "die Inflation", "den Wohnungsbau"]
DAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember"]


def _zipf(names: list[str]) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(len(names))]


_SYLLABLES = ["ber", "lin", "dorf", "stein", "ha", "mel", "ro", "sen", "wald", "au", "feld",
              "heim", "ko", "tra", "nu", "gor", "bach", "lau", "ter", "wen", "ding", "hau"]
_PLACE_FORMS = ["{}", "{}", "Bad {}", "{}hausen", "Neu{}", "{}ingen"]
_ORG_FORMS = ["{}-Gruppe", "{} Holding", "{}-Werke", "Stadtwerke {}", "{} Logistik", "Verein {}"]
_MISC_FORMS = ["{}-Preis", "{}fest", "{}-Gesetz", "{}-Festival"]


def _made(rnd: random.Random, forms: list[str], k: int, taken: set[str]) -> list[str]:
    """``k`` made-up names (syllables in one of ``forms``), none in ``taken``."""
    out: list[str] = []
    while len(out) < k:
        stem = "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 3)))
        name = rnd.choice(forms).format(stem.capitalize())
        name = name[0].upper() + name[1:]
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def gazetteers(seed: int = 0) -> dict[str, list[str]]:
    """{label: names, most frequent first}: the public ones, then a long tail of made ones (the
    names a news stream mentions once or twice: local people, villages, firms)."""
    rnd = random.Random(seed)
    made = sorted({f"{f} {last}" for f in FIRST for last in LAST})
    rnd.shuffle(made)
    taken = set(PEOPLE) | set(ORGS) | set(PLACES) | set(MISCS) | set(CLUBS)
    return {"PER": PEOPLE + made[:600], "ORG": ORGS + _made(rnd, _ORG_FORMS, 300, taken),
            "LOC": PLACES + _made(rnd, _PLACE_FORMS, 300, taken),
            "MISC": MISCS + _made(rnd, _MISC_FORMS, 100, taken)}


class _Writer:
    """One article: its text so far, its gold spans and its cast."""

    def __init__(self, rnd: random.Random, names: dict[str, list[str]],
                 weights: dict[str, list[float]]) -> None:
        self.rnd, self.names, self.weights = rnd, names, weights
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[tuple[int, int, str]] = []
        self.mentioned: set[str] = set()
        self.in_paragraph = 0
        sports = rnd.random() < 0.15
        self.sports = sports
        self.cast = {label: self._draw(label, rnd.randint(2, 4)) for label in names}
        self.cast["CLUB"] = rnd.sample(CLUBS, 4) if sports else []

    def _draw(self, label: str, k: int) -> list[str]:
        out: list[str] = []
        while len(out) < k:
            name = self.rnd.choices(self.names[label], self.weights[label])[0]
            if name not in out:
                out.append(name)
        return out

    def _name(self, label: str) -> str:
        # mostly the cast; now and then someone new (drawn with the same Zipf weights)
        if self.rnd.random() < 0.8:
            return self.rnd.choice(self.cast[label])
        return self._draw(label, 1)[0]

    def _person(self) -> str:
        name = self._name("PER")
        if name in self.mentioned and self.rnd.random() < 0.7:
            words = name.split()
            return words[-1]  # the surname alone after the first mention
        self.mentioned.add(name)
        return name

    def sentence(self, template: str) -> str:
        """Fill ``template`` and append it (a new paragraph or after a space), recording the
        entities at their offsets in the text."""
        if self.parts:
            sep = "\n\n" if self.new_paragraph() else " "
            self.parts.append(sep)
            self.length += len(sep)
        out: list[str] = []
        i = 0
        while i < len(template):
            j = template.find("{", i)
            if j < 0:
                out.append(template[i:])
                break
            out.append(template[i:j])
            k = template.index("}", j)
            slot = template[j + 1:k]
            label, value = None, ""
            if slot in DECOYS and self.rnd.random() < DECOY_RATE:
                value = self.rnd.choice(DECOYS[slot])
            elif slot.startswith("="):  # a fixed entity: {=LABEL:text}
                label, value = slot[1:].split(":", 1)
            elif slot == "P":
                label, value = "PER", self._person()
            elif slot == "O":
                label, value = "ORG", self._name("ORG")
            elif slot == "L":
                label, value = "LOC", self._name("LOC")
            elif slot == "M":
                label, value = "MISC", self._name("MISC")
            elif slot == "Z":
                label, value = "ORG", self.rnd.choices(PAPERS, _zipf(PAPERS))[0]
            elif slot == "C":
                label, value = "ORG", self.rnd.choice(self.cast["CLUB"] or CLUBS)
            elif slot == "n":
                value = str(self.rnd.choice([2, 3, 4, 5, 7, 12, 15, 20, 35, 80, 120, 500, 1200]))
            elif slot == "d":
                value = self.rnd.choice(DAYS)
            elif slot == "m":
                value = self.rnd.choice(MONTHS)
            elif slot == "v":
                value = self.rnd.choice(VERBS)
            elif slot == "x":
                value = self.rnd.choice(TOPICS)
            if label is not None:
                start = self.length + sum(len(p) for p in out)
                self.spans.append((start, start + len(value), label))
            out.append(value)
            i = k + 1
        text = "".join(out)
        text = text[0].upper() + text[1:]
        self.parts.append(text)
        self.length += len(text)
        return text

    def new_paragraph(self) -> bool:
        self.in_paragraph += 1
        if self.in_paragraph > self.rnd.randint(2, 5):
            self.in_paragraph = 0
            return True
        return False


def article(rnd: random.Random, names, weights) -> tuple[str, list[tuple[int, int, str]]]:
    """One article of 150 to 600 words and its gold spans."""
    writer = _Writer(rnd, names, weights)
    words = rnd.randint(150, 600)
    sports = [t for t in TEMPLATES if "{C}" in t]
    other = [t for t in TEMPLATES if "{C}" not in t]
    count = 0
    fillers: list[str] = []
    while count < words:
        roll = rnd.random()
        if roll < 0.45:
            if not fillers:  # each filler once before any comes again
                fillers = rnd.sample(FILLERS, len(FILLERS))
            template = fillers.pop()
        else:
            template = rnd.choice(sports if writer.sports and roll < 0.7 else other)
        count += len(writer.sentence(template).split())
    return "".join(writer.parts), writer.spans


def articles(n: int = 200, seed: int = 0) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """``n`` articles with their gold spans, the same for the same ``seed``."""
    names = gazetteers(seed)
    weights = {label: _zipf(v) for label, v in names.items()}
    rnd = random.Random(seed)
    return [article(rnd, names, weights) for _ in range(n)]
