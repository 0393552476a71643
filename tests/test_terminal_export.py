"""Exports on a terminal: no control character from the data reaches it.

``newsmark export`` to standard output on a terminal (or ``-o /dev/stdout``, ``-o /dev/tty``)
writes the JSON formats with C0/C1 and bidi controls as ``\\uXXXX`` escapes (the same JSON) and
conll with them written out as every CLI line writes them (``\\x1b``, ``\\u202e``); ``spacy`` (binary)
refuses a terminal in one line. A pipe and a file get the exact bytes. Real processes on a real
pty.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_hostile import EVIL, NEWSMARK, SHOWN, TIMEOUT, assert_safe, newsmark, set_up

TEXT_FORMATS = ["prodigy", "doccano", "conll"]


def on_a_terminal(*args: object, cwd: Path) -> tuple[str, int]:
    """``newsmark ARGS`` in ``cwd`` with standard output and error on a pty (as
    ``test_progress.on_a_terminal``, with a working directory: hf writes labels.json there):
    everything it wrote, LF line ends, and its exit status."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its terminal
        os.chdir(cwd)
        os.execv(str(NEWSMARK), [str(NEWSMARK), *map(str, args)])
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child has gone
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n"), os.waitstatus_to_exitcode(status)


def piped(*args: object, cwd: Path) -> bytes:
    result = subprocess.run([str(NEWSMARK), *map(str, args)], capture_output=True, cwd=cwd,
                            stdin=subprocess.DEVNULL, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory) -> Path:
    """A database whose text (a token of its own), title, source and span label are hostile,
    imported once, in this process (the exports are what runs for real)."""
    text = f"Olaf Scholz {EVIL} traf Emmanuel Macron in Berlin."
    line = {"text": text, "spans": [{"start": 0, "end": 11, "label": f"PER{EVIL}"}],
            "meta": {"title": f"Title {EVIL}", "source": f"src{EVIL}", "language": "de",
                     "annotator": "ann"}, "answer": "accept"}
    directory = tmp_path_factory.mktemp("hostile")
    jsonl = directory / "in.jsonl"
    jsonl.write_text(json.dumps(line, ensure_ascii=False) + "\n", "utf-8")
    db = directory / "hostile.db"
    set_up("import", jsonl, "--add-labels", db=db)
    assert not directory.joinpath("hostile.db-wal").exists()  # closed: the file is all of it
    return db


@pytest.fixture
def hostile_export(tmp_path, hostile_template) -> Path:
    """A copy of the hostile database for one test."""
    db = tmp_path / "hostile.db"
    shutil.copy(hostile_template, db)
    return db


@pytest.mark.parametrize("fmt,extra", [(fmt, []) for fmt in TEXT_FORMATS] + [("prodigy", ["--jobs", "1"])])
def test_export_to_a_terminal_is_escaped_a_pipe_and_a_file_get_the_bytes(tmp_path, hostile_export,
                                                                        fmt, extra):
    from newsmark.text import escape_controls

    args = ["--db", hostile_export, "export", "--format", fmt, *extra]
    out = tmp_path / f"out.{fmt}"
    to_file = newsmark(*args[2:], "-o", out, db=hostile_export, cwd=tmp_path)
    assert to_file.returncode == 0, to_file.stderr
    exact = out.read_bytes()
    raw = EVIL if fmt == "conll" else "\x9b\u202e\u2066"  # JSON escapes C0 itself
    assert raw.encode() in exact  # the data as it is
    assert piped(*args, cwd=tmp_path) == exact  # a pipe: the same bytes, nothing stripped
    assert piped(*args, "-o", "/dev/stdout", cwd=tmp_path) == exact

    for output in ([], ["-o", "-"], ["-o", "/dev/stdout"], ["-o", "/dev/tty"]):
        shown, status = on_a_terminal(*args, *output, cwd=tmp_path)
        assert status == 0, shown
        assert_safe(shown)  # no raw control character from the data reaches the terminal
        *data, summary = [line for line in shown.splitlines(keepends=True)
                          if not line.startswith(("1 records exported", "  tag ids in"))] or [""]
        data_lines = [*data, summary]
        if fmt == "conll":  # written out as the CLI writes every line: \x1b, \u202e
            assert "".join(data_lines) == escape_controls(exact.decode(), one_line=False)
            assert "Olaf -X- _ B-PER" + "".join(SHOWN) + "\n" in shown
        else:  # \uXXXX escapes: the same JSON, decoding to the same strings
            shown_json = [json.loads(line) for line in data_lines if line.strip()]
            assert shown_json == [json.loads(line) for line in exact.decode().splitlines()]
            assert "\\u001b]0;pwned\\u0007" in shown and "\\u202e" in shown


@pytest.mark.parametrize("fmt", ["spacy", "hf"])
def test_binary_formats_refuse_a_terminal_and_pipe_their_bytes(tmp_path, hostile_export, fmt):
    args = ["--db", hostile_export, "export", "--format", fmt]
    for output, name in (([], "standard output"), (["-o", "/dev/tty"], "/dev/tty")):
        shown, status = on_a_terminal(*args, *output, cwd=tmp_path)
        assert status == 1
        assert shown.splitlines() == [
            f"Error: {name} is a terminal: {fmt} is binary output: use -o FILE or a pipe"]
    out = tmp_path / f"out.{fmt}"
    assert newsmark(*args[2:], "-o", out, db=hostile_export).returncode == 0
    assert piped(*args, cwd=tmp_path) == out.read_bytes() != b""
