"""Reading annotations back in: Prodigy and doccano JSONL, line by line, checked before storing.

``read(path, fmt)`` yields ``(line number, ImportRecord)`` or ``(line number, reason)`` for
every non-blank line, streaming (one line in memory at a time). What can be checked from the line
alone is checked there: JSON, types, offsets inside the text, the text already being NFC with LF
line endings (offsets into any other text would not survive normalisation), event arguments
naming spans of the same line, doccano relations between entities of the line. ``check(record,
tokens, schema)`` then checks it against the tokens the article will have (the stored article's,
when the text is stored already): spans and triggers on token boundaries, labels, event types,
roles and attributes known to the schema.

Nothing here touches the database: ``storage`` drives the import in one transaction.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..blocks import KINDS, Block
from ..errors import NewsmarkError
from ..events import attribute_problem
from ..ingest import IngestError, NotRegularFile, open_regular
from ..model import Schema, Token
from ..text import detect_language, normalize, text_hash, token_bounds, tokenize
from .doccano import OFFSETS, OffsetError, from_utf16

IMPORT_FORMATS = ("prodigy", "doccano")
MAX_IMPORT_BYTES = 200 * 1024 * 1024
MAX_REASONS = 5  # per line; the rest are summarised
_DOCCANO_ID = re.compile(r"^([1-9][0-9]{0,17}):(.+)$", re.S)


class ImportFileError(NewsmarkError, ValueError):
    """The file as a whole cannot be read (missing, too large, a directory)."""


class LineError(NewsmarkError, ValueError):
    pass


@dataclass(slots=True)
class ImportSpan:
    start: int
    end: int
    label: str
    token_start: int | None = None
    token_end: int | None = None


@dataclass(slots=True)
class ImportArgument:
    role: str
    start: int
    end: int
    label: str


@dataclass(slots=True)
class ImportEvent:
    type: str
    start: int
    end: int
    arguments: list[ImportArgument] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    id: int | None = None
    entity_id: int | None = None  # doccano relations: the trigger entity's id, for messages
    tentative: bool = False  # doccano entity in no relation: an event only if the schema says so


@dataclass(slots=True)
class ImportRecord:
    text: str
    text_hash: str
    spans: list[ImportSpan]
    events: list[ImportEvent] = field(default_factory=list)
    tokens: list[Token] | None = None  # the line's own tokens, when they rebuild the text exactly
    annotator: str | None = None
    article_id: int | None = None  # the exported article id (prodigy meta.id), kept when free
    url: str | None = None
    title: str | None = None
    source: str = ""
    language: str = "de"
    accepted: bool = True  # prodigy answer "accept", or any answer with a meta.status
    done: bool = True  # mark the annotator's status done
    status: str | None = None  # the status the line names (prodigy meta.status), if any
    blocks: list[Block] | None = None  # the text's structure (meta.blocks, as newsmark exports)


STATUSES = ("todo", "in_progress", "done", "skipped")


# --- reading ------------------------------------------------------------------------------------


def read(path: str | Path, fmt: str, max_bytes: int = MAX_IMPORT_BYTES, offsets: str = "utf16"
         ) -> Iterator[tuple[int, ImportRecord | str]]:
    """``offsets``: the unit of a doccano file's offsets, ``utf16`` (doccano's) or
    ``codepoints``."""
    if fmt not in IMPORT_FORMATS:
        raise ImportFileError(f"cannot import {fmt!r}; expected one of {', '.join(IMPORT_FORMATS)}")
    if offsets not in OFFSETS:
        raise ImportFileError(f"offsets: expected one of {', '.join(OFFSETS)}, got {offsets!r}")
    path = Path(path)
    try:  # a regular file only: a FIFO or a device is refused unopened, nothing hangs
        fh = open_regular(path)
    except NotRegularFile as exc:
        raise ImportFileError(f"{path}: {exc}") from None
    except IngestError as exc:
        raise ImportFileError(f"{path}: cannot read ({exc})") from None
    parse = PARSERS[fmt]
    if fmt == "doccano":
        parse = functools.partial(parse_doccano, offsets=offsets)
    read_bytes = 0
    with fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise ImportFileError(f"{path}: {size:,} bytes, over the {max_bytes:,}-byte limit "
                                  "(--max-bytes)")
        for lineno, raw in enumerate(fh, 1):
            read_bytes += len(raw)
            if read_bytes > max_bytes:  # the file grew while we read it
                raise ImportFileError(f"{path}: over the {max_bytes:,}-byte limit (--max-bytes)")
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield lineno, f"not UTF-8 (byte {exc.start})"
                continue
            try:
                obj = json.loads(line.rstrip("\r\n"))  # a column on this line, not the next
            except json.JSONDecodeError as exc:
                yield lineno, f"not JSON ({exc.msg} at column {exc.colno})"
                continue
            try:
                yield lineno, parse(obj)
            except LineError as exc:
                yield lineno, str(exc)


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LineError(f"{what}: expected an integer, got {json.dumps(value, ensure_ascii=False)[:40]}")
    return value


def _str(value, what: str, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value):
        raise LineError(f"{what}: expected a{'' if empty else ' non-empty'} string")
    return value


def _offsets(obj: dict, start_key: str, end_key: str, text: str, what: str) -> tuple[int, int]:
    start = _int(obj.get(start_key), f"{what} {start_key}")
    end = _int(obj.get(end_key), f"{what} {end_key}")
    if not 0 <= start < end <= len(text):
        raise LineError(f"{what} {start}-{end} is outside the text (length {len(text)}) or empty")
    return start, end


def _text(obj) -> str:
    if not isinstance(obj, dict):
        raise LineError("expected a JSON object")
    text = _str(obj.get("text"), "text")
    if normalize(text) != text:
        raise LineError("text is not NFC with LF line endings (offsets would not survive "
                        "normalisation)")
    return text


def _own_tokens(data, text: str) -> list[Token] | None:
    """The line's tokens if they rebuild the text exactly (spaCy words + single spaces)."""
    if not isinstance(data, list) or not data:
        return None
    tokens: list[Token] = []
    pos = 0
    try:
        for t in data:
            start, end, ws = t["start"], t["end"], t.get("ws", False)
            if (isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int)
                    or not isinstance(end, int) or not isinstance(ws, bool)):
                return None
            if start != pos or end <= start or end > len(text):
                return None
            if "text" in t and t["text"] != text[start:end]:
                return None
            if ws and text[end : end + 1] != " ":
                return None
            tokens.append(Token(start, end, ws))
            pos = end + 1 if ws else end
    except (TypeError, KeyError, AttributeError):
        return None
    return tokens if pos == len(text) else None


