"""Clean a plain-text web dump: a whole news page flattened to text, boilerplate included.

The input is one line per block (as browsers' "save as text", html-text or copy-and-paste
produce), already normalised (NFC, LF). Each non-empty line is a candidate paragraph.

The method is general and line-based, in four passes:

1. **Line features.** Length in words, sentence punctuation, function-word density, bullet
   markers, capitalisation, known boilerplate vocabulary (``boilerplate.py``: ads, share and
   navigation prompts, newsletter/cookie/comment notices, job listings, credits, teasers…),
   dates and bylines, duplicates (an image caption repeated with a "© AGENCY" suffix).
2. **Scores.** Prose lines score by their length; labels, notices and metadata score
   negatively; short lines slightly negatively and more so in runs (menus, link lists).
3. **Main block.** The contiguous stretch with the highest total score (maximum subarray) is
   the article; page furniture before and after it falls away, and short interruptions inside
   it (ads, "read more" teasers, promo boxes) are bridged and then dropped line by line.
4. **Metadata.** Title, kicker, author and publication time are read from the lines just above
   the main block (and, failing that, from notices around it).

Nothing here is specific to one site; ``tests/fixtures/dumps`` holds dumps of other layouts in
several languages that the same code has to clean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import detect_language
from . import Cleaned
from .boilerplate import (
    _ALL_STOP,
    is_ad_label,
    is_appendix_header,
    is_boilerplate_line,
    is_comment_header,
    is_credit_line,
    is_list_header,
    is_signoff,
    split_credit,
    strip_bullet,
    words,
)
from .bylines import BYLINE_HINT as _BYLINE_HINT
from .bylines import NAME as _NAME
from .bylines import ROLE_WORDS as _ROLE_WORDS
from .bylines import bare_name as _bare_name
from .bylines import byline as _byline
from .bylines import clean_name as _clean_name
from .dates import PUBLISHED_LABEL as _PUBLISHED_LABEL
from .dates import UPDATED_LABEL as _UPDATED_LABEL
from .dates import parse_datetime
from .dates import time_only as _time_only

__all__ = ["clean_dump", "parse_datetime"]

# --- line model -----------------------------------------------------------------------------------

GOOD, MEDIUM, SHORT, BAD, META = "good", "medium", "short", "bad", "meta"

_SENT_END = re.compile(r"[.!?…:;。！？][\"'”“»«’)\]」』]*$|[\"”»」』]$")
_FULL_STOP = re.compile(r"[.!?…。！？][\"'”“»«’)\]」』]*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def _count_words(text: str, ws: list[str]) -> int:
    """Words, with runs of CJK characters (written without spaces) counted as one per two chars."""
    if not _CJK.search(text):
        return len(ws)
    n = 0
    for w in ws:
        c = len(_CJK.findall(w)) if _CJK.search(w) else 0
        n += 1 + (c - 1) // 2 if c > 1 else 1
    return n


@dataclass(slots=True)
class _Line:
    i: int  # position among non-empty lines
    raw: str  # the line as given, stripped: what the body shows
    text: str  # stripped, inner whitespace runs collapsed: what the rules look at
    body: str  # without bullet marker
    bullet: str
    gap_before: bool  # a blank line precedes it
    nwords: int
    stop: float
    sentence: bool  # ends like a sentence
    caps: float  # share of capitalised words (headline case)
    kind: str = SHORT
    score: float = 0.0
    reason: str = ""


def _caps_ratio(ws: list[str]) -> float:
    long = [w for w in ws if len(w) > 3 and not w.isdigit()]
    if not long:
        return 0.0
    return sum(w[0].isupper() for w in long) / len(long)


# --- scoring --------------------------------------------------------------------------------------


def _features(text: str) -> list[_Line]:
    out: list[_Line] = []
    gap = True
    for raw in text.split("\n"):
        stripped = raw.strip().strip("\u200b\u200c\u200d\u2060\ufeff").strip()
        if not stripped:
            gap = True
            continue
        s = " ".join(stripped.split())
        bullet, body = strip_bullet(s)
        ws = words(body)
        low_ws = [w.lower() for w in ws]
        out.append(
            _Line(
                i=len(out),
                raw=stripped,
                text=s,
                body=body,
                bullet=bullet,
                gap_before=gap,
                nwords=_count_words(body, ws),
                stop=sum(w in _ALL_STOP for w in low_ws) / len(ws) if ws else 0.0,
                sentence=bool(_SENT_END.search(body)),
                caps=_caps_ratio(ws),
            )
        )
        gap = False
    return out


def _is_meta(ln: _Line, lang: str | None) -> bool:
    """Dates, times, bylines, reading times, counters: the article's furniture, not its text."""
    s = ln.body
    if ln.nwords > 22:
        return False
    if len(s) <= 30 and _time_only(s):
        return True
    d = parse_datetime(s, lang)
    if d:
        iso, a, b = d
        residue = words(s[:a] + " " + s[b:])
        if len(residue) <= 12 and not _FULL_STOP.search(s):
            return True
    if len(s) <= 160 and _BYLINE_HINT.search(s) and _byline(s):
        return True
    if ln.nwords <= 5 and not ln.sentence and _ROLE_WORDS.search(s):  # "Political correspondent"
        return True
    low = s.lower()
    if ("min" in low or "lese" in low or "read" in low or "lecture" in low or "leitura" in low) \
            and _READING_TIME.search(s):
        return True
    return bool(_NUMBERS_ONLY.fullmatch(s))


