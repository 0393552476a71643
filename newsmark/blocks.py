"""Plain text with its structure beside it: Markdown-ish clean text to prose plus block ranges.

The cleaners (``newsmark.clean``) write an article's structure into its text: ``## Heading``,
``- item``, ``> quote``, tables as ``cell | cell`` rows. Stored that way the markers are tokens
of the training text, which a model then learns and never meets at inference time. So at the
ingest boundary (and once, for stored articles, in ``newsmark migrate``) ``split_blocks`` takes
the markers out and keeps what they meant as ``Block`` ranges of the plain text:

- ``heading``, level 1–6: a line that starts with 1–6 ``#`` and a space (or ends there);
- ``item``, level 1, 2, …: a line that starts (after an indent of two spaces a level) with
  ``-``, ``*``, ``+`` or ``•`` and a space;
- ``quote``, level the number of ``>``: consecutive lines starting with ``>`` (``> >`` or ``>>``
  nested), one block for a run of the same level;
- ``table``, level 0: two or more consecutive lines that all hold `` | `` (how the HTML cleaner
  writes rows); the text stays as it is, the block only says it is a table.

A marker is the characters at the start of the line up to and with the spaces after it; nothing
else changes, so a line's text keeps its characters. Numbered lines (``1. Erstens``) keep their
numbers: a number is part of what the line says (and "1. Mai" at the start of a line is prose),
so they are not taken for markers. A block covers its line's text without the line break.

``convert`` also returns the ranges it removed, and ``OffsetMap`` moves offsets of the old text
onto the new one (what the migration does to spans, triggers, cursors and the action log).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = ("heading", "item", "quote", "table")

_HEADING = re.compile(r"(#{1,6})(?: +|$)")
_ITEM = re.compile(r"([ \t]*)[-*+\u2022] +")
_QUOTE = re.compile(r">(?: ?>)* *")
_TABLE_CELL = " | "


@dataclass(frozen=True, slots=True)
class Block:
    """A structural block of the plain text: ``text[start:end]``, of ``kind`` at ``level``."""

    kind: str
    level: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Converted:
    text: str
    blocks: list[Block]
    removed: list[tuple[int, int]]  # [start, end) ranges of the input taken out, in order


def convert(markdown: str) -> Converted:
    """``markdown`` without its block markers, the blocks, and the ranges removed."""
    out: list[str] = []
    blocks: list[Block] = []
    removed: list[tuple[int, int]] = []
    lines = markdown.split("\n")
    tables = _table_lines(lines)
    pos = 0  # offset of the current line in the input
    new = 0  # offset of the current line in the output
    quote: list = []  # the open quote run: [level, start, end]

    def close_quote() -> None:
        if quote:
            blocks.append(Block("quote", quote[0], quote[1], quote[2]))
            quote.clear()

    table_start: int | None = None
    for n, line in enumerate(lines):
        kind, level, cut = _marker(line)
        text = line[cut:]
        if cut:
            removed.append((pos, pos + cut))
        start, end = new, new + len(text)
        if kind == "quote":
            if quote and quote[0] == level and quote[2] == start - 1:
                quote[2] = end
            else:
                close_quote()
                quote[:] = [level, start, end]
        else:
            close_quote()
            if kind is not None and end > start:
                blocks.append(Block(kind, level, start, end))
        if n in tables:
            if table_start is None:
                table_start = start
            if n + 1 not in tables:
                blocks.append(Block("table", 0, table_start, end))
                table_start = None
        out.append(text)
        pos += len(line) + 1
        new = end + 1
    close_quote()
    blocks.sort(key=lambda b: (b.start, -b.end))
    return Converted("\n".join(out), blocks, removed)


def split_blocks(markdown: str) -> tuple[str, list[Block]]:
    """(plain text, blocks) of Markdown-ish clean text (see the module's docstring)."""
    converted = convert(markdown)
    return converted.text, converted.blocks


def has_markers(text: str) -> bool:
    """Whether ``convert`` would change ``text``."""
    return any(_marker(line)[2] for line in text.split("\n"))


def _marker(line: str) -> tuple[str | None, int, int]:
    """(kind, level, length of the marker) of one line; (None, 0, 0) without one."""
    if not line:
        return None, 0, 0
    first = line[0]
    if first == "#" and (m := _HEADING.match(line)):
        return "heading", len(m.group(1)), m.end()
    if first == ">" and (m := _QUOTE.match(line)):
        return "quote", m.group().count(">"), m.end()
    if (m := _ITEM.match(line)) is not None:
        indent = m.group(1).replace("\t", "    ")
        return "item", len(indent) // 2 + 1, m.end()
    return None, 0, 0


def _table_lines(lines: list[str]) -> set[int]:
    """Indices of lines in runs of two or more consecutive lines holding `` | ``."""
    found: set[int] = set()
    run: list[int] = []
    for n, line in enumerate([*lines, ""]):
        if _TABLE_CELL in line and not _marker(line)[2]:
            run.append(n)
            continue
        if len(run) >= 2:
            found.update(run)
        run = []
    return found


# --- blocks as stored and exported: [[kind, level, start, end], ...] ---------------------------


def blocks_to_list(blocks: Iterable[Block]) -> list[list]:
    return [[b.kind, b.level, b.start, b.end] for b in blocks]


def blocks_from_list(data: Iterable) -> list[Block]:
    return [Block(str(k), int(lv), int(s), int(e)) for k, lv, s, e in data]


# --- offsets of the old text on the new one -----------------------------------------------------


class OffsetMap:
    """Offsets into the text ``convert`` was given, moved onto the text it returned.

    An offset inside (or at either edge of) a removed range lands where the range was: a span
    that covered a marker and more keeps the more; one that covered only a marker is empty."""

    def __init__(self, removed: list[tuple[int, int]]) -> None:
        self.starts = [a for a, _ in removed]
        self.removed = removed
        self.before: list[int] = []  # characters removed before each range
        total = 0
        for a, b in removed:
            self.before.append(total)
            total += b - a

    def __call__(self, offset: int) -> int:
        i = bisect_left(self.starts, offset)  # ranges starting before offset: 0 .. i-1
        if i == 0:
            return offset
        a, b = self.removed[i - 1]
        gone = self.before[i - 1] + min(b, offset) - a
        return offset - gone

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self(start), self(end)

    @property
    def identity(self) -> bool:
        return not self.removed
