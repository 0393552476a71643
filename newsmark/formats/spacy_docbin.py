"""spaCy ``.spacy`` DocBins (``store_user_data=True``), ready for ``spacy train``.

One Doc per article and annotator, built from the stored tokens (``Doc(vocab, words, spaces)``,
the vocab of ``spacy.blank(language)``), so ``doc.text`` is the article text.

- ``doc.spans["sc"]``: every span, overlapping or not, mentions included.
- ``doc.ents``: the entity spans that survive the token rules shared with ``conll`` and ``hf``
  (``tagging``: mentions never; whitespace tokens at a span's edges trimmed off; overlaps
  resolved by spaCy's ``filter_spans``, the longest, then the earliest, wins). The entity spans
  left out are listed in ``doc.user_data["not_ents"]`` as ``[start, end, label]``.
- ``doc.user_data["events"]``: the events, shaped as in the prodigy export (trigger and arguments
  with character and token offsets, attributes, validation warnings).
- ``doc.user_data["span_origins"]``: where each span of ``spans["sc"]`` came from (``manual``,
  ``propagated``, ``pattern``, ``model:NAME``, ``import``), in the same order.
- ``doc.user_data["meta"]``: article id, url, title, source, language, annotator, blocks and
  tokenizer settings.

A DocBin stores ``user_data`` as msgpack and gives its lists back as tuples.

Written through spaCy's public API only: Docs are ``add``-ed to a ``DocBin`` and its
``to_bytes`` (what ``to_disk`` writes) goes to the output. A ``DocBin`` holds every Doc's arrays
until then, so a large export is **sharded**: once a shard holds ``SHARD_TOKENS`` tokens, it is
written and a new one starts, and the output ``PATH`` becomes a directory of ``0000.spacy``,
``0001.spacy``, … (spaCy's corpus reader, ``--paths.train PATH``, reads every ``.spacy`` file in
a directory). An export that fits in one shard is one file, ``PATH``, unless ``PATH`` is a
directory already; a numbered shard left there by an earlier, larger export is removed when the
new shards are renamed into place. Standard output, a pipe or a device gets one DocBin, however
large. Every file is replaced atomically, all of an export's together (``newsmark.atomic``).

spaCy is imported here, lazily: nothing else in ``newsmark`` needs it to export.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..atomic import OutputError, atomic_output, remove_on_commit, writes_directly
from ..model import Schema
from . import Record, TerminalError, span_origins, structure_meta
from .prodigy import _bounds, _event
from .tagging import Tagging

SHARD_TOKENS = 100_000  # tokens per DocBin shard (some 12 MB of arrays while it is built)
_SHARD = re.compile(r"\d{4,}\.spacy")


def doc(r: Record, schema: Schema | None = None):
    """The spaCy Doc for one record."""
    from spacy.tokens import Span as SpacySpan

    article = r.article
    tagging = Tagging(article, r.spans, schema)
    d = tagging.doc
    spans = sorted(r.spans, key=lambda s: (s.start, -s.end, s.label))
    group = []
    for s in spans:
        ts, te = _bounds(article, s.start, s.end, "span")
        group.append(SpacySpan(d, ts, te + 1, label=s.label))
    d.spans["sc"] = group
    d.ents = [SpacySpan(d, t.start, t.end, label=t.label) for t in tagging.kept]
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
    d.user_data["not_ents"] = [[s.start, s.end, s.label] for s in tagging.dropped]
    d.user_data["span_origins"] = span_origins(spans)
    return d


class ShardedDocBin:
    """Docs into ``DocBin`` shards of at most ``shard_tokens`` tokens (a Doc longer than that is
    a shard of its own), written to ``output`` as described in the module doc."""

    def __init__(self, output: str, shard_tokens: int = SHARD_TOKENS) -> None:
        self.output = output
        self.shard_tokens = shard_tokens
        self.direct = writes_directly(output)  # standard output, a pipe, a device: one DocBin
        self.directory = not self.direct and os.path.isdir(output)
        self.paths: list[str] = []  # the files written
        self.count = 0
        self._new()

    def _new(self) -> None:
        from spacy.tokens import DocBin

        self._docbin = DocBin(store_user_data=True)
        self._tokens = 0

    def add(self, d) -> None:
        if (not self.direct and len(self._docbin)
                and self._tokens + len(d) > self.shard_tokens):
            # more is coming than one shard holds: the output is a directory of shards
            if not self.directory:
                if os.path.lexists(self.output):
                    raise OutputError(errno.EEXIST, "it is a file, and this export needs "
                                      "several .spacy shards in a directory of that name: "
                                      "remove it or choose another name", self.output)
                self.directory = True
            self._write_shard()
        self._docbin.add(d)
        self._tokens += len(d)
        self.count += 1

    def _shard_path(self, n: int) -> str:
        return str(Path(self.output) / f"{n:04d}.spacy")

    def _write(self, path: str) -> None:
        data = self._docbin.to_bytes()
        with atomic_output(path, "wb") as out:
            if out.isatty():  # compressed msgpack is no text: a terminal would interpret it
                raise TerminalError(path, "spacy")
            # in pieces: one large write to a pipe whose reader has gone can come back short
            # without an error, which a later piece then gets (a broken pipe, reported)
            view = memoryview(data)
            for i in range(0, len(view), 1 << 16):
                out.write(view[i : i + (1 << 16)])
        self.paths.append(path)

    def _write_shard(self) -> None:
        self._write(self._shard_path(len(self.paths)))
        self._new()

    def close(self) -> None:
        """Write the last (or only) DocBin, and let stale numbered shards go with the commit."""
        if not self.directory:
            self._write(self.output)
            return
        if len(self._docbin) or not self.paths:
            self._write_shard()
        written = {os.path.basename(p) for p in self.paths}
        for entry in os.scandir(self.output):
            if _SHARD.fullmatch(entry.name) and entry.name not in written:
                remove_on_commit(entry.path)


def export(records: Iterable[Record], output: str, schema: Schema,
           shard_tokens: int = SHARD_TOKENS, **_options) -> dict:
    n = n_spans = n_ents = n_mentions = n_events = 0
    shards = ShardedDocBin(output, shard_tokens)
    for r in records:
        d = doc(r, schema)
        shards.add(d)
        n += 1
        n_spans += len(r.spans)
        n_ents += len(d.ents)
        n_mentions += sum(1 for s in r.spans if not schema.is_entity(s.label))
        n_events += len(r.events)
    shards.close()
    not_ents = n_spans - n_ents - n_mentions
    summary = {"records": n, "spans": n_spans, "ents": n_ents, "not_ents": not_ents,
               "mentions": n_mentions, "events": n_events, "shards": len(shards.paths),
               "notes": []}
    if shards.directory:
        summary["notes"].append(f"{len(shards.paths)} shards of at most {shard_tokens} tokens "
                                f"in {output}/")
    if not_ents:
        summary["notes"].append(
            f"{not_ents} of {n_spans} spans are in spans['sc'] but not doc.ents (they overlap a "
            "longer span or hold only whitespace); listed in user_data['not_ents']"
        )
    if n_mentions:
        summary["notes"].append(f"{n_mentions} mentions ({', '.join(sorted(schema.mention_names))}) "
                                "are in spans['sc'], never in doc.ents")
    return summary
