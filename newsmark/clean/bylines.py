"""Bylines: who wrote an article, from a line of text or a page's metadata.

- :func:`byline` — the author named by a byline line: "Von Anna Muster", "By Jane Doe | Reuters",
  "Par Léa Dupont", "Eine Analyse von …"; :func:`bare_name` — a line that is only a name.
- :func:`people` — the persons named in an author value or a byline, with roles, credentials and
  organisations left out: :func:`is_organisation` ("Süddeutsche de GmbH; Munich; Germany",
  "tagesschau.de", "Associated Press" are no authors).
- :func:`is_page_meta` — a dateline or a byline/taxonomy line ("Posted by X - Category: Y").
"""

from __future__ import annotations

import html
import re

from .boilerplate import strip_bullet
from .dates import DATE, is_dateline, parse_datetime

__all__ = ["BYLINE_HINT", "NAME", "ROLE_WORDS", "bare_name", "byline", "clean_name", "is_organisation",
           "is_page_meta", "people"]

_I = re.IGNORECASE

# --- names and byline lines -------------------------------------------------------------------------

_NAME_PART = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’\-]*\.?"
_PARTICLE = r"(?:von|van|der|den|de|du|da|di|del|della|des|le|la|ten|ter|bin|ibn|al|el|zu|y)"
_PARTICLE_RE = re.compile(_PARTICLE, re.IGNORECASE)
NAME = rf"{_NAME_PART}(?:\s+(?:{_PARTICLE}\s+)*{_NAME_PART}){{1,3}}"
_NAMES = rf"{NAME}(?:\s*(?:,|&|\bund\b|\band\b|\bet\b|\by\b|\be\b)\s*{NAME})*"
_BYLINE = re.compile(
    rf"(?:^|\s|\|)(?i:by|von|par|por|di|door|de|text|texte|autor(?:in)?|author|auteur|"
    rf"written by|geschrieben von|ein (?:kommentar|bericht|gastbeitrag) von|reporting by)"
    rf"\s*:?\s+(?P<name>{_NAMES})"
)
_BYLINE_CI = re.compile(
    r"^(?:by|von|par|por|di|door|text|texte|autor(?:in)?|author|auteur|written by|geschrieben von)\b",
    re.IGNORECASE,
)
_NAME_LINE = re.compile(rf"^(?P<name>{_NAMES})$")
_BYLINE_INTRO = re.compile(
    r"(?:(?:eine?|an?|une?)\s+)?(?:analyse|analysis|kommentar|commentary|kolumne|column|gastbeitrag|"
    r"guest post|bericht|report|reportage|essay|interview|entretien|rezension|review|kritik|glosse|"
    r"porträt|portrait|chronique|tribune|opinion|meinung|text|texte|fotos?|photos?|"
    r"text und fotos?|texte et photos?)",
    re.IGNORECASE,
)
ROLE_WORDS = re.compile(
    r"\b(?:redakteur\w*|korrespondent\w*|reporter|editor|writer|columnist|correspondent|"
    r"journaliste|rédact\w*|staff writer|autor\w*|author|contributor|envoyé\w* spécia\w*)\b",
    re.IGNORECASE,
)
_NOT_NAME_WORDS = frozenset(
    ["home", "news", "politik", "wirtschaft", "kultur", "sport", "panorama", "ausland", "inland", "meinung", "wissen", "digital", "reise", "auto", "karriere", "gesundheit", "video", "videos", "podcast", "live", "ticker", "newsletter", "anzeige", "werbung", "world", "politics", "business", "culture", "opinion", "science", "tech", "technology", "health", "sports", "travel", "style", "monde", "politique", "économie", "société", "sport", "international", "france", "europe", "idées", "culture", "read", "more", "share", "menu", "search", "login", "subscribe", "related", "most", "popular", "latest", "breaking", "update", "updated", "published", "veröffentlicht", "aktualisiert", "stand", "publié", "mis", "jour", "about", "contact", "privacy", "terms", "cookies", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "januar", "februar", "märz", "juni", "juli", "oktober", "dezember", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "the", "der", "die", "das", "le", "la", "les", "ein", "eine", "einer", "analyse", "kommentar", "kolumne", "essay", "interview", "bericht", "reportage", "gastbeitrag", "porträt", "glosse", "rezension", "kritik", "review", "column", "analysis", "commentary", "feature", "report", "opinion", "chronique", "tribune", "entretien", "reportage", "enquête", "éditorial"]
)


