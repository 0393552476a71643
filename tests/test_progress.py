"""The progress bar that `ingest` and `feed refresh` show on a terminal: the real CLI in a
pseudo-terminal (a pty, as a user's shell gives it), against the local HTTP server."""

from __future__ import annotations

import os
import pty
import re
import shutil
import sys
from pathlib import Path

from http_server import server  # noqa: F401 - the fixture
from test_feeds import feed_url
from test_hostile import set_up

ROOT = Path(__file__).resolve().parents[1]
NEWSMARK = Path(sys.executable).parent / "newsmark"


def on_a_terminal(*args: str) -> str:
    """Run ``newsmark ARGS`` with stdout and stderr on a pty; everything it wrote."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its terminal
        os.execv(str(NEWSMARK), [str(NEWSMARK), *args])
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child has gone
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


def test_ingest_counts_files_and_urls_in_its_bar(tmp_path, server, empty_db_template):
    db = tmp_path / "p.db"
    shutil.copy(empty_db_template, db)  # the child is not there to migrate a new database
    out = on_a_terminal("--db", str(db), "ingest", "--allow-private", str(ROOT / "seeds"),
                        server.url("/web/de_hafen.html"))
    assert "━" in out  # a bar was drawn
    counts = set(re.findall(r"(\d+)/(\d+)", out))
    assert ("3", "3") in counts and not any(int(a) > int(b) for a, b in counts), counts
    assert "3 added" in out


def test_feed_refresh_shows_a_bar(tmp_path, server):
    db = tmp_path / "f.db"
    set_up("feed", "add", "--allow-private", feed_url(server, "rss", "bar"), db=db)  # in process
    out = on_a_terminal("--db", str(db), "feed", "refresh", "--all", "--allow-private")
    assert "refresh" in out and "━" in out, out