def _spans(items, text: str, start_key: str, end_key: str, label_key: str) -> list[ImportSpan]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise LineError("spans: expected a list")
    out: list[ImportSpan] = []
    seen: set[tuple[int, int, str]] = set()
    problems: list[str] = []
    for i, s in enumerate(items, 1):
        what = f"span {i}"
        try:
            if isinstance(s, list) and len(s) == 3:  # doccano [start, end, label]
                s = {start_key: s[0], end_key: s[1], label_key: s[2]}
            if not isinstance(s, dict):
                raise LineError(f"{what}: expected an object")
            start, end = _offsets(s, start_key, end_key, text, what)
            label = _str(s.get(label_key), f"{what} label")
            if "text" in s and s["text"] != text[start:end]:
                raise LineError(f"{what} {start}-{end}: its text {s['text']!r} is not "
                                f"{text[start:end]!r}")
            ts, te = s.get("token_start"), s.get("token_end")
            span = ImportSpan(start, end, label,
                              ts if isinstance(ts, int) and not isinstance(ts, bool) else None,
                              te if isinstance(te, int) and not isinstance(te, bool) else None)
        except LineError as exc:
            problems.append(str(exc))
            continue
        if (start, end, label) not in seen:
            seen.add((start, end, label))
            out.append(span)
    if problems:
        raise LineError(_join(problems))
    return out


