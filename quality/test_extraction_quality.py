"""Extraction quality on the shared development sets, as the issues measure it: the real
`newsmark extract` over the 181 pages of ``extraction-dev`` (shingle metric) and the 304 pages of
``extraction-dev2`` (snippet metric), scored by the benchmark's own score.py.

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
DEV2 = SHARED / "bench" / "extraction-dev2"
SCORE = SHARED / "bench" / "score.py"


def score(pred_dir, *extra: str) -> dict:
    out = subprocess.run([sys.executable, str(SCORE), str(pred_dir), "--json", *extra],
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


def test_html_extraction_dev2_f1_and_lost_pages(tmp_path):
    """The second set (trafilatura's evaluation pages, many languages): F1 0.945 and 6 pages keeping
    less than half of their "with" snippets at the end of issue 12 (its target: F1 >= 0.94);
    trafilatura's default loses 7 of them, and newsmark must not lose more."""
    result = CliRunner().invoke(main, ["extract", str(DEV2 / "html"), "--out-dir", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0
    evaldata = DEV2 / "evaldata.json"
    s = score(tmp_path, "--evaldata", str(evaldata))
    assert s["f1"] >= 0.94, s
    lost = []
    for item in json.loads(evaldata.read_text(encoding="utf-8")).values():
        pred = tmp_path / (Path(item["file"]).stem + ".txt")
        text = " ".join(pred.read_text(encoding="utf-8").split()) if pred.exists() else ""
        found = sum(" ".join(w.split()) in text for w in item["with"])
        if item["with"] and found < len(item["with"]) / 2:
            lost.append(pred.stem)
    assert len(lost) <= 7, lost


def test_plain_text_dump_f1(tmp_path):
    """The same pages flattened to text with all their boilerplate, cleaned by the dump cleaner."""
    for page in sorted((DEV / "html").glob("*.html.gz")):
        html = gzip.decompress(page.read_bytes()).decode("utf-8", errors="replace")
        dump = normalize(html_text.extract_text(html, guess_layout=True))
        (tmp_path / page.name.replace(".html.gz", ".txt")).write_text(clean_dump(dump).text, "utf-8")
    s = score(tmp_path)
    assert s["f1"] >= 0.935, s  # 0.9397 when this floor was set (issue 12)