_NAME_SUFFIX = re.compile(r"\s+(?:(?:for|für|pour|para|per|of|du)\s+|de la\s+(?=r[ée]dac)).*$", re.IGNORECASE)


def clean_name(name: str) -> str | None:
    name = re.sub(r"\s+", " ", name).strip(" ,;:|-–—·•")
    name = _NAME_SUFFIX.sub("", name)  # "JAMES HOLLAND FOR MAILONLINE"
    parts = name.split()
    half = len(parts) // 2
    if len(parts) % 2 == 0 and parts[:half] == parts[half:]:
        parts = parts[:half]  # "Sean Martin Sean Martin": a byline printed twice
        name = " ".join(parts)
    if not (2 <= len(parts) <= 12):
        return None
    # "Marie Le Goff", "Jan van der Berg": a particle inside a name is not a stop word
    inner = set(range(1, len(parts) - 1))
    if any(p.lower().strip(".,") in _NOT_NAME_WORDS and not (i in inner and _PARTICLE_RE.fullmatch(p))
           for i, p in enumerate(parts)):
        return None
    if any(ch.isdigit() for ch in name):
        return None
    return name


def byline(line: str) -> str | None:
    """The author named by a byline: "Von Anna Muster", "By Jane Doe | Reuters", "Par Léa Dupont"."""
    s = strip_bullet(line)[1].strip()
    if len(s) > 160:
        return None
    m = _BYLINE.search(s)
    if m and (m.start() == 0 or _BYLINE_CI.match(s) or parse_datetime(s) or "|" in s[: m.start() + 2]
              or s[: m.start()].strip().endswith(("|", "·", "•", "-", "–", "—", ","))
              or _BYLINE_INTRO.fullmatch(s[: m.start()].strip())):  # "Eine Analyse von …"
        name = clean_name(m.group("name"))
        if name:
            return name
    return None


def bare_name(line: str) -> str | None:
    """A line that is nothing but a person's name: "• Emre Bölükbasi", "Anna Muster"."""
    s = strip_bullet(line)[1].strip()
    if len(s) > 60 or not _NAME_LINE.match(s):
        return None
    return clean_name(s)


BYLINE_HINT = re.compile(
    r"(?i)\b(?:by|von|par|por|di|door|de|text|texte|autor|autorin|author|auteur|written|geschrieben|"
    r"reporting|ein)\b"
)


# --- byline and taxonomy lines at the edges of a body ----------------------------------------------

_PAGE_META = re.compile(
    r"\b(?:posted|published|publicado|publié|veröffentlicht|geschrieben|written|updated) (?:by|por|par|von)\b|"
    r"\b(?:categor(?:y|ies|ia|ie)|kategorie|rubrik|tags?|schlagworte|filed under|comments?|"
    r"kommentare|comentários)\s*:|^by\s+\w+|^von\s+\w+",
    _I,
)


def is_page_meta(s: str) -> bool:
    """A dateline ("Updated 14 hours ago", "19.11.2019, 14:35 Uhr") or a byline/taxonomy line
    ("05/10/2018 - Posted by: X - Category: Y - Tags: z")."""
    if is_dateline(s):
        return True
    if len(s) > 200:
        return False
    hits = len(_PAGE_META.findall(s)) + (1 if DATE.search(s) else 0)
    return hits >= 2


# --- organisations are not authors ----------------------------------------------------------------

_ORG_WORDS = re.compile(
    r"\b(?:gmbh|ag|kg|kgaa|se|mbh|e\.\s?v|inc|ltd|llc|llp|plc|corp|corporation|company|co|s\.?a\.?s?|"
    r"sarl|s\.?r\.?l|spa|bv|nv|verlag\w*|media|medien|mediengruppe|group|gruppe|groupe|holding|"
    r"redaktion\w*|newsroom|staff|team|desk|editors?|editorial|rédaction|redacción|redazione|"
    r"agentur\w*|agency|agence|press|presse|news|nachrichten|online|digital|zeitung|magazin|"
    r"magazine|journal|times|rundfunk|radio|tv|television|télévision|broadcasting|publishing|"
    r"publications?|éditions?|network|associated|noticias|notícias|redacci[oó]n|reda[cç][aã]o|prensa|"
    r"diario|periódico|quotidien|giornale|tageblatt|anzeiger|kurier|bote|rundschau)\b\.?",
    _I,
)
_AGENCIES = frozenset(
    ["dpa", "afp", "ap", "reuters", "kna", "epd", "sid", "apa", "ddp", "dapd", "ats", "ansa", "efe", "belga", "anp", "sda", "tass", "xinhua", "afx", "dts", "bloomberg", "upi", "aap", "pa"]
)
_WITH_AGENCY = re.compile(r"\s(?:avec|with|mit|con|com)\s+(?:" + "|".join(sorted(_AGENCIES)) + r")\b", _I)
_DOMAIN = re.compile(r"\w\.(?:[a-z]{2,3}|com|net|org|info|media|news|online)\b|\bwww\b|://", _I)


