"""Text normalisation, hashing, tokenisation and language guessing.

Everything that turns bytes into the clean text that offsets point into lives here, so that ingest,
import and the tests all agree on exactly one definition.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

from .errors import NewsmarkError
from .model import Token

DEFAULT_LANGUAGE = "de"


def normalize(text: str) -> str:
    """NFC, LF line endings. Nothing else: offsets into the result are the contract."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DecodeError(NewsmarkError, ValueError):
    pass


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return True
    return False


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes to str: a BOM, then the declared charset, then UTF-8, then detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if looks_binary(data):
        raise DecodeError("binary content, not text")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only for undeclared, non-UTF-8 input

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("cannot detect the text encoding")
    return str(best)


# --- tokens -------------------------------------------------------------------------------------


# The one rule newsmark adds to spaCy's blank tokenizer of every language: a hyphen between letters
# (or a digit and a letter) is a token of its own, as spaCy's English tokenizer has it, so that
# "NDR" in "NDR-Recherchen" or "Siemens" in "Siemens-Chef" can be tagged. ``{a}`` and ``{h}`` are
# spaCy's ``spacy.lang.char_classes.ALPHA`` and ``HYPHENS``. It only ever splits a token: every
# boundary of the tokens without it is a boundary with it, so spans made before stay aligned.
HYPHEN_INFIX = "(?<=[{a}0-9])(?:{h})(?=[{a}])"
TOKENIZER_VERSION = 2  # 1: spaCy's blank tokenizer as it is; 2: with HYPHEN_INFIX


def tokenizer_settings(lang: str) -> dict:
    """How ``tokenize`` tokenized an article of language ``lang``, for an export's metadata: a
    trainer that builds the same tokenizer (``spacy.blank(language)``, then the infixes added to
    its ``Defaults.infixes`` and compiled with ``spacy.util.compile_infix_regex``) gets the
    exported tokens again."""
    return {"base": "spacy.blank", "language": lang or DEFAULT_LANGUAGE,
            "add_infixes": [HYPHEN_INFIX], "char_classes": {"a": "ALPHA", "h": "HYPHENS"},
            "version": TOKENIZER_VERSION}


@lru_cache(maxsize=16)
def _tokenizer(lang: str):
    import spacy  # imported lazily: the TUI never needs spaCy
    from spacy.lang.char_classes import ALPHA, HYPHENS
    from spacy.util import compile_infix_regex

    try:
        nlp = spacy.blank(lang)
    except Exception:  # unknown language code: spaCy's multi-language tokenizer
        nlp = spacy.blank("xx")
    infixes = list(nlp.Defaults.infixes or ()) + [HYPHEN_INFIX.format(a=ALPHA, h=HYPHENS)]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp.tokenizer


def tokenize(text: str, lang: str = DEFAULT_LANGUAGE) -> list[Token]:
    """spaCy's blank tokenizer for ``lang`` with a hyphen between letters split off
    (``HYPHEN_INFIX``); every character of ``text`` is in a token or its ws."""
    doc = _tokenizer(lang or DEFAULT_LANGUAGE)(text)
    return [Token(t.idx, t.idx + len(t.text), bool(t.whitespace_)) for t in doc]


def word_tokens(tokens: list[Token], text: str) -> list[int]:
    """Indices of the tokens a cursor visits: everything but pure whitespace."""
    return [i for i, t in enumerate(tokens) if not text[t.start : t.end].isspace()]


def snap_to_tokens(tokens: list[Token], start: int, end: int) -> tuple[int, int] | None:
    """Widen [start, end) to whole tokens; None when it covers no token."""
    covered = [t for t in tokens if t.start < end and start < t.end]
    if not covered:
        return None
    return covered[0].start, covered[-1].end


def token_bounds(tokens: list[Token], start: int, end: int) -> tuple[int, int] | None:
    """(token_start, token_end inclusive) for a character span that sits on token boundaries."""
    ts = te = None
    for i, t in enumerate(tokens):
        if t.start == start:
            ts = i
        if t.end == end:
            te = i
            break
    if ts is None or te is None or te < ts:
        return None
    return ts, te


