"""Prodigy-style JSONL: one task per article and annotator.

``spans`` use exclusive character ``end`` and inclusive ``token_end``, as Prodigy does, and every
span sits on the exported tokens, so ``Doc(vocab, words, spaces).char_span(start, end,
alignment_mode="strict")`` gives it back.

Hashes are Prodigy-compatible: Prodigy's ``set_hashes`` hashes a task's input keys (``text``,
``image``, ``html``, ``input``) into ``_input_hash`` and its task keys (``spans``, ``label``,
``options``, ``arcs``) prefixed with the input hash into ``_task_hash``, with 32-bit MurmurHash3
(the ``murmurhash`` package spaCy depends on) over the keys' values serialised as JSON. How
exactly Prodigy serialises them is not public, so newsmark uses its own fixed serialisation,
``json.dumps`` with sorted keys and compact separators (what ``srsly.json_dumps(...,
sort_keys=True)`` writes):

- ``_input_hash = murmurhash.hash('{"text":…}')``: the same text, the same hash, in every export
  on every machine (MurmurHash3 has no per-process seed, unlike Python's ``hash``);
- ``_task_hash = murmurhash.hash(str(_input_hash) + '{"spans":[…]}')`` over the task's ``spans``
  as written (no ``label`` or ``options`` key in newsmark's tasks): the annotator is not part of
  it, so two annotators who marked the same spans on the same text give the same task hash, as
  in Prodigy, where the annotator lives in ``_annotator_id``/``_session_id``.

``_annotator_id`` and ``_session_id`` are ``"<dataset>-<annotator>"``, as Prodigy writes them
for a named session (``?session=alice`` on dataset ``news`` gives ``news-alice``).

``meta.span_origins`` lists where each of ``spans`` came from (``manual``, ``propagated``,
``pattern``, ``model:NAME``, ``import``), in the same order: in ``meta``, not as a key of each
span, so the task hash (over ``spans``) stays the same whoever or whatever proposed them.

``answer`` is ``"accept"`` for work its annotator marked done, ``"ignore"`` for unfinished work
(``export --status any``), which Prodigy's training recipes leave out; ``meta.status`` says
which status it has, and import restores it whatever the answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from itertools import count

import murmurhash
import orjson

from ..errors import NewsmarkError
from ..events import validate
from ..model import Article, Event, Schema, Span
from ..text import token_bounds, token_bounds_finder
from . import Record, span_origins, structure_meta, text_output, to_terminal

DATASET = "newsmark"  # the dataset name in _annotator_id / _session_id unless one is given


def hash_json(value) -> bytes:
    """``json.dumps(value, separators=(",", ":"), sort_keys=True)`` as ASCII bytes (non-ASCII
    escaped, as ``json`` does by default), by orjson when its output is the same text: ASCII
    without DEL, which ``json`` escapes and orjson does not."""
    try:
        data = _orjson_dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        data = None
    if data is None or not data.isascii() or b"\x7f" in data:
        data = json.dumps(value, separators=(",", ":"), sort_keys=True).encode("ascii")
    return data


def input_hash(text: str) -> int:
    """The task's ``_input_hash``: MurmurHash3 of its input key, ``{"text": text}``."""
    return _murmur(hash_json({"text": text}))


def task_hash(input_hash: int, spans: list[dict]) -> int:
    """The task's ``_task_hash``: MurmurHash3 of the input hash and its task key,
    ``{"spans": spans}`` (the spans as the task has them)."""
    return _murmur(str(input_hash).encode("ascii") + hash_json({"spans": spans}))


def session_id(annotator: str, dataset: str = DATASET) -> str:
    """``_annotator_id`` and ``_session_id`` as Prodigy writes them: ``"<dataset>-<session>"``."""
    return f"{dataset}-{annotator}"


_murmur = murmurhash.hash


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
    dataset: str = DATASET,
) -> dict:
    return _record(article, annotator, spans, events, schema, *_tokens(article), dataset=dataset)


def _record(article: Article, annotator: str, spans: list[Span], events: list[Event] | None,
            schema: Schema | None, tokens: list[dict], find: Bounds,
            status: str | None = None, dataset: str = DATASET) -> dict:
    text = article.text
    out_spans = []
    ordered = sorted(spans, key=_span_order) if len(spans) > 1 else spans
    for span in ordered:
        start, end, label = span.start, span.end, span.label
        bounds = find(start, end)
        if bounds is None:
            _bounds_by(find, article, start, end, "span")  # raises
        out_spans.append({"start": start, "end": end, "token_start": bounds[0],
                          "token_end": bounds[1], "label": label})
    in_hash = input_hash(text)
    session = session_id(annotator, dataset)
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
            "span_origins": span_origins(ordered),
        },
        "_input_hash": in_hash,
        "_task_hash": task_hash(in_hash, out_spans),
        "_annotator_id": session,
        "_session_id": session,
        # unfinished work (export --status any) is marked, and not what Prodigy trains on
        "answer": "accept" if status is None or status == "done" else "ignore",
    }
    if status is not None:  # the annotator's status (done, in_progress, …): import restores it
        rec["meta"]["status"] = status
    if events:
        by_id = {s.id: s for s in spans}
        rec["events"] = [_event_by(find, article, e, by_id, schema) for e in events]
    return rec


def _span_order(span: Span) -> tuple[int, int, str]:
    return span.start, -span.end, span.label


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


def render(records: Iterable[Record], schema: Schema, dataset: str = DATASET) -> tuple[bytes, int]:
    """The JSONL lines of ``records`` as UTF-8 bytes, and how many (for rendering in workers)."""
    lines = []
    article = tokens = None
    for r in records:
        if r.article is not article:
            article = r.article
            tokens = _tokens(article)
        lines.append(_line_bytes(_record(article, r.annotator, r.spans, r.events, schema, *tokens,
                                         r.status, dataset)))
    return b"".join(lines), len(lines)


def export(records: Iterable[Record], output: str, schema: Schema,
           rendered: Iterable[tuple[bytes, int]] | None = None, dataset: str = DATASET,
           **_options) -> dict:
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
            write(line(_record(article, r.annotator, r.spans, r.events, schema, *tokens, r.status,
                               dataset)))
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
