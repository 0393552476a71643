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
import re
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


def set_up(*args: object, db: Path | None = None):
    """The CLI in this process, only to set up what a test is not about (a child process would
    load spaCy's tokenizer and migrate a new database again, a second or two of CPU): it must
    succeed. The stores it left open are closed (the database file is then complete, to copy)
    and the signal handlers it set are put back."""
    import gc
    import signal

    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        result = invoke(*args, db=db)
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
    gc.collect()
    assert result.exit_code == 0, result.output
    return result


def failed_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("failed: ")]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "b.txt"
    os.mkfifo(path)
    return path


@pytest.fixture
def new_db(db_path: Path, empty_db_template: Path) -> Path:
    """``db_path``, an empty database already: the child is not there to migrate one."""
    shutil.copy(empty_db_template, db_path)
    return db_path


@pytest.fixture
def unix_socket(tmp_path: Path):
    path = tmp_path / "s.txt"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    yield path
    sock.close()


# --- only regular files are read ----------------------------------------------------------------


def test_a_fifo_argument_fails_in_one_line_without_hanging(tmp_path, fifo, new_db):
    result = newsmark("ingest", fifo, db=new_db)
    assert result.returncode == 1, result.stderr  # no input succeeded
    assert failed_lines(result) == [f"failed: {fifo}: not a regular file (a FIFO)"]
    assert "0 added, 0 duplicate, 1 failed" in result.stdout

    result = newsmark("extract", fifo)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"failed: {fifo}: not a regular file (a FIFO)"]
    assert result.stdout == ""


def test_a_fifo_inside_a_directory_is_one_line_and_the_rest_is_ingested(tmp_path, new_db):
    d = tmp_path / "d"
    d.mkdir()
    shutil.copy(SEED_004, d / "a.txt")
    os.mkfifo(d / "b.txt")
    result = newsmark("ingest", d, db=new_db)
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


def test_sockets_and_devices_fail_in_one_line_each(tmp_path, unix_socket, new_db):
    d = tmp_path / "d"
    d.mkdir()
    inner = socket.socket(socket.AF_UNIX)
    inner.bind(str(d / "inner.html"))
    try:
        result = newsmark("ingest", unix_socket, "/dev/null", "/dev/zero", d, db=new_db)
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


def test_symbolic_links(tmp_path, new_db):
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
                      tmp_path / "dangling.txt", db=new_db)
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
    set_up("ingest", SEED_004, db=db_path)  # a database with an article in it
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


# --- no control characters reach the terminal from data ----------------------------------------

# an OSC window title, clear screen, red, a C1 CSI, a right-to-left override, a left-to-right isolate
EVIL = "\x1b]0;pwned\x07\x1b[2J\x1b[31m\x9b\u202e\u2066"
SHOWN = ("\\x1b]0;pwned\\x07", "\\x1b[2J", "\\x1b[31m", "\\x9b", "\\u202e", "\\u2066")
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
TEXT = "Olaf Scholz traf Emmanuel Macron in Berlin."


def assert_safe(output: str) -> None:
    """No raw control character (but LF), escape sequence introducer or bidi control."""
    found = UNSAFE.search(output)
    assert found is None, f"raw {found.group()!r} in {output!r}"


def assert_shown(output: str) -> None:
    assert_safe(output)
    for visible in SHOWN:
        assert visible in output, (visible, output)


def invoke(*args: object, db: Path | None = None):
    """The real CLI in-process, with colour on: click must not strip escape codes for us."""
    from click.testing import CliRunner

    from tui.cli import main

    argv = [str(a) for a in args] + (["--db", str(db)] if db else [])
    return CliRunner().invoke(main, argv, color=True, catch_exceptions=False)


def hostile_jsonl(path: Path) -> Path:
    """One prodigy line: title, source, annotator, a span label and an event type all hostile."""
    line = {
        "text": TEXT,
        "spans": [{"start": 0, "end": 11, "label": f"PER{EVIL}"}],
        "events": [{"type": f"MEET{EVIL}", "trigger": {"start": 12, "end": 16}}],
        "meta": {"title": f"Title {EVIL} end", "source": f"src{EVIL}", "language": "de",
                 "annotator": f"ann {EVIL}"},
        "answer": "accept",
    }
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", "utf-8")
    return path


