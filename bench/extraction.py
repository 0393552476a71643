"""HTML extraction benchmark: newsmark's ``clean_html`` against trafilatura alone, in one run.

On the 181 pages of ``../shared/bench/extraction-dev`` (see its README) this runs

- trafilatura alone: ``trafilatura.extract(html, include_comments=False)``, plain text;
- newsmark: ``newsmark.clean.html.clean_html(html, url).text``;

writes both sets of predictions to temporary directories, scores each with the benchmark's own
``score.py --json`` and prints F1 / precision / recall and milliseconds per page for both, plus
the ratios (newsmark / trafilatura).

Timing: both extractors are warmed up on a few pages first (imports, lazy initialisation), then
each page is run through both back to back, alternating which goes first, so that load from
other processes on the machine hits both alike. ``--repeat N`` keeps the fastest of N runs per
page and extractor.

    .venv/bin/python bench/extraction.py               # the table
    .venv/bin/python bench/extraction.py --keep DIR    # also keep predictions in DIR/{trafilatura,newsmark}
    .venv/bin/python bench/extraction.py --check       # exit 1 when a target is missed

Targets: newsmark F1 >= 0.965 and time ratio <= 1.3.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import DEV, ROOT, score  # noqa: E402  (bench/ is on sys.path)

sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from newsmark.clean.html import clean_html  # noqa: E402

TARGET_F1 = 0.965
TARGET_TIME_RATIO = 1.3
WARMUP_PAGES = 5


def load_pages() -> list[tuple[str, str, str | None]]:
    """(id, html, url) for every page of the development set."""
    gold = json.loads((DEV / "ground-truth.json").read_text(encoding="utf8"))
    pages = []
    for page_id in sorted(gold):
        raw = gzip.decompress((DEV / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((page_id, raw.decode("utf8", errors="replace"), gold[page_id].get("url")))
    return pages


def run_trafilatura(html: str, url: str | None) -> str:
    return trafilatura.extract(html, include_comments=False) or ""


def run_newsmark(html: str, url: str | None) -> str:
    return clean_html(html, url=url).text


SYSTEMS = {"trafilatura": run_trafilatura, "newsmark": run_newsmark}


def run(pages, out_dirs: dict[str, Path], repeat: int) -> dict[str, float]:
    """Extract every page with every system; returns total seconds per system."""
    for _, html, url in pages[:WARMUP_PAGES]:
        for fn in SYSTEMS.values():
            fn(html, url)
    totals = dict.fromkeys(SYSTEMS, 0.0)
    names = list(SYSTEMS)
    for i, (page_id, html, url) in enumerate(pages):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            best, text = float("inf"), ""
            for _ in range(repeat):
                t0 = time.perf_counter()
                text = SYSTEMS[name](html, url)
                best = min(best, time.perf_counter() - t0)
            totals[name] += best
            (out_dirs[name] / f"{page_id}.txt").write_text(text, encoding="utf8")
    return totals


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", type=Path, help="keep the predictions in DIR/trafilatura and DIR/newsmark")
    ap.add_argument("--repeat", type=int, default=1, help="time each page N times, keep the fastest")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args()

    pages = load_pages()
    with tempfile.TemporaryDirectory(prefix="newsmark-bench-") as tmp:
        out_dirs = {name: Path(tmp) / name for name in SYSTEMS}
        for d in out_dirs.values():
            d.mkdir()
        seconds = run(pages, out_dirs, max(1, args.repeat))
        scores = {name: score(d) for name, d in out_dirs.items()}
        if args.keep:
            for name, d in out_dirs.items():
                shutil.copytree(d, args.keep / name, dirs_exist_ok=True)

    ms = {name: 1000 * seconds[name] / len(pages) for name in SYSTEMS}
    print(f"extraction-dev: {len(pages)} pages")
    print(f"{'':<12} {'F1':>6} {'P':>6} {'R':>6} {'ms/page':>8}")
    for name in SYSTEMS:
        m = scores[name]
        print(f"{name:<12} {m['f1']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} {ms[name]:8.1f}")
    tr, nm = scores["trafilatura"], scores["newsmark"]
    time_ratio = ms["newsmark"] / ms["trafilatura"]
    print(
        f"{'ratio':<12} {nm['f1'] / tr['f1']:6.3f} {nm['precision'] / tr['precision']:6.3f} "
        f"{nm['recall'] / tr['recall']:6.3f} {time_ratio:8.2f}   (newsmark / trafilatura)"
    )
    ok_f1, ok_time = nm["f1"] >= TARGET_F1, time_ratio <= TARGET_TIME_RATIO
    print(
        f"targets: F1 >= {TARGET_F1} {'ok' if ok_f1 else 'MISSED'}, "
        f"time ratio <= {TARGET_TIME_RATIO} {'ok' if ok_time else 'MISSED'}"
    )
    return 0 if (ok_f1 and ok_time) or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
