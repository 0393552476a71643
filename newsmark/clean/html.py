"""HTML pages down to the article body: trafilatura for the main content, then a residue pass.

``clean_html(html, url)`` returns a :class:`~newsmark.clean.Cleaned` whose paragraphs are
Markdown-style plain text, one entry per block:

- a paragraph is one entry; a line break inside it (``<br>``) stays a single newline;
- a heading is ``## Heading`` (``###``/``####`` … for deeper levels, never a single ``#``);
- a list is ONE entry with one ``- item`` line per item (nested items indented by two spaces);
- a block quote is one entry whose lines start with ``> ``;
- a table is one entry with one ``cell | cell`` line per row.

No link or image markup, no emphasis markers, no Markdown escapes: words stay plain words.

Pipeline, one HTML parse and (normally) one trafilatura extraction per page:

1. metadata from the parsed tree (``metadata.py``): title, author, publication date and site from
   the page's structured data (meta tags, canonical link, JSON-LD) and visible bylines, the date
   as precise as the page gives it (htmldate only when there is no structured date), the
   language from ``<html lang>`` or a content-language meta tag; ``None`` where the page does
   not say;
2. article bodies split into sibling containers of the same class (ads between them) are joined,
   since trafilatura would keep only the first part;
3. ``trafilatura.bare_extraction`` (fast mode, recall focus, no comments) gives the main content
   as XML (``head``/``p``/``list``/``quote``/``table``), which :func:`_blocks` renders as above;
   when the result after the residue pass looks wrong (mostly boilerplate, no prose, or a short
   part of the page), trafilatura's full cascade is the second candidate (``candidates.py``);
4. the residue pass (:func:`residue`) drops what slips through trafilatura: ad labels,
   "read more"/"related" teasers and "## Related"-style sections with their link lists,
   newsletter, cookie, share, follow and comment prompts, comment policies, job ads, photo
   credits and copyright lines, reading-time labels, agency sign-offs ("Reporting by …",
   "… contributed to this report"), and near the top or bottom of the body datelines and
   byline/taxonomy lines. The page title repeated as a leading heading is dropped; a kicker above
   it goes to ``Cleaned.kicker``, a standfirst heading below it to ``Cleaned.extra["standfirst"]``.
   The rules look at one line at a time (plus the heading/list structure around it) and know
   German, English and French vocabulary, with a few Italian/Spanish/Portuguese extras.
"""

from __future__ import annotations

import re

from lxml.etree import _Element
from trafilatura import bare_extraction
from trafilatura.baseline import html2txt
from trafilatura.utils import load_html

from ..text import normalize
from . import Cleaned
from .candidates import Candidate, choose
from .metadata import clean_meta as _clean_meta
from .metadata import page_metadata as _metadata

__all__ = ["clean_html", "residue", "is_residue_line"]

# --- XML body -> Markdown-style blocks ------------------------------------------------------------

_WS = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_HEADING_LEVEL = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_TAGS = frozenset({"p", "head", "quote", "list", "item", "table", "row", "div", "code"})


class Block:
    """One rendered block: ``kind`` is p, head, list, quote or table; ``lines`` hold the text."""

    __slots__ = ("kind", "lines", "level")

    def __init__(self, kind: str, lines: list[str], level: int = 0):
        self.kind, self.lines, self.level = kind, lines, level

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Block({self.kind!r}, {self.lines!r})"


def _inline(el: _Element, out: list[str]) -> None:
    """Flatten an element's text into ``out``; ``<lb/>`` and nested blocks become newlines."""
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag
        if tag == "lb":
            out.append("\n")
        elif tag in _BLOCK_TAGS:
            out.append("\n")
            _inline(child, out)
            out.append("\n")
        elif tag == "cell":
            out.append(" ")
            _inline(child, out)
            out.append(" ")
        elif tag != "graphic":
            _inline(child, out)
        if child.tail:
            out.append(child.tail)


def _clean_line(line: str) -> str:
    return _WS.sub(" ", _INVISIBLE.sub("", line)).strip()