_READING_TIME = re.compile(
    r"\b\d+\s*(?:min(?:ute[sn]?)?\.?|minuten)\b.{0,12}\b(?:read|lesezeit|lesen|lecture|de lecture)\b"
    r"|\b(?:lesezeit|reading time|temps de lecture|tempo de leitura)\b",
    re.IGNORECASE,
)
_NUMBERS_ONLY = re.compile(r"[\d\s.,:/|·•+()\-–—%]+")


def _classify(lines: list[_Line], lang: str | None, prose_stop: bool) -> None:
    texts = [ln.text for ln in lines]
    for k, ln in enumerate(lines):
        # duplicates of a neighbour with a credit glued on, or verbatim repeats nearby
        dup = False
        for j in range(max(0, k - 3), min(len(lines), k + 4)):
            if j == k:
                continue
            other = texts[j]
            if len(other) >= 20 and ln.text != other and ln.text.startswith(other):
                tail = ln.text[len(other) :].strip()
                if len(tail) <= 80 and (split_credit(ln.text) or is_credit_line(tail) or len(words(tail)) <= 6):
                    dup = True
            if j < k and ln.text == other and ln.nwords >= 3:
                dup = True
        if dup:
            ln.kind, ln.reason = BAD, "duplicate"
            continue
        if _TWEET_CREDIT.match(ln.text):
            ln.kind, ln.reason = MEDIUM, "embed"  # "— Name (@handle) November 18, 2019": part of a quote
            continue
        if is_ad_label(ln.text):
            ln.kind, ln.reason = BAD, "ad"
            continue
        if is_boilerplate_line(ln.text):
            ln.kind, ln.reason = BAD, "vocab"
            continue
        if _is_meta(ln, lang):
            ln.kind, ln.reason = META, "meta"
            continue
        # captions: a line directly followed by a credit line (not by an agency sign-off such as
        # "ks/dpa/AFP", which ends the story: the line before it is its last paragraph)
        if k + 1 < len(lines) and not lines[k + 1].gap_before and is_credit_line(lines[k + 1].body) \
                and ln.nwords <= 60 and not is_signoff(lines[k + 1].body):
            ln.kind, ln.reason = BAD, "caption"
            continue
        if ln.nwords >= 9 and ln.body.isupper():
            ln.kind, ln.reason = SHORT, "shout"  # "CO-FOUNDER 'PROUD' OF HOME DEPOT EMPLOYEES …": a teaser
            continue
        prose = (not prose_stop) or ln.stop >= 0.1
        headline = lang == "en" and ln.caps >= 0.7 and ln.nwords >= 4
        if ln.nwords >= 10 and prose and not headline and (ln.sentence or ln.nwords >= 25):
            ln.kind = GOOD
        elif ln.nwords >= 5 and ln.sentence and prose and not headline and not _exclaimed(ln):
            ln.kind = MEDIUM
        elif len(ln.body) >= 60 and not prose_stop and ln.sentence:
            ln.kind = GOOD  # scripts without spaces or function words (CJK…)
        else:
            ln.kind = SHORT


