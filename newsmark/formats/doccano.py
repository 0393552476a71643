"""doccano JSONL, one line per article and annotator.

Sequence labeling (the default): ``{"id", "text", "label": [[start, end, label], ...]}`` with
every span, overlapping ones too (doccano projects can allow overlapping spans), sorted by start.

With ``relations=True`` the "relation extraction" variant: ``{"id", "text", "entities": [{"id",
"label", "start_offset", "end_offset"}], "relations": [{"id", "from_id", "to_id", "type"}]}``.
The entities are the spans, then one trigger entity per event (label: the event type); each event
argument is a relation from the trigger to the argument's span, typed by the role. Entity and
relation ids are numbered from 1 through the whole file, so they are unique in it. doccano has no
place for event attributes, so a line whose events have attribute values other than the schema's
defaults gets one more key, ``"event_attributes": [{"start_offset", "end_offset", "label",
"attributes": {name: value}}]``, one entry per such event in trigger order, naming its trigger by
offsets and type (not by entity id: doccano renumbers entities, but keeps an unknown top-level key
as the example's metadata and writes it back on export). A line without such values has no
``event_attributes``: defaults are implied, as in storage.

``meta.span_origins`` lists where each span came from (``manual``, ``propagated``, ``pattern``,
``model:NAME``, ``import``), in the order of ``label`` (or of the span entities); doccano keeps
``meta`` as the example's metadata and ignores what it does not know.

``id`` is ``"<article id>:<annotator>"``; ``meta.status`` is the annotator's status (unfinished
work only with ``export --status any``). Offsets are end exclusive and, by default, in UTF-16
code units, as doccano counts them (its front end measures JavaScript strings: an emoji or any
character outside the BMP is two units; doccano issue #2290): ``offsets="codepoints"`` writes
Python code points instead. The two differ only after a character outside the BMP. ``meta.blocks``
is newsmark's, in code points, as in every export.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from itertools import count

from ..errors import NewsmarkError
from ..model import Schema, Span
from . import Record, span_origins, structure_meta, text_output

OFFSETS = ("utf16", "codepoints")  # the units a doccano file's offsets can be in
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class OffsetError(NewsmarkError, ValueError):
    """A UTF-16 offset that falls between the two halves of a surrogate pair."""


def to_utf16(text: str) -> Callable[[int], int] | None:
    """Code point offset -> UTF-16 code unit offset in ``text`` (``len(text[:i].encode(
    "utf-16-le")) // 2``, JavaScript's ``length``); None when ``text`` has no character outside
    the BMP, where the two are the same."""
    astral = [m.start() for m in _ASTRAL.finditer(text)]
    if not astral:
        return None
    return lambda i: i + bisect_left(astral, i)


def from_utf16(text: str) -> Callable[[int], int] | None:
    """UTF-16 code unit offset -> code point offset in ``text``, the inverse of ``to_utf16``;
    an offset inside a surrogate pair raises ``OffsetError``. None when there is nothing to
    convert."""
    starts = [m.start() + j for j, m in enumerate(_ASTRAL.finditer(text))]  # in UTF-16 units
    if not starts:
        return None

    def convert(u: int) -> int:
        k = bisect_left(starts, u)  # astral characters that begin before u
        if k and starts[k - 1] + 1 == u:
            raise OffsetError(f"offset {u} splits the character {text[u - k]!r} (two UTF-16 "
                              "code units)")
        return u - k

    return convert


def _sorted(spans: list[Span]) -> list[Span]:
    return sorted(spans, key=lambda s: (s.start, -s.end, s.label, s.id or 0))


def _meta(r: Record) -> dict:
    """The line's ``meta``: the text's structure and the annotator's ``status`` (``done``, or,
    with ``export --status any``, ``todo``, ``in_progress``, ``skipped``: import restores it)."""
    return {**structure_meta(r.article), "status": r.status,
            "span_origins": span_origins(_sorted(r.spans))}


def _identity(i: int) -> int:
    return i


def _unit(r: Record, offsets: str) -> Callable[[int], int]:
    """The offset conversion for ``r``'s text."""
    return (to_utf16(r.article.text) if offsets == "utf16" else None) or _identity


def _labels(r: Record, offsets: str = "utf16") -> dict:
    u = _unit(r, offsets)
    return {
        "id": f"{r.article.id}:{r.annotator}",
        "text": r.article.text,
        "label": [[u(s.start), u(s.end), s.label] for s in _sorted(r.spans)],
        "meta": _meta(r),
    }


def _non_default(attributes: dict[str, str], schema: Schema) -> dict[str, str]:
    out = {}
    for name, value in sorted(attributes.items()):
        attr = schema.attribute(name)
        if attr is None or value != attr.default:
            out[name] = value
    return out


def _relations(r: Record, schema: Schema, entity_ids: count, relation_ids: count,
               offsets: str = "utf16") -> dict:
    u = _unit(r, offsets)
    entities, relations, by_span, attributes = [], [], {}, []
    for s in _sorted(r.spans):
        eid = next(entity_ids)
        by_span[s.id] = eid
        entities.append({"id": eid, "label": s.label, "start_offset": u(s.start),
                         "end_offset": u(s.end)})
    for e in sorted(r.events, key=lambda e: (e.start, e.end, e.id or 0)):
        tid = next(entity_ids)
        entities.append({"id": tid, "label": e.type, "start_offset": u(e.start),
                         "end_offset": u(e.end)})
        for arg in e.arguments:
            relations.append({"id": next(relation_ids), "from_id": tid,
                              "to_id": by_span[arg.span_id], "type": arg.role})
        attrs = _non_default(e.attributes, schema)
        if attrs:
            attributes.append({"start_offset": u(e.start), "end_offset": u(e.end),
                               "label": e.type, "attributes": attrs})
    line = {"id": f"{r.article.id}:{r.annotator}", "text": r.article.text,
            "entities": entities, "relations": relations, "meta": _meta(r)}
    if attributes:
        line["event_attributes"] = attributes
    return line


def export(records: Iterable[Record], output: str, schema: Schema, relations: bool = False,
           offsets: str = "utf16", **_options) -> dict:
    if offsets not in OFFSETS:
        raise ValueError(f"offsets: expected one of {', '.join(OFFSETS)}, got {offsets!r}")
    n = n_spans = n_events = n_relations = n_attributes = 0
    entity_ids, relation_ids = count(1), count(1)
    with text_output(output) as out:
        for r in records:
            line = (_relations(r, schema, entity_ids, relation_ids, offsets) if relations
                    else _labels(r, offsets))
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
            n += 1
            n_spans += len(r.spans)
            n_events += len(r.events)
            n_relations += len(line.get("relations", ()))
            n_attributes += len(line.get("event_attributes", ()))
    summary = {"records": n, "spans": n_spans, "events": n_events, "notes": []}
    if relations:
        summary["relations"] = n_relations
        if n_events:
            summary["notes"].append(
                f"{n_events} events as trigger entities with {n_relations} relations; "
                + (f"{n_attributes} with attributes other than the defaults in event_attributes"
                   if n_attributes else "all event attributes are the defaults"))
    elif n_events:
        summary["notes"].append(f"{n_events} events not exported (--relations exports them)")
    return summary
