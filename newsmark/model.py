"""The domain model: articles, their tokens, the spans annotators put on them, and the label schema.

Offsets are Python code points into an article's clean text, which is NFC-normalised with LF line
endings. A span carries the SHA-256 of the text it points into, so it can never silently drift onto
another version of the article.
"""

from __future__ import annotations

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


@dataclass(frozen=True, slots=True)
class Schema:
    labels: tuple[Label, ...] = DEFAULT_LABELS
    name: str = "news"

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
