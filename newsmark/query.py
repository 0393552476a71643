"""The library's filter language.

    status:todo source:zeit lang:de label:PER after:2025-06-01 before:2025-07-01 "free text" words

Terms combine with AND. ``status``, ``source``, ``lang`` and ``label`` may repeat (OR within one
key). ``source`` matches a part of the source name or of the site (the address's host). Bare
words and quoted phrases are full-text search over title and body. A leading ``-`` negates a key
term (``-status:done``). ``assigned:me`` (the annotator's own assignments), ``assigned:NAME``
(NAME's; may repeat) or ``assigned:all`` (every article): see ``in_queue``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from .errors import NewsmarkError
from .model import STATUSES

KEYS = ("status", "source", "lang", "label", "after", "before", "annotator", "assigned")
SORTS = ("date", "title", "source", "status")
_TOKEN = re.compile(r'(-?)(\w+):("([^"]*)"|\S+)|"([^"]*)"|(\S+)')


class QueryError(NewsmarkError, ValueError):
    pass


@dataclass(slots=True)
class Query:
    status: list[str] = field(default_factory=list)
    not_status: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    lang: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)
    after: str | None = None
    before: str | None = None
    text: list[str] = field(default_factory=list)  # words and phrases, all must match
    assigned: list[str] = field(default_factory=list)  # "me", names, or "all" (no restriction)

    @property
    def empty(self) -> bool:
        return not any(
            (self.status, self.not_status, self.source, self.lang, self.label, self.after,
             self.before, self.text, self.assigned)
        )


def in_queue(q: Query) -> Query:
    """The library's default for an annotator who has assignments: their own queue
    (``assigned:me``) unless the filter names ``assigned:`` itself (``assigned:all``: every
    article)."""
    return q if q.assigned else replace(q, assigned=["me"])


def _date(value: str, key: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"{key}: expected a date like 2025-06-01, got {value!r}") from None


def parse_query(text: str) -> Query:
    """The query ``text`` says; a ``QueryError`` naming every term that does not parse."""
    q = Query()
    problems: list[str] = []
    for m in _TOKEN.finditer(text or ""):
        try:
            _term(q, m)
        except QueryError as exc:
            problems.append(str(exc))
    if problems:
        raise QueryError("; ".join(problems))
    return q


def _term(q: Query, m: re.Match) -> None:
    neg, key, raw, quoted, phrase, word = m.groups()
    if key is not None and key.lower() in KEYS:
        key = key.lower()
        value = quoted if quoted is not None else raw
        if key == "status":
            value = value.lower().replace("-", "_")
            if value == "progress":
                value = "in_progress"
            if value not in STATUSES:
                raise QueryError(f"status: expected one of {', '.join(STATUSES)}, got {value!r}")
            (q.not_status if neg else q.status).append(value)
        elif neg:
            raise QueryError(f"-{key}: only status can be negated")
        elif key in ("after", "before"):
            setattr(q, key, _date(value, key))
        elif key == "annotator":
            raise QueryError("annotator: use --annotator (the library shows one annotator's work)")
        elif key == "assigned":  # "me" and "all" are words, any other value a name
            q.assigned.append(value.lower() if value.lower() in ("me", "all") else value)
        else:
            getattr(q, key).append(value)
    elif key is not None:  # "word:thing" with an unknown key is plain text
        q.text.append(m.group(0))
    else:
        value = phrase if phrase is not None else word
        if value.strip():
            q.text.append(value)
