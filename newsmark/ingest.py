"""From inputs (files, directories, later URLs) to ``Article`` models ready to store.

Nothing here touches the database: the caller stores what ``build_article`` returns. Every
failure is an ``IngestError`` whose message is one line naming the reason; callers prefix the
input's name.
"""

from __future__ import annotations

import errno
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

from .blocks import split_blocks
from .clean import Cleaned
from .errors import NewsmarkError
from .model import Article
from .text import DecodeError, decode, detect_language, normalize, text_hash, tokenize

MAX_INPUT_BYTES = 20 * 1024 * 1024  # default size limit for anything read from outside
KINDS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
         ".html": "html", ".htm": "html", ".xhtml": "html"}
STRIP_SUFFIXES = (".gz", ".html", ".htm", ".xhtml", ".txt", ".text", ".md", ".markdown")


class IngestError(NewsmarkError):
    """One input could not be used; ``str(exc)`` is the reason, on one line."""


class NotRegularFile(IngestError):
    """The input is a directory, FIFO, socket or device: never opened for reading."""


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
    """Files under ``paths`` (directories recursively, sorted), and the inputs that failed.

    Only regular files (or symbolic links to them) are inputs: a FIFO, socket or device named on
    the command line fails with one line, unopened. Inside a directory, symbolic links to
    directories are not followed (no loops), and a FIFO with a .txt name fails when it is read.
    """
    for raw in paths:
        path = Path(raw)
        try:
            mode = os.stat(path).st_mode  # follows symbolic links; never opens the file
        except OSError as exc:
            yield Input(path, stat_problem(path, exc))
            continue
        if stat.S_ISDIR(mode):
            if not os.access(path, os.R_OK | os.X_OK):
                yield Input(path, "directory is not readable")
                continue
            found = False
            for root, dirs, files in os.walk(path, onerror=None):  # followlinks=False
                dirs.sort()
                for d in dirs:
                    sub = Path(root) / d
                    if not sub.is_symlink() and not os.access(sub, os.R_OK | os.X_OK):
                        yield Input(sub, "directory is not readable")
                for f in sorted(files):
                    file = Path(root) / f
                    if kind_of(file) and not f.startswith("."):
                        found = True
                        yield Input(file)
            if not found:
                yield Input(path, "no .txt, .md or .html files in this directory")
        elif not stat.S_ISREG(mode):
            yield Input(path, not_regular(mode))
        elif kind_of(path) is None:
            yield Input(path, "unsupported file type (expected .txt, .md, .html or .htm, optionally .gz)")
        else:
            yield Input(path)


# --- reading files from outside: regular files only ---------------------------------------------

