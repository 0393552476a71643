"""The token-level rules the token-classification formats (``conll``, ``hf``, ``spacy`` ents)
share, built on spaCy, so that all three agree on which spans survive and how they are tagged:

- **Mentions are not entities**: spans whose label the schema marks ``mention`` (``MENTION`` in
  the news schema: nominal phrases filling event roles) are never tagged; they stay in the
  span-level exports.
- **Whitespace tokens** (spaCy makes ``"\\n\\n"``, ``" "`` or ``"\\t"`` tokens) are not words: they
  are left out of the token sequence. A span's whitespace tokens at either edge are trimmed off;
  a span of whitespace only cannot be tagged and is dropped.
- **Overlaps**: tags cannot overlap, so spaCy's ``filter_spans`` decides: the longest span (in
  tokens) wins, then the earliest, then (the spans being handed over in that order) the label
  first in alphabetical order. For nested spans that is "outermost wins".
- **Tags**: spaCy's ``offsets_to_biluo_tags`` on a ``Doc`` of the stored tokens, then
  ``biluo_to_iob`` for IOB2, or BILUO renamed (``L`` -> ``E``, ``U`` -> ``S``) for BIOES; the
  whitespace tokens are left out after tagging (never at a span's edge, so the tags stay valid).
- **Sentences**: spaCy's rule-based ``sentencizer`` on a blank pipeline (no model), plus a break
  wherever the text has a line break between two words; never inside a tagged span.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..model import Article, Schema, Span

SCHEMES = ("iob2", "bioes")
_LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


@lru_cache(maxsize=16)
def blank(lang: str):
    """``spacy.blank(lang)`` with a ``sentencizer`` (the multi-language ``xx`` for a language
    spaCy does not know)."""
    import spacy

    try:
        nlp = spacy.blank(lang or "xx")
    except ImportError:  # [E048]: no such language in spaCy
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


# a vocab keeps a string and a lexeme for every word it has seen, so it grows with the corpus
# (a long export's peak memory would too): a new one every this many Docs (30 ms each). A Doc
# keeps its own vocab alive; a DocBin stores strings, not vocabs, so Docs of several mix.
DOCS_PER_VOCAB = 1000
_docs = 0


def spacy_doc(article: Article):
    """A spaCy ``Doc`` of the article's stored tokens: ``doc.text`` is the article text."""
    from spacy.tokens import Doc

    global _docs
    _docs += 1
    if _docs % DOCS_PER_VOCAB == 0:
        blank.cache_clear()
    text = article.text
    starts, ends, ws = article.token_columns()
    return Doc(blank(article.language).vocab,
               words=[text[s:e] for s, e in zip(starts, ends, strict=True)], spaces=list(ws))


@dataclass(frozen=True, slots=True)
class Tagged:
    """A span that survives as tags: tokens ``[start, end)`` of the article's stored tokens."""

    start: int
    end: int
    label: str
    span: Span


class Tagging:
    """One record's spans as token tags, by the rules in the module doc.

    ``kept``: the spans tagged, in text order; ``dropped``: entity spans that could not be
    (overlapped by a longer one, or whitespace only); ``mentions``: spans with a mention label,
    never tagged. ``words``: the indices of the stored tokens that are not whitespace."""

    def __init__(self, article: Article, spans: list[Span], schema: Schema | None = None) -> None:
        from spacy.tokens import Span as SpacySpan
        from spacy.util import filter_spans

        self.article = article
        self.doc = doc = spacy_doc(article)
        self.space = space = [t.is_space for t in doc]
        self.words = [i for i, s in enumerate(space) if not s]
        starts, ends, _ws = article.token_columns()
        self.mentions: list[Span] = []
        dropped: list[Span] = []
        candidates, of = [], {}
        for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label)):
            if schema is not None and not schema.is_entity(span.label):
                self.mentions.append(span)
                continue
            # the tokens the span covers, whitespace tokens at its edges trimmed off
            first, last = bisect_right(ends, span.start), bisect_left(starts, span.end)
            while first < last and space[first]:
                first += 1
            while first < last and space[last - 1]:
                last -= 1
            if first < last:
                candidate = SpacySpan(doc, first, last, label=span.label)
                candidates.append(candidate)
                of[id(candidate)] = span
            else:
                dropped.append(span)
        kept = filter_spans(candidates)
        chosen = {id(c) for c in kept}
        dropped += [of[id(c)] for c in candidates if id(c) not in chosen]
        self.kept = [Tagged(c.start, c.end, c.label_, of[id(c)]) for c in kept]
        self.dropped = sorted(dropped, key=lambda s: (s.start, -s.end, s.label))

    @cached_property
    def biluo(self) -> list[str]:
        """BILUO tags for every stored token (whitespace tokens included)."""
        from spacy.training import offsets_to_biluo_tags

        doc = self.doc
        return offsets_to_biluo_tags(
            doc, [(doc[t.start].idx, doc[t.end - 1].idx + len(doc[t.end - 1]), t.label)
                  for t in self.kept])

    def tags(self, scheme: str = "iob2") -> list[str]:
        """The tags of the words (``self.words``), in ``scheme`` (iob2 or bioes)."""
        from spacy.training import biluo_to_iob

        biluo = self.biluo
        tags = [biluo[i] for i in self.words]
        if scheme == "iob2":
            return biluo_to_iob(tags)
        if scheme == "bioes":
            return [_BIOES.get(t[:2], "") + t[2:] if t != "O" else t for t in tags]
        raise ValueError(f"unknown tagging scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")

    @cached_property
    def inside(self) -> list[bool]:
        """For each word (position in ``self.words``): does a tagged span run on into it from the
        word before (so no block or chunk may start there)?"""
        biluo = self.biluo
        return [biluo[i][:1] in ("I", "L") for i in self.words]

    def breaks(self, sentences: bool = False) -> list[bool]:
        """For each word: does a new block start there? After a line break in the text between
        it and the word before, or (``sentences``) where the sentencizer starts a sentence
        between them; never inside a tagged span, never at the first word."""
        doc, words, text = self.doc, self.words, self.article.text
        if sentences:
            blank(self.article.language).get_pipe("sentencizer")(doc)
        out = [False] * len(words)
        for k in range(1, len(words)):
            if self.inside[k]:
                continue
            prev, i = words[k - 1], words[k]
            gap = text[doc[prev].idx + len(doc[prev]) : doc[i].idx]
            out[k] = bool(_LINE_BREAK.search(gap)) or (
                sentences and any(doc[j].is_sent_start for j in range(prev + 1, i + 1)))
        return out


_BIOES = {"B-": "B-", "I-": "I-", "L-": "E-", "U-": "S-"}
