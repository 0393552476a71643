"""Train/dev/test splits that never move an article.

An article's split is a function of its text alone (the SHA-256 that storage keeps as
``text_hash``): the same article lands in the same split in every export, whatever else was
added, removed or selected, and all annotators' records of one article share one split.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import NewsmarkError
from .text import text_hash

SPLIT_NAMES = ("train", "dev", "test")
_SPEC = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")
# compression endings that belong to the extension: out.jsonl.gz -> out-train.jsonl.gz
_COMPRESSED = {".gz", ".bz2", ".xz", ".zst"}


class SplitError(NewsmarkError, ValueError):
    pass


def parse_split(spec: str) -> tuple[float, float, float]:
    """``"80/10/10"`` -> (0.8, 0.1, 0.1). The three parts are weights: they need not sum to 100."""
    m = _SPEC.match(spec or "")
    if not m:
        raise SplitError(f"expected train/dev/test weights like 80/10/10, got {spec!r}")
    weights = [float(x) for x in m.groups()]
    total = sum(weights)
    if total <= 0:
        raise SplitError(f"{spec!r}: the weights add up to zero")
    return weights[0] / total, weights[1] / total, weights[2] / total


def position(digest: str) -> float:
    """Where a text falls in [0, 1): the first 52 bits of its SHA-256 hex digest."""
    return int(digest[:13], 16) / float(1 << 52)


def split_of(digest: str, ratios: tuple[float, float, float]) -> str:
    """The split of the article whose text has SHA-256 hex ``digest`` (``Article.text_hash``)."""
    x = position(digest)
    if x < ratios[0]:
        return "train"
    if x < ratios[0] + ratios[1]:
        return "dev"
    return "test" if ratios[2] > 0 else ("dev" if ratios[1] > 0 else "train")


def split_of_text(text: str, ratios: tuple[float, float, float]) -> str:
    return split_of(text_hash(text), ratios)


def split_output(output: str, name: str, directory: bool = False) -> str:
    """The output path of split ``name``: ``out.jsonl`` -> ``out-train.jsonl``; a directory
    ``brat/`` -> ``brat-train``; ``out.jsonl.gz`` -> ``out-train.jsonl.gz``; ``data`` (no
    extension) -> ``data-train``."""
    if output == "-":
        raise SplitError("--split writes three outputs: give -o/--output a file or directory name")
    path = Path(output)
    if directory or not path.suffix:
        return str(path.with_name(f"{path.name}-{name}"))
    suffixes = path.suffixes
    ext = suffixes[-1]
    if ext.lower() in _COMPRESSED and len(suffixes) > 1:
        ext = suffixes[-2] + ext
    stem = path.name[: -len(ext)]
    return str(path.with_name(f"{stem}-{name}{ext}"))