_TWEET_CREDIT = re.compile(r"^[—–-]\s*[^()]{1,60}\(@\w{1,30}\)\s.{0,40}\d{4}$")


def _exclaimed(ln: _Line) -> bool:
    """A short line shouting "…!" outside quoted speech: a slogan or teaser, not prose."""
    return ln.body.rstrip().endswith("!") and not _QUOTE_CHARS.search(ln.body) and ln.nwords <= 15


_QUOTE_CHARS = re.compile(r"[\"„“”«»]")


# Line scores for the main-block search. Prose earns its length in words (capped, so that one
# huge blob cannot outweigh a real article); furniture costs a fixed amount. The landscape is flat
# around these values (each can move by ±30% for less than ±0.003 F1 on the dev set).
_PROSE_CAP = 80  # words
_LONE_BLURB = 0.5  # factor for a prose line with no prose neighbour (teaser grids)
_MEDIUM_PER_WORD = 0.5
_COST_META = 20  # date, byline, reading time
_COST_BAD = 20  # labels, notices, share bars, credits
_COST_INTERRUPTION = 4  # ad labels, duplicates, items of a related-links box
_COST_SHORT = 3  # a short line among other lines
_COST_SHORT_RUN = 8  # a short line in a run of short lines: menus, link lists


def _neighbour(lines: list[_Line], k: int, step: int, through_all: bool = False) -> str | None:
    """Kind of the nearest line in direction ``step``, looking through ads and duplicates (or
    through every boilerplate line)."""
    j = k + step
    while 0 <= j < len(lines):
        skip = lines[j].reason in ("ad", "duplicate") or (
            through_all and (lines[j].kind == BAD or lines[j].reason == "boxitem")
        )
        if not skip:
            return lines[j].kind
        j += step
    return None


def _mark_boxes(lines: list[_Line]) -> None:
    """A label ("Mehr zum Thema", "Read more") with a handful of short links glued under it is one
    insert box: its items cost little, so the article text around it stays connected."""
    n = len(lines)
    for k, ln in enumerate(lines):
        if ln.kind != BAD or ln.reason != "vocab" or not is_list_header(ln.text):
            continue
        j = k + 1
        while j < n and j - k <= 10 and (j == k + 1 or not lines[j].gap_before) and (
            lines[j].kind == SHORT or (lines[j].kind == BAD and lines[j].reason == "vocab")
        ):
            j += 1
        items = lines[k + 1 : j]
        if 1 <= sum(x.kind == SHORT for x in items) <= 6:
            ln.reason = "boxhead"  # the label costs no more than its items: the box is one insert
            for item in items:
                item.reason = "boxitem"


def _mark_lists(lines: list[_Line]) -> None:
    """Short lines under a prose line ending in a colon are the items it announces: they cost nothing."""
    for k, ln in enumerate(lines):
        if ln.kind in (GOOD, MEDIUM) and ln.body.endswith(":"):
            n = _short_run(lines, k + 1)
            if n >= 2:
                for item in lines[k + 1 : k + 1 + n]:
                    item.reason = "listitem"


