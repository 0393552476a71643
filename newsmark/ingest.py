"""From inputs (files, directories, later URLs) to ``Article`` models ready to store.

Nothing here touches the database: the caller stores what ``build_article`` returns. Every
failure is an ``IngestError`` whose message is one line naming the reason; callers prefix the
input's name.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .clean import Cleaned
from .model import Article
from .text import DecodeError, decode, detect_language, normalize, text_hash, tokenize

MAX_INPUT_BYTES = 20 * 1024 * 1024  # default size limit for anything read from outside
KINDS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
         ".html": "html", ".htm": "html", ".xhtml": "html"}
STRIP_SUFFIXES = (".gz", ".html", ".htm", ".xhtml", ".txt", ".text", ".md", ".markdown")


class IngestError(Exception):
    """One input could not be used; ``str(exc)`` is the reason, on one line."""


@dataclass(slots=True)
class Input:
    """A file to ingest, or one that failed before it could be read."""

    path: Path
    error: str | None = None

    @property
    def name(self) -> str:
        return str(self.path)


def kind_of(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return KINDS.get(suffixes[-1]) if suffixes else None


def output_name(path: Path) -> str:
    """The file name without its .gz/.html/.htm/.txt/.md endings (for ``extract --out-dir``)."""
    name = path.name
    changed = True
    while changed:
        changed = False
        for suffix in STRIP_SUFFIXES:
            if name.lower().endswith(suffix) and len(name) > len(suffix):
                name, changed = name[: -len(suffix)], True
    return name


def discover(paths: list[str | Path]) -> Iterator[Input]:
    """Files under ``paths`` (directories recursively, sorted), and the inputs that failed."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Input(path, "no such file or directory")
        elif path.is_dir():
            if not os.access(path, os.R_OK | os.X_OK):
                yield Input(path, "directory is not readable")
                continue
            found = False
            for root, dirs, files in os.walk(path, onerror=None):
                dirs.sort()
                for d in dirs:
                    sub = Path(root) / d
                    if not os.access(sub, os.R_OK | os.X_OK):
                        yield Input(sub, "directory is not readable")
                for f in sorted(files):
                    file = Path(root) / f
                    if kind_of(file) and not f.startswith("."):
                        found = True
                        yield Input(file)
            if not found:
                yield Input(path, "no .txt, .md or .html files in this directory")
        elif kind_of(path) is None:
            yield Input(path, "unsupported file type (expected .txt, .md, .html or .htm, optionally .gz)")
        else:
            yield Input(path)


def read_limited(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The file's bytes, gunzipped if it ends in .gz; refused past ``limit`` (decompressed)."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise IngestError(f"file is {size:,} bytes, over the {limit:,}-byte limit")
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except PermissionError as exc:
        raise IngestError("permission denied") from exc
    except IsADirectoryError as exc:
        raise IngestError("is a directory") from exc
    except OSError as exc:
        raise IngestError(exc.strerror or str(exc)) from exc
    if path.suffix.lower() == ".gz":
        data = gunzip_limited(data, limit)
    return data


def gunzip_limited(data: bytes, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Decompress gzip data, stopping as soon as the output passes ``limit`` (gzip bombs)."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as exc:
        raise IngestError(f"not valid gzip data ({exc})") from exc
    if len(out) > limit or d.unconsumed_tail:
        raise IngestError(f"decompressed content is over the {limit:,}-byte limit")
    return out


def clean(text: str, kind: str, url: str | None = None) -> Cleaned:
    """Clean normalised text of the given kind down to the article body."""
    if kind == "html":
        from .clean.html import clean_html

        return clean_html(text, url=url)
    if kind == "markdown":
        from .clean.markdown import clean_markdown

        return clean_markdown(text)
    if kind == "fragment":  # an HTML fragment that is all article, e.g. a feed entry's content
        from .clean.markdown import clean_fragment

        return clean_fragment(text)
    from .clean.dump import clean_dump

    return clean_dump(text)


def build_article(
    raw: bytes,
    kind: str,
    *,
    url: str | None = None,
    source: str = "",
    charset: str | None = None,
    origin: str = "file",
) -> Article:
    """Decode, normalise, clean and tokenize ``raw``. Raises ``IngestError`` with the reason."""
    if not raw.strip():
        raise IngestError("empty input")
    try:
        text = normalize(decode(raw, charset))
    except DecodeError as exc:
        raise IngestError(str(exc)) from exc
    cleaned = clean(text, kind, url=url)
    body = normalize(cleaned.text).strip()
    if not body:
        raise IngestError("no article text left after cleaning (all boilerplate?)")
    language = (cleaned.language or "").split("-")[0].lower() or detect_language(body)
    return Article(
        text=body,
        text_hash=text_hash(body),
        tokens=tokenize(body, language),
        raw=raw,
        url=url,
        source=source or cleaned.extra.get("source", ""),
        title=cleaned.title,
        kicker=cleaned.kicker,
        author=cleaned.author,
        published=cleaned.published,
        language=language,
        origin=origin,
    )


def article_from_file(path: Path, limit: int = MAX_INPUT_BYTES) -> Article:
    kind = kind_of(path)
    if kind is None:
        raise IngestError("unsupported file type")
    raw = read_limited(path, limit)
    return build_article(raw, kind, url=str(path.resolve()), source=path.parent.name)
