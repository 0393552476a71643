"""Dates: publication times from a page's structured data, dates printed in text, datelines.

- :func:`published` — a page's publication time as precise as it says it: JSON-LD
  ``datePublished``, the usual ``meta`` tags and ``itemprop``; htmldate's guess (a day) only when
  none of them is there (the slow path: most news pages carry structured data).
- :func:`iso` — an ISO 8601 date or timestamp from structured data, validated.
- :func:`parse_datetime` — the first date (and a time near it) printed in a line of text, in
  de/en/fr (and common es/it/pt/nl) spellings: what the dump cleaner reads from its header lines.
- :func:`is_dateline` — a line that is a date or an "updated" stamp and little else: furniture
  at the edges of an extracted body.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from .boilerplate import strip_bullet

__all__ = ["DATE", "PUBLISHED_LABEL", "UPDATED_LABEL", "is_dateline", "iso", "parse_datetime",
           "published", "time_only"]

_I = re.IGNORECASE
_WORD = re.compile(r"\w+")

# --- dates printed in text ------------------------------------------------------------------------

_MONTHS = {
    # de
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
    # en
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10,
    "december": 12,
    # fr
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
    "decembre": 12,
    # es / it / pt / nl (the common ones)
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12, "janeiro": 1, "fevereiro": 2, "março": 3,
    "maio": 5, "junho": 6, "julho": 7, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
}
_MON_ABBR = {
    "jan": 1, "feb": 2, "febr": 2, "mar": 3, "mär": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "dez": 12, "janv": 1,
    "févr": 2, "fév": 2, "avr": 4, "juil": 7, "déc": 12,
}
_MONTH_NAMES = sorted(list(_MONTHS) + list(_MON_ABBR), key=len, reverse=True)
_MON = r"(?P<mon>" + "|".join(re.escape(m) for m in _MONTH_NAMES) + r")\.?"

_TIME = (
    r"(?P<hh>[01]?\d|2[0-3])\s*(?:[:.h]|\s?Uhr\s?)\s*(?P<mm>[0-5]\d)(?!\d)"
    r"(?:\s*(?P<ampm>[ap]\.?\s?m\.?)(?![a-z]))?"
)
_TIME_RE = re.compile(_TIME, re.IGNORECASE)
_TIME_AMPM_ONLY = re.compile(r"\b(?P<hh>1[0-2]|0?[1-9])\s*(?P<ampm>[ap]\.?m\.?)(?![a-z])", re.IGNORECASE)

_DATE_RES = [
    # 2025-06-02, 2025-06-02T13:58
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?!\d)"),
    # 02.06.2025, 2.6.25
    re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.\s?(?P<m>[01]?\d)\.\s?(?P<y>(?:19|20)?\d\d)(?![\d])"),
    # 02/06/2025 or 11/19/19 (order resolved later)
    re.compile(r"(?<![\d/])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<y>(?:19|20)?\d\d)(?![\d/])"),
    # 2. Juni 2025, 2 June 2025, 18 NOV 2019, 1er juin 2025
    re.compile(r"(?<!\d)(?P<d>[0-3]?\d)(?:\.|er|st|nd|rd|th)?\s+(?:de\s+)?" + _MON + r"\s+(?:de\s+)?(?P<y>(?:19|20)\d\d)(?!\d)", re.IGNORECASE),
    # June 2, 2025 ; Nov. 19, 2019 ; November 19 2019
    re.compile(_MON + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)", re.IGNORECASE),
]

_HAS_YEAR = re.compile(r"\d[./-]\s?\d|(?:19|20)\d\d")

PUBLISHED_LABEL = re.compile(
    r"\b(?:veröffentlicht|publiziert|erstellt|erschienen|published|posted|publié|publiee|publiée|"
    r"publicado|pubblicato|first published|datum|date)\b",
    re.IGNORECASE,
)
UPDATED_LABEL = re.compile(
    r"\b(?:aktualisiert|zuletzt aktualisiert|geändert|stand|updated|last updated|mis à jour|"
    r"modifié|actualizado|aggiornato|atualizado)\b",
    re.IGNORECASE,
)


def _month(name: str) -> int | None:
    n = name.lower().rstrip(".")
    return _MONTHS.get(n) or _MON_ABBR.get(n)


def parse_datetime(line: str, lang: str | None = None) -> tuple[str, int, int] | None:
    """The first date (and a time near it) in ``line``: (ISO string, start, end) or None.

    The ISO string is local time as printed: ``2025-06-02T13:58`` or ``2025-06-02``.
    """
    if not _HAS_YEAR.search(line):
        return None
    best = None
    for k, rx in enumerate(_DATE_RES):
        m = rx.search(line)
        if not m or (best and best[1].start() <= m.start()):
            continue
        g = m.groupdict()
        try:
            if k == 2:
                a, b = int(g["a"]), int(g["b"])
                if a > 12 or (lang not in ("en", None) and b <= 12):
                    d, mo = a, b
                else:
                    mo, d = a, b
                if lang is None and a <= 12 and b <= 12:
                    d, mo = a, b  # ambiguous without a language: day first, as most of the world
            else:
                d = int(g["d"])
                mo = int(g["m"]) if g.get("m") else _month(g["mon"])
            y = int(g["y"])
        except (TypeError, ValueError):
            continue
        if y < 100:
            y += 2000
        if not mo or not (1 <= mo <= 12 and 1 <= d <= 31 and 1990 <= y <= 2100):
            continue
        best = (k, m, y, mo, d)
    if best is None:
        return None
    _, m, y, mo, d = best
    iso = f"{y:04d}-{mo:02d}-{d:02d}"
    start, end = m.start(), m.end()
    rest = line[end : end + 40]
    before = line[max(0, start - 30) : start]
    after = _TIME_RE.search(rest)
    prior = None
    for prior in _TIME_RE.finditer(before):
        pass  # the last time before the date is the closest one
    if after is not None and prior is not None:
        # "Published: 15:42 BST, 4 June 2025 | Updated: 17:05 BST" → the time nearest to the date
        if len(before) - prior.end() < after.start():
            after = None
    t = after or prior
    if t is not None:
        iso += f"T{_to24(int(t.group('hh')), t.group('ampm')):02d}:{int(t.group('mm')):02d}"
        if after is not None:
            end += after.end()
        else:
            start = max(0, start - 30) + t.start()
    else:
        t2 = _TIME_AMPM_ONLY.search(rest)
        if t2:
            iso += f"T{_to24(int(t2.group('hh')), t2.group('ampm')):02d}:00"
            end += t2.end()
    return iso, start, end


def _to24(hh: int, ampm: str | None) -> int:
    if not ampm:
        return hh
    pm = ampm.lower().startswith("p")
    if hh == 12:
        return 12 if pm else 0
    return hh + 12 if pm else hh


def time_only(line: str) -> str | None:
    """"13:58 Uhr", "à 13h58", "8:03 am ET" on a line of its own: "13:58"."""
    s = strip_bullet(line)[1].strip()
    if len(s) > 30:
        return None
    m = _TIME_RE.search(s)
    if not m:
        return None
    residue = (s[: m.start()] + s[m.end() :]).strip(" ,|·•-–—")
    if residue and not re.fullmatch(
        r"(?:um|à|a|at|alle|às|uhr|h|[A-Z]{2,4}|\(?(?:mez|mesz|cet|cest|utc|gmt|et|est|edt|pt|pst|pdt)\)?"
        r"|(?:um|à|at)\s+\S+)", residue, re.IGNORECASE
    ):
        return None
    return f"{_to24(int(m.group('hh')), m.group('ampm')):02d}:{int(m.group('mm')):02d}"


# --- datelines -----------------------------------------------------------------------------------

# Datelines: a line that is a date (or an "updated" time) and little else.
_MONTH_WORDS = (
    r"jan(?:uary|uar|vier)?|feb(?:ruary|ruar)?|février|mar(?:ch)?|märz|mars|apr(?:il)?|avril|"
    r"may|mai|june?|juni|juin|july?|juli|juillet|aug(?:ust)?|août|sept?(?:ember|embre)?|"
    r"oct(?:ober|obre)?|okt(?:ober)?|nov(?:ember|embre)?|dec(?:ember)?|dez(?:ember)?|décembre|"
    r"janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro|"
    r"enero|febrero|marzo|mayo|junio|julio|septiembre|octubre|noviembre|diciembre"
)
DATE = re.compile(rf"\b(?:\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|(?:{_MONTH_WORDS})\.?)(?!\w)", _I)
_CLOCK = re.compile(r"\b\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|uhr|h)?(?!\w)", _I)
_STAMP_LABEL = re.compile(
    r"\b(?:updated|update|published|posted|first published|last (?:updated|modified)|modified|"
    r"aktualisiert|veröffentlicht|erstellt|stand|zuletzt|publié|mis à jour|publicado|atualizado|"
    r"pubblicato|aggiornato)\b",
    _I,
)
_DATE_FILLER = frozenset(
    ["am", "pm", "a", "m", "p", "uhr", "um", "on", "at", "the", "of", "in", "by", "de", "à", "le", "la", "du", "às", "el", "del", "h", "hours", "hour", "minutes", "minute", "days", "day", "ago", "vor", "stunden", "minuten", "tagen", "first", "last", "edt", "est", "pdt", "pst", "cst", "cdt", "gmt", "utc", "bst", "cet", "cest", "mez", "mesz", "ist", "amt", "et", "pt", "ct", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo", "feira", "updated", "update", "published", "posted", "modified", "aktualisiert", "veröffentlicht", "erstellt", "stand", "zuletzt", "publié", "mis", "jour", "publicado", "atualizado", "pubblicato", "aggiornato"]
)


def is_dateline(s: str) -> bool:
    """A line that is a date (or an "updated" time) and little else: "Updated 14 hours ago",
    "19.11.2019, 14:35 Uhr", "Publié le 3 mars 2024 à 10h05"."""
    if len(s) > 120:
        return False
    has_date = bool(DATE.search(s))
    if not has_date and not (_CLOCK.search(s) and _STAMP_LABEL.search(s)):
        return False
    rest = _CLOCK.sub(" ", DATE.sub(" ", s))
    left = [w for w in _WORD.findall(rest.lower()) if not w.isdigit() and w not in _DATE_FILLER]
    return len(left) <= 3


# --- structured data -------------------------------------------------------------------------------

_DATE_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "published_time",
    "release_date",
)


def iso(value: str | None) -> str | None:
    """An ISO 8601 date or timestamp, as precise as given; None if ``value`` is not one."""
    if not value:
        return None
    s = value.strip()
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?", s)
    if not m:
        return None
    day, clock, zone = m.groups()
    try:
        year = date.fromisoformat(day).year
    except ValueError:
        return None
    if not 1990 <= year <= date.today().year + 1:
        return None
    if not clock:
        return day
    stamp = f"{day}T{clock}"
    if zone:
        stamp += "+00:00" if zone == "Z" else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
    try:
        datetime.fromisoformat(stamp)
    except ValueError:
        return day
    return stamp


def _json_dates(obj, out: list[str]) -> None:
    if isinstance(obj, dict):
        for key in ("datePublished", "dateCreated", "uploadDate"):
            value = obj.get(key)
            if isinstance(value, str):
                out.append(value)
        for value in obj.values():
            if isinstance(value, (dict, list)):
                _json_dates(value, out)
    elif isinstance(obj, list):
        for value in obj:
            _json_dates(value, out)


def _most_precise(values: list[str]) -> str | None:
    """The first valid date, upgraded to a later timestamp of the same day if there is one."""
    best = None
    for value in values:
        stamp = iso(value)
        if stamp and (best is None or (len(stamp) > len(best) and stamp.startswith(best[:10]))):
            best = stamp
            if len(best) > 10:
                break
    return best


def published(tree, url: str | None, articles: list[dict], metas: list[tuple[str, str]],
              itemprops, others: list[dict] = ()) -> str | None:
    """Publication time as precise as the page gives it, from structured data first: JSON-LD
    ``datePublished`` of the article (``articles``: its JSON-LD objects), then the usual meta tags
    (``metas``: lower-cased name and content, in document order), ``itemprop="datePublished"``
    elements (``itemprops()``: called only when these gave no date), then other JSON-LD objects (``others``: an embedded video's ``uploadDate``);
    htmldate's guess (a day) only when none of them gives a date."""
    candidates: list[str] = []
    _json_dates(articles, candidates)
    candidates.extend(content for key, content in metas if key in _DATE_META)
    best = _most_precise(candidates)
    if not best:
        for el in itemprops():
            if el.get("itemprop") == "datePublished":
                candidates.append(el.get("datetime") or el.get("content") or "")
        _json_dates(others, candidates)
        best = _most_precise(candidates)
    if best:
        return best
    from htmldate import find_date  # the slow path: imported when first needed

    try:
        day = find_date(tree, url=url, extensive_search=False, original_date=True)
    except Exception:  # noqa: BLE001  (htmldate is best effort)
        day = None
    if not day:
        return None
    # a <time datetime> of the same day gives the time of day too
    stamps = [el.get("datetime", "") for el in tree.iterfind(".//time[@datetime]")]
    return _most_precise([day] + [t for t in stamps if t.startswith(day)]) or day