def _score(lines: list[_Line]) -> None:
    _mark_boxes(lines)
    _mark_lists(lines)
    n = len(lines)
    prose = (GOOD, MEDIUM)
    for k, ln in enumerate(lines):
        if ln.kind == GOOD:
            ln.score = min(ln.nwords, _PROSE_CAP) + (5 if ln.stop >= 0.25 else 0)
            if _neighbour(lines, k, -1, True) not in prose and _neighbour(lines, k, 1, True) not in prose:
                ln.score *= _LONE_BLURB  # a lone blurb between labels: teaser lists look like this
        elif ln.kind == MEDIUM:
            ln.score = 0 if ln.reason == "embed" else ln.nwords * _MEDIUM_PER_WORD
        elif ln.kind == META:
            ln.score = -_COST_META
        elif ln.kind == BAD:
            ln.score = -_COST_INTERRUPTION if ln.reason in ("ad", "duplicate", "boxhead", "boxitem") else -_COST_BAD
        else:
            # short lines: a little negative, more so in a run of short lines (menus, link lists)
            run = 1
            j = k - 1
            while j >= 0 and lines[j].kind in (SHORT, BAD, META) and run < 4:
                run, j = run + 1, j - 1
            j = k + 1
            while j < n and lines[j].kind in (SHORT, BAD, META) and run < 4:
                run, j = run + 1, j + 1
            ln.score = -_COST_SHORT if run < 3 else -_COST_SHORT_RUN
            if ln.reason == "boxitem":
                ln.score = -_COST_INTERRUPTION
            elif ln.reason == "listitem":
                ln.score = 0


def _best_segment(lines: list[_Line]) -> tuple[int, int] | None:
    """The stretch of lines with the highest total score (maximum subarray)."""
    best, best_range = 0.0, None
    cur, start = 0.0, 0
    for k, ln in enumerate(lines):
        if cur <= 0:
            cur, start = 0.0, k
        cur += ln.score
        if cur > best:
            best, best_range = cur, (start, k)
    return best_range


def _before_comments(lines: list[_Line]) -> list[_Line]:
    """The lines before the reader comments, once some article text has been seen."""
    prose = 0
    for k, ln in enumerate(lines):
        if ln.kind == GOOD:
            prose += ln.nwords
        elif prose >= 80 and (is_comment_header(ln.text) or is_appendix_header(ln.text)):
            ln.kind, ln.reason, ln.score = BAD, "end", -12
            return lines[:k]
    return lines


# --- body selection -------------------------------------------------------------------------------


def _is_heading(lines: list[_Line], k: int, a: int, b: int) -> bool:
    """A short line between paragraphs that introduces the next one: a subheading."""
    ln = lines[k]
    if k + 1 > b or len(ln.body) > 120 or ln.nwords > 15 or (ln.bullet and not ln.bullet[0].isdigit()):
        return False
    if lines[k + 1].kind != GOOD:
        # a heading right above a numbered subheading: "How to retire early" / "1. Define …"
        if not (k + 2 <= b and lines[k + 2].kind == GOOD and lines[k + 1].kind == SHORT
                and lines[k + 1].bullet[:1].isdigit() and ln.kind == SHORT and not ln.bullet):
            return False
    if ln.reason == "shout":
        return False
    if ln.kind == MEDIUM:
        # "What does the rise mean for households?"
        return ln.body.endswith("?") and ln.nwords <= 10 and not _QUOTE_CHARS.search(ln.body)
    if ln.kind != SHORT or ln.body.endswith(":") or not re.search(r"[^\W\d_]", ln.body):
        return False
    prv = _neighbour(lines, k, -1) if k > a else None
    if prv is None or prv in (GOOD, MEDIUM):
        return True
    return ln.gap_before and not lines[k + 1].gap_before  # a block of its own, glued to its paragraph


def _short_run(lines: list[_Line], k: int) -> int:
    """Length of the block of short lines starting at ``k`` (a blank line ends it after the first)."""
    j = k
    while j < len(lines) and j - k < 80 and lines[j].kind == SHORT and lines[j].reason in ("", "listitem"):
        if j > k and lines[j].gap_before:
            break
        j += 1
    return j - k


_ITEM_SHAPE = re.compile(r"^\W*\d|\S:\s|\s[–—-]{1,2}\s|\s@\s|\s\|\s")


