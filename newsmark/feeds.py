"""RSS/Atom feeds (feedparser) and OPML subscription lists."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import feedparser

from .errors import NewsmarkError

MAX_ENTRIES = 500  # per feed and refresh: a size limit on what a feed can make us fetch


@dataclass(slots=True)
class Entry:
    link: str | None
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 (UTC) when the feed gives a parseable date
    content_html: str | None = None  # the feed's own content or summary


@dataclass(slots=True)
class ParsedFeed:
    title: str | None
    entries: list[Entry]
    warning: str | None = None  # set for malformed ("bozo") feeds whose entries are still used


@dataclass(slots=True)
class Subscription:
    url: str
    name: str
    tags: list[str] = field(default_factory=list)


class FeedParseError(NewsmarkError, ValueError):
    pass


def _iso(struct) -> str | None:
    if not struct:
        return None
    return "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format(*struct[:6])


def parse_feed(body: bytes, url: str = "", content_type: str | None = None) -> ParsedFeed:
    """Parse feed bytes. Malformed feeds give a warning and whatever entries could be read.

    ``url`` resolves relative links; ``content_type`` (the HTTP header) gives the charset.
    """
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers or None)
    exc = parsed.get("bozo_exception")
    warning = None
    # A feed labelled text/html (or with no type) is still a feed: not "malformed".
    if parsed.get("bozo") and not isinstance(exc, feedparser.NonXMLContentType):
        warning = f"malformed feed ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
        if not parsed.entries:
            raise FeedParseError(f"not a readable feed: {warning}")
    elif not parsed.get("version") and not parsed.entries:  # well-formed, but HTML or other XML
        raise FeedParseError("not an RSS or Atom feed (no feed elements found)")
    entries = []
    for e in parsed.entries[:MAX_ENTRIES]:
        content = None
        if e.get("content"):
            content = max((c.get("value", "") for c in e.content), key=len)
        content = content or e.get("summary")
        entries.append(
            Entry(
                link=e.get("link"),
                title=e.get("title"),
                author=e.get("author"),
                published=_iso(e.get("published_parsed") or e.get("updated_parsed")),
                content_html=content,
            )
        )
    return ParsedFeed(parsed.feed.get("title"), entries, warning)


def parse_opml(data: bytes, where: str = "OPML") -> list[Subscription]:
    """Feeds from an OPML file; the names of enclosing folders become tags."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise FeedParseError(f"{where}: not valid OPML/XML ({exc})") from None
    body = root.find("body")
    if body is None:
        raise FeedParseError(f"{where}: no <body> element")
    subs: list[Subscription] = []

    def walk(node: ET.Element, folders: list[str]) -> None:
        for outline in node.findall("outline"):
            url = outline.get("xmlUrl")
            label = outline.get("title") or outline.get("text") or ""
            if url:
                cats = [c.strip().strip("/") for c in (outline.get("category") or "").split(",")]
                tags = list(dict.fromkeys(folders + [c for c in cats if c]))
                subs.append(Subscription(url, label or url, tags))
            else:
                walk(outline, folders + ([label] if label else []))

    walk(body, [])
    return subs


# what XML 1.0 cannot hold, not even as a character reference: C0 controls but tab, LF and CR,
# lone surrogates, U+FFFE and U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 forbids replaced by U+FFFD, so the document
    parses (ours and every other reader's); everything else, C1 and bidi controls included,
    is kept as it is."""
    return _NOT_XML.sub("\ufffd", value)


def write_opml(subs: list[Subscription], title: str = "newsmark feeds") -> str:
    """OPML 2.0, one folder per first tag (other tags in a ``category`` attribute). Characters
    XML 1.0 forbids (ESC, BEL, …) are written as U+FFFD: ``parse_opml`` reads the file back."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = xml_text(title)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for sub in subs:
        parent = body
        tags = [xml_text(t) for t in sub.tags]
        if tags:
            tag = tags[0]
            if tag not in folders:
                folders[tag] = ET.SubElement(body, "outline", text=tag, title=tag)
            parent = folders[tag]
        name = xml_text(sub.name)
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": xml_text(sub.url)}
        if len(tags) > 1:
            attrs["category"] = ",".join(tags[1:])
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
