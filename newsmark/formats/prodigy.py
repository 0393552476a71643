"""Prodigy-style JSONL: one task per article and annotator.

``spans`` use exclusive character ``end`` and inclusive ``token_end``, as Prodigy does, and every
span sits on the exported tokens, so ``Doc(vocab, words, spaces).char_span(start, end,
alignment_mode="strict")`` gives it back.
"""

from __future__ import annotations

import hashlib
import json

from collections.abc import Iterable

from ..events import validate
from ..model import Article, Event, Schema, Span
from ..text import token_bounds
from . import Record, text_output


def stable_hash(*parts: str) -> int:
    """A stable signed 32-bit integer, like Prodigy's hashes, from strings."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


class AlignmentError(ValueError):
    pass


def _bounds(article: Article, start: int, end: int, what: str) -> tuple[int, int]:
    bounds = token_bounds(article.tokens, start, end)
    if bounds is None:
        raise AlignmentError(
            f"article {article.id}: {what} {start}-{end} does not sit on token boundaries"
        )
    return bounds


def record(
    article: Article,
    annotator: str,
    spans: list[Span],
    events: list[Event] | None = None,
    schema: Schema | None = None,
) -> dict:
    text = article.text
    tokens = [
        {"text": text[t.start : t.end], "start": t.start, "end": t.end, "id": i, "ws": t.ws}
        for i, t in enumerate(article.tokens)
    ]
    out_spans = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label)):
        bounds = _bounds(article, span.start, span.end, "span")
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
    rec = {
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
    if events:
        rec["events"] = [_event(article, e, spans, schema) for e in events]
    return rec


def _event(article: Article, event: Event, spans: list[Span], schema: Schema | None) -> dict:
    by_id = {s.id: s for s in spans}
    ts, te = _bounds(article, event.start, event.end, "trigger")
    arguments = []
    for arg in event.arguments:
        span = by_id[arg.span_id]
        a_s, a_e = _bounds(article, span.start, span.end, "argument")
        arguments.append({"role": arg.role, "start": span.start, "end": span.end,
                          "token_start": a_s, "token_end": a_e, "label": span.label})
    attributes = dict(event.attributes)
    if schema is not None:
        for attr in schema.attributes:
            attributes.setdefault(attr.name, attr.default)
    return {
        "id": event.id,
        "type": event.type,
        "trigger": {"start": event.start, "end": event.end, "token_start": ts, "token_end": te},
        "arguments": arguments,
        "attributes": attributes,
        "warnings": validate(event, schema, by_id, article.text) if schema is not None else [],
    }


def export(records: Iterable[Record], output: str, schema: Schema, **_options) -> dict:
    n = 0
    with text_output(output) as out:
        for r in records:
            out.write(dumps(record(r.article, r.annotator, r.spans, r.events, schema)) + "\n")
            n += 1
    return {"records": n}


def dumps(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