def _list_after(lines: list[_Line], k: int) -> int:
    """How many short lines right under line ``k`` form the list it announces: after "…dates:",
    or after a subheading when the items share one shape ("June 9 – Tampa, FL", "England (A): 10th")."""
    ln = lines[k]
    if ln.kind in (GOOD, MEDIUM) and ln.body.endswith(":"):
        n = _short_run(lines, k + 1)
        return n if n >= 2 else 0
    if ln.kind == SHORT and k > 0 and lines[k - 1].kind in (GOOD, MEDIUM) and not ln.body.endswith(":"):
        n = _short_run(lines, k + 1)
        items = lines[k + 1 : k + 1 + n]
        if n >= 3 and sum(bool(_ITEM_SHAPE.search(x.body)) for x in items) >= 0.8 * n:
            return n
    return 0


def _select(lines: list[_Line], seg: tuple[int, int]) -> list[tuple[int, bool]]:
    """(line index, is heading) of the body lines within the main block."""
    a, b = seg
    keep: list[tuple[int, bool]] = []
    k = a
    while k <= b or (k == b + 1 and k < len(lines) and lines[k].kind == SHORT):
        ln = lines[k]
        items = _list_after(lines, k)
        if k > b and not items:
            break  # past the block, only a subheaded list that continues the article may follow
        heading = _is_heading(lines, k, a, b) or (items > 0 and ln.kind == SHORT)
        if ln.kind in (GOOD, MEDIUM) or heading:
            keep.append((k, heading))
        for j in range(k + 1, k + 1 + items):
            lines[j].reason = "listitem"
            keep.append((j, False))
        k += 1 + items
    return keep


def _paragraph(ln: _Line, heading: bool = False) -> str:
    """The body line as Markdown-style text, otherwise exactly as given (stripped)."""
    if heading:
        return "## " + ln.raw
    if ln.bullet[:1].isdigit():
        return ln.raw
    if ln.bullet:
        return "- " + strip_bullet(ln.raw)[1].strip()
    if ln.reason == "listitem":
        return "- " + ln.raw
    return ln.raw


# --- metadata -------------------------------------------------------------------------------------

_TITLE_SEP = re.compile(r"\s+(?:[-|–—:•·»]|::)\s+")
_QUOTED = re.compile(r"[\"“„»«]([^\"“”„»«]{10,200})[\"”“«»]")


def _title_from_html_title(lines: list[_Line], candidates: list[_Line]) -> _Line | None:
    """The candidate that the page's HTML title (its first line, "Headline - Site") repeats."""
    first = lines[0].text
    parts = [p.strip() for p in _TITLE_SEP.split(first) if len(p.strip()) > 15]
    for ln in reversed(candidates):
        if ln.i == 0:
            continue
        t = ln.body
        if len(t) >= 12 and t in first:
            return ln
        if any(p in t and len(p) >= 0.6 * len(t) for p in parts):
            return ln
    return None


def _html_title(lines: list[_Line]) -> str | None:
    """The headline part of a first line shaped like an HTML title: "Headline | Section | Site"."""
    first = lines[0]
    if first.kind not in (SHORT, MEDIUM) or first.nwords > 30:
        return None
    parts = [p.strip() for p in _TITLE_SEP.split(first.text) if p.strip()]
    if len(parts) < 2 or len(words(parts[0])) < 3:
        return None
    if max(len(words(p)) for p in parts[1:]) > 5:  # site and section names are short
        return None
    return parts[0]


def _date_rank(line: str) -> int:
    """0: labelled as the publication time, 1: unlabelled (or "as of"), 2: labelled as an update."""
    pub = _PUBLISHED_LABEL.search(line)
    upd = _UPDATED_LABEL.search(line)
    if pub and (not upd or pub.start() < upd.start()):
        return 0
    if upd and not re.match(r"(?i)stand\b", upd.group(0)):
        return 2
    return 1


_BY_LABEL = re.compile(
    r"^(?:by|von|par|texte? par|text|texte|autor(?:in|en)?|author|auteur(?:e)?|written by|reporter)\s*:?$",
    re.IGNORECASE,
)
_NAME_PLACE = re.compile(rf"^(?P<name>{_NAME})\s+(?:in|à|aus|en|from|at)\s+[A-ZÀ-Ö][\w .'-]{{1,40}}$")


