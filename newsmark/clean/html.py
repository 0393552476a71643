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
from lxml.html import HTMLParser, fromstring
from trafilatura import bare_extraction
from trafilatura.baseline import html2txt
from trafilatura.utils import load_html

from ..text import normalize
from . import Cleaned
from .boilerplate import (
    is_boilerplate_line,
    is_label_line,
    is_section_label,
    strip_tweet_trailer,
)
from .bylines import is_page_meta
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

def is_residue_line(line: str) -> bool:
    """True when one line of extracted text, on its own, is boilerplate rather than article text:
    the one vocabulary of ``boilerplate.py``, as the dump cleaner uses it."""
    s = _LIST_MARK.sub("", line).strip()
    return not s or is_boilerplate_line(s)


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
            if is_section_label(text):
                skip_list = True  # "## Related" + its link list
                continue
            skip_list = False
            if not is_residue_line(text):
                kept.append(block)
            continue
        if skip_list and block.kind == "list":
            continue
        skip_list = False
        if len(block.lines) == 1 and len(block.lines[0]) <= 40 and is_label_line(block.lines[0]):
            skip_list = True  # "Tags" / "Related" as a paragraph, then its list
            continue
        lines = []
        for line in block.lines:
            line = strip_tweet_trailer(line)
            if not line or is_residue_line(line):
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
            and is_page_meta(_LIST_MARK.sub("", block.lines[0]))
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


_PARSER = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                     remove_pis=True)  # trafilatura's parser settings
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DOCTYPE = re.compile(r"^< ?! ?DOCTYPE[^>]*/[^<>]*>", re.IGNORECASE)
_FAULTY_HTML = re.compile(r"(<html.*?)\s*/>", re.IGNORECASE)


def _load(html: str):
    """The page parsed as trafilatura's ``load_html`` parses it, from UTF-8 bytes: libxml2 refuses
    a str with an encoding declaration (load_html then parses twice) and parses bytes faster
    (both dev sets: 1.4 instead of 2.1 ms a page, the same trees)."""
    if _BAD_CHARS.search(html):
        html = _BAD_CHARS.sub("", html)
    beginning = html[:50].lower()
    if "doctype" in beginning:  # libxml2 bug 1955915 (as load_html)
        first, _, rest = html.partition("\n")
        html = _DOCTYPE.sub("", first, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:  # a self-closing <html/> (as load_html)
        if "<html" in line and line.endswith("/>"):
            html = _FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    try:
        tree = fromstring(html.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except Exception:  # noqa: BLE001 - lxml raises various errors on garbage
        return None
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None  # not (well-formed) HTML, as load_html decides
    return tree


def _parse(html: str | bytes):
    tree = _load(html) if isinstance(html, str) else load_html(html)
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


def clean_html(html: str | bytes, url: str | None = None, metadata: bool = True) -> Cleaned:
    """The main content of an HTML page as Markdown-style paragraphs, with page metadata
    (``metadata=False``: the title only, for text that nobody stores: ``newsmark extract``)."""
    tree = _parse(html) if html else None
    if tree is None:
        return Cleaned(paragraphs=[])
    meta = _metadata(tree, url, full=metadata)
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