def test_import_list_and_stats_show_hostile_names_visibly(tmp_path, db_path):
    jsonl = hostile_jsonl(tmp_path / "in.jsonl")
    rejected = invoke("import", jsonl, db=db_path)  # unknown label and type: reasons name them
    assert rejected.exit_code == 1
    assert len(rejected.stderr.splitlines()) == 2, rejected.stderr
    assert_shown(rejected.stderr)

    result = invoke("import", jsonl, "--add-labels", db=db_path)
    assert result.exit_code == 0, result.output
    assert_shown(result.output)
    assert "not in the schema: MEET\\x1b]0;pwned\\x07" in result.output

    result = invoke("list", "--annotator", f"ann {EVIL}", db=db_path)
    assert result.exit_code == 0
    assert_shown(result.output)
    (line,) = result.output.splitlines()
    assert line.endswith("Title " + "".join(SHOWN) + " end")
    # the source cut to its 16 characters, then escaped: never in the middle of an escape
    assert "done" in line and "  src\\x1b]0;pwned\\x07\\x1b[2  Title " in line

    result = invoke("stats", db=db_path)
    assert result.exit_code == 0
    assert_shown(result.output)
    lines = result.output.splitlines()
    row = next(line for line in lines if line.startswith("ann "))
    header = next(line for line in lines if line.startswith("annotator"))
    assert len(row) == len(header)  # the table keeps its shape
    assert any(line.startswith("  PER\\x1b]0;pwned") and line.endswith("(not in the schema)")
               for line in lines)
    assert any(line.startswith("  MEET\\x1b]0;pwned") and line.endswith("(not in the schema)")
               for line in lines)

    result = invoke("stats", "--json", db=db_path)
    assert result.exit_code == 0
    assert_safe(result.output)
    data = json.loads(result.output)  # still JSON, and the same strings as stored
    assert list(data["annotators"]) == [f"ann {EVIL}"]
    assert list(data["spans"]["by_label"]) == [f"PER{EVIL}"]
    assert list(data["events"]["by_type"]) == [f"MEET{EVIL}"]


def test_file_names_with_a_newline_or_bidi_override_stay_on_their_line(tmp_path, db_path):
    d = tmp_path / "d"
    d.mkdir()
    shutil.copy(SEED_004, d / "two\nlines.txt")
    (d / f"x{EVIL}y.txt").write_bytes(b"")
    result = invoke("ingest", d / "two\nlines.txt", d / f"x{EVIL}y.txt", db=db_path)
    assert result.exit_code == 0, result.output
    assert_safe(result.output)
    assert result.stdout.splitlines()[0].startswith(f"added: {d}/two\\x0alines.txt -> #1 ")
    assert result.stderr.splitlines() == [
        f"failed: {d}/x" + "".join(SHOWN) + "y.txt: empty input"]
    assert len(result.stdout.splitlines()) == 2  # the added line and the summary

    result = invoke("ingest", "--json", d, db=db_path)
    assert_safe(result.output)
    items = json.loads(result.output)["items"]
    assert sorted(i["input"] for i in items) == sorted(
        [str(d / "two\nlines.txt"), str(d / f"x{EVIL}y.txt")])

    result = invoke("extract", d / f"x{EVIL}y.txt")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"failed: {d}/x" + "".join(SHOWN) + "y.txt: empty input"]

    for args in (("import", tmp_path / f"x{EVIL}\n.jsonl"), ("stats", "--schema", f"{EVIL}.toml"),
                 ("feed", "import-opml", f"{EVIL}\n.opml")):
        result = invoke(*args, db=db_path)
        assert result.exit_code != 0, args
        error = result.stderr.splitlines()[-1]  # after click's usage lines, if any
        assert error.startswith("Error: "), result.stderr
        assert_shown(error)  # the whole name on the one Error: line


def test_clicks_own_errors_quote_what_was_typed_escaped(db_path):
    """Bad options, extra arguments, unknown commands and choices: click's messages quote the
    argument, and they are printed escaped too."""
    assert invoke("ingest", SEED_004, db=db_path).exit_code == 0
    for args in (("list", f"extra{EVIL}"), ("list", f"--no-such{EVIL}"), (f"cmd{EVIL}",),
                 ("export", "--format", f"x{EVIL}"), ("ingest", "--max-bytes", EVIL, "x"),
                 ("feed", f"x{EVIL}")):
        result = invoke(*args, db=db_path)
        assert result.exit_code == 2, (args, result.output)
        assert_shown(result.stderr)
        assert result.stderr.splitlines()[-1].startswith("Error: "), result.stderr


