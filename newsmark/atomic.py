"""Outputs that are either complete or untouched.

``atomic_output(path)`` writes a regular file (or a new path) through a temporary file in the
target's directory (``.<name>.<random>.tmp``): written, flushed and fsynced, then renamed over the
target, and the directory fsynced where the OS allows it. Until the rename, the target holds
what it held before; on any error (a full disk, a file size limit, an interrupt, a bug) the
temporary file is removed and the target is left as it was. The replaced file keeps its
permission bits (and, where the OS lets us, its owner and group); a new file gets the usual
mode (0666 less the umask), not ``mkstemp``'s 0600. A symbolic link is followed: the file it
points at is replaced, the link stays. An existing file we may not write is refused, as
``open(path, "w")`` would refuse it, although the directory would let us rename over it.

Standard output (``-``), character and block devices and FIFOs are written directly, never
renamed over (as root, a rename would replace ``/dev/null`` with a regular file).

``all_or_nothing()`` groups outputs: inside it every ``atomic_output`` is written and fsynced
as above, but the renames wait until the group ends without an error; on an error every
temporary file of the group is removed and no target is touched. A group opened inside another
joins it.

Every error writing an output comes out as ``OutputError`` (an ``OSError``): ``filename`` is the
output as the caller named it (``-`` for standard output), ``strerror`` the reason.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, NoReturn

STDOUT = "-"


class OutputError(OSError):
    """Writing the output ``filename`` failed for the reason ``strerror``."""

    def __str__(self) -> str:
        return f"{display_name(self.filename)}: cannot write ({self.strerror})"


def display_name(output: object) -> str:
    return "standard output" if output == STDOUT else str(output)


def reason(exc: OSError) -> str:
    """What went wrong, in words (``No space left on device``)."""
    if exc.strerror:
        return exc.strerror
    if exc.errno:
        return os.strerror(exc.errno)
    return str(exc) or type(exc).__name__


def describe(exc: OSError, output: str) -> tuple[str, str]:
    """(the file, the reason) of an error writing ``output``: the file the error names, else
    ``output`` (``standard output`` for ``-``)."""
    return display_name(exc.filename if exc.filename else output), reason(exc)


def _named(exc: BaseException, name: str, own: bool = False) -> BaseException:
    """``exc`` as an ``OutputError`` naming ``name``: an error of our own (opening, fsyncing,
    renaming: ``own``) or one without a file name (a failed write); other errors as they are."""
    if isinstance(exc, OutputError) or not isinstance(exc, OSError):
        return exc
    if not own and exc.filename is not None:
        return exc
    return OutputError(exc.errno or errno.EIO, reason(exc), name)


def _reraise(exc: BaseException, name: str, own: bool = False) -> NoReturn:
    named = _named(exc, name, own)
    if named is exc:
        raise exc
    raise named from exc


# the pending renames of the innermost all_or_nothing(): target path -> _Pending
_GROUP: ContextVar[dict | None] = ContextVar("newsmark_atomic_group", default=None)


class _Pending:
    """A finished, fsynced temporary file waiting to be renamed over its target."""

    __slots__ = ("tmp", "target", "name")

    def __init__(self, tmp: str, target: str, name: str) -> None:
        self.tmp, self.target, self.name = tmp, target, name

    def commit(self) -> None:
        try:
            os.replace(self.tmp, self.target)
        except BaseException as exc:
            self.discard()
            _reraise(exc, self.name, own=True)

    def discard(self) -> None:
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def _fsync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable, where the OS lets a directory be fsynced."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(directory, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # EINVAL on some file systems; Windows cannot open a directory at all
        pass
    finally:
        os.close(fd)


def _temporary(directory: str, base: str) -> tuple[int, str]:
    """A new file ``.<base>.<random>.tmp`` in ``directory``, created with mode 0666 less the
    umask (as ``open`` creates files)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{base[:200]}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", directory)


def _writable(target: str) -> None:
    """Refuse an existing file we may not write, with the reason ``open`` would give."""
    if os.access(target, os.W_OK):
        return
    # the real reason (EACCES, EROFS, ETXTBSY, …); opening without O_TRUNC changes nothing
    os.close(os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)))
    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), target)


