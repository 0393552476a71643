"""Big regex alternations made cheap: each alternative runs only when a plain substring it must
contain occurs in the line (``Hinted``). The hints are derived from the regexes themselves
(``skeletons``, ``_hint``), so a hint can never hide an alternative. ``boilerplate.py`` builds its
vocabulary on it.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex: "a|b(?:c|d)" -> ["a", "b(?:c|d)"]."""
    out, depth, start, i = [], 0, 0, 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


_GAP = "\0"  # stands for whatever a non-literal part of a regex matches
_MAX_SKELETONS = 512


def skeletons(pattern: str) -> set[str] | None:
    """Every shape a string matching ``pattern`` can take, lower-cased, with the parts that are no
    fixed text (classes, ``.``, repeats) as ``\\0``: "(?:click|tap) here\\b" -> {"click here",
    "tap here"}. None when there are too many to list."""
    from re import _constants as C
    from re import _parser

    def walk(seq) -> set[str] | None:
        results = {""}
        for op, av in seq:
            if op is C.LITERAL:
                opts = {chr(av).lower()}
            elif op is C.SUBPATTERN:
                opts = walk(av[3])
            elif op is C.BRANCH:
                opts = set()
                for branch in av[1]:
                    sub = walk(branch)
                    if sub is None:
                        return None
                    opts |= sub
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
                low, high, item = av
                inner = walk(item)
                if inner is None:
                    return None
                opts = inner if (low, high) == (1, 1) else {_GAP + x + _GAP for x in inner}
                if low == 0:
                    opts = opts | {_GAP}
            elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
                opts = {""}
            else:
                opts = {_GAP}
            if opts is None:
                return None
            results = {r + o for r in results for o in opts}
            if len(results) > _MAX_SKELETONS:
                return None
        return results

    return walk(_parser.parse(pattern, _I))


def _hint(pattern: str) -> str:
    """The longest fixed text that every string matching ``pattern`` contains (lower-cased); ""
    when there is none (the pattern then runs on every line)."""
    shapes = skeletons(pattern)
    if not shapes:
        return ""
    shortest = min(shapes, key=len)
    for size in range(len(shortest), 0, -1):
        for i in range(len(shortest) - size + 1):
            part = shortest[i : i + size]
            if _GAP not in part and part.strip() and all(part in x for x in shapes):
                return part
    return ""


class _Hinted:
    """A big alternation as one regex per alternative, each behind a plain substring that must
    occur in the lower-cased line first: Python's ``re`` tries every alternative at every position,
    plain ``in`` tests are ~50x cheaper, and most lines contain none of the hints. The hints are
    derived from the alternatives (:func:`_hint`: text that every match contains), so a hint can
    never hide an alternative (it once did: "reserv" hid "alle rechte vorbehalten")."""

    def __init__(self, patterns: list[str], flags: int = _I):
        self.rules = [(_hint(alt), re.compile(alt, flags))
                      for pattern in patterns for alt in _alternatives(pattern)]

    def search(self, line: str, low: str | None = None) -> re.Match | None:
        low = line.lower() if low is None else low
        for hint, rx in self.rules:
            if hint in low:
                m = rx.search(line)
                if m:
                    return m
        return None
