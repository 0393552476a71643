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

spaCy is imported here, lazily: nothing else in ``newsmark`` needs it to export.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ..model import Schema
from . import Record
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
    }
    d.user_data["events"] = [_event(article, e, r.spans, schema) for e in r.events]
    d.user_data["not_ents"] = [[s.start, s.end, s.label] for s in dropped]
    return d


def export(records: Iterable[Record], output: str, schema: Schema, **_options) -> dict:
    from spacy.tokens import DocBin

    docbin = DocBin(store_user_data=True)
    n = n_spans = n_ents = n_events = 0
    for r in records:
        d = doc(r, schema)
        docbin.add(d)
        n += 1
        n_spans += len(r.spans)
        n_ents += len(d.ents)
        n_events += len(r.events)
    if output == "-":
        sys.stdout.buffer.write(docbin.to_bytes())
        sys.stdout.buffer.flush()
    else:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        docbin.to_disk(output)
    not_ents = n_spans - n_ents
    summary = {"records": n, "spans": n_spans, "ents": n_ents, "not_ents": not_ents,
               "events": n_events, "notes": []}
    if not_ents:
        summary["notes"].append(
            f"{not_ents} of {n_spans} spans are in spans['sc'] but not doc.ents (they overlap a "
            "longer span or hold only whitespace); listed in user_data['not_ents']"
        )
    return summary