def _find_author(head: list[_Line]) -> tuple[str, int] | None:
    """(name, line index) of the author named in the header lines."""
    for ln in head:  # explicit byline: "Von Anna Muster", "By Jane Doe | Reuters"
        name = _byline(ln.body)
        if name:
            return name, ln.i
    for idx, ln in enumerate(head):
        name = None
        if idx > 0 and _BY_LABEL.match(head[idx - 1].body.strip()):  # "Texte par :" / "Awa Ndiaye"
            name = _bare_name(ln.body)
            if name:
                return name, ln.i
        name = _bare_name(ln.body)
        if name is None:
            m = _NAME_PLACE.match(strip_bullet(ln.body)[1].strip())  # "Leyland Cecco in Toronto"
            name = _clean_name(m.group("name")) if m else None
        if not name:
            continue
        near = head[max(0, idx - 2) : idx + 3]
        if any(x.kind == META for x in near if x is not ln):
            return name, ln.i
    return None


def _short_name(line: str) -> bool:
    """Two or three capitalised words and nothing else ("Ryan Reed"): a name, not a headline."""
    name = _bare_name(line)
    return name is not None and len(name.split()) <= 3


def _find_published(head: list[_Line], lang: str | None) -> str | None:
    dates: list[tuple[int, int, int, str]] = []
    for idx, ln in enumerate(head):
        if ln.nwords > 30:
            continue
        d = parse_datetime(ln.body, lang)
        if not d:
            continue
        iso = d[0]
        if "T" not in iso:
            for nxt in head[idx + 1 : idx + 3]:
                t = _time_only(nxt.body)
                if t:
                    iso += "T" + t
                    break
        dates.append((_date_rank(ln.body), 0 if "T" in iso else 1, idx, iso))
    return min(dates)[3] if dates else None


def _find_kicker(lines: list[_Line], title: _Line, lang: str | None) -> str | None:
    """The short line just above the headline ("Wohnungsbau", "Kommt endlich der Durchbruch?")."""
    k = title.i - 1
    if title.gap_before:
        k = k if k >= 0 and lines[k].kind != BAD else -1
    else:
        # notices glued to the headline block ("This article is more than 1 month old") are skipped
        while k >= 0 and lines[k].kind == BAD and not lines[k].gap_before:
            k -= 1
        if k >= 0 and lines[k].kind == BAD:
            k -= 1
    if k <= 0:
        return None
    prev = lines[k]
    if (
        prev.kind not in (SHORT, MEDIUM)
        or prev.nwords > 8
        or len(prev.body) > 70
        or prev.bullet
        or _short_name(prev.body)
        or is_boilerplate_line(prev.text)
    ):
        return None
    before = lines[k - 1]
    if not (prev.gap_before or before.kind in (META, GOOD) or before.reason == "ad" or prev.body.endswith(":")):
        return None  # the tail of a menu, a breadcrumb trail or a button row
    return prev.body[:-1].strip() if prev.body.endswith(":") else prev.body


def _metadata(lines: list[_Line], body_start: int, lang: str | None) -> dict:
    meta: dict = {"title": None, "kicker": None, "author": None, "published": None, "standfirst": None}
    head = lines[max(0, body_start - 16) : body_start]
    meta["published"] = _find_published(head, lang)
    author = _find_author(head)
    meta["author"], author_line = author if author else (None, -1)
    cands = [
        ln
        for ln in head
        if (ln.kind in (SHORT, MEDIUM, GOOD) or ln.reason == "duplicate")  # a repeated headline
        and 2 <= ln.nwords <= 30
        and len(ln.body) <= 250
        and not ln.body.endswith((".", "…"))
        and not ln.bullet
        and ln.i != author_line
        and not is_boilerplate_line(ln.text)
    ]
    title = _title_from_html_title(lines, cands) if cands else None
    if title is None:
        longish = [
            c for c in cands
            if c.nwords >= 4 and not c.body.endswith("?") and c.i > 0 and not _short_name(c.body)
        ]
        title = longish[-1] if longish else None
    if title is None:
        # a short headline sitting right on top of the byline/date block: "Parken wird teurer"
        above_meta = [c for c in cands if c.i + 1 < len(lines) and lines[c.i + 1].kind == META and c.i > 0]
        title = above_meta[-1] if above_meta else None
    if title is None:
        meta["title"] = _html_title(lines) if lines[0].i < body_start else None
        return meta
    meta["title"] = title.body
    meta["kicker"] = _find_kicker(lines, title, lang)
    for ln in lines[title.i + 1 : body_start]:
        if ln.kind in (GOOD, MEDIUM) or (ln.kind == SHORT and ln.nwords >= 8):
            meta["standfirst"] = ln.body
            break
    return meta


