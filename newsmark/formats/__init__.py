"""Export and import formats. Each module turns newsmark records into one tool's format.

A format module exposes ``export(records, output, schema, **options) -> dict`` where ``records``
is an iterable of ``Record`` (streamed: never materialise it), ``output`` is a path (or ``-`` for
standard output where the format is a text stream), and the returned dict is a summary
(``{"records": n, ...}`` plus format-specific counts such as dropped spans).

Every file a format writes goes through ``newsmark.atomic.atomic_output`` (``text_output`` for
text): complete or untouched, and an error writing it is an ``OutputError`` naming the file.
``export`` runs a format inside ``all_or_nothing``: the files of one export (hf's JSONL and its
``labels.json``, brat's directory) are renamed into place together, once all are written.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..atomic import all_or_nothing, atomic_output
from ..model import Article, Event, Schema, Span

# name -> module; the CLI offers exactly these
FORMATS = {
    "prodigy": "newsmark.formats.prodigy",
    "brat": "newsmark.formats.brat",
    "spacy": "newsmark.formats.spacy_docbin",
    "doccano": "newsmark.formats.doccano",
    "hf": "newsmark.formats.hf",
    "conll": "newsmark.formats.conll",
}


@dataclass(slots=True)
class Record:
    """One annotator's work on one article."""

    article: Article
    annotator: str
    status: str
    spans: list[Span]
    events: list[Event] = field(default_factory=list)


def export(fmt: str, records: Iterable[Record], output: str, schema: Schema, **options) -> dict:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    module = importlib.import_module(FORMATS[fmt])
    with all_or_nothing():
        return module.export(records, output, schema, **options)


@contextmanager
def text_output(output: str) -> Iterator[io.TextIOBase]:
    """A text stream for ``output`` (``-`` is standard output), UTF-8, LF line endings; a file
    is replaced atomically (see ``newsmark.atomic``)."""
    with atomic_output(output, "w", encoding="utf-8", newline="\n") as fh:
        yield fh