def token_bounds_finder(starts: Sequence[int], ends: Sequence[int]) -> Callable[[int, int], tuple[int, int] | None]:
    """``token_bounds`` for many spans over the same tokens (given as ``Article.token_columns``
    gives them): two dicts built once, then a lookup per span instead of a scan.

    The same answers as ``token_bounds``: the first token ending at ``end``, and the token
    starting at ``start`` if it is not after that one. Token starts are unique for every
    tokenizer newsmark uses; if they are not, the scan decides.
    """
    first = dict(zip(starts, range(len(starts))))
    if len(first) != len(starts):
        return lambda start, end: _scan_bounds(starts, ends, start, end)
    last = dict(zip(ends, range(len(ends))))
    if len(last) != len(ends):  # an end twice: the first token ending there counts
        last = dict(zip(reversed(ends), range(len(ends) - 1, -1, -1)))  # later keys win
    get_start, get_end = first.get, last.get

    def bounds(start: int, end: int) -> tuple[int, int] | None:
        ts = get_start(start)
        te = get_end(end)
        if ts is None or te is None or te < ts:
            return None
        return ts, te

    return bounds


def _scan_bounds(starts: Sequence[int], ends: Sequence[int], start: int, end: int) -> tuple[int, int] | None:
    ts = te = None
    for i, (s, e) in enumerate(zip(starts, ends)):
        if s == start:
            ts = i
        if e == end:
            te = i
            break
    if ts is None or te is None or te < ts:
        return None
    return ts, te


# --- language -----------------------------------------------------------------------------------

_STOPWORDS = {
    "de": "der die das und ist nicht ein eine zu den von mit sich auf für im dem des auch als wird bei nach aus sind wurde hat",
    "en": "the and of to in is that for it was on with as are be by this at from have has not which",
    "fr": "le la les et des est une un du que pour dans pas sur au avec qui sont par il ce plus",
    "es": "el la los las y de que en un una es por con para del se no al lo como más",
    "it": "il lo la gli le e di che un una per non con del della sono è da si al nel",
    "nl": "de het een en van is dat op te in voor niet met zijn er aan ook als bij",
    "pt": "o a os as e de que em um uma para com não do da no na por se",
    "pl": "i w na z do nie się to że jest o jak po od za co ale przez",
    "sv": "och i att det som en på är av för med den till har inte om ett",
}
_STOP = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"\w+", re.UNICODE)


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """A cheap stop-word vote. Good enough to choose a tokenizer; ``default`` when unsure."""
    words = Counter(w.lower() for w in _WORD.findall(text[:20000]))
    if not words:
        return default
    scores = {lang: sum(words[w] for w in stop) for lang, stop in _STOP.items()}
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    total = sum(words.values())
    if best < 3 or best / total < 0.05:
        return default
    return lang


# --- showing outside text on a terminal -----------------------------------------------------------

# C0 and C1 controls, DEL, and the characters that reorder or break what a terminal shows around
# them: bidi embeddings, overrides, isolates and marks, and the Unicode line/paragraph separators.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_UNSAFE_LINE = re.compile(_UNSAFE.pattern[:-1] + "\t\n]")


def _escape_char(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def escape_controls(text: str, one_line: bool = True) -> str:
    """``text`` with every control character, escape sequence introducer and bidi override
    written out visibly (``\\x1b``, ``\\u202e``), so outside text printed to a terminal can
    neither run terminal commands nor reorder the line. ``one_line``: tab and LF too."""
    return (_UNSAFE_LINE if one_line else _UNSAFE).sub(_escape_char, text)


def escape_json(text: str) -> str:
    """JSON text (``ensure_ascii=False``) with the characters ``escape_controls`` escapes written
    as JSON ``\\uXXXX`` escapes: the same JSON value, safe on a terminal."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