def _events(items, text: str, spans: list[ImportSpan]) -> list[ImportEvent]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise LineError("events: expected a list")
    known = {(s.start, s.end, s.label) for s in spans}
    out: list[ImportEvent] = []
    problems: list[str] = []
    for i, e in enumerate(items, 1):
        what = f"event {i}"
        try:
            if not isinstance(e, dict):
                raise LineError(f"{what}: expected an object")
            etype = _str(e.get("type"), f"{what} type")
            trigger = e.get("trigger")
            if not isinstance(trigger, dict):
                raise LineError(f"{what}: trigger: expected an object with start and end")
            start, end = _offsets(trigger, "start", "end", text, f"{what} trigger")
            eid = e.get("id")
            event = ImportEvent(etype, start, end,
                                id=eid if isinstance(eid, int) and not isinstance(eid, bool) and eid > 0 else None)
            args = e.get("arguments", [])
            if not isinstance(args, list):
                raise LineError(f"{what}: arguments: expected a list")
            for j, a in enumerate(args, 1):
                if not isinstance(a, dict):
                    raise LineError(f"{what} argument {j}: expected an object")
                role = _str(a.get("role"), f"{what} argument {j} role")
                a_s, a_e = _offsets(a, "start", "end", text, f"{what} {role}")
                label = _str(a.get("label"), f"{what} {role} label")
                if (a_s, a_e, label) not in known:
                    raise LineError(f"{what} {role}: {a_s}-{a_e} {label} is not one of the "
                                    "line's spans")
                event.arguments.append(ImportArgument(role, a_s, a_e, label))
            attrs = e.get("attributes", {})
            if attrs is None:
                attrs = {}
            if not isinstance(attrs, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in attrs.items()):
                raise LineError(f"{what}: attributes: expected an object of strings")
            event.attributes = dict(attrs)
        except LineError as exc:
            problems.append(str(exc))
            continue
        out.append(event)
    if problems:
        raise LineError(_join(problems))
    return out


def _meta_status(meta: dict) -> str | None:
    status = meta.get("status")
    if status is not None and status not in STATUSES:
        raise LineError(f"meta.status: {status!r} is not one of {', '.join(STATUSES)}")
    return status


def _meta_str(meta: dict, key: str) -> str | None:
    value = meta.get(key)
    return value if isinstance(value, str) and value else None


def parse_prodigy(obj) -> ImportRecord:
    """A Prodigy task: ``text``, optional ``tokens``, ``spans`` (``start``, ``end``, ``label``),
    ``events`` (as newsmark exports them), ``meta`` and ``answer``."""
    text = _text(obj)
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise LineError("meta: expected an object")
    spans = _spans(obj.get("spans"), text, "start", "end", "label")
    events = _events(obj.get("events"), text, spans)
    mid = meta.get("id")
    answer = obj.get("answer", "accept")
    status = _meta_status(meta)
    return ImportRecord(
        text=text, text_hash=text_hash(text), spans=spans, events=events,
        tokens=_own_tokens(obj.get("tokens"), text),
        annotator=_meta_str(meta, "annotator"),
        article_id=mid if isinstance(mid, int) and not isinstance(mid, bool) and mid > 0 else None,
        url=_meta_str(meta, "url"), title=_meta_str(meta, "title"),
        source=_meta_str(meta, "source") or "",
        language=_meta_str(meta, "language") or detect_language(text),
        # a line with meta.status (newsmark's export) is imported whatever its answer: unfinished
        # work is exported with answer "ignore" and keeps its status through a round trip
        accepted=answer == "accept" or status is not None,
        done=status is None or status == "done", status=status,
        blocks=_meta_blocks(meta, text),
    )


def _doccano_entities(items, text: str) -> list[tuple[int | None, ImportSpan]]:
    """``(id, span)`` per entity, in order; ids are optional but unique."""
    if not isinstance(items, list):
        raise LineError("entities: expected a list")
    out: list[tuple[int | None, ImportSpan]] = []
    ids: set[int] = set()
    problems: list[str] = []
    for i, x in enumerate(items, 1):
        what = f"entity {i}"
        try:
            if not isinstance(x, dict):
                raise LineError(f"{what}: expected an object")
            eid = x.get("id")
            if eid is not None:
                eid = _int(eid, f"{what} id")
                what = f"entity id {eid}"
                if eid in ids:
                    raise LineError(f"{what}: the id is used twice")
                ids.add(eid)
            start, end = _offsets(x, "start_offset", "end_offset", text, what)
            label = _str(x.get("label"), f"{what} label")
        except LineError as exc:
            problems.append(str(exc))
            continue
        out.append((eid, ImportSpan(start, end, label)))
    if problems:
        raise LineError(_join(problems))
    return out


