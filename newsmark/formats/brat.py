"""brat standoff: a directory with one ``.txt``/``.ann`` pair per article and annotator, and an
``annotation.conf`` generated from the schema.

- ``<article id>-<annotator>.txt`` is the article's clean text, byte for byte (UTF-8, no newline
  added): the text every offset points into. brat pairs an ``.ann`` with the ``.txt`` of the same
  base name, so each annotator's record gets its own copy of the text, and a name never changes
  when another annotator's work is added. The annotator is percent-encoded (``quote``) where it
  is not a plain file-name character.
- ``T`` lines for entity spans, then per event: a ``T`` line for its trigger (labelled with the
  event type), an ``E`` line with its arguments (a role repeated within one event is numbered
  as brat does: ``Participant``, ``Participant2``, …), ``A`` lines for its attributes (schema
  defaults filled in, as in the prodigy export) and an ``AnnotatorNotes`` line (``#``) with the
  validation warnings, if any.
- A span that did not come from the annotator's own hand (an accepted suggestion: origin
  ``propagated``, ``pattern`` or ``model:NAME``; or ``import``) gets an ``AnnotatorNotes`` line
  saying so, ``#1\tAnnotatorNotes T3\torigin=pattern``, after the lines above; a span without
  such a note is ``manual`` (notes show in brat's tooltips: one on every span would bury the
  event warnings).
- Offsets are Python code points, which is what brat counts (it reads the ``.txt`` as UTF-8
  text). A very old brat on a narrow Python 2 build counts characters outside the BMP (emoji)
  as two, and its offsets would then drift after one.
- A span or trigger is trimmed of whitespace at its edges, as the conll, hf and spacy exports
  trim it (a span imported as ``Berlin\n`` is written as ``Berlin``): brat checks that the text
  after the offsets is exactly the ``.txt`` at those offsets, and a line break at an edge could
  only be written as a space. One of whitespace alone is left out (``dropped`` in the summary;
  an event whose trigger is whitespace alone with it, an argument naming such a span too).
- A span that crosses a line break becomes a discontinuous brat span, one fragment per line
  (``T1\tLOC 10 16;17 22\tBerlin Mitte``), since a ``.ann`` line cannot hold a line break.

Each file is written to a temporary file in the directory and renamed over its name
(``newsmark.atomic``); the renames happen together once every file is written, so a failed
export leaves the directory as it was. Files the export does not write (a user's
``visual.conf``, other articles' pairs) are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from ..atomic import atomic_output
from ..errors import NewsmarkError
from ..events import attributes_with_defaults, validate
from ..model import Event, Schema, Span
from . import Record

DIRECTORY = True  # the output is a directory (``--split`` names it DIR-train, DIR-dev, DIR-test)

# what str.splitlines() breaks on: none of these may appear inside an .ann line
_BREAK = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_GAP = re.compile(rf"\s*[{_BREAK}]\s*")
_CARD = {"?": "?", "1": "", "*": "*", "+": "+"}


class BratError(NewsmarkError, ValueError):
    pass


def file_base(article_id: int | None, annotator: str) -> str:
    return f"{article_id}-{quote(annotator, safe='')}"


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """[start, end) without whitespace at its edges; None when it is whitespace alone."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) (trimmed of edge whitespace first) cut at line breaks, and the whitespace
    around them, into brat fragments: none holds a line break, none begins or ends with
    whitespace, and two are never adjacent (brat reads touching fragments as overlapping).
    Empty for whitespace alone."""
    bounds = trim(text, start, end)
    if bounds is None:
        return []
    start, end = bounds
    out: list[tuple[int, int]] = []
    pos = start
    for m in _GAP.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return out


def _flat(s: str) -> str:
    return "".join(" " if c in _BREAK else c for c in s)


def text_bound(tid: str, label: str, text: str, start: int, end: int) -> str | None:
    """The ``T`` line of [start, end), trimmed (see ``fragments``); None for whitespace alone.
    The text after the offsets is the fragments' text joined by single spaces, exactly what
    brat compares with the ``.txt``."""
    frags = fragments(text, start, end)
    if not frags:
        return None
    where = ";".join(f"{s} {e}" for s, e in frags)
    surface = " ".join(text[s:e] for s, e in frags)
    return f"{tid}\t{label} {where}\t{surface}"


def ann_lines(record: Record, schema: Schema, dropped: list[str] | None = None) -> list[str]:
    """The ``.ann`` lines of ``record``; what had to be left out (whitespace alone) is appended
    to ``dropped`` as ``"span"`` or ``"event"``."""
    text = record.article.text
    lines: list[str] = []
    tids: dict[int | None, str] = {}
    n_t = 0
    for span in sorted(record.spans, key=lambda s: (s.start, -s.end, s.label)):
        line = text_bound(f"T{n_t + 1}", span.label, text, span.start, span.end)
        if line is None:
            if dropped is not None:
                dropped.append("span")
            continue
        n_t += 1
        tids[span.id] = f"T{n_t}"
        lines.append(line)
    origins = [(tid, span.origin) for span in record.spans
               if (tid := tids.get(span.id)) is not None and span.origin not in ("manual", "")]
    by_id: dict[int | None, Span] = {s.id: s for s in record.spans}
    n_a = n_note = n_e = 0
    for event in record.events:
        line = text_bound(f"T{n_t + 1}", event.type, text, event.start, event.end)
        if line is None:
            if dropped is not None:
                dropped.append("event")
            continue
        n_t += 1
        n_e += 1
        trigger = f"T{n_t}"
        lines.append(line)
        lines.append(f"E{n_e}\t{event.type}:{trigger}" + "".join(
            f" {role}:{tid}" for role, tid in _numbered_arguments(event, tids)))
        for name, value in attributes_with_defaults(event, schema).items():
            n_a += 1
            lines.append(f"A{n_a}\t{name} E{n_e} {value}")
        warnings = validate(event, schema, by_id, text)
        if warnings:
            n_note += 1
            note = _flat("; ".join(warnings))
            lines.append(f"#{n_note}\tAnnotatorNotes E{n_e}\t{note}")
    for tid, origin in sorted(origins, key=lambda o: int(o[0][1:])):
        n_note += 1
        lines.append(f"#{n_note}\tAnnotatorNotes {tid}\torigin={_flat(origin)}")
    return lines


def _numbered_arguments(event: Event, tids: dict) -> list[tuple[str, str]]:
    seen: dict[str, int] = {}
    out = []
    for arg in event.arguments:
        tid = tids.get(arg.span_id)
        if tid is None:  # its span is not in the record
            continue
        seen[arg.role] = seen.get(arg.role, 0) + 1
        n = seen[arg.role]
        out.append((arg.role if n == 1 else f"{arg.role}{n}", tid))
    return out


def annotation_conf(schema: Schema, extra_labels: Iterable[str] = (),
                    extra_events: dict[str, set[str]] | None = None) -> str:
    """brat's ``annotation.conf`` for ``schema``; labels, event types and roles met in the data
    but missing from the schema are added, marked as such."""
    out = [f"# generated by newsmark from the schema {schema.name!r}", "", "[entities]", ""]
    out += [lab.name for lab in schema.labels]
    extra = sorted(set(extra_labels) - set(schema.names))
    if extra:
        out += ["# not in the schema, but in the exported data"] + extra
    out += ["", "[relations]", "",
            "# no relations; spans and triggers may overlap in any way",
            "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>",
            "", "[events]", ""]
    for etype in schema.events:
        roles = ", ".join(
            f"{r.name}{_CARD[r.cardinality]}:{'|'.join(r.labels) if r.labels else '<ENTITY>'}"
            for r in etype.roles)
        out.append(f"{etype.name}\t{roles}" if roles else etype.name)
    unknown = {k: v for k, v in (extra_events or {}).items() if schema.event_type(k) is None}
    if unknown:
        out.append("# not in the schema, but in the exported data")
        for name in sorted(unknown):
            roles = ", ".join(f"{r}*:<ENTITY>" for r in sorted(unknown[name]))
            out.append(f"{name}\t{roles}" if roles else name)
    out += ["", "[attributes]", ""]
    for attr in schema.attributes:
        out.append(f"{attr.name}\tArg:<EVENT>, Value:{'|'.join(attr.values)}")
    return "\n".join(out) + "\n"


def export(records: Iterable[Record], output: str, schema: Schema, **_options) -> dict:
    if output == "-":
        raise BratError("brat writes a directory of files: give -o/--output DIR")
    root = Path(output)
    if root.exists() and not root.is_dir():
        raise BratError(f"{root}: exists and is not a directory")
    root.mkdir(parents=True, exist_ok=True)
    n = n_spans = n_events = 0
    labels: set[str] = set()
    event_roles: dict[str, set[str]] = {}
    dropped: list[str] = []
    for r in records:
        base = file_base(r.article.id, r.annotator)
        with atomic_output(root / f"{base}.txt", "w", newline="") as fh:
            fh.write(r.article.text)
        lines = ann_lines(r, schema, dropped)
        with atomic_output(root / f"{base}.ann", "w", newline="") as fh:
            fh.write("".join(line + "\n" for line in lines))
        n += 1
        n_spans += len(r.spans)
        n_events += len(r.events)
        labels.update(s.label for s in r.spans)
        for e in r.events:
            event_roles.setdefault(e.type, set()).update(a.role for a in e.arguments)
    with atomic_output(root / "annotation.conf", "w") as fh:
        fh.write(annotation_conf(schema, labels, event_roles))
    summary = {"records": n, "spans": n_spans, "events": n_events}
    if dropped:
        spans, events = dropped.count("span"), dropped.count("event")
        summary["dropped"] = len(dropped)
        summary["notes"] = [", ".join(
            f"{k} {what}{'s' if k != 1 else ''}" for k, what in ((spans, "span"), (events, "event"))
            if k) + " of whitespace alone left out"]
    return summary