def _quoted_title(lines: list[_Line], kept: set[int]) -> str | None:
    """A headline quoted repeatedly by the page furniture ("Kommentar zum Artikel »…«")."""
    seen: dict[str, int] = {}
    for ln in lines:
        if ln.i in kept:
            continue
        for q in _QUOTED.findall(ln.text):
            q = q.strip()
            if 3 <= len(q.split()) <= 25 and not q.endswith("."):
                seen[q] = seen.get(q, 0) + 1
    best = [q for q, c in seen.items() if c >= 2]
    return max(best, key=lambda q: seen[q]) if best else None


# --- entry point ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Analysis:
    lines: list[_Line]
    lang: str | None
    segment: tuple[int, int] | None
    kept: list[tuple[int, bool]]


def _analyse(text: str) -> _Analysis:
    lines = _features(text)
    sample = " ".join(ln.body for ln in lines if ln.nwords >= 8)[:6000]
    lang = (detect_language(sample, default="") if sample else "") or None
    # function-word density only discriminates where the page's language has known function words
    long_lines = [ln.stop for ln in lines if ln.nwords >= 10 and ln.sentence]
    prose_stop = bool(long_lines) and sum(x >= 0.15 for x in long_lines) >= 0.4 * len(long_lines)
    _classify(lines, lang, prose_stop)
    _score(lines)
    seg = _best_segment(_before_comments(lines))
    kept = _select(lines, seg) if seg else []
    return _Analysis(lines, lang, seg, kept)


def clean_dump(text: str) -> Cleaned:
    """The article in a plain-text dump of a whole page: body paragraphs plus metadata.

    ``extra["standfirst"]`` holds the lead-in printed between headline and body, when there is one.
    """
    an = _analyse(text)
    lines, kept = an.lines, an.kept
    if an.segment is None or not kept:
        return Cleaned(paragraphs=[], language=an.lang)
    meta = _metadata(lines, kept[0][0], an.lang)
    title_line = next(
        (ln for ln in lines[: kept[0][0]] if meta["title"] and ln.body == meta["title"] and ln.i > 0), None
    )
    if title_line is not None and _is_standfirst(lines, kept, title_line):
        meta["standfirst"] = lines[kept[0][0]].body
        kept = kept[1:]
    if meta["title"] is None:
        meta["title"] = _quoted_title(lines, {k for k, _ in kept})
    paragraphs = [_paragraph(lines[k], heading) for k, heading in kept]
    if meta["title"]:
        paragraphs = [p for p in paragraphs if p != meta["title"]]
    language = (detect_language("\n".join(paragraphs)[:6000], default="") or None) if paragraphs else an.lang
    extra = {"standfirst": meta["standfirst"]} if meta["standfirst"] else {}
    return Cleaned(
        paragraphs=paragraphs,
        title=meta["title"],
        kicker=meta["kicker"],
        author=meta["author"],
        published=meta["published"],
        language=language,
        extra=extra,
    )


def _is_standfirst(lines: list[_Line], kept: list[tuple[int, bool]], title: _Line) -> bool:
    """The first body line sits right under the headline and is cut off from the rest of the text by
    a caption, credit or byline: it is the lead-in (standfirst), not the first paragraph."""
    first = kept[0][0]
    if first != title.i + 1 or len(kept) < 2:
        return False
    nxt = lines[first + 1] if first + 1 < len(lines) else None
    while nxt is not None and nxt.kind == BAD and nxt.reason in ("ad", "duplicate"):
        nxt = lines[nxt.i + 1] if nxt.i + 1 < len(lines) else None
    return nxt is not None and nxt.kind in (BAD, META)
