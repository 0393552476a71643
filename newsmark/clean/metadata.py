"""A page's metadata (title, author, publication time, language, site) from one look at its tree.

:func:`page_metadata` reads what the page states in structured form first: the ``<meta>`` tags,
``<link rel="canonical">``, the JSON-LD documents (parsed once, shared by the title, author and
date lookups) and the elements marked as author or byline (``rel``/``itemprop="author"``,
``class="…byline…"``; looked for only when the tags and JSON-LD name no author or date). Only
what none of these answer goes to a slower path: trafilatura's
``extract_title`` for a page without any title tag, htmldate for a page without a structured
date (:func:`newsmark.clean.dates.published`). The author never takes a slow path: trafilatura's
``extract_author`` (xpath searches over the whole tree) cost more than the rest of the metadata
together and, where the page names no author in these places, mostly found page furniture.

A publisher is not an author: a name that is an organisation (a legal form, "Redaktion", a news
agency, a domain, the page's publisher or site name; :func:`newsmark.clean.bylines.is_organisation`)
is skipped, so that "Von Markus Balser" in the byline wins over "Süddeutsche de GmbH" in the
JSON-LD.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from ..text import normalize
from .bylines import people
from .dates import published

__all__ = ["clean_meta", "page_metadata"]

_WS = re.compile(r"[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_TAGS = re.compile(r"<[^>]{0,200}>")


def clean_meta(value: str | None) -> str | None:
    """A metadata value as one clean line (NFC, single spaces, no invisible characters)."""
    if not value:
        return None
    value = normalize(_WS.sub(" ", _INVISIBLE.sub("", value)).strip())
    return value or None


# --- the page's structured data -------------------------------------------------------------------

_TITLE_META = ("og:title", "twitter:title", "title", "dc.title", "dcterms.title", "citation_title",
               "headline", "parsely-title", "sailthru.title", "fb_title", "rbtitle")
_AUTHOR_META = ("article:author", "byl", "parsely-author", "sailthru.author", "citation_author",
                "dc.creator", "dcterms.creator", "dc:creator", "author", "creator", "authors",
                "og:article:author", "og:author", "article.author", "cxenseparse:author", "rbauthors")
_SITE_META = ("og:site_name", "application-name", "twitter:site", "publisher", "article:publisher")
_ARTICLE_TYPE = re.compile(r"article|posting|report|review|story|creativework|webpage|recipe|"
                           r"newsarticle|blog", re.IGNORECASE)
_ORG_TYPE = re.compile(r"organi[sz]ation|corporation|newsmedia|brand|website|localbusiness", re.IGNORECASE)
_MARK_CLASS = re.compile(r"byline|author", re.IGNORECASE)


def _marked(tree) -> list:
    """Elements marked as an author or byline (``rel``/``itemprop="author"``, a class naming
    "author" or "byline") or as the publication date (``itemprop="datePublished"``), in document
    order. One walk over the tree (an xpath with ``contains(@class, …)`` costs twice as much); made
    only when the meta tags and JSON-LD do not answer."""
    out = []
    for el in tree.iter():
        get = el.get
        cls = get("class")
        if (cls and _MARK_CLASS.search(cls)) or get("rel") == "author" \
                or get("itemprop") in ("author", "datePublished"):
            out.append(el)
    return out


class _Page:
    """What one pass over the page's ``meta``, ``link`` and ``script`` elements found."""

    __slots__ = ("_marked", "canonical", "jsonld", "metas", "pairs", "tree")

    def __init__(self, tree):
        self.tree = tree
        self.metas: dict[str, list[str]] = {}
        self.pairs: list[tuple[str, str]] = []  # (name, content) in document order
        self.canonical = None
        self.jsonld: list = []
        self._marked = None
        for el in tree.iter("meta", "link", "script"):
            get = el.get
            if el.tag == "meta":
                content = (get("content") or "").strip()
                key = (get("property") or get("name") or get("itemprop") or get("http-equiv") or "")
                key = key.lower().strip()
                if key and content:
                    self.metas.setdefault(key, []).append(content)
                    self.pairs.append((key, content))
            elif el.tag == "link":
                if self.canonical is None and (get("rel") or "").lower().strip() == "canonical":
                    self.canonical = (get("href") or "").strip() or None
            elif (get("type") or "").lower().strip() == "application/ld+json" and el.text:
                try:
                    self.jsonld.append(json.loads(el.text, strict=False))
                except ValueError:
                    pass

    @property
    def marked(self) -> list:
        if self._marked is None:
            self._marked = _marked(self.tree)
        return self._marked

    def meta(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.metas.get(key, ()):
                if value and not value.isspace():
                    return value
        return None


def _objects(doc) -> list[dict]:
    """The JSON-LD objects of one document: a list, an ``@graph``, or a single object."""
    out: list[dict] = []
    stack = [doc]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            if "@graph" in item:
                stack[:0] = item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]]
            else:
                out.append(item)
    return out


def _types(obj: dict) -> str:
    t = obj.get("@type", "")
    return " ".join(x for x in t if isinstance(x, str)) if isinstance(t, list) else str(t)


def _names(value) -> list[tuple[str, bool]]:
    """(name, is an organisation by its type) for a JSON-LD author/publisher value."""
    out: list[tuple[str, bool]] = []
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, str):
            out.append((v, False))
        elif isinstance(v, dict):
            name = v.get("name")
            if isinstance(name, list):
                name = " ".join(x for x in name if isinstance(x, str))
            if isinstance(name, str):
                out.append((name, bool(_ORG_TYPE.search(_types(v)))))
    return out


