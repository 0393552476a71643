"""A team on one database, in real terminals (tmux, 120x40): two TUIs label while another
connection holds the write lock for 3 s, and keys sent in one burst right after ``/`` land in
the prompt (reader and library) and nowhere else."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from test_tui_tmux import NEWSMARK, Tmux, wait_until
from test_tui_tmux import spans_on_disk as spans
from tui_helpers import make_article

from storage.repo import Store

TEXT = ("Olaf Scholz sagt, er treffe Emmanuel Macron am Montag in Paris.\n\n"
        "Cars und Busse standen vor dem Haus.")


def build(db: Path) -> list[int]:
    store = Store(db)
    try:
        return [store.add_article(make_article(f"{TEXT}\n\nArtikel {i}.", title=f"Artikel {i}",
                                               published=f"2025-06-0{i + 1}"))[0].id
                for i in range(2)]
    finally:
        store.close()


def start_tui(tmp: Path, db: Path, annotator: str) -> tuple[Tmux, Path]:
    exit_file = tmp / f"exit-{annotator}"
    tmux = Tmux(tmp)
    tmux.start(f"'{NEWSMARK}' tui --db '{db}' --annotator {annotator}; "
               f"echo $? > '{exit_file}'; sleep 60")
    tmux.wait_for(lambda s: "2 articles" in s and f"annotator {annotator}" in s, "the library")
    return tmux, exit_file


def open_first(tmux: Tmux, annotator: str) -> None:
    tmux.keys("Enter")
    tmux.wait_for(lambda s: "sort date" not in s and f"annotator {annotator}" in s, "the reader")


def quit_cleanly(tmux: Tmux, exit_file: Path) -> None:
    tmux.keys("q")
    wait_until(lambda: exit_file.exists() and exit_file.read_text().strip(), "newsmark to quit")
    assert exit_file.read_text().strip() == "0", tmux.screen()


def test_two_annotators_label_while_another_process_holds_the_write_lock(tmp_path):
    db = tmp_path / "team.db"
    build(db)
    alice, alice_exit = start_tui(tmp_path, db, "alice")
    bob, bob_exit = start_tui(tmp_path, db, "bob")
    try:
        open_first(alice, "alice")
        open_first(bob, "bob")
        held, done = threading.Event(), threading.Event()

        def hold() -> None:
            conn = sqlite3.connect(db, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            held.set()
            time.sleep(3)
            conn.execute("ROLLBACK")
            conn.close()
            done.set()

        locker = threading.Thread(target=hold)
        locker.start()
        held.wait()
        alice.keys("1")  # PER on the token under the cursor: "Olaf"
        bob.keys("2")  # ORG on "Olaf"
        alice.wait_for(lambda s: "waiting for the database" in s, "alice's notice")
        assert not done.is_set() and spans(db, "alice") == []
        locker.join()
        wait_until(lambda: spans(db, "alice") == [("Olaf", "PER")], "alice's span on disk")
        wait_until(lambda: spans(db, "bob") == [("Olaf", "ORG")], "bob's span on disk")
        # both still up, both show their span, and quit with status 0
        alice.wait_for(lambda s: "PER" in s and "Spans (1)" in s, "alice's span on screen")
        bob.wait_for(lambda s: "ORG" in s and "Spans (1)" in s, "bob's span on screen")
        quit_cleanly(alice, alice_exit)
        quit_cleanly(bob, bob_exit)
    finally:
        alice.kill()
        bob.kill()


def test_slash_and_text_in_one_send_keys_land_in_the_prompts(tmp_path):
    db = tmp_path / "burst.db"
    first, _ = build(db)
    tmux, exit_file = start_tui(tmp_path, db, "carol")
    try:
        # the library: '/status:done' then Enter, in one send-keys call
        tmux.keys("/status:done", literal=True)
        tmux.keys("Enter")
        screen = tmux.wait_for(lambda s: "filter status:done" in s, "the filtered library")
        assert "0 articles" in screen and "sort date ↓" in screen
        tmux.keys("Escape")
        tmux.wait_for(lambda s: "2 articles" in s and "filter" not in s.split("\n")[0],
                      "the filter cleared")
        open_first(tmux, "carol")
        tmux.keys("/Cars", literal=True)  # s: skip, p: panels, C: …
        tmux.wait_for(lambda s: "▔▔▔▔" in s and "Cars" in s.split("▔▔▔▔")[-1],
                      "Cars in the find prompt")
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "selected 4 chars" in s, "Cars selected")
        quit_cleanly(tmux, exit_file)
    finally:
        tmux.kill()
    store = Store(db)
    try:
        assert store.status(first, "carol") == "todo"
        assert store.db.execute("select count(*) from actions").fetchone()[0] == 0
    finally:
        store.close()


def test_two_assigned_annotators_finish_an_article_each_then_agreement(tmp_path):
    """Issue 14: ``assign`` with overlap 2 gives both articles to alice and bob; each opens their
    queue in a terminal of their own, labels "Olaf" PER and finishes the first article in it;
    ``agreement`` then prints their figures for that article."""
    import json
    import subprocess

    db = tmp_path / "assigned.db"
    ids = build(db)
    assigned = subprocess.run([str(NEWSMARK), "--db", str(db), "assign", "--annotators",
                               "alice,bob", "--overlap", "2"],
                              capture_output=True, text=True, timeout=60)
    assert assigned.returncode == 0, assigned.stderr
    alice, alice_exit = start_tui(tmp_path, db, "alice")
    bob, bob_exit = start_tui(tmp_path, db, "bob")
    try:
        for tmux in (alice, bob):
            tmux.wait_for(lambda s: "your queue" in s, "the queue in the library's header")
        open_first(alice, "alice")
        open_first(bob, "bob")
        alice.keys("1")  # PER on "Olaf"
        bob.keys("1")
        wait_until(lambda: spans(db, "alice") == [("Olaf", "PER")], "alice's span on disk")
        wait_until(lambda: spans(db, "bob") == [("Olaf", "PER")], "bob's span on disk")
        alice.keys("d")  # done: the reader moves on to the next in the queue
        bob.keys("d")
        store = Store(db)
        try:  # (the queue lists the newest first: the second article built)
            wait_until(lambda: [store.status(a, who) for a in ids for who in ("alice", "bob")]
                       == ["todo", "todo", "done", "done"], "both finished the newest article")
        finally:
            store.close()
        quit_cleanly(alice, alice_exit)
        quit_cleanly(bob, bob_exit)
    finally:
        alice.kill()
        bob.kill()
    shown = subprocess.run([str(NEWSMARK), "--db", str(db), "agreement"],
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "alice" in shown.stdout and "bob" in shown.stdout and "PER" in shown.stdout
    figures = json.loads(subprocess.run(
        [str(NEWSMARK), "--db", str(db), "agreement", "--json"],
        capture_output=True, text=True, timeout=60, check=True).stdout)
    (pair,) = figures["pairs"]
    assert (pair["a"], pair["b"], pair["articles"]) == ("alice", "bob", 1)
    total = next(row for row in pair["spans"] if row["label"] == "(all)")
    assert total["exact"]["f1"] == total["kappa"] == total["alpha"] == 1.0  # the same span
