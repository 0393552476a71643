"""The domain model: articles, their tokens, the spans annotators put on them, and the label schema.

Offsets are Python code points into an article's clean text, which is NFC-normalised with LF line
endings. A span carries the SHA-256 of the text it points into, so it can never silently drift onto
another version of the article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .blocks import Block
from .errors import NewsmarkError

STATUSES = ("todo", "in_progress", "done", "skipped")
Status = Literal["todo", "in_progress", "done", "skipped"]
ORIGINS = ("manual", "suggestion")


@dataclass(frozen=True, slots=True)
class Token:
    """One spaCy token: ``text[start:end]``, and whether whitespace follows it."""

    start: int
    end: int
    ws: bool

    def text(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(slots=True)
class Article:
    text: str
    text_hash: str
    tokens: list[Token]
    raw: bytes = b""
    url: str | None = None  # canonical URL, or the file path it came from
    source: str = ""
    title: str | None = None
    kicker: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601, as printed by the source
    language: str = "de"
    ingested: str | None = None  # ISO 8601 UTC, set by storage
    id: int | None = None
    version: int = 1
    origin: str = "file"  # file | page (fetched and cleaned) | feed (the feed's own content)
    parent_id: int | None = None  # the previous version of the same address
    feed_id: int | None = None
    # the structure of ``text`` (headings, list items, quotes, tables) as ranges beside it
    # (newsmark.blocks); None: not known, the text may still hold Markdown markers (an article
    # stored before newsmark migrate, kept as it was, or imported from another tool)
    blocks: list[Block] | None = None

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        first = self.text.strip().split("\n", 1)[0]
        return first[:80] + ("…" if len(first) > 80 else "")

    def token_columns(self) -> tuple[Sequence[int], Sequence[int], Sequence[bool]]:
        """The tokens as three parallel sequences: starts, ends, whitespace-follows. (A subclass
        that holds its tokens packed may answer without building a ``Token`` per token.)"""
        tokens = self.tokens
        return [t.start for t in tokens], [t.end for t in tokens], [t.ws for t in tokens]


@dataclass(slots=True)
class Span:
    start: int
    end: int
    label: str
    article_id: int | None = None
    annotator: str = ""
    text_hash: str = ""
    origin: str = "manual"
    id: int | None = None
    created: str | None = None
    updated: str | None = None

    def surface(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


def inner_first(span: Span) -> tuple[int, int, int]:
    """Sort key for the spans under a cursor: shortest first; of equal length, the later start
    (the one overlapping in)."""
    return (span.end - span.start, -span.start, span.id or 0)


class SchemaError(NewsmarkError, ValueError):
    """A label schema that cannot be used; the message names the file and the reason."""


@dataclass(frozen=True, slots=True)
class Label:
    """A span label. ``mention``: its spans are mentions that are not named entities (nominal
    phrases such as "die Hacker" filling an event role): they take part in events and in the
    span-level exports (prodigy, doccano, brat, spaCy's ``spans["sc"]``) but never become
    ``doc.ents``, CoNLL or HF tags."""

    name: str
    key: str
    color: str
    mention: bool = False
    # the guidelines (the reader's guidelines pane): Markdown text, and examples (Markdown each)
    description: str = ""
    examples: tuple[str, ...] = ()


DEFAULT_LABELS = (
    Label("PER", "1", "#e06c75"),
    Label("ORG", "2", "#61afef"),
    Label("LOC", "3", "#98c379"),
    Label("MISC", "4", "#c678dd"),
    Label("DATE", "5", "#e5c07b"),
    Label("MENTION", "6", "#8a8f98", mention=True),
)


CARDINALITIES = {"?": "optional", "1": "exactly one", "*": "any number", "+": "at least one"}


@dataclass(frozen=True, slots=True)
class Role:
    """An event role: which entity labels may fill it (empty: any) and how many fillers."""

    name: str
    key: str
    labels: tuple[str, ...] = ()
    cardinality: str = "*"

    @property
    def required(self) -> bool:
        return self.cardinality in ("1", "+")

    @property
    def at_most_one(self) -> bool:
        return self.cardinality in ("?", "1")

    def accepts(self, label: str) -> bool:
        return not self.labels or label in self.labels


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    key: str
    color: str
    roles: tuple[Role, ...] = ()
    description: str = ""  # the guidelines, as for ``Label``
    examples: tuple[str, ...] = ()

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if r.name == name), None)

    def role_by_key(self, key: str) -> Role | None:
        return next((r for r in self.roles if r.key == key), None)


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    values: tuple[str, ...]
    default: str

    def next_value(self, value: str | None) -> str:
        i = self.values.index(value) if value in self.values else -1
        return self.values[(i + 1) % len(self.values)]


_ACTORS = ("PER", "ORG", "LOC", "MENTION")


def _r(name: str, key: str, card: str, *labels: str) -> Role:
    return Role(name, key, tuple(labels), card)


DEFAULT_EVENTS = (
    EventType("MEET", "m", "#56b6c2", (
        _r("Participant", "p", "+", *_ACTORS), _r("Place", "l", "?", "LOC", "MENTION"),
        _r("Time", "t", "?", "DATE"), _r("Topic", "o", "?"))),
    EventType("EXCHANGE", "x", "#d19a66", (
        _r("Party", "p", "*", *_ACTORS), _r("Object", "o", "*"),
        _r("Place", "l", "?", "LOC", "MENTION"), _r("Time", "t", "?", "DATE"))),
    EventType("ATTACK", "a", "#be5046", (
        _r("Attacker", "a", "*", *_ACTORS), _r("Target", "g", "*"), _r("Instrument", "i", "*"),
        _r("Place", "l", "?", "LOC", "MENTION"), _r("Time", "t", "?", "DATE"))),
    EventType("CEASEFIRE", "c", "#f7a8c8", (
        _r("Party", "p", "*", *_ACTORS), _r("Place", "l", "?", "LOC", "MENTION"), _r("Time", "t", "?", "DATE"))),
    EventType("AGREEMENT", "g", "#9aa5ce", (
        _r("Party", "p", "*", *_ACTORS), _r("Place", "l", "?", "LOC", "MENTION"), _r("Time", "t", "?", "DATE"))),
    EventType("STATEMENT", "s", "#b5bd68", (
        _r("Speaker", "s", "+", *_ACTORS), _r("Addressee", "r", "*", *_ACTORS), _r("Content", "c", "?"))),
    EventType("DEMAND", "d", "#ff8f40", (
        _r("Speaker", "s", "+", *_ACTORS), _r("Addressee", "r", "*", *_ACTORS), _r("Content", "c", "?"))),
)
DEFAULT_ATTRIBUTES = (Attribute("modality", ("asserted", "planned", "possible", "negated"), "asserted"),)


@dataclass(frozen=True, slots=True)
class Schema:
    labels: tuple[Label, ...] = DEFAULT_LABELS
    name: str = "news"
    events: tuple[EventType, ...] = DEFAULT_EVENTS
    attributes: tuple[Attribute, ...] = DEFAULT_ATTRIBUTES

    def event_type(self, name: str) -> EventType | None:
        return next((e for e in self.events if e.name == name), None)

    def event_by_key(self, key: str) -> EventType | None:
        return next((e for e in self.events if e.key == key), None)

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)

    def label(self, name: str) -> Label | None:
        return next((lab for lab in self.labels if lab.name == name), None)

    def by_key(self, key: str) -> Label | None:
        return next((lab for lab in self.labels if lab.key == key), None)

    def color(self, name: str) -> str:
        lab = self.label(name)
        return lab.color if lab else "#abb2bf"

    @property
    def names(self) -> list[str]:
        return [lab.name for lab in self.labels]

    @property
    def entity_names(self) -> list[str]:
        """The labels of named entities: every label but the mentions."""
        return [lab.name for lab in self.labels if not lab.mention]

    @property
    def mention_names(self) -> frozenset[str]:
        return frozenset(lab.name for lab in self.labels if lab.mention)

    def is_entity(self, label: str) -> bool:
        """Does a span with ``label`` become a named entity (``doc.ents``, CoNLL and HF tags)?
        Every label but the schema's mentions does, labels outside the schema too."""
        return label not in self.mention_names

    def filler_label(self, role: Role, fallback: str | None = None) -> str:
        """The label of a span a role's key creates where there is none: the first mention
        label the role accepts (a filler is a mention unless labelled otherwise first), else
        the role's first accepted label, else ``fallback`` (the label used last)."""
        mention = next((lab.name for lab in self.labels if lab.mention and role.accepts(lab.name)),
                       None)
        if mention is not None:
            return mention
        if role.labels:
            return role.labels[0]
        return fallback or (self.labels[0].name if self.labels else "MISC")


@dataclass(slots=True)
class ArticleRow:
    """What the library lists: an article with this annotator's status and span count."""

    id: int
    title: str
    source: str
    published: str | None
    language: str
    status: str = "todo"
    spans: int = 0
    url: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(slots=True)
class Feed:
    url: str
    name: str
    tags: list[str] = field(default_factory=list)
    id: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_checked: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    articles: int = 0


@dataclass(slots=True)
class Argument:
    role: str
    span_id: int
    id: int | None = None


@dataclass(slots=True)
class Event:
    """A trigger span with a type, role arguments pointing at entity spans, and attributes."""

    start: int  # trigger
    end: int
    type: str
    arguments: list[Argument] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    article_id: int | None = None
    annotator: str = ""
    text_hash: str = ""
    id: int | None = None
    created: str | None = None
    updated: str | None = None
