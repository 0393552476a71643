"""The domain model: articles, their tokens, the spans annotators put on them, and the label schema.

Offsets are Python code points into an article's clean text, which is NFC-normalised with LF line
endings. A span carries the SHA-256 of the text it points into, so it can never silently drift onto
another version of the article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

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

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        first = self.text.strip().split("\n", 1)[0]
        return first[:80] + ("…" if len(first) > 80 else "")

    def token_columns(self) -> tuple[Sequence[int], Sequence[int], Sequence[bool]]:
        """The tokens as three parallel sequences: starts, ends, whitespace-follows. A
        ``PackedArticle`` answers without building a ``Token`` per token."""
        tokens = self.tokens
        return [t.start for t in tokens], [t.end for t in tokens], [t.ws for t in tokens]


_token_slot = Article.tokens  # the slot itself, under PackedArticle's property
_slot_get, _slot_set = _token_slot.__get__, _token_slot.__set__


class PackedArticle(Article):
    """An ``Article`` whose tokens arrive packed, as the JSON text ``[[start, end, ws], ...]``
    storage keeps them in, and become ``Token`` objects only when something reads ``tokens``.

    An export that needs only the offsets (``token_columns``) never builds the ~150 objects an
    article has; everything else sees an ``Article``: same fields, same ``tokens`` (built once,
    on first use), equal to an ``Article`` with the same fields.
    """

    __slots__ = ("_packed",)

    @classmethod
    def from_packed(cls, tokens_json: str, **fields) -> PackedArticle:
        article = cls(tokens=[], **fields)
        article._packed = tokens_json
        return article

    @property
    def tokens(self) -> list[Token]:
        packed = self._packed
        if packed is not None:
            _slot_set(self, _unpack_tokens(packed))
            self._packed = None
        return _slot_get(self)

    @tokens.setter
    def tokens(self, value: list[Token]) -> None:
        self._packed = None
        _slot_set(self, value)

    def token_columns(self) -> tuple[Sequence[int], Sequence[int], Sequence[bool]]:
        columns = self.packed_columns()
        if columns is None:
            return Article.token_columns(self)
        return columns

    def packed_columns(self) -> tuple[list[int], list[int], list[bool]] | None:
        """(starts, ends, ws) straight from the packed JSON, as lists of ints, ints and bools;
        None once the tokens are unpacked (they may have changed) or if the JSON is not the
        plain form storage writes (``[[0,5,1],[6,10,0]]``: integers, no spaces)."""
        packed = self._packed
        if packed is None or "." in packed or "e" in packed or "E" in packed or " " in packed:
            return None
        # one flat list instead of a list per token: [[0,5,1],[6,10,0]] -> [0,5,1,6,10,0]
        try:
            flat = _loads("[" + packed[2:-2].replace("],[", ",") + "]")
        except ValueError:
            return None
        if len(flat) != 3 * (packed.count("[") - 1) or packed[:1] != "[":
            return None
        return flat[0::3], flat[1::3], list(map(bool, flat[2::3]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Article):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _ARTICLE_FIELDS)

    __hash__ = None  # as Article's: mutable


_ARTICLE_FIELDS = tuple(Article.__dataclass_fields__)


def _loads(data: str) -> list:
    global _loads
    try:
        from orjson import loads
    except ImportError:  # pragma: no cover - orjson is a dependency; the same result, slower
        from json import loads
    _loads = loads
    return loads(data)


_new = object.__new__
if Token.__slots__ == ("start", "end", "ws"):
    _set_start, _set_end, _set_ws = Token.start.__set__, Token.end.__set__, Token.ws.__set__

    def _unpack_tokens(data: str) -> list[Token]:
        """``[Token(s, e, bool(w)) for s, e, w in loads(data)]``, twice as fast: the frozen
        dataclass's ``__init__`` (three ``object.__setattr__`` calls) is most of the cost."""
        out = []
        for s, e, w in _loads(data):
            t = _new(Token)
            _set_start(t, s)
            _set_end(t, e)
            _set_ws(t, bool(w))
            out.append(t)
        return out
else:  # pragma: no cover - Token changed: the plain way
    def _unpack_tokens(data: str) -> list[Token]:
        return [Token(s, e, bool(w)) for s, e, w in _loads(data)]


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


class SchemaError(ValueError):
    """A label schema that cannot be used; the message names the file and the reason."""


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    key: str
    color: str


DEFAULT_LABELS = (
    Label("PER", "1", "#e06c75"),
    Label("ORG", "2", "#61afef"),
    Label("LOC", "3", "#98c379"),
    Label("MISC", "4", "#c678dd"),
    Label("DATE", "5", "#e5c07b"),
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


_ACTORS = ("PER", "ORG", "LOC")


def _r(name: str, key: str, card: str, *labels: str) -> Role:
    return Role(name, key, tuple(labels), card)


DEFAULT_EVENTS = (
    EventType("MEET", "m", "#56b6c2", (
        _r("Participant", "p", "+", *_ACTORS), _r("Place", "l", "?", "LOC"),
        _r("Time", "t", "?", "DATE"), _r("Topic", "o", "?"))),
    EventType("EXCHANGE", "x", "#d19a66", (
        _r("Party", "p", "*", *_ACTORS), _r("Object", "o", "*"),
        _r("Place", "l", "?", "LOC"), _r("Time", "t", "?", "DATE"))),
    EventType("ATTACK", "a", "#be5046", (
        _r("Attacker", "a", "*", *_ACTORS), _r("Target", "g", "*"), _r("Instrument", "i", "*"),
        _r("Place", "l", "?", "LOC"), _r("Time", "t", "?", "DATE"))),
    EventType("CEASEFIRE", "c", "#98c379", (
        _r("Party", "p", "*", *_ACTORS), _r("Place", "l", "?", "LOC"), _r("Time", "t", "?", "DATE"))),
    EventType("AGREEMENT", "g", "#61afef", (
        _r("Party", "p", "*", *_ACTORS), _r("Place", "l", "?", "LOC"), _r("Time", "t", "?", "DATE"))),
    EventType("STATEMENT", "s", "#c678dd", (
        _r("Speaker", "s", "+", *_ACTORS), _r("Addressee", "r", "*", *_ACTORS), _r("Content", "c", "?"))),
    EventType("DEMAND", "d", "#e5c07b", (
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