def writes_directly(output: str) -> bool:
    """Is ``output`` written in place (standard output, a device, a FIFO) rather than replaced?"""
    if output == STDOUT:
        return True
    try:
        mode = os.stat(output).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def pending_path(path: str | os.PathLike) -> str:
    """Where the newest content of ``path`` is: the temporary file of an uncommitted write to
    it in the current group (so a group that writes one file twice reads back what it wrote),
    else ``path`` itself."""
    name = os.fspath(path)
    group = _GROUP.get()
    if group:
        pending = group.get(os.path.realpath(name))
        if pending is not None:
            return pending.tmp
    return name


@contextmanager
def all_or_nothing() -> Iterator[None]:
    """Commit every ``atomic_output`` opened inside only if the whole block succeeds."""
    if _GROUP.get() is not None:  # inside another group: that one commits
        yield
        return
    group: dict[str, _Pending] = {}
    token = _GROUP.set(group)
    try:
        yield
    except BaseException:
        for pending in group.values():
            pending.discard()
        raise
    finally:
        _GROUP.reset(token)
    pendings = list(group.values())
    try:
        for i, pending in enumerate(pendings):
            pending.commit()
    except BaseException:
        for rest in pendings[i + 1 :]:
            rest.discard()
        raise
    for directory in dict.fromkeys(os.path.dirname(p.target) for p in pendings):
        _fsync_directory(directory)


@contextmanager
def atomic_output(path: str | os.PathLike, mode: str = "w", *, encoding: str = "utf-8",
                  newline: str | None = "\n") -> Iterator[IO]:
    """A file object to write ``path`` through (``mode`` ``"w"``: UTF-8 text with ``newline``;
    ``"wb"``: bytes), replaced atomically or, for ``-``, devices and FIFOs, written directly.
    Missing parent directories are created."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_output writes 'w' or 'wb', not {mode!r}")
    binary = mode == "wb"
    text_args = {} if binary else {"encoding": encoding, "newline": newline}
    name = os.fspath(path)
    if name == STDOUT:
        try:
            sys.stdout.flush()
            stream = sys.stdout.buffer if binary else sys.stdout
            yield stream
            stream.flush()
        except BaseException as exc:
            _reraise(exc, STDOUT)
        return

    try:
        target = os.path.realpath(name)  # a link's file is replaced, in its own directory
        try:
            st = os.stat(target)
        except FileNotFoundError:
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
    except OSError as exc:
        _reraise(exc, name, own=True)

    if st is not None and not stat.S_ISREG(st.st_mode):  # a device or a FIFO: in place
        try:
            fh = open(target, mode, **text_args)
        except OSError as exc:
            _reraise(exc, name, own=True)
        try:
            yield fh
            fh.close()
        except BaseException as exc:
            _close_quietly(fh)
            _reraise(exc, name)
        return

    directory = os.path.dirname(target)
    try:
        if st is not None:
            _writable(target)
        os.makedirs(directory, exist_ok=True)
        fd, tmp = _temporary(directory, os.path.basename(target))
    except OSError as exc:
        _reraise(exc, name, own=True)
    try:
        if st is not None and hasattr(os, "fchmod"):  # (Windows has neither call)
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            if hasattr(os, "fchown") and (st.st_uid, st.st_gid) != _owner(fd):
                try:
                    os.fchown(fd, st.st_uid, st.st_gid)
                except OSError:  # not ours to give away: the file stays ours
                    pass
        fh = os.fdopen(fd, mode, **text_args)
    except BaseException as exc:
        try:
            os.close(fd)
        except OSError:  # already closed by the failed fdopen
            pass
        _Pending(tmp, target, name).discard()
        _reraise(exc, name, own=True)
    pending = _Pending(tmp, target, name)
    try:
        yield fh
        try:
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
        except OSError as exc:
            _reraise(exc, name, own=True)
    except BaseException as exc:
        _close_quietly(fh)
        pending.discard()
        _reraise(exc, name)
    group = _GROUP.get()
    if group is None:
        pending.commit()
        _fsync_directory(directory)
        return
    older = group.pop(pending.target, None)
    if older is not None:  # written twice in one group: the newer content wins
        older.discard()
    group[pending.target] = pending


def _owner(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_uid, st.st_gid


def _close_quietly(fh: IO) -> None:
    try:
        fh.close()
    except Exception:  # the flush on close fails as the write did: already being reported
        pass
