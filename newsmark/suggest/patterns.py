"""Patterns: the spaCy EntityRuler / Prodigy JSONL file, matched on an article's stored tokens.

One pattern a line, as spaCy's ``EntityRuler`` and Prodigy's ``--patterns`` read it::

    {"label": "ORG", "pattern": "Siemens"}
    {"label": "PER", "pattern": [{"LOWER": "olaf"}, {"LOWER": "scholz"}], "id": "scholz"}

- a *phrase pattern* (``pattern`` a string) is tokenized with newsmark's own tokenizer (the one
  that tokenized the article, ``newsmark.text.tokenize``) and matches that token sequence exactly,
  case-sensitive (EntityRuler's ``phrase_matcher_attr`` ``ORTH``, its default; ``attr="LOWER"``
  matches case-insensitively, as ``phrase_matcher_attr = "LOWER"`` does);
- a *token pattern* (``pattern`` a list of token dicts) is one of spaCy's ``Matcher`` patterns,
  checked with ``Matcher(vocab, validate=True)``. Only attributes a token has without a trained
  pipeline can match (``ORTH``/``TEXT``, ``LOWER``, ``NORM``, ``SHAPE``, ``LENGTH``, ``IS_*``,
  ``LIKE_*``, ``PREFIX``, ``SUFFIX``, ``SPACY``, ``OP``, …): a pattern using ``POS``, ``TAG``,
  ``LEMMA``, ``MORPH``, ``DEP``, ``ENT_*`` or sentence starts is refused (spaCy's matcher would
  fail on a document without them);
- ``id`` (optional, a string) is kept as EntityRuler keeps it; other keys are ignored, as
  EntityRuler ignores them;
- blank lines are skipped (spaCy's and Prodigy's reader, ``srsly.read_jsonl``, skip them);
  there are no comments: a ``#`` line is not JSON to spaCy and Prodigy, so it is refused here
  too, and a file newsmark reads is a file they read.

A bad file is one ``PatternError``; its message has one line per bad line, ``FILE:LINE: reason``.

Matching runs on a ``Doc`` built from the article's stored tokens (``Doc(vocab, words,
spaces)``): nothing is tokenized again, and a match's offsets are the stored tokens' offsets.
Patterns whose label the schema lacks are not matched; ``PatternSuggester.skipped`` counts them
per label. The matchers are built once per file (a cache keyed on the file's path, mtime and
size, the schema's labels and the attribute) and per article language (the language whose
tokenizer splits the phrase patterns), and reused for every article.

Large gazetteers: from ``AHO_MIN`` phrase patterns on, the phrase patterns are matched with an
Aho-Corasick automaton (``pyahocorasick``) over the article's words joined by a separator that no
word contains, so a match starts and ends on token boundaries; it finds exactly what
``PhraseMatcher`` finds (tested), builds several times faster, and matches as fast (measured:
``bench/patterns.py``).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NewsmarkError
from ..model import Article, Schema, Token
from . import PATTERN, Suggestion

MAX_PATTERNS_BYTES = 64 * 1024 * 1024  # a patterns file past this size is refused
MAX_ERRORS = 20  # bad lines listed one by one; past this many, one line says how many more
AHO_MIN = 500  # phrase patterns from which the Aho-Corasick automaton matches them
ATTRS = ("ORTH", "LOWER")  # what a phrase pattern matches on (EntityRuler's phrase_matcher_attr)
# token attributes only a trained pipeline sets: spaCy's matcher refuses a Doc without them
NEEDS_PIPELINE = frozenset({"POS", "TAG", "MORPH", "LEMMA", "DEP", "HEAD", "ENT_TYPE", "ENT_IOB",
                            "ENT_ID", "ENT_KB_ID", "SENT_START", "IS_SENT_START", "_"})
_SEP = "\x00"  # between the words the automaton sees (no stored token holds it; checked)


class PatternError(NewsmarkError, ValueError):
    """A patterns file that cannot be used: one line ``FILE:LINE: reason`` per bad line (or
    ``FILE: reason`` for the file as a whole); ``lines`` has them one by one."""

    def __init__(self, lines: Sequence[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


# --- reading the file ---------------------------------------------------------------------------


def load_patterns(path: str | Path) -> list[dict]:
    """The patterns of the JSONL file ``path`` (each ``{"label", "pattern"[, "id"]}`` as in the
    file), checked; ``PatternError`` lists every bad line (see the module's docstring)."""
    from ..ingest import IngestError, read_file

    path = Path(path)
    try:
        data = read_file(path, MAX_PATTERNS_BYTES)
    except IngestError as exc:
        raise PatternError([f"{path}: {exc}"]) from None
    except FileNotFoundError:
        raise PatternError([f"{path}: no such file"]) from None
    except OSError as exc:
        raise PatternError([f"{path}: cannot read ({exc.strerror or exc})"]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise PatternError([f"{path}:{line}: not UTF-8 text (byte {exc.start})"]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    validator = _validator()
    patterns: list[dict] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        entry, reason = _entry(line, validator)
        if reason is not None:
            errors.append(f"{path}:{number}: {reason}")
        else:
            patterns.append(entry)
    if errors:
        more = len(errors) - MAX_ERRORS
        raise PatternError(errors[:MAX_ERRORS]
                           + ([f"{path}: {more:,} more bad line{'s' if more != 1 else ''}"]
                              if more > 0 else []))
    return patterns


def _validator():
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    return Matcher(Vocab(), validate=True)


def _entry(line: str, validator) -> tuple[dict, str | None]:
    """The pattern on one line, or the reason it cannot be used."""
    try:
        entry = json.loads(line)
    except ValueError as exc:
        hint = (" (a comment? there are none: spaCy and Prodigy read this file too)"
                if line.lstrip().startswith(("#", "//")) else "")
        return {}, f"not valid JSON: {exc}{hint}"
    if not isinstance(entry, dict):
        return {}, f"expected a JSON object with label and pattern, got {type(entry).__name__}"
    label = entry.get("label")
    if "label" not in entry:
        return {}, "no label"
    if not isinstance(label, str) or not label.strip():
        return {}, f"label: expected a non-empty string, got {label!r}"
    if "id" in entry and not isinstance(entry["id"], str):
        return {}, f"id: expected a string, got {entry['id']!r}"
    pattern = entry.get("pattern")
    if "pattern" not in entry:
        return {}, "no pattern"
    if isinstance(pattern, str):
        if not pattern.strip():
            return {}, "pattern: an empty phrase"
    elif isinstance(pattern, list):
        reason = _token_pattern_problem(pattern, validator)
        if reason:
            return {}, f"token pattern: {reason}"
    else:
        return {}, ("pattern: expected a phrase (a string) or a token pattern (a list of "
                    f"token objects), got {type(pattern).__name__}")
    out = {"label": label, "pattern": pattern}
    if "id" in entry:
        out["id"] = entry["id"]
    return out, None


def _token_pattern_problem(pattern: list, validator) -> str | None:
    """Why spaCy's matcher refuses ``pattern`` (its validation messages, joined), or why it
    cannot match stored tokens; None when it is fine."""
    from spacy.errors import MatchPatternError

    if not pattern:
        return "no tokens"
    for token in pattern:
        if isinstance(token, dict):
            needs = sorted(k.upper() for k in token
                           if isinstance(k, str) and k.upper() in NEEDS_PIPELINE)
            if needs:
                return (f"{needs[0]} needs a trained pipeline; patterns match the stored tokens "
                        "(ORTH, TEXT, LOWER, NORM, SHAPE, LENGTH, IS_*, LIKE_*, …)")
    try:
        validator.add("check", [pattern])
    except MatchPatternError as exc:
        reasons = [line[2:].strip() for line in str(exc).splitlines() if line.startswith("- ")]
        return "; ".join(reasons) or str(exc).splitlines()[0]
    except Exception as exc:  # a bad REGEX, a value of the wrong kind, …
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    finally:
        if "check" in validator:
            validator.remove("check")
    return None


# --- matching -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Compiled:
    """One file's patterns for one schema and attribute; matchers per language, made when an
    article of that language first asks."""

    phrases: list[tuple[str, str]]  # (label, phrase)
    tokens: list[tuple[str, list]]  # (label, token pattern)
    attr: str
    skipped: dict[str, int]
    by_language: dict = field(default_factory=dict)

    def matchers(self, lang: str) -> _Matchers:
        m = self.by_language.get(lang)
        if m is None:
            m = self.by_language[lang] = _Matchers(self, lang)
        return m


class _Matchers:
    """The matchers of one language: phrases by ``PhraseMatcher`` (or, from ``AHO_MIN`` on, by
    an Aho-Corasick automaton), token patterns by ``Matcher``, on the tokenizer's vocab."""

    def __init__(self, compiled: _Compiled, lang: str, aho: bool | None = None) -> None:
        from spacy.matcher import Matcher

        from ..text import _tokenizer

        tokenizer = _tokenizer(lang)
        self.vocab = tokenizer.vocab
        self.attr = compiled.attr
        self.phrases = [(label, tuple(t.text for t in doc)) for (label, _), doc in zip(
            compiled.phrases, tokenizer.pipe(p for _, p in compiled.phrases))]
        use_aho = (len(self.phrases) >= AHO_MIN) if aho is None else aho
        self.aho = None
        self._phrase = None
        if use_aho and self.phrases and not any(_SEP in w for _, ws in self.phrases for w in ws):
            self.aho = _automaton(self.phrases, self.attr == "LOWER")
        self.matcher = None
        if compiled.tokens:
            self.matcher = Matcher(self.vocab)
            for label, pattern in compiled.tokens:
                self.matcher.add(label, [pattern])

    @property
    def phrase(self):
        """spaCy's ``PhraseMatcher`` of the phrase patterns (made when first needed)."""
        if self._phrase is None and self.phrases:
            from spacy.matcher import PhraseMatcher
            from spacy.tokens import Doc

            self._phrase = PhraseMatcher(self.vocab, attr=self.attr)
            by_label: dict[str, list] = {}
            for label, words in self.phrases:
                by_label.setdefault(label, []).append(Doc(self.vocab, words=words))
            for label, docs in by_label.items():
                self._phrase.add(label, docs)
        return self._phrase

    def matches(self, words: list[str], spaces: list[bool]) -> set[tuple[int, int, str]]:
        """(first token, end token, label) of every match in the words."""
        out: set[tuple[int, int, str]] = set()
        if not words:
            return out
        # the automaton, unless a word holds its separator (then spaCy's matcher: exact either way)
        aho = self.aho is not None and not any(_SEP in w for w in words)
        if aho:
            out |= _aho_matches(self.aho, words, self.attr == "LOWER")
        if self.matcher is None and (aho or not self.phrases):
            return out
        from spacy.tokens import Doc

        doc = Doc(self.vocab, words=words, spaces=spaces)
        strings = self.vocab.strings
        if not aho and self.phrases:
            out |= {(s, e, strings[key]) for key, s, e in self.phrase(doc)}
        if self.matcher is not None:
            out |= {(s, e, strings[key]) for key, s, e in self.matcher(doc)}
        return {m for m in out if m[1] > m[0]}


def _automaton(phrases: list[tuple[str, tuple[str, ...]]], lower: bool):
    """An Aho-Corasick automaton of the phrases, each as ``SEP w1 SEP w2 … SEP`` with its token
    count and labels."""
    import ahocorasick

    found: dict[str, tuple[int, set[str]]] = {}
    for label, words in phrases:
        key = _SEP + _SEP.join(w.lower() if lower else w for w in words) + _SEP
        found.setdefault(key, (len(words), set()))[1].add(label)
    automaton = ahocorasick.Automaton()
    for key, (n, labels) in found.items():
        automaton.add_word(key, (n, tuple(sorted(labels))))
    automaton.make_automaton()
    return automaton


def _aho_matches(automaton, words: list[str], lower: bool) -> set[tuple[int, int, str]]:
    """Matches in ``SEP w1 SEP w2 … SEP``: a key starts and ends on a separator, so on token
    boundaries; the separator it ends on says after which token."""
    norm = [w.lower() for w in words] if lower else words
    hay = _SEP + _SEP.join(norm) + _SEP
    ends: dict[int, int] = {}  # position of a separator -> how many tokens come before it
    pos = 0
    for i, w in enumerate(norm):
        pos += 1 + len(w)
        ends[pos] = i + 1
    out: set[tuple[int, int, str]] = set()
    for at, (n, labels) in automaton.iter(hay):
        end = ends[at]
        for label in labels:
            out.add((end - n, end, label))
    return out


_CACHE: dict[tuple, _Compiled] = {}
_CACHE_SIZE = 4


def _compiled(path: Path, labels: frozenset[str], attr: str) -> _Compiled:
    st = os.stat(path)
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size, labels, attr)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    phrases: list[tuple[str, str]] = []
    tokens: list[tuple[str, list]] = []
    skipped: Counter[str] = Counter()
    for entry in load_patterns(path):
        label, pattern = entry["label"], entry["pattern"]
        if label not in labels:
            skipped[label] += 1
        elif isinstance(pattern, str):
            phrases.append((label, pattern))
        else:
            tokens.append((label, pattern))
    compiled = _Compiled(phrases, tokens, attr, dict(sorted(skipped.items())))
    while len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = compiled
    return compiled


class PatternSuggester:
    """Suggestions from a patterns file, for the labels of ``schema`` (see the module's
    docstring). Built once; ``suggest`` is called for every article opened."""

    name = PATTERN

    def __init__(self, path: Path, schema: Schema, attr: str = "ORTH") -> None:
        if attr not in ATTRS:
            raise ValueError(f"attr: expected one of {', '.join(ATTRS)}, got {attr!r}")
        self.path = Path(path)
        try:
            self._compiled = _compiled(self.path, frozenset(schema.names), attr)
        except FileNotFoundError:
            raise PatternError([f"{self.path}: no such file"]) from None
        except OSError as exc:
            raise PatternError([f"{self.path}: cannot read ({exc.strerror or exc})"]) from None
        self.skipped: dict[str, int] = dict(self._compiled.skipped)

    @property
    def count(self) -> int:
        """How many patterns are matched (those of the schema's labels)."""
        return len(self._compiled.phrases) + len(self._compiled.tokens)

    def warm(self, lang: str) -> None:
        """Build the matchers of language ``lang`` now (the first ``suggest`` in it would:
        tokenizing every phrase, the automaton; about half a second for 10,000 patterns)."""
        self._compiled.matchers(lang)

    def suggest(self, article: Article) -> list[Suggestion]:
        tokens = article.tokens
        words = [article.text[t.start:t.end] for t in tokens]
        spaces = [t.ws for t in tokens]
        found = self._compiled.matchers(article.language or "de").matches(words, spaces)
        spans = sorted({(tokens[s].start, tokens[e - 1].end, label) for s, e, label in found})
        return [Suggestion(start, end, label, PATTERN) for start, end, label in spans]


# --- one phrase, for propagation across articles --------------------------------------------------


def phrase_tokens(phrase: str, lang: str) -> tuple[list[str], list[bool]]:
    """``phrase`` tokenized as an article of language ``lang``: its words and whether whitespace
    follows each."""
    from ..text import tokenize

    tokens = tokenize(phrase, lang)
    return [phrase[t.start:t.end] for t in tokens], [t.ws for t in tokens]


def occurrences(text: str, tokens: Sequence[Token], words: Sequence[str],
                spaces: Sequence[bool], ignore_case: bool = False) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of the token sequence ``words`` in the article: the same
    words, token for token (``ignore_case``: up to case), with whitespace between the same
    tokens, as ``newsmark.suggest.propagate`` matches. Occurrences do not overlap (the earliest
    wins)."""
    n = len(words)
    if not n:
        return []
    norm = (lambda s: s.lower()) if ignore_case else (lambda s: s)
    want = [norm(w) for w in words]
    out: list[tuple[int, int]] = []
    i = 0
    while i + n <= len(tokens):
        if (norm(text[tokens[i].start:tokens[i].end]) == want[0]
                and all(norm(text[tokens[i + k].start:tokens[i + k].end]) == want[k]
                        for k in range(1, n))
                and all(tokens[i + k].ws == spaces[k] for k in range(n - 1))):
            out.append((tokens[i].start, tokens[i + n - 1].end))
            i += n
        else:
            i += 1
    return out
