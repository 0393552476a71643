"""Hugging Face token classification: JSONL ``{"id", "tokens", "ner_tags"}`` in IOB2, and
``labels.json`` naming the tag ids.

``id`` is ``"<article id>:<annotator>"``. ``tokens`` are the stored spaCy tokens without the
whitespace-only ones; overlapping spans are resolved as in ``conll`` (longest, then earliest, wins:
outermost for nested spans) and every dropped span is counted in the summary.

Tag ids: ``O`` is 0, then ``B-``/``I-`` for each schema label in schema order, then for labels
outside the schema in order of first appearance. ``labels.json`` (``{"names": [...], "id2label":
{...}, "label2id": {...}}``) is written next to the output file, or into the current directory
when the output is written in place (``-o -``, a device such as ``/dev/null``, a FIFO). An
existing ``labels.json`` there is read first and only ever extended, never renumbered, so train
and dev files exported into one directory share their tag ids. Both files are replaced
atomically, together (``newsmark.atomic``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from ..atomic import atomic_output, pending_path, writes_directly
from ..model import Schema
from . import Record, text_output
from .conll import bio_tags, resolve_overlaps, words

LABELS_FILE = "labels.json"


def labels_path(output: str) -> Path:
    """Next to the output file; in the current directory for standard output, a device or a
    FIFO (never ``/dev/labels.json``)."""
    return Path(LABELS_FILE) if writes_directly(output) else Path(output).parent / LABELS_FILE


MAX_LABELS_BYTES = 16 * 1024 * 1024  # an existing labels.json larger than this is not ours


def _read_names(path: Path) -> list[str]:
    from ..ingest import IngestError, read_file

    try:  # a regular file of a sane size only (a FIFO there must not hang the export)
        names = json.loads(read_file(path, MAX_LABELS_BYTES).decode("utf-8"))["names"]
    except (IngestError, OSError, ValueError, KeyError, TypeError):
        return []
    ok = (isinstance(names, list) and names[:1] == ["O"] and len(set(names)) == len(names)
          and all(isinstance(n, str) for n in names))
    return names if ok else []  # not ours: start afresh


class TagIds:
    def __init__(self, names: list[str]):
        self.names = list(names) or ["O"]
        self.ids = {n: i for i, n in enumerate(self.names)}

    def add_label(self, label: str) -> None:
        for tag in (f"B-{label}", f"I-{label}"):
            if tag not in self.ids:
                self.ids[tag] = len(self.names)
                self.names.append(tag)

    def __getitem__(self, tag: str) -> int:
        if tag not in self.ids:
            self.add_label(tag[2:])
        return self.ids[tag]

    def json(self) -> dict:
        return {
            "names": self.names,
            "id2label": {str(i): n for i, n in enumerate(self.names)},
            "label2id": dict(self.ids),
        }


def export(records: Iterable[Record], output: str, schema: Schema, **_options) -> dict:
    labels_file = labels_path(output)
    # a labels.json this export (--split) already wrote but has not renamed into place yet
    tag_ids = TagIds(_read_names(Path(pending_path(labels_file))))
    for label in schema.names:
        tag_ids.add_label(label)
    n = n_spans = n_dropped = 0
    with text_output(output) as out:
        for r in records:
            kept, dropped = resolve_overlaps(r.article, r.spans)
            tags = bio_tags(r.article, kept)
            text, tokens = r.article.text, r.article.tokens
            seq = words(r.article)
            line = {
                "id": f"{r.article.id}:{r.annotator}",
                "tokens": [text[tokens[i].start : tokens[i].end] for i in seq],
                "ner_tags": [tag_ids[tags[i]] for i in seq],
            }
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
            n += 1
            n_spans += len(r.spans)
            n_dropped += len(dropped)
    with atomic_output(labels_file, "w") as fh:
        fh.write(json.dumps(tag_ids.json(), ensure_ascii=False, indent=2) + "\n")
    notes = [f"tag ids in {labels_file}"]
    if n_dropped:
        notes.append(
            f"{n_dropped} of {n_spans} spans dropped: they overlap a longer span "
            "(outermost, then earliest, wins) or hold only whitespace"
        )
    return {"records": n, "spans": n_spans, "dropped_spans": n_dropped,
            "labels": str(labels_file), "notes": notes}
