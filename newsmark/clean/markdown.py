"""Markdown files are articles already: keep their structure, take the title from the first H1."""

from __future__ import annotations

import re

from . import Cleaned

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")


def clean_markdown(text: str) -> Cleaned:
    meta: dict[str, str] = {}
    fm = _FRONT_MATTER.match(text)
    if fm:
        for line in fm.group(0).splitlines()[1:-1]:
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[fm.end() :]
    title = meta.get("title")
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if not block:
            continue
        m = _H1.match(block)
        if m and title is None and "\n" not in block:
            title = m.group(1)
            continue
        paragraphs.append(block)
    return Cleaned(
        paragraphs=paragraphs,
        title=title,
        author=meta.get("author"),
        published=meta.get("date") or meta.get("published"),
        language=meta.get("lang") or meta.get("language"),
    )


def clean_fragment(html: str) -> Cleaned:
    """An HTML fragment that is all article (a feed entry's content): markdownify, no extraction."""
    from markdownify import markdownify

    md = markdownify(html, heading_style="ATX", bullets="-", strip=["a", "img", "script", "style"])
    md = re.sub(r"[*_]{1,3}([^*_\n]+)[*_]{1,3}", r"\1", md)  # no emphasis markers in the text
    lines = [line.rstrip() for line in md.splitlines()]
    return clean_markdown("\n".join(lines).strip())