def _lines(el: _Element) -> list[str]:
    parts: list[str] = []
    _inline(el, parts)
    lines = (_clean_line(line) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


def _render_list(el: _Element, depth: int, out: list[str]) -> None:
    indent = "  " * depth
    for item in el:
        if item.tag == "list":
            _render_list(item, depth + 1, out)
            continue
        if item.tag != "item":
            out.extend(f"{indent}- {line}" for line in _lines(item))
            continue
        own: list[str] = [item.text or ""]
        nested: list[_Element] = []
        for child in item:
            if child.tag == "list":
                nested.append(child)
            elif child.tag == "lb":
                own.append(" ")
            else:
                parts: list[str] = []
                _inline(child, parts)
                own.append(" " + "".join(parts).replace("\n", " ") + " ")
            if child.tail:
                own.append(child.tail)
        text = _clean_line("".join(own).replace("\n", " "))
        if text:
            out.append(f"{indent}- {text}")
        for child in nested:
            _render_list(child, depth + 1, out)


def _render_table(el: _Element) -> list[str]:
    rows = []
    for row in el.iter("row"):
        cells = [" ".join(_lines(cell)) for cell in row.iter("cell")]
        cells = [c for c in cells if c]
        if cells:
            rows.append(" | ".join(cells))
    return rows


def _blocks(body: _Element) -> list[Block]:
    blocks: list[Block] = []

    def walk(el: _Element) -> None:
        for child in el:
            tag = child.tag
            if tag == "head":
                text = " ".join(_lines(child))
                if text:
                    level = _HEADING_LEVEL.get(child.get("rend") or "", 2)
                    blocks.append(Block("head", [text], level))
            elif tag == "list":
                lines: list[str] = []
                _render_list(child, 0, lines)
                if lines:
                    blocks.append(Block("list", lines))
            elif tag == "quote":
                lines = _lines(child)
                if lines:
                    blocks.append(Block("quote", lines))
            elif tag == "table":
                lines = _render_table(child)
                if lines:
                    blocks.append(Block("table", lines))
            elif tag in ("div", "body", "article", "section"):
                walk(child)
            else:  # p, code and anything unexpected: a paragraph
                lines = _lines(child)
                if lines:
                    blocks.append(Block("p", lines))
            if child.tail and child.tail.strip():
                text = _clean_line(child.tail)
                if text:
                    blocks.append(Block("p", [text]))

    walk(body)
    return blocks


def _render(block: Block) -> str:
    if block.kind == "head":
        return "#" * block.level + " " + block.lines[0]
    if block.kind == "quote":
        return "\n".join("> " + line for line in block.lines)
    return "\n".join(block.lines)


# --- residue pass ---------------------------------------------------------------------------------

_I = re.IGNORECASE
_WORD = re.compile(r"\w+")
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")

# A line that is nothing but a label (case-insensitive; punctuation and counters around it ignored).
_LABEL = re.compile(
    r"^[\W\d_]*(?:"
    # ads
    r"anzeige|werbung|advertisement|advertising|sponsored|sponsored content|paid content|"
    r"publicité|annonce|pubblicità|publicidad|"
    r"(?:story|article) continues below(?: advertisement)?|continue reading(?: the main story| below)?|"
    r"weiterlesen nach der anzeige|la suite après (?:cette|la) publicité|"
    # share / follow / comments
    r"share|share this|share this (?:article|story|post)|share (?:on|via) \w+|teilen|"
    r"(?:artikel|beitrag|seite) teilen|jetzt teilen|partager|partager (?:cet article|sur \w+)|"
    r"click to tweet|tweet|tweet this|e-?mail|print|drucken|imprimer|copy link|link kopieren|"
    r"comments?(?: comments?)*|kommentare?|commentaires?|comentários|leserkommentare|"
    r"leave a (?:comment|reply)|(?:add|post) a comment|post comments?|join the (?:conversation|discussion)|"
    r"kommentieren|kommentar schreiben|laisser un commentaire|"
    # teaser labels on their own
    r"related|related (?:articles|stories|posts?|content|coverage|news|links|topics)|"
    r"read more|read next|read also|also read|see also|see more|more stories|more news|top stories|"
    r"recommended(?: for you)?|you (?:may|might) also like|most read|most popular|trending(?: now)?|"
    r"don'?t miss|explore further|"
    r"lesen sie (?:auch|mehr)|auch interessant|mehr zum thema|mehr zu diesem thema|weitere artikel|"
    r"das könnte (?:sie|dich) auch interessieren|meistgelesen|empfehlungen|weiterlesen|zum thema|"
    r"lire aussi|à lire aussi|a lire aussi|voir aussi|sur le même sujet|les plus lus|"
    r"leggi anche|lee también|leia também|saiba mais|"
    # taxonomy labels
    r"tags?|schlagw(?:orte|örter)|stichworte|categories|category|kategorien?|catégories|categorias|"
    r"mots-clés|filed under|posted in|"
    # sources and job boards
    r"verwendete quellen|quellen|sources?|sources utilisées|stellenangebote|stellenmarkt|jobs|"
    r"offres d'emploi"
    r")[\W\d_]*$",
    _I,
)

# A teaser label followed by a headline: "Lesen Sie auch: …", "READ MORE: …", "Related: …".
_TEASER = re.compile(
    r"^\W{0,3}(?:"
    r"lesen sie (?:auch|mehr|dazu|hier)|lies auch|auch interessant|mehr zum thema|mehr dazu|"
    r"siehe auch|zum thema|das könnte (?:sie|dich) auch interessieren|weiterlesen|"
    r"read more|read next|read also|also read|related(?: post| article| story| coverage)?|"
    r"see also|see more|more from [\w .'-]{1,40}|more on this|most read(?: in [\w ]{1,30})?|"
    r"you (?:may|might) also like|also (?:on|see|watch)(?: [\w.]{1,30})?|don'?t miss|watch|"
    r"listen|recommended|trending|"
    r"lire aussi|à lire aussi|a lire aussi|voir aussi|à voir aussi|sur le même sujet|"
    r"leggi anche|lee también|leia também|leia mais|veja também|saiba mais"
    r")\s*(?:[:|»›>→–—-]|\.{3}|…)\s*\S",
    _I,
)

# Notices recognised anywhere in a line of notice length. _STRONG_KEYS is a cheap pre-filter:
# the regex only runs on lines that contain one of these substrings.
_STRONG_KEYS = (
    "right", "rechte", "droits", "derechos", "diritti", "direitos", "무단", "cookie", "newsletter",
    "sign up", "signing up", "subscri", "inbox", "abonn", "click", "tap here", "klicken", "cliquez",
    "app", "follow", "folgen", "suivez", "like", "buy something", "commission", "share of the sale",
    "affiliate", "m/w", "w/m", "m/f", "f/m", "h/f", "f/h", "w/d", "d/m", "verpassen", "miss",
    "manquer", "moderi", "modér", "vorbehalten", "behalten", "reserve the right", "startseite", "homepage",
    "patreon", "streamen", "e-mail", "email", "mail",
)
_STRONG = re.compile(
    # copyright
    r"all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|"
    r"tutti i diritti riservati|todos os direitos reservados|무단전재|"
    # cookies
    r"\b(?:we|this (?:web)?site) uses? cookies\b|\bwir (?:verwenden|nutzen) cookies\b|"
    r"\b(?:verwendet|nutzt) cookies\b|\bnous utilisons des cookies\b|\butilise des cookies\b|"
    r"\bcookies?\b.{0,80}\b(?:akzeptieren|zustimmen|einwilligen|accept|consent|accepter)\b|"
    r"\b(?:akzeptieren|zustimmen|accept|consent to)\b.{0,40}\bcookies\b|"
    # newsletters and subscriptions
    r"\bnewsletter\b.{0,120}\b(?:abonnieren|bestellen|anmelden|sign up|signing up|subscribe|"
    r"subscribing|inscri\w*|abonne\w*|postfach|inbox|in ihr|to your)\b|"
    r"\b(?:abonnieren|bestellen|anmelden|sign up|subscribe|inscrivez-vous|abonnez-vous)\b.{0,60}"
    r"\bnewsletters?\b|"
    r"\bthanks? (?:you )?for (?:signing up|subscribing)\b|\berror processing your subscription\b|"
    r"\b(?:delivered|straight|right) (?:to|in|into) your inbox\b|"
    r"^(?:sign up|subscribe|jetzt abonnieren|abonnez-vous)\b|"
    # calls to action
    r"\b(?:click|tap) here\b|\bklicken sie hier\b|\bhier klicken\b|\bcliquez ici\b|"
    r"\b(?:download|get) (?:the|our) (?:free )?[\w ]{0,30}\bapp\b|"
    r"\bfollow us on\b|\bfolgen sie uns\b|\bsuivez-nous\b|\blike us on facebook\b|"
    r"\blike this story\b.{0,20}\bshare\b|"
    r"\bif you buy something through\b|\bmay (?:earn|get|receive) (?:a )?(?:small )?"
    r"(?:commission|share of the sale)\b|\baffiliate links?\b|"
    r"\b(?:jetzt|kostenlos) (?:\w+ )?streamen\b|\bunterstützen sie uns\b|\bauf patreon\b|"
    r"\bzur startseite\b|\bback to (?:the )?homepage\b|"
    r"\b(?:kostenlos|gratis|free) per (?:e-?mail|mail)\b|"
    # "want to stay informed?" prompts
    r"\b(?:du willst|sie wollen|want to) (?:nichts|never) (?:verpassen|miss)\b|"
    r"\bnichts (?:mehr )?verpassen\?|\bne (?:rien|plus rien) manquer\b|\bnever miss (?:a|an|the)\b|"
    # comment policy
    r"\b(?:kommentare|comments) (?:werden|are) (?:\w+ )?(?:moderiert|moderated)\b|"
    r"\balle kommentare moderiert\b|\bcommentaires sont modérés\b|"
    r"\bbehalten (?:wir )?uns (?:\w+ )?vor,? (?:\w+ )?(?:kommentar|beitr)\w* zu (?:löschen|entfernen)|"
    r"\breserve the right to (?:delete|remove|edit)\b|"
    # job ads
    r"\((?:m/w/d|w/m/d|m/f/d|f/m/d|w/d/m|d/m/w|m/w/x|h/f|f/h)\)",
    _I,
)

# Photo credits and copyright lines.
_CREDIT_HEAD = re.compile(
    r"^[(\[]?\s*(?:©|\(c\)|copyright\b|fotos?\b|bild(?:er|quelle|rechte)?\b|photos?\b|photograph\b|"
    r"images?\b|picture\b|credits?\b|image credit\b|photo credit\b|illustration\b|grafik\b|"
    r"crédits?(?: photo)?\b|symbolbild\b|archivbild\b|quelle\b|source\b)\s*(?::|/|\||©|–|—|-|by\b)",
    _I,
)
_AGENCY = (
    r"(?:getty images|getty|imago(?: images)?|picture[- ]alliance|dpa|afp|reuters|ap(?: photo)?|"
    r"associated press|keystone|epa(?:-efe)?|efe|shutterstock|istock(?:photo)?|adobe ?stock|"
    r"unsplash|pexels|pixabay|wikimedia(?: commons)?|xinhua|anadolu|ddp|ullstein ?bild|alamy|"
    r"pa(?: images| media| wire)?|zuma(?: press)?|nurphoto|sipa|abaca|maxppp|kna|epd|apa|sda|"
    r"bloomberg|handout|privat|private|archiv|archive|file)"
)
_AGENCY_ONLY = re.compile(
    r"^[(\[]?\s*(?:©\s*)?" + _AGENCY + r"(?:\s*(?:/|\||,|via|and|und)\s*(?:©\s*)?[\w .'-]{0,30})*"
    r"\s*[)\]]?$",
    _I,
)

# Sign-offs, contact lines, taxonomy and reading-time labels.
_SIGNOFF = re.compile(
    r"^\(?(?:reporting by|additional reporting by|writing by|editing by|compiled by|"
    r"mit material (?:von|der)|mitarbeit:)\b|"
    r"\bcontributed (?:reporting|to this (?:report|story|article))\b|"
    r"^(?:source|sources|quelle|quellen)\s*:\s*[^.]{1,60}$|"
    r"^(?:write to|reach|contact|e-?mail)\b.{0,120}(?:@|\bat\b)|\b(?:may|can) be reached at\b|"
    r"^follow\b.{0,80}\b(?:on|at)\s+(?:twitter|facebook|instagram|linkedin|x)\b|"
    r"^(?:folgen sie|folge|suivez)\b.{0,80}\b(?:auf|sur)\s+(?:twitter|facebook|instagram|x)\b",
    _I,
)
_META_LINE = re.compile(
    r"^(?:tags|schlagworte|schlagwörter|stichworte|themen|filed under|posted in|categories|"
    r"category|kategorien?|mots-clés|étiquettes|tagged(?: with)?)\s*:",
    _I,
)
_READING_TIME = re.compile(
    r"^(?:(?:lesezeit|lesedauer|reading time|read time|temps de lecture|tempo de leitura|"
    r"tiempo de lectura)\s*:?\s*(?:ca\.\s*)?\d+|\d+\s*(?:-|–)?\s*(?:min\.?|minuten|minutes?)\s*"
    r"(?:read|lesezeit|lesen|de lecture|lecture)\b)",
    _I,
)
_TRAILER = re.compile(r"\s*\b(?:click to tweet|tweet this)\W*$", _I)

# Datelines: a line that is a date (or an "updated" time) and little else.
_MONTHS = (
    r"jan(?:uary|uar|vier)?|feb(?:ruary|ruar)?|février|mar(?:ch)?|märz|mars|apr(?:il)?|avril|"
    r"may|mai|june?|juni|juin|july?|juli|juillet|aug(?:ust)?|août|sept?(?:ember|embre)?|"
    r"oct(?:ober|obre)?|okt(?:ober)?|nov(?:ember|embre)?|dec(?:ember)?|dez(?:ember)?|décembre|"
    r"janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro|"
    r"enero|febrero|marzo|mayo|junio|julio|septiembre|octubre|noviembre|diciembre"
)
_DATE = re.compile(rf"\b(?:\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|(?:{_MONTHS})\.?)(?!\w)", _I)
_TIME = re.compile(r"\b\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|uhr|h)?(?!\w)", _I)
_STAMP_LABEL = re.compile(
    r"\b(?:updated|update|published|posted|first published|last (?:updated|modified)|modified|"
    r"aktualisiert|veröffentlicht|erstellt|stand|zuletzt|publié|mis à jour|publicado|atualizado|"
    r"pubblicato|aggiornato)\b",
    _I,
)
_DATE_FILLER = frozenset(
    """am pm a m p uhr um on at the of in by de à le la du às el del h hours hour minutes minute
    days day ago vor stunden minuten tagen first last edt est pdt pst cst cdt gmt utc bst cet cest
    mez mesz ist amt et pt ct monday tuesday wednesday thursday friday saturday sunday mon tue
    tues wed thu thur thurs fri sat sun montag dienstag mittwoch donnerstag freitag samstag
    sonntag lundi mardi mercredi jeudi vendredi samedi dimanche segunda terça quarta quinta sexta
    sábado domingo feira updated update published posted modified aktualisiert veröffentlicht
    erstellt stand zuletzt publié mis jour publicado atualizado pubblicato aggiornato""".split()
)


def _is_dateline(s: str) -> bool:
    if len(s) > 120:
        return False
    has_date = bool(_DATE.search(s))
    if not has_date and not (_TIME.search(s) and _STAMP_LABEL.search(s)):
        return False
    rest = _TIME.sub(" ", _DATE.sub(" ", s))
    left = [w for w in _WORD.findall(rest.lower()) if not w.isdigit() and w not in _DATE_FILLER]
    return len(left) <= 3


_PAGE_META = re.compile(
    r"\b(?:posted|published|publicado|publié|veröffentlicht|geschrieben|written|updated) (?:by|por|par|von)\b|"
    r"\b(?:categor(?:y|ies|ia|ie)|kategorie|rubrik|tags?|schlagworte|filed under|comments?|"
    r"kommentare|comentários)\s*:|^by\s+\w+|^von\s+\w+",
    _I,
)


def _is_page_meta(s: str) -> bool:
    """A dateline ("Updated 14 hours ago", "19.11.2019, 14:35 Uhr") or a byline/taxonomy line
    ("05/10/2018 - Posted by: X - Category: Y - Tags: z")."""
    if _is_dateline(s):
        return True
    if len(s) > 200:
        return False
    hits = len(_PAGE_META.findall(s)) + (1 if _DATE.search(s) else 0)
    return hits >= 2


def _shouting(s: str) -> bool:
    """A promo/teaser line in capitals: "GET THE APP BY CLICKING HERE", "SEE MORE: …"."""
    if len(s) > 200:
        return False
    letters = [c for c in s if c.isalpha()]
    if len(letters) < 15 or not all("A" <= c <= "Z" or c.islower() or c.isupper() for c in letters):
        return False
    upper = sum(c.isupper() for c in letters)
    return upper / len(letters) >= 0.9 and len(s.split()) >= 4


_PROMO_CAPS = re.compile(
    r"\b(?:CLICK|CLICKING|READ|WATCH|SEE|GET|DOWNLOAD|SUBSCRIBE|SIGN UP|JETZT|HIER|LIRE|VOIR)\b"
)


# A share bar flattened to a line: "Teilen: Facebook WhatsApp E-Mail", "Share on Twitter | Email".
_SOCIAL = frozenset(
    """facebook twitter x whatsapp linkedin xing pinterest reddit telegram flipboard messenger pocket
    threads bluesky mastodon instagram youtube tiktok""".split()
)
_SHARE_WORDS = _SOCIAL | frozenset(
    """share teilen partager tweet email e mail print drucken imprimer copy link kopieren on via
    auf per sur this article artikel cet beitrag url""".split()
)


def _share_bar(s: str) -> bool:
    ws = _WORD.findall(s.lower())
    return 2 <= len(ws) <= 16 and all(w in _SHARE_WORDS for w in ws) and any(w in _SOCIAL for w in ws)


def is_residue_line(line: str) -> bool:
    """True when one line of extracted text, on its own, is boilerplate rather than article text."""
    s = _LIST_MARK.sub("", line).strip()
    if not s:
        return True
    n = len(s)
    if n <= 80 and _LABEL.match(s):
        return True
    if n <= 160 and _share_bar(s):
        return True
    if n <= 300 and _TEASER.match(s):
        return True
    if n <= 400:
        low = s.lower()
        if any(k in low for k in _STRONG_KEYS) and _STRONG.search(s):
            return True
        if _SIGNOFF.search(s) or _META_LINE.match(s):
            return True
    if n <= 120 and (_CREDIT_HEAD.match(s) or _AGENCY_ONLY.match(s)):
        return True
    if n <= 80 and _READING_TIME.match(s):
        return True
    return False


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _covered(a: str, b: str) -> float:
    """Share of the words of ``a`` that occur in ``b``."""
    wa, wb = _words(a), set(_words(b))
    if not wa or not wb:
        return 0.0
    return sum(w in wb for w in wa) / len(wa)


def _strip_title(blocks: list[Block], titles: list[str]) -> tuple[list[Block], dict]:
    """Leading headings repeat the page header: kicker, title, standfirst. Move them to metadata."""
    found: dict = {}
    lead = 0
    while lead < len(blocks) and blocks[lead].kind == "head":
        lead += 1
    if lead and lead < len(blocks):
        for i in range(lead):
            text = blocks[i].lines[0]
            if any(_covered(text, t) >= 0.6 for t in titles) or (i == 0 and blocks[i].level <= 2 and not titles):
                found["title"] = text
                if i > 0 and len(_words(blocks[i - 1].lines[0])) <= 6:
                    found["kicker"] = blocks[i - 1].lines[0]
                j = i + 1
                if j < lead and len(_words(blocks[j].lines[0])) >= 6:
                    found["standfirst"] = blocks[j].lines[0]
                    j += 1
                return blocks[j:], found
    elif blocks and blocks[0].kind == "p" and len(blocks[0].lines) == 1 and len(blocks) > 1:
        # the title as a plain paragraph
        text = blocks[0].lines[0]
        if any(_covered(text, t) >= 0.8 and _covered(t, text) >= 0.8 for t in titles):
            found["title"] = text
            return blocks[1:], found
    return blocks, found


def residue(blocks: list[Block], titles: list[str]) -> tuple[list[Block], dict]:
    """Drop boilerplate blocks and lines; returns the blocks left and the page-header parts found
    in the body (``title``, ``kicker``, ``standfirst``).

    Three passes: single lines (labels, teasers, notices, credits, sign-offs) and "## Related"-style
    headings with their link lists; then the page header repeated at the top; then datelines and
    byline/taxonomy lines, looked for only in the first and last few blocks."""
    kept: list[Block] = []
    skip_list = False
    for block in blocks:
        if block.kind == "head":
            text = block.lines[0]
            if _LABEL.match(text) or _TEASER.match(text + ": x"):
                skip_list = True  # "## Related" + its link list
                continue
            skip_list = False
            if not is_residue_line(text):
                kept.append(block)
            continue
        if skip_list and block.kind == "list":
            continue
        skip_list = False
        if len(block.lines) == 1 and len(block.lines[0]) <= 40 and _LABEL.match(block.lines[0]):
            skip_list = True  # "Tags" / "Related" as a paragraph, then its list
            continue
        lines = []
        for line in block.lines:
            line = _TRAILER.sub("", line) if "weet" in line else line
            if not line or is_residue_line(line):
                continue
            if block.kind == "p" and _shouting(line) and _PROMO_CAPS.search(line):
                continue
            lines.append(line)
        if lines:
            kept.append(Block(block.kind, lines, block.level))

    kept, found = _strip_title(kept, titles)

    out: list[Block] = []
    edge = 3
    for index, block in enumerate(kept):
        if (
            (index < edge or index >= len(kept) - edge)
            and block.kind in ("p", "list")
            and len(block.lines) == 1
            and _is_page_meta(_LIST_MARK.sub("", block.lines[0]))
        ):
            continue
        out.append(block)
    # a heading left without anything after it is a dangling section label
    while out and out[-1].kind == "head":
        out.pop()
    return out, found


# --- split article bodies -------------------------------------------------------------------------

_BODY_CLASS = re.compile(r"body|content|article|text|story|post|entry", _I)
_NOT_BODY_CLASS = re.compile(r"comment|related|teaser|sidebar|footer|promo|recirc|widget|card", _I)


def _merge_split_bodies(tree) -> None:
    """Some layouts cut the article body into several sibling containers with the same class, with
    ads between them; trafilatura keeps the first one only. Move the later parts into the first."""
    groups: dict[tuple[str, str], list] = {}
    for el in tree.iter("div", "section", "article"):
        cls = el.get("class")
        if not cls or not _BODY_CLASS.search(cls) or _NOT_BODY_CLASS.search(cls):
            continue
        paragraphs = 0
        for child in el:
            if child.tag == "p" and len(child.text or "") >= 60:
                paragraphs += 1
                if paragraphs >= 2:
                    groups.setdefault((el.tag, cls), []).append(el)
                    break
    for parts in groups.values():
        if len(parts) < 2 or any(b in a.iterancestors() for a in parts for b in parts if a is not b):
            continue
        first = parts[0]
        for part in parts[1:]:
            first.extend(list(part))
            part.getparent().remove(part)


# --- entry point ----------------------------------------------------------------------------------

# Fast mode (no readability/jusText comparison) in recall focus: on the development sets it is both
# the most accurate and the fastest trafilatura setting once the residue pass runs. When its result
# looks wrong, the full cascade gets a second chance (candidates.py says when, and why).
_DESCRIPTION = '//head/meta[@name="description" or @property="og:description"]/@content'


def _parse(html: str | bytes):
    tree = load_html(html)
    if tree is None and html:
        # trafilatura refuses bare fragments ("<p>…</p>"): give them a document around them
        text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
        if "<" in text:
            tree = load_html(f"<html><body><div>{text}</div></body></html>")
    return tree


def _extract(tree, url: str | None, titles: list[str]) -> tuple[list[Block], dict]:
    """The article's blocks after the residue pass, and the page-header parts found in them."""

    def extract(page, options: dict) -> Candidate:
        doc = bare_extraction(page, url=url, **options)
        blocks = _blocks(doc.body) if doc is not None and doc.body is not None else []
        found = [line for b in blocks for line in _render(b).split("\n")]
        kept, header = residue(blocks, titles)
        return Candidate(kept, [_render(b) for b in kept], header, found)

    known = " ".join(titles + tree.xpath(_DESCRIPTION))
    best = choose(tree, extract, lambda: len(html2txt(tree)), known)
    return best.blocks, best.header


def clean_html(html: str | bytes, url: str | None = None) -> Cleaned:
    """The main content of an HTML page as Markdown-style paragraphs, with page metadata."""
    tree = _parse(html) if html else None
    if tree is None:
        return Cleaned(paragraphs=[])
    meta = _metadata(tree, url)
    _merge_split_bodies(tree)
    blocks, header = _extract(tree, url, meta["titles"])
    paragraphs = [p for p in (normalize(_render(b)).strip() for b in blocks) if p]
    extra = {"standfirst": _clean_meta(header["standfirst"])} if header.get("standfirst") else {}
    extra |= {"site": meta["site"]} if meta["site"] else {}  # the source's name (metadata.py)
    return Cleaned(
        paragraphs=paragraphs,
        title=meta["title"] or _clean_meta(header.get("title")),
        kicker=_clean_meta(header.get("kicker")),
        extra=extra,
        author=meta["author"],
        published=meta["published"],
        language=meta["language"],
    )
