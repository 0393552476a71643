"""The real ``newsmark`` console script in a real terminal (tmux, 120x40): ingest the seeds with the
CLI, open a seed from the library, label two spans with the keyboard, undo one, quit, and check
the database.

Every tmux call uses a socket of its own (``-L``), so the test never touches another tmux server;
the server is killed in a ``finally``. Waits poll ``capture-pane`` (or the database) with a
timeout instead of sleeping a fixed time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from storage.repo import Store
from tui_helpers import SEEDS

NEWSMARK = Path(sys.executable).parent / "newsmark"
TIMEOUT = 30.0
NAME = "Wolodymyr Selenskyj"


class Tmux:
    def __init__(self, tmp: Path) -> None:
        self.socket = f"newsmark-test-{uuid.uuid4().hex[:12]}"
        self.session = "newsmark"
        self.env = {**os.environ, "TERM": "xterm-256color"}
        self.env.pop("TMUX", None)
        self.tmp = tmp

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True,
                             env=self.env, timeout=TIMEOUT)
        assert out.returncode == 0, (args, out.stderr)
        return out.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", self.session, "-x", "120", "-y", "40", command)
        self.socket_path = self.run("display-message", "-p", "#{socket_path}").strip()

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def wait_for(self, condition, what: str) -> str:
        """Poll the screen until ``condition(screen)``; fail with the last screen after TIMEOUT."""
        deadline = time.monotonic() + TIMEOUT
        screen = ""
        while time.monotonic() < deadline:
            try:
                screen = self.screen()
            except AssertionError:  # the session has ended
                screen = ""
            if condition(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; the screen:\n{screen}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       env=self.env, timeout=TIMEOUT)
        if getattr(self, "socket_path", None):
            Path(self.socket_path).unlink(missing_ok=True)


def spans_on_disk(db: Path, annotator: str) -> list[tuple[str, str]]:
    store = Store(db)
    try:
        out = []
        for article_id in store.library_ids(annotator):
            text = store.article(article_id).text
            out += [(text[s.start : s.end], s.label) for s in store.spans(article_id, annotator)]
        return sorted(out)
    finally:
        store.close()


def wait_until(condition, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_label_two_spans_undo_one_and_quit_in_a_real_terminal(tmp_path):
    db = tmp_path / "tmux.db"
    config = tmp_path / "config.toml"
    config.write_text('annotator = "tmuxer"\n')
    ingest = subprocess.run([str(NEWSMARK), "--db", str(db), "ingest", str(SEEDS)],
                            capture_output=True, text=True, timeout=300)
    assert ingest.returncode == 0, ingest.stderr
    exit_file = tmp_path / "exit"
    # (Textual draws on stderr: it stays on the terminal.) The pane stays after the exit, so a
    # traceback would be on the last screen.
    command = f"'{NEWSMARK}' tui --db '{db}' --config '{config}'; echo $? > '{exit_file}'; sleep 60"
    tmux = Tmux(tmp_path)
    try:
        tmux.start(command)
        tmux.wait_for(lambda s: "2 articles" in s and "annotator tmuxer" in s, "the library")
        # filter the library down to the seed, then open it
        tmux.keys("/")
        tmux.wait_for(lambda s: "Filter: status:todo" in s, "the filter prompt")
        tmux.keys("Selenskyj", literal=True)
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "1 article " in s and "filter Selenskyj" in s, "the filtered list")
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "sort date" not in s and "annotator tmuxer" in s, "the reader")
        # two spans: find, enter, a label key
        for query, key, count in ((NAME, "1", 1), ("Tass", "2", 2)):
            tmux.keys("/")
            # the prompt (an Input: its top border) opens holding the last query, selected
            tmux.wait_for(lambda s: "▔▔▔▔" in s, "the find prompt")
            tmux.keys(query, literal=True)
            tmux.wait_for(lambda s, q=query: f"▊  {q} " in s, "the query in the prompt")
            tmux.keys("Enter")
            tmux.wait_for(lambda s: "▔▔▔▔" not in s, "the find prompt to close")
            tmux.keys(key)
            wait_until(lambda: len(spans_on_disk(db, "tmuxer")) == count, f"span {count} on disk")
        assert spans_on_disk(db, "tmuxer") == sorted([(NAME, "PER"), ("Tass", "ORG")])
        tmux.keys("u")
        wait_until(lambda: len(spans_on_disk(db, "tmuxer")) == 1, "the undo on disk")
        tmux.keys("q")
        wait_until(lambda: exit_file.exists() and exit_file.read_text().strip(), "newsmark to quit")
        assert exit_file.read_text().strip() == "0", tmux.screen()
    finally:
        tmux.kill()
    assert spans_on_disk(db, "tmuxer") == [(NAME, "PER")]
    assert spans_on_disk(db, "someone-else") == []
