"""Prodigy-style JSONL: one task per article and annotator.

``spans`` use exclusive character ``end`` and inclusive ``token_end``, as Prodigy does, and every
span sits on the exported tokens, so ``Doc(vocab, words, spaces).char_span(start, end,
alignment_mode="strict")`` gives it back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from itertools import count

import orjson

from ..errors import NewsmarkError
from ..events import validate
from ..model import Article, Event, Schema, Span
from ..text import token_bounds, token_bounds_finder
from . import Record, structure_meta, text_output, to_terminal


def stable_hash(*parts: str) -> int:
    """A stable signed 32-bit integer, like Prodigy's hashes, from strings."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


class AlignmentError(NewsmarkError, ValueError):
    pass


Bounds = Callable[[int, int], "tuple[int, int] | None"]


def _bounds(article: Article, start: int, end: int, what: str) -> tuple[int, int]:
    """(token_start, token_end) of a span of ``article``, or AlignmentError."""
    return _bounds_by(lambda s, e: token_bounds(article.tokens, s, e), article, start, end, what)


def _bounds_by(find: Bounds, article: Article, start: int, end: int, what: str) -> tuple[int, int]:
    bounds = find(start, end)
    if bounds is None:
        raise AlignmentError(
            f"article {article.id}: {what} {start}-{end} does not sit on token boundaries"
        )
    return bounds


def _tokens(article: Article) -> tuple[list[dict], Bounds]:
    """The task's token dicts and a ``token_bounds`` for the article, from its token columns
    (no ``Token`` objects for a ``PackedArticle``)."""
    text = article.text
    starts, ends, ws = article.token_columns()
    tokens = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": w}
              for i, s, e, w in zip(count(), starts, ends, ws)]
    return tokens, token_bounds_finder(starts, ends)


def record(
    article: Article,
    annotator: str,
    spans: list[Span],
    events: list[Event] | None = None,
    schema: Schema | None = None,
) -> dict:
    return _record(article, annotator, spans, events, schema, *_tokens(article))


def _record(article: Article, annotator: str, spans: list[Span], events: list[Event] | None,
            schema: Schema | None, tokens: list[dict], find: Bounds,
            status: str | None = None) -> dict:
    text = article.text
    out_spans = []
    task = []  # [start, end, label] per span: what the task hash covers
    for span in sorted(spans, key=_span_order) if len(spans) > 1 else spans:
        start, end, label = span.start, span.end, span.label
        bounds = find(start, end)
        if bounds is None:
            _bounds_by(find, article, start, end, "span")  # raises
        out_spans.append({"start": start, "end": end, "token_start": bounds[0],
                          "token_end": bounds[1], "label": label})
        task.append((start, end, label))
    input_hash = stable_hash(text)
    task_hash = _hash_bytes(f"{input_hash}\x1f{annotator}\x1f".encode("utf-8") + _task_json(task))
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
            **structure_meta(article),
        },
        "_input_hash": input_hash,
        "_task_hash": task_hash,
        "answer": "accept",
    }
    if status is not None:  # the annotator's status (done, in_progress, …): import restores it
        rec["meta"]["status"] = status
    if events:
        by_id = {s.id: s for s in spans}
        rec["events"] = [_event_by(find, article, e, by_id, schema) for e in events]
    return rec


def _span_order(span: Span) -> tuple[int, int, str]:
    return span.start, -span.end, span.label


def _hash_bytes(data: bytes) -> int:
    """``stable_hash`` of parts already joined and encoded."""
    return int.from_bytes(hashlib.sha256(data).digest()[:4], "big", signed=True)


_plain_labels: set[str] = set()


def _task_json(task: list[tuple[int, int, str]]) -> bytes:
    """``json.dumps(task).encode()`` (default separators, ASCII): orjson's compact output with
    ", " after every comma is the same text while no label holds a comma, a quote, a backslash
    or anything but printable ASCII, which is every label newsmark's schemas allow."""
    plain = _plain_labels
    for _start, _end, label in task:
        if label not in plain:
            if not (label.isascii() and label.isprintable() and not any(c in label for c in ',"\\')):
                return json.dumps(task).encode("utf-8")
            if len(plain) < 10_000:
                plain.add(label)
    return _orjson_dumps(task).replace(b",", b", ")


def _event(article: Article, event: Event, spans: list[Span], schema: Schema | None) -> dict:
    """The task's dict for one event of ``article``."""
    find = token_bounds_finder(*article.token_columns()[:2])
    return _event_by(find, article, event, {s.id: s for s in spans}, schema)


def _event_by(find: Bounds, article: Article, event: Event, by_id: dict[int, Span],
              schema: Schema | None) -> dict:
    ts, te = _bounds_by(find, article, event.start, event.end, "trigger")
    arguments = []
    for arg in event.arguments:
        span = by_id[arg.span_id]
        a_s, a_e = _bounds_by(find, article, span.start, span.end, "argument")
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


def render(records: Iterable[Record], schema: Schema) -> tuple[bytes, int]:
    """The JSONL lines of ``records`` as UTF-8 bytes, and how many (for rendering in workers)."""
    lines = []
    article = tokens = None
    for r in records:
        if r.article is not article:
            article = r.article
            tokens = _tokens(article)
        lines.append(_line_bytes(_record(article, r.annotator, r.spans, r.events, schema, *tokens, r.status)))
    return b"".join(lines), len(lines)


def export(records: Iterable[Record], output: str, schema: Schema,
           rendered: Iterable[tuple[bytes, int]] | None = None, **_options) -> dict:
    """Write ``records``; or, with ``rendered``, the batches ``render`` made (in workers)."""
    if rendered is not None:
        n = 0
        with text_output(output) as out:
            out.flush()
            as_text = output == "-" or to_terminal(out)
            for data, count in rendered:
                if as_text:
                    out.write(data.decode("utf-8"))
                else:
                    out.buffer.write(data)
                n += count
        return {"records": n}
    n = 0
    article = tokens = None
    with text_output(output) as out:
        if output == "-" or to_terminal(out):  # standard output: its own encoding and newlines
            write = out.write
            line = _line_str
        else:  # our UTF-8 file with LF newlines: orjson's bytes as they are
            out.flush()
            write = out.buffer.write
            line = _line_bytes
        for r in records:
            if r.article is not article:  # an article's records come together: tokens once
                article = r.article
                tokens = _tokens(article)
            write(line(_record(article, r.annotator, r.spans, r.events, schema, *tokens, r.status)))
            n += 1
    return {"records": n}


def dumps(rec: dict) -> str:
    """``json.dumps(rec, ensure_ascii=False, separators=(",", ":"))``, by orjson: the same text
    for every record (same escapes, none beyond what JSON requires; tests/test_export.py checks
    every code point), several times faster. What orjson refuses (an integer beyond 64 bits, a
    lone surrogate) goes to ``json``. Records hold no floats, where the two would differ."""
    try:
        return _orjson_dumps(rec).decode("utf-8")
    except TypeError:
        return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def _line_str(rec: dict) -> str:
    return dumps(rec) + "\n"


def _line_bytes(rec: dict) -> bytes:
    """``dumps(rec) + "\n"``, UTF-8 encoded (strictly: a lone surrogate raises, as writing the
    text to a UTF-8 file does)."""
    try:
        return _orjson_dumps(rec, option=_NEWLINE)
    except TypeError:
        return (json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


_orjson_dumps = orjson.dumps
_NEWLINE = orjson.OPT_APPEND_NEWLINE
