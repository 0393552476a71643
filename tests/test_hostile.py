"""Hostile inputs: files that are not files, and outside text that talks to the terminal.

* Only regular files are read. A FIFO, a socket or a device (named on the command line, or lying
  in an ingested directory) fails with one line and is never opened, so nothing hangs; the
  commands run as real subprocesses under a timeout, which fails the test if one hangs.
* Outside text (titles, sources, annotator names, labels, feed names, file names, reasons) is
  printed with its control characters, escape sequences and bidi overrides written out visibly;
  ``--json`` output stays valid JSON that decodes back to the original strings.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import SEED_000, SEED_004

NEWSMARK = Path(sys.executable).parent / "newsmark"
TIMEOUT = 30  # seconds: a hang on a FIFO would never end, a good run takes about one


def newsmark(*args: object, db: Path | None = None, cwd: Path | None = None,
             timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """Run the real console script; ``subprocess.TimeoutExpired`` (a failure) if it hangs."""
    argv = [str(NEWSMARK)] + (["--db", str(db)] if db else []) + [str(a) for a in args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          stdin=subprocess.DEVNULL)


def failed_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("failed: ")]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "b.txt"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path):
    path = tmp_path / "s.txt"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    yield path
    sock.close()


# --- only regular files are read ----------------------------------------------------------------


def test_a_fifo_argument_fails_in_one_line_without_hanging(tmp_path, fifo, db_path):
    result = newsmark("ingest", fifo, db=db_path)
    assert result.returncode == 1, result.stderr  # no input succeeded
    assert failed_lines(result) == [f"failed: {fifo}: not a regular file (a FIFO)"]
    assert "0 added, 0 duplicate, 1 failed" in result.stdout

    result = newsmark("extract", fifo)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"failed: {fifo}: not a regular file (a FIFO)"]
    assert result.stdout == ""


def test_a_fifo_inside_a_directory_is_one_line_and_the_rest_is_ingested(tmp_path, db_path):
    d = tmp_path / "d"
    d.mkdir()
    shutil.copy(SEED_004, d / "a.txt")
    os.mkfifo(d / "b.txt")
    result = newsmark("ingest", d, db=db_path)
    assert result.returncode == 0, result.stderr
    assert failed_lines(result) == [f"failed: {d / 'b.txt'}: not a regular file (a FIFO)"]
    assert f"added: {d / 'a.txt'} -> #1" in result.stdout
    assert "1 added, 0 duplicate, 1 failed" in result.stdout

    out = tmp_path / "out"
    result = newsmark("extract", d, "--out-dir", out)
    assert result.returncode == 0, result.stderr
    assert failed_lines(result) == [f"failed: {d / 'b.txt'}: not a regular file (a FIFO)"]
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]

    (d / "a.txt").unlink()  # only the FIFO left: nothing succeeded
    result = newsmark("extract", d)
    assert result.returncode == 1
    assert failed_lines(result) == [f"failed: {d / 'b.txt'}: not a regular file (a FIFO)"]


def test_sockets_and_devices_fail_in_one_line_each(tmp_path, unix_socket, db_path):
    d = tmp_path / "d"
    d.mkdir()
    inner = socket.socket(socket.AF_UNIX)
    inner.bind(str(d / "inner.html"))
    try:
        result = newsmark("ingest", unix_socket, "/dev/null", "/dev/zero", d, db=db_path)
        assert result.returncode == 1, result.stderr
        assert failed_lines(result) == [
            f"failed: {unix_socket}: not a regular file (a socket)",
            "failed: /dev/null: not a regular file (a character device)",
            "failed: /dev/zero: not a regular file (a character device)",
            f"failed: {d / 'inner.html'}: not a regular file (a socket)",
        ]
        result = newsmark("extract", "/dev/zero", unix_socket)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            "failed: /dev/zero: not a regular file (a character device)",
            f"failed: {unix_socket}: not a regular file (a socket)",
        ]
    finally:
        inner.close()


def test_symbolic_links(tmp_path, db_path):
    """A link to a regular file is read; a loop and a dangling link are one line each; a linked
    directory inside an ingested directory is not followed (no loop, nothing twice)."""
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    shutil.copy(SEED_004, d / "sub" / "a.txt")
    (d / "sub" / "up").symlink_to("..")  # d/sub/up/sub/up/... would never end
    (d / "self").symlink_to(d)
    (tmp_path / "link.txt").symlink_to(SEED_000)
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    (tmp_path / "dangling.txt").symlink_to("nowhere.txt")
    (d / "dangling.txt").symlink_to("nowhere.txt")
    result = newsmark("ingest", d, tmp_path / "link.txt", tmp_path / "loop.txt",
                      tmp_path / "dangling.txt", db=db_path)
    assert result.returncode == 0, result.stderr
    assert failed_lines(result) == [
        f"failed: {d / 'dangling.txt'}: a dangling symbolic link (its target does not exist)",
        f"failed: {tmp_path / 'loop.txt'}: a symbolic link loop",
        f"failed: {tmp_path / 'dangling.txt'}: a dangling symbolic link (its target does not exist)",
    ]
    added = [line for line in result.stdout.splitlines() if line.startswith("added: ")]
    assert [line.split(" -> ")[0] for line in added] == [
        f"added: {d / 'sub' / 'a.txt'}", f"added: {tmp_path / 'link.txt'}"]
    assert "2 added, 0 duplicate, 3 failed" in result.stdout


def test_a_path_swapped_for_a_fifo_after_the_check_fails_instead_of_hanging(tmp_path, fifo,
                                                                           monkeypatch):
    """``os.stat`` sees a regular file, the open finds a FIFO: the open does not block and the
    opened file is checked again."""
    from newsmark import ingest

    regular = tmp_path / "regular.txt"
    regular.write_text("text", "utf-8")
    real_stat = os.stat
    monkeypatch.setattr(ingest.os, "stat",
                        lambda p, *a, **k: real_stat(regular if str(p) == str(fifo) else p, *a, **k))
    outcome: list[object] = []

    def read() -> None:
        try:
            outcome.append(ingest.read_limited(fifo))
        except ingest.IngestError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():  # blocked in open(): give it a writer so the thread can end
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        raise AssertionError("reading a FIFO hung")
    assert len(outcome) == 1 and isinstance(outcome[0], ingest.IngestError), outcome
    assert str(outcome[0]) == "not a regular file (a FIFO)"


def test_import_schema_config_opml_and_db_must_be_regular_files(tmp_path, fifo, db_path):
    """``import FILE``, ``--schema``, ``--config``, ``feed import-opml FILE`` and ``--db``: a
    FIFO is one ``Error:`` line naming the file, exit status 1, nothing hangs."""
    assert newsmark("ingest", SEED_004, db=db_path).returncode == 0
    reason = f"{fifo}: not a regular file (a FIFO)"
    for args in (("import", fifo), ("stats", "--schema", fifo), ("import", SEED_004, "--schema", fifo),
                 ("tui", "--config", fifo), ("tui", "--schema", fifo), ("feed", "import-opml", fifo)):
        result = newsmark(*args, db=db_path)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr.splitlines() == [f"Error: {reason}"], args
    for args in (("list",), ("ingest", SEED_004)):
        result = newsmark(*args, db=fifo)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr.splitlines() == [f"Error: {reason}, not a database"], args
    result = newsmark("import", "/dev/zero", db=db_path)
    assert result.stderr.splitlines() == ["Error: /dev/zero: not a regular file (a character device)"]
    config = tmp_path / "config.toml"
    config.symlink_to(config)
    result = newsmark("tui", "--config", config, db=db_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"Error: {config}: a symbolic link loop"]
