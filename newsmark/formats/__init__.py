"""Export and import formats. Each module turns newsmark records into one tool's format.

A format module exposes ``export(records, output, schema, **options) -> dict`` where ``records``
is an iterable of ``Record`` (streamed: never materialise it), ``output`` is a path (or ``-`` for
standard output where the format is a text stream), and the returned dict is a summary
(``{"records": n, ...}`` plus format-specific counts such as dropped spans).

Every file a format writes goes through ``newsmark.atomic.atomic_output`` (``text_output`` for
text): complete or untouched, and an error writing it is an ``OutputError`` naming the file.
``export`` runs a format inside ``all_or_nothing``: the files of one export (hf's JSONL and its
``labels.json``, brat's directory) are renamed into place together, once all are written.

An output that is a terminal (``-o -`` on one, ``/dev/tty``) never gets raw control characters
from the data: ``text_output`` writes through ``TerminalText``, which escapes C0/C1 controls,
DEL and bidi controls (JSON formats as ``\\uXXXX`` escapes, so the JSON still decodes to the
same strings; conll as the CLI writes them, ``\\x1b``, ``\\u202e``), and a binary format refuses
a terminal (``TerminalError``). A pipe or a file gets the exact bytes.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from ..atomic import all_or_nothing, atomic_output, display_name
from ..blocks import blocks_to_list
from ..errors import NewsmarkError
from ..model import Article, Event, Schema, Span
from ..text import escape_controls, escape_json, tokenizer_settings

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


def structure_meta(article: Article) -> dict:
    """What every export's metadata says about the text beside it (issue 12): ``blocks``, the
    text's structure as ``[[kind, level, start, end], ...]`` (headings, list items, quotes,
    tables: ``newsmark.blocks``; null when not known), and ``tokenizer``, how its tokens were
    made (``newsmark.text.tokenizer_settings``), so training can tokenize the same way."""
    blocks = article.blocks
    return {"blocks": None if blocks is None else blocks_to_list(blocks),
            "tokenizer": tokenizer_settings(article.language)}


def span_origins(spans) -> list[str]:
    """Where each of ``spans`` came from (its ``origin``: ``manual``, ``propagated``,
    ``pattern``, ``model:NAME``, ``import``), in their order: the provenance every export
    carries beside its spans, in the format's metadata (``meta.span_origins`` in prodigy and
    doccano, ``doc.user_data["span_origins"]`` in spacy, ``AnnotatorNotes`` in brat)."""
    return [span.origin or "manual" for span in spans]


def export(fmt: str, records: Iterable[Record], output: str, schema: Schema, **options) -> dict:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    module = importlib.import_module(FORMATS[fmt])
    with all_or_nothing():
        return module.export(records, output, schema, **options)


class TerminalError(NewsmarkError, ValueError):
    """A binary format was asked to write to a terminal."""

    def __init__(self, output: str, fmt: str) -> None:
        super().__init__(f"{display_name(output)} is a terminal: {fmt} is binary output: "
                         "use -o FILE or a pipe")


def escape_text(text: str) -> str:
    """Plain text (conll) for a terminal: controls and bidi controls written out as the CLI
    writes them (``\\x1b``, ``\\u202e``); tab and LF kept."""
    return escape_controls(text, one_line=False)


class TerminalText:
    """A text stream to a terminal: everything written passes through ``escape`` (a function
    of each string, character by character, so how the writes are cut does not matter).
    Closing it leaves the terminal's stream to its owner."""

    def __init__(self, stream: IO[str], escape: Callable[[str], str]) -> None:
        self._stream, self._escape = stream, escape

    def write(self, text: str) -> int:
        self._stream.write(self._escape(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return True

    def writable(self) -> bool:
        return True


@contextmanager
def text_output(output: str, terminal: Callable[[str], str] = escape_json
                ) -> Iterator[io.TextIOBase | TerminalText]:
    """A text stream for ``output`` (``-`` is standard output), UTF-8, LF line endings; a file
    is replaced atomically (see ``newsmark.atomic``). On a terminal, a ``TerminalText``
    escaping through ``terminal`` (``escape_json`` for JSON, ``escape_text`` for plain text)."""
    with atomic_output(output, "w", encoding="utf-8", newline="\n") as fh:
        yield TerminalText(fh, terminal) if fh.isatty() else fh


def to_terminal(out: object) -> bool:
    """Is ``out`` (from ``text_output``) a terminal, to be written as text, never as bytes?"""
    return isinstance(out, TerminalText)
