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

Standard output (``-``), open file descriptors named as files (``/dev/stdout``, ``/dev/stderr``,
``/dev/fd/N``, ``/proc/self/fd/N``, and links to them), character and block devices, FIFOs and
sockets are written directly, never renamed over (as root, a rename would replace ``/dev/null``
with a regular file). Which is which is decided by the path as given, not by where it resolves
to: ``-o /dev/stdout >> log`` appends to ``log`` (through the descriptor the shell opened, so
its offset and append mode hold) instead of replacing it, and with standard output a pipe,
``/dev/stdout`` (which resolves to ``pipe:[N]``) is the pipe.

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
import re
import secrets
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, NoReturn

from .errors import NewsmarkError

STDOUT = "-"


class OutputError(NewsmarkError, OSError):
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


class _Removal:
    """A file to remove when the group commits (a stale part of an earlier export)."""

    __slots__ = ("name", "target")

    def __init__(self, target: str, name: str) -> None:
        self.target, self.name = target, name

    def commit(self) -> None:
        try:
            os.unlink(self.target)
        except FileNotFoundError:
            pass
        except OSError as exc:
            _reraise(exc, self.name, own=True)

    def discard(self) -> None:
        pass


def remove_on_commit(path: str | os.PathLike) -> None:
    """Remove the file ``path`` together with the renames of the current ``all_or_nothing``
    group (at once outside a group): an output's stale part goes only when the new parts come."""
    name = os.fspath(path)
    removal = _Removal(os.path.realpath(name), name)
    group = _GROUP.get()
    if group is None:
        removal.commit()
    else:
        group.setdefault(removal.target, removal)


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


# the temporary name adds 14 bytes (".", ".<8 hex>.tmp") to the target's: cut it to stay well
# within NAME_MAX (255 bytes on every common file system)
_BASE_BYTES = 200


def _cut(base: str, limit: int = _BASE_BYTES) -> str:
    """``base`` cut to at most ``limit`` bytes in the file system's encoding, at a character."""
    while len(os.fsencode(base)) > limit:
        base = base[:-1]
    return base


def _temporary(directory: str, base: str) -> tuple[int, str]:
    """A new file ``.<base>.<random>.tmp`` in ``directory`` (``base`` cut to 200 bytes),
    created with mode 0666 less the umask (as ``open`` creates files)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    base = _cut(base)
    for _ in range(100):
        tmp = os.path.join(directory, f".{base}.{secrets.token_hex(4)}.tmp")
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


# /proc/<pid>/fd, /proc/<pid>/task/<tid>/fd (what /proc/self/fd, /proc/thread-self/fd and
# Linux's /dev/fd resolve to), and /dev/fd where it is a file system of its own (BSD, macOS)
_FD_DIRECTORY = re.compile(r"/proc/(\d+)(?:/task/\d+)?/fd|/dev/fd")


class _Descriptor:
    """An open file descriptor named as a file: ``fd`` of this process (``own``), or another
    process's, reached through ``path``."""

    __slots__ = ("fd", "own", "path")

    def __init__(self, fd: int, own: bool, path: str) -> None:
        self.fd, self.own, self.path = fd, own, path


def _descriptor(name: str) -> _Descriptor | None:
    """The file descriptor ``name`` names (``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1``,
    a link to one of those), found by following links one at a time up to the descriptor's
    own entry (which is not followed: it may point at ``pipe:[N]``); else None."""
    path = os.path.abspath(name)
    for _ in range(40):  # SYMLOOP_MAX
        directory, base = os.path.split(path)
        parent = os.path.realpath(directory)
        found = _FD_DIRECTORY.fullmatch(parent)
        if found and base.isdigit():
            own = found.group(1) is None or int(found.group(1)) == os.getpid()
            return _Descriptor(int(base), own, os.path.join(parent, base))
        try:
            link = os.readlink(path)
        except OSError:  # not a link (or not there): an ordinary path
            return None
        path = os.path.join(parent, link)  # relative to the link's (resolved) directory
    return None


def writes_directly(output: str) -> bool:
    """Is ``output`` written in place (standard output, a file descriptor, a device, a FIFO, a
    socket) rather than replaced?"""
    if output == STDOUT or _descriptor(output) is not None:
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
    ``"wb"``: bytes), replaced atomically or, for ``-``, file descriptors, devices, FIFOs and
    sockets, written directly. Missing parent directories are created."""
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
        descriptor = _descriptor(name)
        st = None
        if descriptor is None:
            try:
                st = os.stat(name)  # the path as given: what it is decides, not where it leads
            except FileNotFoundError:
                st = None
            if st is not None and stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
        target = os.path.realpath(name)  # a link's file is replaced, in its own directory
    except OSError as exc:
        _reraise(exc, name, own=True)

    if descriptor is not None or (st is not None and not stat.S_ISREG(st.st_mode)):
        # a file descriptor, a device, a FIFO, a socket: written in place, never renamed over
        try:
            fh = _open_in_place(name, descriptor, mode, text_args)
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


def _open_in_place(name: str, descriptor: _Descriptor | None, mode: str, text_args: dict) -> IO:
    """``name`` opened for writing in place: one of our own descriptors duplicated (its offset
    and O_APPEND are the shell's: ``>> log`` appends, and a pipe stays the pipe), anything else
    opened by its name."""
    if descriptor is None or not descriptor.own:
        return open(descriptor.path if descriptor else name, mode, **text_args)
    for stream in (sys.stdout, sys.stderr):  # what they hold goes first, in order
        if stream is not None:
            stream.flush()
    fd = os.dup(descriptor.fd)
    try:
        return os.fdopen(fd, mode, **text_args)
    except BaseException:
        os.close(fd)
        raise


def _owner(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_uid, st.st_gid


def _close_quietly(fh: IO) -> None:
    try:
        fh.close()
    except Exception:  # the flush on close fails as the write did: already being reported
        pass
