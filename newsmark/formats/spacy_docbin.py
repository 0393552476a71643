"""A spaCy ``.spacy`` DocBin (``store_user_data=True``), ready for ``spacy train``.

One Doc per article and annotator, built from the stored tokens (``Doc(vocab, words, spaces)``,
the vocab of ``spacy.blank(language)``), so ``doc.text`` is the article text.

- ``doc.spans["sc"]``: every span, overlapping or not.
- ``doc.ents``: the spans that survive the token rule shared with ``conll`` and ``hf`` (whitespace
  tokens at a span's edges trimmed off; where spans overlap, the longest, then the earliest,
  wins). The others are listed in ``doc.user_data["not_ents"]`` as ``[start, end, label]``.
- ``doc.user_data["events"]``: the events, shaped as in the prodigy export (trigger and arguments
  with character and token offsets, attributes, validation warnings).
- ``doc.user_data["meta"]``: article id, url, title, source, language, annotator.

A DocBin stores ``user_data`` as msgpack and gives its lists back as tuples.

spaCy's ``DocBin`` keeps every Doc's arrays in memory until ``to_bytes``; ``DocBinWriter`` writes
the same bytes (a test compares them with ``DocBin.to_bytes``) while holding one batch of Docs and
the set of strings (the corpus's vocabulary) in memory: each batch is added to a real ``DocBin``,
so its arrays and strings are spaCy's own, and its parts go to temporary files (in ``$TMPDIR``,
else the system's temporary directory), put together and compressed as a stream at the end. The
parts are removed whatever happens; an error writing one is an ``OutputError`` naming it. The
``.spacy`` file itself is replaced atomically (``newsmark.atomic``).

spaCy is imported here, lazily: nothing else in ``newsmark`` needs it to export.
"""

from __future__ import annotations

import errno
import struct
import tempfile
import zlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from ..atomic import OutputError, atomic_output, reason
from ..model import Schema
from . import Record, TerminalError, structure_meta
from .conll import resolve_overlaps
from .prodigy import _bounds, _event


@lru_cache(maxsize=16)
def _vocab(lang: str):
    import spacy

    try:
        return spacy.blank(lang or "xx").vocab
    except Exception:  # a language spaCy does not know: its multi-language vocab
        return spacy.blank("xx").vocab


def doc(r: Record, schema: Schema | None = None):
    """The spaCy Doc for one record."""
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

    article = r.article
    text = article.text
    d = Doc(_vocab(article.language),
            words=[text[t.start : t.end] for t in article.tokens],
            spaces=[t.ws for t in article.tokens])
    spans = sorted(r.spans, key=lambda s: (s.start, -s.end, s.label))
    group = []
    for s in spans:
        ts, te = _bounds(article, s.start, s.end, "span")
        group.append(SpacySpan(d, ts, te + 1, label=s.label))
    d.spans["sc"] = group
    kept, dropped = resolve_overlaps(article, spans)
    d.ents = [SpacySpan(d, t.start, t.end, label=t.label) for t in kept]
    d.user_data["meta"] = {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "source": article.source,
        "language": article.language,
        "annotator": r.annotator,
        **structure_meta(article),
    }
    d.user_data["events"] = [_event(article, e, r.spans, schema) for e in r.events]
    d.user_data["not_ents"] = [[s.start, s.end, s.label] for s in dropped]
    return d


def _bin_header(n: int) -> bytes:
    """msgpack's header of a ``bin`` of ``n`` bytes."""
    if n < 1 << 8:
        return b"\xc4" + struct.pack(">B", n)
    if n < 1 << 16:
        return b"\xc5" + struct.pack(">H", n)
    return b"\xc6" + struct.pack(">I", n)


def _array_header(n: int) -> bytes:
    """msgpack's header of an array of ``n`` items."""
    if n < 16:
        return bytes([0x90 | n])
    if n < 1 << 16:
        return b"\xdc" + struct.pack(">H", n)
    return b"\xdd" + struct.pack(">I", n)


