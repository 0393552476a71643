"""Cleaning: from a page or a plain-text dump down to the article body.

``Cleaned.text`` is the body as Markdown-style plain text: paragraphs separated by a blank line,
headings as ``## …``, list items as ``- …``, quotes as ``> …``. It is normalised (NFC, LF).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Cleaned:
    paragraphs: list[str]
    title: str | None = None
    kicker: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601, local time as printed
    language: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)
