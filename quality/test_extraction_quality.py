"""Extraction quality on the shared development set, as the issue measures it: the real
`newsmark extract` over 181 real pages, scored by the benchmark's own score.py.

Not a timed test: it guards the F1 floors so that a cleaning change that loses quality fails.
It needs ``../shared`` beside the repository, so it is not part of ``make test``: ``make quality``
runs it, and ``.ci/run`` runs ``make quality`` after ``make test`` wherever ``../shared`` is there.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import html_text
from click.testing import CliRunner

from newsmark.clean.dump import clean_dump
from newsmark.text import normalize
from tui.cli import main

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "bench" / "extraction-dev"
SCORE = SHARED / "bench" / "score.py"


def score(pred_dir) -> dict:
    out = subprocess.run([sys.executable, str(SCORE), str(pred_dir), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_html_extraction_f1(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(DEV / "html"), "--out-dir", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert len(list(tmp_path.glob("*.txt"))) == 181
    s = score(tmp_path)
    assert s["missing_pred"] == 0
    assert s["f1"] >= 0.965, s


def test_plain_text_dump_f1(tmp_path):
    """The same pages flattened to text with all their boilerplate, cleaned by the dump cleaner."""
    for page in sorted((DEV / "html").glob("*.html.gz")):
        html = gzip.decompress(page.read_bytes()).decode("utf-8", errors="replace")
        dump = normalize(html_text.extract_text(html, guess_layout=True))
        (tmp_path / page.name.replace(".html.gz", ".txt")).write_text(clean_dump(dump).text, "utf-8")
    s = score(tmp_path)
    assert s["f1"] >= 0.85, s
