"""Hugging Face token classification: a Parquet file that ``datasets`` loads with its features,
``ner_tags`` being ``Sequence(ClassLabel(names=[...]))``, and ``labels.json`` naming the same ids::

    datasets.load_dataset("parquet", data_files={"train": "hf-train.parquet"})

One example per **chunk**: an article's words cut at sentence boundaries (spaCy's rule-based
``sentencizer`` on a blank pipeline, and every line break: ``tagging.Tagging.breaks``) into
pieces of at most ``max_words`` words (default 200, which keeps German news under 512 subword
tokens for the common tokenizers). A sentence longer than that is cut between words; a tagged span
is never cut: a span longer than the limit is a chunk of its own, longer than the limit, and the
summary says so. Columns: ``id`` (``"<article id>:<annotator>:<chunk>"``), ``article_id``,
``annotator``, ``start`` and ``end`` (the character offsets of the chunk's first and last word
in the article text), ``tokens`` (the stored spaCy tokens without the whitespace-only ones) and
``ner_tags`` (IOB2 ids). Which spans become tags is ``tagging``'s (mentions never; overlaps by
spaCy's ``filter_spans``); every dropped span is counted in the summary.

Tag ids: ``O`` is 0, then ``B-``/``I-`` for each entity label of the schema in schema order (not
the mentions), then for labels outside the schema in order of first appearance. ``labels.json``
(``{"names": [...], "id2label": {...}, "label2id": {...}}``) is written next to the output file, or
into the current directory when the output is written in place (``-o -``, a device, a FIFO). An
existing ``labels.json`` there is read first and only ever extended, never renumbered, so train,
dev and test files exported into one directory share their tag ids (and ``ClassLabel`` names).

The examples are written as they are made, in row groups, to a temporary Parquet file (in
``$TMPDIR``); at the end, when every tag name is known, they are copied into the output with the
final features. Both files are replaced atomically, together (``newsmark.atomic``); Parquet is
binary, so a terminal is refused.
"""

from __future__ import annotations

import errno
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..atomic import OutputError, atomic_output, pending_path, reason, writes_directly
from ..model import Schema
from . import Record, TerminalError
from .tagging import Tagging

MAX_WORDS = 200
ROW_GROUP = 1000  # chunks per row group (and per write)

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


def chunks(tagging: Tagging, max_words: int = MAX_WORDS) -> Iterator[tuple[int, int]]:
    """``(first, end)`` positions in ``tagging.words`` of each chunk: at most ``max_words`` words,
    cut at the last sentence break that fits, else between the last two words that fit, never
    inside a tagged span (a span longer than ``max_words`` makes a chunk of its own)."""
    n = len(tagging.words)
    sentence = tagging.breaks(sentences=True)
    inside = tagging.inside
    start = 0
    while start < n:
        limit = start + max_words
        if limit >= n:
            yield start, n
            return
        cut = next((k for k in range(limit, start, -1) if sentence[k]), None)
        if cut is None:
            cut = next((k for k in range(limit, start, -1) if not inside[k]), None)
        if cut is None:  # a span from ``start`` runs past the limit: the chunk ends with it
            cut = next((k for k in range(limit + 1, n) if not inside[k]), n)
        yield start, cut
        start = cut


def _schema(names: list[str]):
    """The Arrow schema of the chunks, with the features ``datasets`` reads from a Parquet
    file's ``huggingface`` metadata (``ner_tags``: a sequence of ``ClassLabel(names)``). Written
    out here rather than through ``datasets.Features``: importing ``datasets`` costs an export
    about a second of CPU; ``Sequence`` is the form every ``datasets`` release reads."""
    import pyarrow as pa

    def value(dtype: str) -> dict:
        return {"dtype": dtype, "_type": "Value"}

    features = {
        "id": value("string"), "article_id": value("int64"), "annotator": value("string"),
        "start": value("int64"), "end": value("int64"),
        "tokens": {"feature": value("string"), "_type": "Sequence"},
        "ner_tags": {"feature": {"names": list(names), "_type": "ClassLabel"}, "_type": "Sequence"},
    }
    return pa.schema(
        [("id", pa.string()), ("article_id", pa.int64()), ("annotator", pa.string()),
         ("start", pa.int64()), ("end", pa.int64()), ("tokens", pa.list_(pa.string())),
         ("ner_tags", pa.list_(pa.int64()))],
        metadata={"huggingface": json.dumps({"info": {"features": features}})},
    )