def _doccano_relations(obj: dict, text: str) -> tuple[list[ImportSpan], list[ImportEvent]]:
    """The relation-extraction variant: spans and events from ``entities``, ``relations`` and
    ``event_attributes`` (see ``parse_doccano``)."""
    entities = _doccano_entities([] if obj.get("entities") is None else obj["entities"], text)
    relations = [] if obj.get("relations") is None else obj["relations"]
    if not isinstance(relations, list):
        raise LineError("relations: expected a list")
    by_id = {eid: span for eid, span in entities if eid is not None}
    problems: list[str] = []
    links: list[tuple[str, int, int, str]] = []  # (what, from_id, to_id, role)
    for i, r in enumerate(relations, 1):
        what = f"relation {i}"
        try:
            if not isinstance(r, dict):
                raise LineError(f"{what}: expected an object")
            rid = r.get("id")
            if isinstance(rid, int) and not isinstance(rid, bool):
                what = f"relation id {rid}"
            from_id = _int(r.get("from_id"), f"{what} from_id")
            to_id = _int(r.get("to_id"), f"{what} to_id")
            role = _str(r.get("type"), f"{what} type")
            for key, value in (("from_id", from_id), ("to_id", to_id)):
                if value not in by_id:
                    raise LineError(f"{what}: {key} {value} is not the id of an entity of the line")
            if from_id == to_id:
                raise LineError(f"{what}: from_id and to_id are both {from_id}")
        except LineError as exc:
            problems.append(str(exc))
            continue
        links.append((what, from_id, to_id, role))
    triggers = {f for _, f, _, _ in links}
    arguments: dict[int, list[ImportArgument]] = {}
    for what, from_id, to_id, role in links:
        if to_id in triggers:
            problems.append(f"{what}: to_id {to_id} is an event trigger (the from_id of a "
                            "relation), but an argument must be a span")
            continue
        target = by_id[to_id]
        arguments.setdefault(from_id, []).append(
            ImportArgument(role, target.start, target.end, target.label))
    if problems:
        raise LineError(_join(problems))

    arg_ids = {t for _, _, t, _ in links}
    spans: list[ImportSpan] = []
    events: list[ImportEvent] = []
    seen: set[tuple[int, int, str]] = set()
    for eid, s in entities:
        if eid is not None and eid in triggers:
            events.append(ImportEvent(s.label, s.start, s.end, arguments=arguments.get(eid, []),
                                      entity_id=eid))
        elif eid is not None and eid in arg_ids:
            if (s.start, s.end, s.label) not in seen:
                seen.add((s.start, s.end, s.label))
                spans.append(s)
        else:  # in no relation: a span, or an event without arguments (``resolve`` decides)
            events.append(ImportEvent(s.label, s.start, s.end, entity_id=eid, tentative=True))

    entries = obj.get("event_attributes")
    if entries is None:
        return spans, events
    if not isinstance(entries, list):
        raise LineError("event_attributes: expected a list")
    queues: dict[tuple[int, int, str], list[ImportEvent]] = {}
    for e in events:
        queues.setdefault((e.start, e.end, e.type), []).append(e)
    for i, x in enumerate(entries, 1):
        what = f"event_attributes {i}"
        try:
            if not isinstance(x, dict):
                raise LineError(f"{what}: expected an object")
            start, end = _offsets(x, "start_offset", "end_offset", text, what)
            etype = _str(x.get("label"), f"{what} label")
            attrs = x.get("attributes")
            if not isinstance(attrs, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in attrs.items()):
                raise LineError(f"{what}: attributes: expected an object of strings")
            queue = queues.get((start, end, etype))
            if not queue:
                raise LineError(f"{what}: no trigger entity {etype} at {start}-{end} is left "
                                "for it")
        except LineError as exc:
            problems.append(str(exc))
            continue
        event = queue.pop(0)  # the n-th entry for a trigger goes to its n-th entity
        event.attributes = dict(attrs)
        event.tentative = False  # attributes make it an event, relations or not
    if problems:
        raise LineError(_join(problems))
    return spans, events