_KINDS_OF_FILE = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                  (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def not_regular(mode: int) -> str:
    """The one-line reason a file of this ``st_mode`` is not read."""
    if stat.S_ISDIR(mode):
        return "is a directory"
    what = next((name for test, name in _KINDS_OF_FILE if test(mode)), "something else")
    return f"not a regular file ({what})"


def stat_problem(path: str | Path, exc: OSError) -> str:
    """The one-line reason ``os.stat(path)`` failed: a dangling link and a link loop by name."""
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    if exc.errno == errno.ENOENT:
        return ("a dangling symbolic link (its target does not exist)" if os.path.islink(path)
                else "no such file or directory")
    if exc.errno == errno.EACCES:
        return "permission denied"
    return exc.strerror or str(exc)


def open_regular(path: str | Path) -> BinaryIO:
    """Open ``path`` for reading, binary, only if it is a regular file (a symbolic link to one is
    fine). A FIFO, socket, device or directory raises ``IngestError`` without being opened; the
    open itself is non-blocking and the opened file is checked again, so a path swapped for a
    FIFO between the check and the open fails too instead of hanging."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise IngestError(stat_problem(path, exc)) from None
    if not stat.S_ISREG(mode):
        raise NotRegularFile(not_regular(mode))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise IngestError(stat_problem(path, exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(not_regular(mode))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_file(path: str | Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the regular file ``path`` (see ``open_regular``); refused past ``limit``."""
    with open_regular(path) as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:
                raise IngestError(f"file is {size:,} bytes, over the {limit:,}-byte limit")
            data = fh.read(limit + 1)
        except OSError as exc:
            raise IngestError(exc.strerror or str(exc)) from None
    if len(data) > limit:  # it grew while we read it
        raise IngestError(f"file is over the {limit:,}-byte limit")
    return data


def read_limited(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The regular file's bytes (see ``open_regular``), gunzipped if it ends in .gz; refused
    past ``limit`` (decompressed)."""
    data = read_file(path, limit)
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


def clean(text: str, kind: str, url: str | None = None, metadata: bool = True) -> Cleaned:
    """Clean normalised text of the given kind down to the article body (``metadata=False``:
    without the author, date and site of a page)."""
    if kind == "html":
        from .clean.html import clean_html

        return clean_html(text, url=url, metadata=metadata)
    if kind == "markdown":
        from .clean.markdown import clean_markdown

        return clean_markdown(text)
    if kind == "fragment":  # an HTML fragment that is all article, e.g. a feed entry's content
        from .clean.markdown import clean_fragment

        return clean_fragment(text)
    from .clean.dump import clean_dump

    return clean_dump(text)


class CleanInput(NamedTuple):
    """What ``clean_input`` makes of an input: the plain text (NFC, LF, no Markdown markers), its
    structure beside it (``newsmark.blocks``), and what the cleaner found (title, author, …)."""

    text: str
    blocks: list
    cleaned: Cleaned


def clean_input(raw: bytes, kind: str, *, url: str | None = None,
                charset: str | None = None, metadata: bool = True) -> CleanInput:
    """Decode, normalise and clean ``raw`` into plain text with its blocks. No tokenizing:
    ``newsmark extract`` prints this text, which is what ingest stores (and asks for no
    ``metadata``: a page's author, date and site). Raises ``IngestError`` with the reason."""
    if not raw.strip():
        raise IngestError("empty input")
    try:
        text = normalize(decode(raw, charset))
    except DecodeError as exc:
        raise IngestError(str(exc)) from exc
    cleaned = clean(text, kind, url=url, metadata=metadata)
    body = normalize(cleaned.text).strip()
    if not body:
        raise IngestError("no article text left after cleaning (all boilerplate?)")
    body, blocks = split_blocks(body)  # plain text, its structure beside it (issue 12)
    return CleanInput(body, blocks, cleaned)


def build_article(
    raw: bytes,
    kind: str,
    *,
    url: str | None = None,
    source: str = "",
    charset: str | None = None,
    origin: str = "file",
    default_source: str = "",
) -> Article:
    """Decode, normalise, clean and tokenize ``raw``. Raises ``IngestError`` with the reason.

    ``source`` names where it came from; without it, the site the cleaner found in the page
    (``Cleaned.extra["site"]``: the host of its canonical address, else ``og:site_name``), else
    ``default_source``."""
    body, blocks, cleaned = clean_input(raw, kind, url=url, charset=charset)
    language = (cleaned.language or "").split("-")[0].lower() or detect_language(body)
    return Article(
        text=body,
        text_hash=text_hash(body),
        tokens=tokenize(body, language),
        blocks=blocks,
        raw=raw,
        url=url,
        source=source or cleaned.extra.get("site") or default_source,
        title=cleaned.title,
        kicker=cleaned.kicker,
        author=cleaned.author,
        published=cleaned.published,
        language=language,
        origin=origin,
    )


def article_from_file(path: Path, limit: int = MAX_INPUT_BYTES, source: str | None = None) -> Article:
    """The article in the file ``path``. Its source is ``source`` when given, else the site for an
    HTML page (the host of its canonical address, else ``og:site_name``), else the file's folder
    name."""
    kind = kind_of(path)
    if kind is None:
        raise IngestError("unsupported file type")
    raw = read_limited(path, limit)
    return build_article(raw, kind, url=str(path.resolve()), source=source or "",
                         default_source=path.parent.name)