class _Rows:
    """Chunks written in row groups to a temporary Parquet file, then copied into ``out`` with
    the final features (the tag names known only at the end)."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="newsmark-hf-")
        self.path = Path(self._tmp.name) / "chunks.parquet"
        self._rows: list[dict] = []
        self._writer = None
        self._schema = None

    def add(self, row: dict) -> None:
        self._rows.append(row)
        if len(self._rows) >= ROW_GROUP:
            self._flush()

    def _error(self, exc: OSError) -> OutputError:
        """An error on the temporary file, named (the disk that is full may be another one
        than the output's); pyarrow's says its errno only in words."""
        said = re.search(r"\[errno (\d+)\]", str(exc))
        code = int(said.group(1)) if said else exc.errno or 0
        why = os.strerror(code) if said else reason(exc)
        return OutputError(code or errno.EIO, why, str(self.path))

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._rows:
            return
        if self._schema is None:
            self._schema = _schema(["O"]).remove_metadata()
        table = pa.Table.from_pylist(self._rows, schema=self._schema)
        try:
            if self._writer is None:
                self._writer = pq.ParquetWriter(str(self.path), self._schema)
            self._writer.write_table(table)
        except OSError as exc:
            raise self._error(exc) from exc
        self._rows = []

    def copy_to(self, out, names: list[str]) -> None:
        import pyarrow.parquet as pq

        self._flush()
        schema = _schema(names)
        writer = pq.ParquetWriter(out, schema)
        if self._writer is not None:
            try:
                self._writer.close()
                source = pq.ParquetFile(str(self.path))
                groups = source.num_row_groups
            except OSError as exc:
                raise self._error(exc) from exc
            for group in range(groups):
                try:
                    table = source.read_row_group(group)
                except OSError as exc:
                    raise self._error(exc) from exc
                writer.write_table(table.cast(schema))  # an error here is the output's
        writer.close()

    def discard(self) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
        except OSError:
            pass
        self._tmp.cleanup()


def export(records: Iterable[Record], output: str, schema: Schema,
           max_words: int = MAX_WORDS, **_options) -> dict:
    import pyarrow

    # the system allocator, not jemalloc: jemalloc keeps what each row group used, so the
    # peak grew with the export (1.19x at 10,000 articles against 1,000; 1.09x so)
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    labels_file = labels_path(output)
    # a labels.json this export (--split) already wrote but has not renamed into place yet
    tag_ids = TagIds(_read_names(Path(pending_path(labels_file))))
    for label in schema.entity_names:
        tag_ids.add_label(label)
    n = n_chunks = n_spans = n_dropped = 0
    long_spans: list[str] = []
    with atomic_output(output, "wb") as out:
        if out.isatty():  # Parquet is binary: a terminal would interpret it
            raise TerminalError(output, "hf")
        rows = _Rows()
        try:
            for r in records:
                tagging = Tagging(r.article, r.spans, schema)
                tags = tagging.tags("iob2")
                starts, ends, _ws = r.article.token_columns()
                text, words = r.article.text, tagging.words
                for c, (first, end) in enumerate(chunks(tagging, max_words)):
                    if end - first > max_words:
                        long_spans.append(f"{r.article.id}:{r.annotator}:{c} ({end - first} words)")
                    rows.add({
                        "id": f"{r.article.id}:{r.annotator}:{c}",
                        "article_id": r.article.id,
                        "annotator": r.annotator,
                        "start": starts[words[first]],
                        "end": ends[words[end - 1]],
                        "tokens": [text[starts[i] : ends[i]] for i in words[first:end]],
                        "ner_tags": [tag_ids[t] for t in tags[first:end]],
                    })
                    n_chunks += 1
                n += 1
                n_spans += len(r.spans)
                n_dropped += len(tagging.dropped)
            rows.copy_to(out, tag_ids.names)
        finally:
            rows.discard()
    with atomic_output(labels_file, "w") as fh:
        fh.write(json.dumps(tag_ids.json(), ensure_ascii=False, indent=2) + "\n")
    notes = [f"{n_chunks} chunks of at most {max_words} words; tag ids in {labels_file}"]
    if long_spans:
        notes.append(f"{len(long_spans)} chunks are longer than {max_words} words: each is one "
                     f"span that long, never cut: {', '.join(long_spans[:5])}"
                     + (", …" if len(long_spans) > 5 else ""))
    if n_dropped:
        notes.append(
            f"{n_dropped} of {n_spans} spans dropped: they overlap a longer span "
            "(outermost, then earliest, wins) or hold only whitespace"
        )
    return {"records": n, "chunks": n_chunks, "spans": n_spans, "dropped_spans": n_dropped,
            "long_chunks": len(long_spans), "labels": str(labels_file), "notes": notes}