def _doccano_codepoints(obj: dict, text: str) -> dict:
    """``obj`` with its offsets (``label``, ``entities``, ``event_attributes``) turned from UTF-16
    code units into code points. Values that are no offset into the text (not integers, out of
    range) are left for the checks to report; one inside a surrogate pair is a line error."""
    convert = from_utf16(text)
    if convert is None:
        return obj
    limit = len(text.encode("utf-16-le")) // 2

    def c(v):
        if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= limit:
            try:
                return convert(v)
            except OffsetError as exc:
                raise LineError(str(exc)) from None
        return v

    out = dict(obj)
    if isinstance(obj.get("label"), list):
        out["label"] = [[c(x[0]), c(x[1]), *x[2:]] if isinstance(x, list) and len(x) == 3 else x
                        for x in obj["label"]]
    for key in ("entities", "event_attributes"):
        if isinstance(obj.get(key), list):
            out[key] = [{**x, **{k: c(x[k]) for k in ("start_offset", "end_offset") if k in x}}
                        if isinstance(x, dict) else x for x in obj[key]]
    return out


def parse_doccano(obj, offsets: str = "utf16") -> ImportRecord:
    """A doccano line: ``text`` with ``label`` (``[[start, end, label], ...]``, sequence
    labelling) or ``entities`` (``id``, ``label``, ``start_offset``, ``end_offset``) and
    ``relations`` (``id``, ``from_id``, ``to_id``, ``type``), relation extraction. Optional
    ``meta`` (object) or top-level ``url``, ``title``, ``source``, ``language``, ``annotator``;
    an ``id`` of the form ``"<article id>:<annotator>"`` (newsmark's doccano export) gives both.
    A line with ``meta.status`` (newsmark's export) gives its annotator that status. Otherwise a
    line with spans or events, or from newsmark's export (every line of it is a record), is
    marked done; another line without them only creates the article (doccano exports unlabelled
    examples too).

    Relations are events, as ``export --format doccano --relations`` writes them: an entity that
    is the ``from_id`` of a relation is an event trigger (its label the event type), and its
    relations are the event's arguments (``type`` the role, ``to_id`` a span entity). The
    trigger is recognised by the relations, not by its label, so an event type unknown to the
    schema is reported as such (or accepted with --add-labels) instead of turning into a span;
    ``check`` rejects a ``from_id`` entity whose label is a span label of the schema and not an
    event type (a generic relation between two spans is not an event). An entity in no relation
    is a trigger of an event without arguments when its label is an event type of the schema and
    not a span label, else a span (``resolve`` decides, with the schema). Relations that name no
    entity of the line, go from an entity to itself, or point at a trigger are line errors.
    ``event_attributes`` (``start_offset``, ``end_offset``, ``label``, ``attributes``) gives an
    event's attributes, matched to the trigger entities by offsets and type in order; an event
    without an entry has the schema's defaults.

    ``offsets="utf16"``: the offsets count UTF-16 code units, as doccano's do (newsmark's export
    by default); they are turned into code points first."""
    text = _text(obj)
    if offsets == "utf16":
        obj = _doccano_codepoints(obj, text)
    events: list[ImportEvent] = []
    if "entities" in obj or "relations" in obj:
        spans, events = _doccano_relations(obj, text)
    else:
        spans = _spans(obj.get("label"), text, "start", "end", "label")
    meta = obj.get("meta") if isinstance(obj.get("meta"), dict) else {}
    merged = {**{k: obj[k] for k in ("url", "title", "source", "language", "annotator") if k in obj},
              **meta}
    article_id = None
    m = _DOCCANO_ID.match(obj["id"]) if isinstance(obj.get("id"), str) else None
    if m:  # newsmark's own doccano export: "<article id>:<annotator>"
        article_id = int(m.group(1))
        merged.setdefault("annotator", m.group(2))
    status = _meta_status(meta)
    return ImportRecord(
        text=text, text_hash=text_hash(text), spans=spans, events=events, article_id=article_id,
        annotator=_meta_str(merged, "annotator"), url=_meta_str(merged, "url"),
        title=_meta_str(merged, "title"), source=_meta_str(merged, "source") or "",
        language=_meta_str(merged, "language") or detect_language(text),
        done=status == "done" if status is not None else bool(spans or events) or m is not None,
        status=status, blocks=_meta_blocks(meta, text),
    )


def _meta_blocks(meta: dict, text: str) -> list[Block] | None:
    """``meta.blocks`` as newsmark's exports write it (``[[kind, level, start, end], ...]``)
    when it fits ``text``; else None (structure not known: never an error)."""
    data = meta.get("blocks")
    if not isinstance(data, list):
        return None
    blocks = []
    for item in data:
        if not (isinstance(item, list) and len(item) == 4 and item[0] in KINDS
                and all(isinstance(v, int) and not isinstance(v, bool) for v in item[1:])
                and 0 <= item[2] <= item[3] <= len(text)):
            return None
        blocks.append(Block(*item))
    return blocks


