"""Standard output as it really is: a pipe, a file, a full disk, a reader that goes away.

* Data (``extract``'s text, ``feed export-opml``'s OPML) reaches a pipe or a file byte for byte,
  escape sequences included: the same bytes ``extract --out-dir`` and ``export-opml FILE`` write.
* Standard output that cannot be written (``> /dev/full``) is one line, ``Error: standard
  output: cannot write (No space left on device)``, and exit status 1, never a traceback.
* A reader that goes away (``| head -1``) ends the command quietly with status 141 (128 +
  SIGPIPE, as the shell reports a program SIGPIPE killed), no "Exception ignored" message.

Real processes of the console script, with real file descriptors.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import SEED_004
from test_hostile import set_up

NEWSMARK = Path(sys.executable).parent / "newsmark"
FULL_DISK = "Error: standard output: cannot write (No space left on device)"
# clear the screen, red, a C1 CSI, a right-to-left override: data, to be passed on as it is
ESCAPES = "\x1b[2J\x1b[31m\x9b\u202e"


def run(*args: object, stdout=subprocess.PIPE, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(NEWSMARK), *map(str, args)], stdout=stdout, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """A database with an annotated article and two feeds, one with escape sequences in its
    name. Set up in this process: the commands run on it are the real ones."""
    from storage.repo import Store

    db = tmp_path_factory.mktemp("streams") / "library.db"
    set_up("ingest", SEED_004, db=db)
    store = Store(db)
    try:
        first = store.article(1).tokens[0]
        store.add_span(1, "ann", first.start, first.end, "PER")
        store.set_status([1], "ann", "done")  # export exports finished work by default
        store.add_feed("https://example.org/rss", f"news{ESCAPES}", ["politics", f"more{ESCAPES}"])
        store.add_feed("https://example.com/atom", "other", [])
    finally:
        store.close()
    assert not db.with_name("library.db-wal").exists()  # closed: each test copies the file alone
    return db


# --- data reaches a pipe byte for byte ------------------------------------------------------------


def test_extract_to_a_pipe_is_what_out_dir_writes(tmp_path):
    source = tmp_path / "page.txt"
    source.write_text(f"Erster Absatz {ESCAPES} mit Farbe.\n\nZweiter Absatz, ruhig.\n", "utf-8")
    out_dir = tmp_path / "out"
    set_up("extract", source, "--out-dir", out_dir)  # the file it writes: what a pipe must get
    written = (out_dir / "page.txt").read_bytes()
    assert ESCAPES.encode() in written

    piped = run("extract", source)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == written  # cmp: nothing stripped

    with open(tmp_path / "redirected.txt", "wb") as fh:
        assert run("extract", source, stdout=fh).returncode == 0
    assert (tmp_path / "redirected.txt").read_bytes() == written


def test_export_opml_to_a_pipe_is_what_file_writes(library, tmp_path):
    opml = tmp_path / "feeds.opml"
    set_up("feed", "export-opml", opml, db=library)  # the file it writes: what a pipe must get
    written = opml.read_bytes()
    assert "[2J\ufffd[31m\x9b\u202e".encode() in written  # ESC as U+FFFD (XML), the rest as is

    piped = run("--db", library, "feed", "export-opml")
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == written


# --- a full disk: one line ----------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["extract", SEED_004], ["feed", "export-opml"], ["list"], ["stats"], ["stats", "--json"],
    ["feed", "list"], ["ingest", SEED_004], ["ingest", "--json", SEED_004], ["ingest", "--quiet", SEED_004],
    ["export"], ["export", "--format", "conll"], ["export", "--format", "spacy"],
], ids=lambda args: " ".join(map(str, args)).replace(str(SEED_004.parent), "seeds"))
def test_a_full_standard_output_is_one_line(library, tmp_path, args):
    db = tmp_path / "copy.db"
    db.write_bytes(library.read_bytes())  # ingest writes: each run its own copy
    with open("/dev/full", "wb") as full:
        result = run("--db", db, *args, stdout=full, cwd=tmp_path)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert stderr.splitlines() == [FULL_DISK], stderr


def test_a_full_standard_error_is_exit_status_1_without_a_traceback(library, tmp_path):
    with open("/dev/full", "wb") as full:
        result = subprocess.run([str(NEWSMARK), "--db", str(library), "export", "-o", os.devnull],
                                stdout=subprocess.PIPE, stderr=full, timeout=120)
    assert result.returncode == 1
    assert result.stdout == b""


# --- a reader that goes away: quiet, status 141 -------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """1,500 articles: ``list`` writes far more than a pipe holds (64 KiB)."""
    from storage._bulk import generate

    db = tmp_path_factory.mktemp("big") / "big.db"
    generate(db, 1500, spans_per=2, events_per=0, words=40)
    return db


@pytest.fixture(scope="module")
def big_for_spacy(tmp_path_factory) -> Path:
    """400 articles: spacy renders every one before its first byte, and their DocBin (about
    190 KB) is still far more than a pipe holds."""
    from storage._bulk import generate

    db = tmp_path_factory.mktemp("big_for_spacy") / "big.db"
    generate(db, 400, spans_per=2, events_per=0, words=40)
    return db


@pytest.mark.parametrize("args", [["list"], ["export"], ["export", "--jobs", "1"],
                                  ["export", "--format", "conll"],
                                  # (every record, finished or not: more than a pipe holds)
                                  ["export", "--format", "spacy", "--status", "any"]])
def test_a_broken_pipe_ends_quietly_with_141(request, tmp_path, args):
    big = request.getfixturevalue("big_for_spacy" if "spacy" in args else "big")
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([str(NEWSMARK), "--db", str(big), *args], stdout=subprocess.PIPE,
                                stderr=err, stdin=subprocess.DEVNULL, cwd=tmp_path,
                                env={**os.environ, "TMPDIR": str(tmp_path)})
        assert proc.stdout.read(100)  # as head -c 100 does: read a little, then go
        proc.stdout.close()
        status = proc.wait(timeout=120)
        err.seek(0)
        stderr = err.read().decode()
    assert status == 141, stderr
    assert stderr == ""  # no Error: line, no traceback, no "Exception ignored"
    assert list(tmp_path.iterdir()) == []  # the DocBin's parts are gone


def test_list_piped_into_head(big, tmp_path):
    script = '"$NEWSMARK" --db "$DB" list | head -1; echo "status ${PIPESTATUS[0]}" >&2'
    result = subprocess.run(["bash", "-c", script], capture_output=True,
                            env={**os.environ, "NEWSMARK": str(NEWSMARK), "DB": str(big)},
                            timeout=120)
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == b"status 141\n"