def test_feed_names_and_opml_are_shown_escaped(tmp_path, db_path):
    # XML 1.0 cannot carry ESC or BEL, even as &#x1b;: an OPML file brings C1 and bidi controls
    xml_evil = "\x9b\u202e\u2066"
    xml_shown = "\\x9b\\u202e\\u2066"
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?>\n<opml version="2.0"><head/><body>'
        f'<outline text="folder{xml_evil}">'
        f'<outline text="news{xml_evil}" xmlUrl="https://example.com/feed.xml"/>'
        f'<outline text="bad" xmlUrl="ftp://example.com/{xml_evil}"/>'
        "</outline></body></opml>", "utf-8")
    result = invoke("feed", "import-opml", opml, db=db_path)
    assert result.exit_code == 0, result.output
    assert_safe(result.output)
    assert "1 feeds added" in result.stdout
    assert result.stderr.startswith(f"skipped: ftp://example.com/{xml_shown}"), result.stderr

    from storage.repo import Store

    store = Store(db_path)
    try:
        store.add_feed("https://example.org/rss", f"evil{EVIL}", [f"tag{EVIL}"])
    finally:
        store.close()
    result = invoke("feed", "list", db=db_path)
    assert result.exit_code == 0
    assert_shown(result.output)
    assert f"news{xml_shown} [folder{xml_shown}]" in result.output
    assert f"evil{''.join(SHOWN)} [tag{''.join(SHOWN)}]" in result.output


def test_the_progress_bar_on_a_terminal_shows_file_names_escaped(tmp_path, empty_db_template):
    """On a terminal ``ingest`` draws a rich progress bar and prints its lines through it."""
    from test_progress import on_a_terminal

    d = tmp_path / "d"
    d.mkdir()
    shutil.copy(SEED_004, d / f"a{EVIL}.txt")
    (d / f"b{EVIL}.txt").write_bytes(b"")
    shutil.copy(empty_db_template, tmp_path / "p.db")  # the child is not there to migrate one
    out = on_a_terminal("--db", str(tmp_path / "p.db"), "ingest", str(d))
    assert "━" in out  # a bar was drawn (its own escape codes are the terminal's business)
    for raw in ("\x1b]0;pwned", "\x07", "\x1b[2J", "\x9b", "\u202e", "\u2066"):
        assert raw not in out, (raw, out)
    assert f"added: {d}/a" + "".join(SHOWN) + ".txt -> #1" in out
    assert f"failed: {d}/b" + "".join(SHOWN) + ".txt: empty input" in out


def test_export_opml_writes_what_xml_cannot_hold_as_u_fffd_and_reads_back(tmp_path, db_path,
                                                                         empty_db_template):
    """XML 1.0 forbids ESC and BEL even as character references: ``export-opml`` writes them as
    U+FFFD, so ``import-opml`` (or any other reader) takes the file back; C1 and bidi controls
    are legal XML and survive as they are."""
    from storage.repo import Store

    store = Store(db_path)
    try:
        store.add_feed("https://example.org/rss", f"evil{EVIL}\r\t", [f"tag{EVIL}", f"more{EVIL}"])
        store.add_feed("https://example.com/atom", "plain", [])
    finally:
        store.close()
    opml = tmp_path / "feeds.opml"
    result = newsmark("feed", "export-opml", opml, db=db_path)
    assert result.returncode == 0, result.stderr
    data = opml.read_text("utf-8")
    assert "\x1b" not in data and "\x07" not in data
    again = tmp_path / "again.db"
    shutil.copy(empty_db_template, again)  # the child is not there to migrate a new database
    result = newsmark("feed", "import-opml", opml, db=again)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"2 feeds added from {opml}\n"

    legal = EVIL.replace("\x1b", "\ufffd").replace("\x07", "\ufffd")
    store = Store(again)
    try:
        feeds = {f.url: f for f in store.feeds()}
    finally:
        store.close()
    assert feeds["https://example.org/rss"].name == f"evil{legal}\r\t"  # CR and tab as &#13; &#09;
    assert feeds["https://example.org/rss"].tags == [f"tag{legal}", f"more{legal}"]
    assert feeds["https://example.com/atom"].name == "plain"
