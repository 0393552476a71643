"""Suggestions in a real terminal (tmux, 120x40): with ``[suggest] patterns`` in the config file,
the reader draws the patterns' suggestions on the article it opens; ``A`` accepts them all as
one action, each span recording that it came from a pattern; ``u`` takes them back together."""

from __future__ import annotations

import json

from test_tui_tmux import NEWSMARK, Tmux, wait_until
from test_tui_tmux_team import build

from storage.repo import Store


def origins(db, annotator: str) -> list[tuple[str, str, str]]:
    store = Store(db)
    try:
        out = []
        for article_id in store.library_ids(annotator):
            text = store.article(article_id).text
            out += [(text[s.start:s.end], s.label, s.origin)
                    for s in store.spans(article_id, annotator)]
        return sorted(out)
    finally:
        store.close()


def test_patterns_suggest_a_accepts_them_all_u_takes_them_back(tmp_path):
    db = tmp_path / "suggest.db"
    build(db)
    patterns = tmp_path / "patterns.jsonl"
    patterns.write_text("\n".join(json.dumps(p) for p in [
        {"label": "PER", "pattern": "Olaf Scholz"},
        {"label": "LOC", "pattern": "Paris"},
        {"label": "PER", "pattern": [{"LOWER": "emmanuel"}, {"LOWER": "macron"}]},
    ]) + "\n", "utf-8")
    config = tmp_path / "config.toml"
    config.write_text('annotator = "sug"\n\n[suggest]\npatterns = "patterns.jsonl"\n', "utf-8")
    exit_file = tmp_path / "exit"
    tmux = Tmux(tmp_path)
    try:
        tmux.start(f"'{NEWSMARK}' tui --db '{db}' --config '{config}'; "
                   f"echo $? > '{exit_file}'; sleep 60")
        tmux.wait_for(lambda s: "2 articles" in s and "annotator sug" in s, "the library")
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "3 suggestions" in s, "the patterns' suggestions counted")
        assert origins(db, "sug") == []  # drawn, not stored
        tmux.keys("A")
        wait_until(lambda: len(origins(db, "sug")) == 3, "the three spans on disk")
        assert origins(db, "sug") == [("Emmanuel Macron", "PER", "pattern"),
                                      ("Olaf Scholz", "PER", "pattern"),
                                      ("Paris", "LOC", "pattern")]
        tmux.keys("u")  # one action: all three go
        wait_until(lambda: origins(db, "sug") == [], "the undo on disk")
        tmux.keys("q")
        wait_until(lambda: exit_file.exists() and exit_file.read_text().strip(), "newsmark to quit")
        assert exit_file.read_text().strip() == "0", tmux.screen()
    finally:
        tmux.kill()
