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

``id`` is ``"<article id>:<annotator>"``. Offsets are code points, end exclusive, as doccano's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import count

from ..model import Schema, Span
from . import Record, structure_meta, text_output


def _sorted(spans: list[Span]) -> list[Span]:
    return sorted(spans, key=lambda s: (s.start, -s.end, s.label, s.id or 0))


def _labels(r: Record) -> dict:
    return {
        "id": f"{r.article.id}:{r.annotator}",
        "text": r.article.text,
        "label": [[s.start, s.end, s.label] for s in _sorted(r.spans)],
        "meta": structure_meta(r.article),
    }


def _non_default(attributes: dict[str, str], schema: Schema) -> dict[str, str]:
    out = {}
    for name, value in sorted(attributes.items()):
        attr = schema.attribute(name)
        if attr is None or value != attr.default:
            out[name] = value
    return out


def _relations(r: Record, schema: Schema, entity_ids: count, relation_ids: count) -> dict:
    entities, relations, by_span, attributes = [], [], {}, []
    for s in _sorted(r.spans):
        eid = next(entity_ids)
        by_span[s.id] = eid
        entities.append({"id": eid, "label": s.label, "start_offset": s.start, "end_offset": s.end})
    for e in sorted(r.events, key=lambda e: (e.start, e.end, e.id or 0)):
        tid = next(entity_ids)
        entities.append({"id": tid, "label": e.type, "start_offset": e.start, "end_offset": e.end})
        for arg in e.arguments:
            relations.append({"id": next(relation_ids), "from_id": tid,
                              "to_id": by_span[arg.span_id], "type": arg.role})
        attrs = _non_default(e.attributes, schema)
        if attrs:
            attributes.append({"start_offset": e.start, "end_offset": e.end, "label": e.type,
                               "attributes": attrs})
    line = {"id": f"{r.article.id}:{r.annotator}", "text": r.article.text,
            "entities": entities, "relations": relations, "meta": structure_meta(r.article)}
    if attributes:
        line["event_attributes"] = attributes
    return line


def export(records: Iterable[Record], output: str, schema: Schema, relations: bool = False,
           **_options) -> dict:
    n = n_spans = n_events = n_relations = n_attributes = 0
    entity_ids, relation_ids = count(1), count(1)
    with text_output(output) as out:
        for r in records:
            line = _relations(r, schema, entity_ids, relation_ids) if relations else _labels(r)
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
