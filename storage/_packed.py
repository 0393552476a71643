"""``PackedArticle``: an ``Article`` as an export reads it, its tokens still the JSON text
storage keeps them in (``storage.rows.tokens_to_json``) until something reads ``tokens``.

Private to storage (``storage.export`` builds them): the domain's ``Article`` knows nothing of
how storage packs tokens.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsmark.model import Article, Token

from .rows import tokens_from_json

try:
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - orjson is a dependency; the same result, slower
    from json import loads as _loads

_token_slot = Article.tokens  # the slot itself, under PackedArticle's property
_slot_get, _slot_set = _token_slot.__get__, _token_slot.__set__


class PackedArticle(Article):
    """An ``Article`` whose tokens arrive packed, as the JSON text ``[[start, end, ws], ...]``
    storage keeps them in, and become ``Token`` objects only when something reads ``tokens``.

    An export that needs only the offsets (``token_columns``) never builds the ~150 objects an
    article has; everything else sees an ``Article``: same fields, same ``tokens`` (built once,
    on first use), equal to an ``Article`` with the same fields.
    """

    __slots__ = ("_packed",)

    @classmethod
    def from_packed(cls, tokens_json: str, **fields) -> PackedArticle:
        article = cls(tokens=[], **fields)
        article._packed = tokens_json
        return article

    @property
    def tokens(self) -> list[Token]:
        packed = self._packed
        if packed is not None:
            _slot_set(self, tokens_from_json(packed))
            self._packed = None
        return _slot_get(self)

    @tokens.setter
    def tokens(self, value: list[Token]) -> None:
        self._packed = None
        _slot_set(self, value)

    def token_columns(self) -> tuple[Sequence[int], Sequence[int], Sequence[bool]]:
        columns = self.packed_columns()
        if columns is None:
            return Article.token_columns(self)
        return columns

    def packed_columns(self) -> tuple[list[int], list[int], list[bool]] | None:
        """(starts, ends, ws) straight from the packed JSON, as lists of ints, ints and bools;
        None once the tokens are unpacked (they may have changed) or if the JSON is not the
        plain form storage writes (``[[0,5,1],[6,10,0]]``: integers, no spaces)."""
        packed = self._packed
        if packed is None or "." in packed or "e" in packed or "E" in packed or " " in packed:
            return None
        # one flat list instead of a list per token: [[0,5,1],[6,10,0]] -> [0,5,1,6,10,0]
        try:
            flat = _loads("[" + packed[2:-2].replace("],[", ",") + "]")
        except ValueError:
            return None
        if len(flat) != 3 * (packed.count("[") - 1) or packed[:1] != "[":
            return None
        return flat[0::3], flat[1::3], list(map(bool, flat[2::3]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Article):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _ARTICLE_FIELDS)

    __hash__ = None  # as Article's: mutable


_ARTICLE_FIELDS = tuple(Article.__dataclass_fields__)
