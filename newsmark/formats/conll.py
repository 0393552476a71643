"""CoNLL-2003 style: ``token -X- _ TAG``, one token per line, tags in IOB2 (``--scheme iob2``, the
default) or BIOES (``--scheme bioes``).

Which spans become tags, and how, is ``tagging``'s (spaCy's ``filter_spans``,
``offsets_to_biluo_tags`` and ``biluo_to_iob``; mentions are never tagged), shared with ``hf`` and
the spaCy ents.

Layout: ``-DOCSTART- -X- -X- O`` and a blank line before each record (article and annotator); a
blank line between paragraphs, i.e. wherever the text has a line break between two tokens, or
with ``--sentences`` between sentences too (spaCy's rule-based sentencizer); never inside a
tagged span (a span across a line break stays in one block, so its ``I-`` tags never start a
block).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Article, Schema, Span
from . import Record, escape_text, text_output
from .tagging import SCHEMES, Tagging

DOCSTART = "-DOCSTART- -X- -X- O"
__all__ = ["DOCSTART", "SCHEMES", "export", "lines"]


def _clean(word: str) -> str:
    # spaCy puts whitespace in tokens of its own, so this never fires on stored tokens; it keeps a
    # line from ever breaking whatever the tokens are.
    return "".join("_" if c.isspace() else c for c in word)


def lines(article: Article, spans: list[Span], schema: Schema | None = None,
          scheme: str = "iob2", sentences: bool = False) -> tuple[list[str], list[Span]]:
    """The CoNLL lines of one record (without the DOCSTART header) and the entity spans it
    dropped (mentions are not counted: they are never tags)."""
    tagging = Tagging(article, spans, schema)
    tags = tagging.tags(scheme)
    breaks = tagging.breaks(sentences)
    text = article.text
    starts, ends, _ws = article.token_columns()
    out: list[str] = []
    for k, i in enumerate(tagging.words):
        if breaks[k] and out:
            out.append("")
        out.append(f"{_clean(text[starts[i] : ends[i]])} -X- _ {tags[k]}")
    return out, tagging.dropped


def export(records: Iterable[Record], output: str, schema: Schema, scheme: str = "iob2",
           sentences: bool = False, **_options) -> dict:
    n = n_spans = n_dropped = 0
    with text_output(output, terminal=escape_text) as out:
        for r in records:
            body, dropped = lines(r.article, r.spans, schema, scheme, sentences)
            out.write(DOCSTART + "\n\n")
            if body:
                out.write("\n".join(body) + "\n\n")
            n += 1
            n_spans += len(r.spans)
            n_dropped += len(dropped)
    summary = {"records": n, "spans": n_spans, "dropped_spans": n_dropped, "notes": []}
    if n_dropped:
        summary["notes"].append(
            f"{n_dropped} of {n_spans} spans dropped: they overlap a longer span "
            "(longest, then earliest, wins) or hold only whitespace"
        )
    return summary
