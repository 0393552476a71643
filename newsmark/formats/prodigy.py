"""Prodigy-style JSONL: one task per article and annotator.

``spans`` use exclusive character ``end`` and inclusive ``token_end``, as Prodigy does, and every
span sits on the exported tokens, so ``Doc(vocab, words, spaces).char_span(start, end,
alignment_mode="strict")`` gives it back.
"""

from __future__ import annotations

import hashlib
import json

from ..model import Article, Span
from ..text import token_bounds


def stable_hash(*parts: str) -> int:
    """A stable signed 32-bit integer, like Prodigy's hashes, from strings."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


class AlignmentError(ValueError):
    pass


def record(article: Article, annotator: str, spans: list[Span]) -> dict:
    text = article.text
    tokens = [
        {"text": text[t.start : t.end], "start": t.start, "end": t.end, "id": i, "ws": t.ws}
        for i, t in enumerate(article.tokens)
    ]
    out_spans = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label)):
        bounds = token_bounds(article.tokens, span.start, span.end)
        if bounds is None:
            raise AlignmentError(
                f"article {article.id}: span {span.start}-{span.end} does not sit on token boundaries"
            )
        out_spans.append(
            {
                "start": span.start,
                "end": span.end,
                "token_start": bounds[0],
                "token_end": bounds[1],
                "label": span.label,
            }
        )
    input_hash = stable_hash(text)
    task_hash = stable_hash(
        str(input_hash),
        annotator,
        json.dumps([[s["start"], s["end"], s["label"]] for s in out_spans]),
    )
    return {
        "text": text,
        "tokens": tokens,
        "spans": out_spans,
        "meta": {
            "id": article.id,
            "url": article.url,
            "title": article.title,
            "source": article.source,
            "language": article.language,
            "annotator": annotator,
        },
        "_input_hash": input_hash,
        "_task_hash": task_hash,
        "answer": "accept",
    }


def dumps(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