PARSERS = {"prodigy": parse_prodigy, "doccano": parse_doccano}


# --- checking against tokens and the schema ------------------------------------------------------


def tokens_for(record: ImportRecord) -> list[Token]:
    """The tokens a new article gets: the line's own when they rebuild its text, else spaCy's
    blank tokenizer for its language (as ingest does)."""
    return record.tokens if record.tokens is not None else tokenize(record.text, record.language)


def resolve(record: ImportRecord, schema: Schema) -> None:
    """Settle the tentative events (doccano entities in no relation): an event without arguments
    when the label is an event type of ``schema`` and not a span label, else a span. Keeps the
    events' order (the order their ids are given in)."""
    if not any(e.tentative for e in record.events):
        return
    seen = {(s.start, s.end, s.label) for s in record.spans}
    events: list[ImportEvent] = []
    for e in record.events:
        if not e.tentative:
            events.append(e)
        elif schema.event_type(e.type) is not None and schema.label(e.type) is None:
            e.tentative = False
            events.append(e)
        elif (e.start, e.end, e.type) not in seen:
            seen.add((e.start, e.end, e.type))
            record.spans.append(ImportSpan(e.start, e.end, e.type))
    record.events = events


def check(record: ImportRecord, tokens: list[Token], schema: Schema, add_labels: bool = False) -> list[str]:
    """Why ``record`` cannot be stored on an article with ``tokens``; empty when it can.
    ``resolve``s the record's tentative events first."""
    resolve(record, schema)
    text = record.text
    problems: list[str] = []
    own = tokens is record.tokens
    labels = set(schema.names)
    for s in record.spans:
        bounds = token_bounds(tokens, s.start, s.end)
        if bounds is None:
            problems.append(f"span {s.start}-{s.end} {text[s.start:s.end]!r} does not sit on "
                            "token boundaries")
        elif own and s.token_start is not None and s.token_end is not None and (
                (s.token_start, s.token_end) != bounds):
            problems.append(f"span {s.start}-{s.end}: token_start/token_end "
                            f"{s.token_start}-{s.token_end} are not its tokens {bounds[0]}-{bounds[1]}")
        if s.label not in labels and not add_labels:
            problems.append(f"span {s.start}-{s.end}: unknown label {s.label!r} (--add-labels "
                            "accepts it)")
    for i, e in enumerate(record.events, 1):
        what = f"event {i} {e.type}"
        if e.entity_id is not None:
            what += f" (entity id {e.entity_id})"
        if token_bounds(tokens, e.start, e.end) is None:
            problems.append(f"{what}: trigger {e.start}-{e.end} {text[e.start:e.end]!r} does not "
                            "sit on token boundaries")
        etype = schema.event_type(e.type)
        if etype is None and e.entity_id is not None and schema.label(e.type) is not None:
            problems.append(f"{what}: {e.type} is a span label, not an event type, but only an "
                            "event trigger can be the from_id of a relation (or have "
                            "event_attributes)")
        elif etype is None:
            if not add_labels:
                problems.append(f"{what}: unknown event type (--add-labels accepts it)")
        else:
            for a in e.arguments:
                if etype.role(a.role) is None:
                    problems.append(f"{what}: {a.role!r} is not a role of {e.type} "
                                    f"({', '.join(r.name for r in etype.roles)})")
        for name, value in e.attributes.items():
            problem = attribute_problem(schema, name, value)
            if problem:
                problems.append(f"{what}: {problem}")
    return problems


def new_labels(record: ImportRecord, schema: Schema) -> set[str]:
    """Span labels and event types of ``record`` that the schema does not know."""
    out = {s.label for s in record.spans if schema.label(s.label) is None}
    out |= {e.type for e in record.events if schema.event_type(e.type) is None}
    return out


def _join(problems: list[str]) -> str:
    if len(problems) > MAX_REASONS:
        problems = problems[:MAX_REASONS] + [f"and {len(problems) - MAX_REASONS} more"]
    return "; ".join(problems)


def join_reasons(problems: list[str]) -> str:
    return _join(problems)