# --- title, author, site --------------------------------------------------------------------------


def _title(tree, page: _Page, articles: list[dict]) -> str | None:
    title = page.meta(*_TITLE_META)
    if not title:
        for obj in articles:
            if isinstance(obj.get("headline"), str) and obj["headline"].strip():
                title = obj["headline"]
                break
    if not title:
        from trafilatura.metadata import extract_title  # a page without any title tag

        title = extract_title(tree)
    return title


def _person(value, publishers: set[str]) -> str | None:
    """The persons ``value`` names (a string or a list of them), joined by "; "; None when it
    names none (an organisation, a handle, an address, a single word)."""
    values = value if isinstance(value, list) else [value]
    found: list[str] = []
    for v in values:
        v = clean_meta(_TAGS.sub(" ", v)) if isinstance(v, str) else None
        if v and not v.startswith(("@", "http:", "https:", "/")) and len(v) <= 300:
            found.extend(people(v, publishers))
    return "; ".join(dict.fromkeys(found)) or None


# the class or id of a reader comment (or its form): its author is not the article's
_COMMENTS = re.compile(r"(?:^|\s)(?:comments?|commentlist|comment-[\w-]+|[\w-]+-comments?|respond|"
                       r"replies|reply)(?:\s|$)", re.IGNORECASE)


def _visible_author(page: _Page, publishers: set[str]) -> str | None:
    """A byline the page shows: an element marked as author or byline ("Von …", "By …", a bare
    name), outside comment sections, widgets and footers."""
    for el in page.marked:
        if el.get("itemprop") == "datePublished" or el.tag in ("meta", "link", "script", "style"):
            continue
        if any(_COMMENTS.search(f'{a.get("class") or ""} {a.get("id") or ""}')
               for a in (el, *el.iterancestors())):
            continue
        named = el.find('.//*[@itemprop="name"]') if el.get("itemprop") == "author" else None
        text = clean_meta(" ".join((named if named is not None else el).itertext()))
        if not text or len(text) > 120:
            continue
        found = _person(text, publishers)
        if found:
            return found
    return None


def _author(page: _Page, articles: list[dict], ids: dict[str, dict], publishers: set[str]) -> str | None:
    for obj in articles:
        for key in ("author", "creator"):
            value = obj.get(key)
            refs = value if isinstance(value, list) else [value]
            refs = [ids.get(v.get("@id"), v) if isinstance(v, dict) and "@id" in v else v for v in refs]
            names = [n for n, org in _names(refs) if not org]
            found = _person(names, publishers) if names else None
            if found:
                return found
    for key in _AUTHOR_META:
        found = _person(page.metas.get(key, []), publishers)
        if found:
            return found
    return _visible_author(page, publishers)


def _host(url: str | None) -> str | None:
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return None
    return host or None


def _site(page: _Page, url: str | None) -> str | None:
    """The host of the page's canonical address (its ``og:url``, or the URL it was fetched from);
    else its ``og:site_name``."""
    return (_host(page.canonical) or _host(page.meta("og:url")) or _host(url)
            or clean_meta(page.meta("og:site_name")))


# --- language -------------------------------------------------------------------------------------


def _language(tree, page: _Page) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        lang = page.meta("content-language", "og:locale", "language", "dc.language")
    if not lang:
        return None
    primary = re.split(r"[-_,; ]", lang.strip())[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


# --- entry point ----------------------------------------------------------------------------------


def page_metadata(tree, url: str | None, full: bool = True) -> dict:
    """``title``, ``author``, ``published`` (ISO 8601 as precise as the page says), ``language``,
    ``site`` (see :func:`_site`), each None when the page does not say; and ``titles`` (the title
    and the ``<title>`` text, for finding the title repeated in the body). ``full=False``: the
    titles only (the body needs them; ``newsmark extract`` prints nothing else), the rest None."""
    page = _Page(tree)
    if not full:
        objects = [obj for doc in page.jsonld for obj in _objects(doc)]
        articles = [obj for obj in objects if _ARTICLE_TYPE.search(_types(obj))]
        title = _title(tree, page, articles or objects)
        page_title = tree.findtext(".//head/title") or ""
        return {"title": clean_meta(title), "author": None, "published": None, "language": None,
                "site": None, "titles": [t for t in (title, page_title) if t]}
    objects = [obj for doc in page.jsonld for obj in _objects(doc)]
    ids = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str) and "name" in obj}
    articles = [obj for obj in objects if _ARTICLE_TYPE.search(_types(obj))]
    others = [obj for obj in objects if not _ARTICLE_TYPE.search(_types(obj))]
    publishers = {n for obj in objects for n, _ in _names(obj.get("publisher"))}
    publishers |= {n for obj in objects if _ORG_TYPE.search(_types(obj))
                   for n, _ in _names(obj)}
    publishers |= {v for key in _SITE_META for v in page.metas.get(key, ())}
    site = _site(page, url)
    for host in (_host(page.canonical), _host(url)):
        if host:
            publishers.add(host)
    title = _title(tree, page, articles or objects)
    page_title = tree.findtext(".//head/title") or ""
    return {
        "title": clean_meta(title),
        "author": _author(page, articles or objects, ids, publishers),
        "published": published(tree, url, articles, page.pairs, lambda: page.marked, others),
        "language": _language(tree, page),
        "site": site,
        "titles": [t for t in (title, page_title) if t],
    }