def _key(name: str) -> str:
    return re.sub(r"\W+", "", name.lower())


def is_organisation(name: str, publishers: set[str] | frozenset[str] = frozenset()) -> bool:
    """True when ``name`` names an organisation rather than a person: a legal form or a newsroom
    word ("Süddeutsche de GmbH; Munich; Germany", "Redaktion", "BBC News"), a news agency
    ("dpa", "AFP/Reuters"), a domain ("tagesschau.de"), or one of ``publishers`` (the page's
    publisher and site names and hosts, compared without case, spaces or punctuation:
    "Tagesschau De" is tagesschau.de)."""
    s = name.strip()
    if not s:
        return True
    if _ORG_WORDS.search(s) or _DOMAIN.search(s):
        return True
    parts = [p for p in re.split(r"[\s/,&+]+|\bund\b|\band\b", s.lower()) if p]
    if parts and all(p.strip(".()") in _AGENCIES for p in parts):
        return True
    if _WITH_AGENCY.search(s):  # "Le Monde avec AFP", "SZ mit dpa"
        return True
    key = _key(s)
    for publisher in publishers:
        if key == _key(publisher):
            return True
        if "." in publisher and " " not in publisher:  # a host: "www.tagesschau.de" is "Tagesschau"
            labels = publisher.lower().removeprefix("www.").split(".")
            if key in (_key(".".join(labels)), _key(labels[0])) or (len(labels) > 2 and key == _key(labels[-2])):
                return True
    return False


_BY_PREFIX = re.compile(
    r"^(?:(?:post(?:ed)?|written|geschrieben|eingestellt|verfasst|publié|publiée|publicado|"
    r"an analysis|analysis|eine analyse|un documentaire|reportage|text(?:e)?)\s+)?"
    r"(?:author\s*:?\s*)?(?:by|von|par|por|door|autor(?:in)?|author|auteur)\s*:?\s+",
    _I,
)
_CREDIT = re.compile(r"^(?:photos?|fotos?|bild(?:er)?|images?|credits?|illustrations?)\b", _I)
_SPLIT = re.compile(r"\s*(?:[;|,&/]|\s(?:and|und|et|y|e)\s)\s*", _I)
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]|@\w+")
_LOWER_OK = re.compile(rf"^(?:{_PARTICLE})$", _I)


def people(value: str, publishers: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The persons' names in an author value or a byline: "By TOM KRISHER, AP Auto Writer" ->
    ["Tom Krisher"]; "Meg Kinnard and Errin Haines, Associated Press" -> both names; roles,
    credentials, organisations (:func:`is_organisation`), photo credits, labels and single words
    are left out. A name is capitalised words (particles such as "von", "de" aside), or all in
    one case ("TOM KRISHER", "giampiero maggio": title-cased)."""
    s = " ".join(_PARENS.sub(" ", html.unescape(value)).split())
    if _CREDIT.match(s):
        return []
    s = _BY_PREFIX.sub("", s, count=1)
    out: list[str] = []
    for part in _SPLIT.split(s):
        part = part.strip(" .:-–—")
        if (not part or " " not in part or ":" in part or ROLE_WORDS.search(part)
                or is_organisation(part, publishers)):
            continue
        name = clean_name(part)
        if not name:
            continue
        if name.isupper() or name.islower():
            name = name.title()
        elif any(w[0].islower() and not _LOWER_OK.match(w) for w in name.split()):
            continue  # "Recipe by Eat What Tonight", "ev on Unsplash"
        out.append(name)
    return list(dict.fromkeys(out))
