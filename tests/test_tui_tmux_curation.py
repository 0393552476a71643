"""Two curators on one article in two real terminals (tmux, 120x40): the first holds it and its
agreed span goes to gold; the second sees who holds it since when, and its keys write nothing."""

from __future__ import annotations

from pathlib import Path

from test_tui_tmux import spans_on_disk as spans
from test_tui_tmux import wait_until
from test_tui_tmux_team import TEXT, build, quit_cleanly, start_tui

from storage.repo import Store


def annotate(db: Path) -> None:
    """alice and bob finish the first listed article: they agree on Paris, not on Olaf Scholz."""
    store = Store(db)
    try:
        aid = store.library_ids("alice")[0]
        for who, label in (("alice", "PER"), ("bob", "ORG")):
            for needle, lab in (("Olaf Scholz", label), ("Paris", "LOC")):
                i = TEXT.index(needle)
                store.add_span(aid, who, i, i + len(needle), lab)
            store.set_status([aid], who, "done")
    finally:
        store.close()


def curate(tmux) -> None:
    tmux.keys("C")
    tmux.wait_for(lambda s: "Curate from which annotators?" in s, "the annotator prompt")
    tmux.keys("Enter")


def test_a_second_curator_sees_the_hold_and_cannot_write(tmp_path):
    db = tmp_path / "team.db"
    build(db)
    annotate(db)
    cat, cat_exit = start_tui(tmp_path, db, "cat")
    dan, dan_exit = start_tui(tmp_path, db, "dan")
    try:
        curate(cat)
        cat.wait_for(lambda s: "Curation by cat" in s and "Disagreement 1 of 1" in s,
                     "cat's curation screen")
        wait_until(lambda: spans(db, "gold") == [("Paris", "LOC")], "the agreed span in gold")
        curate(dan)
        screen = dan.wait_for(lambda s: "READ-ONLY: held by cat since" in s, "dan's notice")
        assert "Disagreement 1 of 1" in screen  # dan sees the disagreement, read-only
        dan.keys("Left")  # take alice's PER: refused
        dan.wait_for(lambda s: "Read-only: cat since" in s, "the refusal")
        dan.keys("u")
        assert spans(db, "gold") == [("Paris", "LOC")]
        cat.keys("Left")  # the holder takes alice's version
        wait_until(lambda: spans(db, "gold") == [("Olaf Scholz", "PER"), ("Paris", "LOC")],
                   "cat's take on disk")
        quit_cleanly(dan, dan_exit)
        quit_cleanly(cat, cat_exit)
    finally:
        cat.kill()
        dan.kill()