class DocBinWriter:
    """``DocBin(store_user_data=True).to_bytes()`` of the Docs added, written to ``out`` by
    ``close()``, with one batch of Docs in memory at a time."""

    _RAW = ("tokens", "spaces", "lengths")  # bin values: the arrays' bytes, concatenated
    _LISTS = ("cats", "flags", "span_groups", "user_data")  # arrays: one packed item per Doc

    def __init__(self, out: BinaryIO, batch: int = 1000) -> None:
        from spacy.tokens import DocBin

        self._new = lambda: DocBin(store_user_data=True)
        self._out = out
        self._batch = batch
        self._docbin = self._new()
        self._attrs = list(self._docbin.attrs)
        self._version = self._docbin.version
        self._strings: set[str] = set()
        self._tmp = tempfile.TemporaryDirectory(prefix="newsmark-docbin-")
        self._parts = {}
        try:
            for k in (*self._RAW, *self._LISTS):
                self._parts[k] = open(Path(self._tmp.name) / k, "w+b")
        except OSError as exc:
            self.discard()
            raise self._part_error(exc, k) from exc
        self._sizes = dict.fromkeys(self._RAW, 0)
        self.count = 0

    def add(self, d) -> None:
        self._docbin.add(d)
        self.count += 1
        if len(self._docbin) >= self._batch:
            self._flush()

    def _part_error(self, exc: OSError, key: str) -> OutputError:
        """An error on a temporary part, named: the disk that is full may be another one than
        the output's."""
        return OutputError(exc.errno or errno.EIO, reason(exc), str(Path(self._tmp.name) / key))

    def _flush(self) -> None:
        import numpy
        import srsly

        docbin = self._docbin
        if not len(docbin):
            return
        raw = {
            "tokens": numpy.vstack(docbin.tokens).tobytes("C"),
            "spaces": numpy.vstack(docbin.spaces).tobytes("C"),
            "lengths": numpy.asarray([len(t) for t in docbin.tokens], dtype="int32").tobytes("C"),
        }
        key = ""
        try:
            for key, data in raw.items():
                self._parts[key].write(data)
                self._sizes[key] += len(data)
            for key in self._LISTS:
                self._parts[key].write(
                    b"".join(srsly.msgpack_dumps(item) for item in getattr(docbin, key)))
                # written through at once: a full disk shows here, not on a later read
                self._parts[key].flush()
            for key in self._RAW:
                self._parts[key].flush()
        except OSError as exc:
            raise self._part_error(exc, key) from exc
        self._strings |= docbin.strings
        self._docbin = self._new()

    def close(self) -> None:
        """Write the whole DocBin (zlib-compressed msgpack, as spaCy writes it) and clean up."""
        import srsly

        try:
            self._flush()
            z = zlib.compressobj()
            write = self._out.write

            def emit(data: bytes) -> None:
                chunk = z.compress(data)
                if chunk:
                    write(chunk)

            def copy(key: str) -> None:
                part = self._parts[key]
                try:
                    part.seek(0)
                    chunk = part.read(1 << 20)
                except OSError as exc:
                    raise self._part_error(exc, key) from exc
                while chunk:
                    emit(chunk)
                    try:
                        chunk = part.read(1 << 20)
                    except OSError as exc:
                        raise self._part_error(exc, key) from exc

            emit(bytes([0x80 | (len(self._RAW) + len(self._LISTS) + 3)]))  # a map of 10 keys
            emit(srsly.msgpack_dumps("version") + srsly.msgpack_dumps(self._version))
            emit(srsly.msgpack_dumps("attrs") + srsly.msgpack_dumps(self._attrs))
            for key in self._RAW:
                emit(srsly.msgpack_dumps(key) + _bin_header(self._sizes[key]))
                copy(key)
            emit(srsly.msgpack_dumps("strings") + srsly.msgpack_dumps(sorted(self._strings)))
            for key in self._LISTS:
                emit(srsly.msgpack_dumps(key) + _array_header(self.count))
                copy(key)
            write(z.flush())
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove the temporary parts (``close`` does it; call it when giving up)."""
        for part in self._parts.values():
            try:
                part.close()
            except OSError:  # its buffer could not be written: it is removed anyway
                pass
        self._tmp.cleanup()


def export(records: Iterable[Record], output: str, schema: Schema, **_options) -> dict:
    n = n_spans = n_ents = n_events = 0
    with atomic_output(output, "wb") as out:
        if out.isatty():  # compressed msgpack is no text: a terminal would interpret it
            raise TerminalError(output, "spacy")
        writer = DocBinWriter(out)
        try:
            for r in records:
                d = doc(r, schema)
                writer.add(d)
                n += 1
                n_spans += len(r.spans)
                n_ents += len(d.ents)
                n_events += len(r.events)
        except BaseException:
            writer.discard()
            raise
        writer.close()
    not_ents = n_spans - n_ents
    summary = {"records": n, "spans": n_spans, "ents": n_ents, "not_ents": not_ents,
               "events": n_events, "notes": []}
    if not_ents:
        summary["notes"].append(
            f"{not_ents} of {n_spans} spans are in spans['sc'] but not doc.ents (they overlap a "
            "longer span or hold only whitespace); listed in user_data['not_ents']"
        )
    return summary
