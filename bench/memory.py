"""Peak memory of the real ingest pipeline: 1,000 pages versus 100 pages.

Each size runs in a fresh subprocess that calls the real CLI in-process
(``newsmark ingest URL… --db TMP --quiet``: fetch, clean, store into a temporary SQLite database,
with the Reporter) and prints ``resource.getrusage(RUSAGE_SELF).ru_maxrss``. The pages (unique
generated German articles) come from a ``ThreadingHTTPServer`` in a thread of *this* process,
so the server's memory is not counted. The ratio peak(1000) ÷ peak(100) should be ≤ 1.2: memory
must not grow with the number of inputs.

Run from the repository root: ``.venv/bin/python bench/memory.py [--small 100] [--large 1000]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(base: str, n: int) -> None:
    sys.path.insert(0, str(ROOT))
    from tui.cli import main

    urls = [f"{base}/gen/{i}" for i in range(n)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        started = time.perf_counter()
        try:
            main(["ingest", *urls, "--db", str(db), "--quiet", "--allow-private"],
                 standalone_mode=False)
        except SystemExit:
            pass
        elapsed = time.perf_counter() - started
        from storage.repo import Store

        stored = Store(db).count_articles()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"n": n, "stored": stored, "peak_kib": peak_kib, "seconds": elapsed}))


def measure(base: str, n: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(n), "--base", base],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    lines = out.strip().splitlines()
    result = json.loads(lines[-1])
    print(f"  {n:>5} pages: {result['stored']} stored in {result['seconds']:.1f} s, "
          f"peak RSS {result['peak_kib'] / 1024:.1f} MiB   ({lines[0] if len(lines) > 1 else ''})")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", type=int, default=100)
    ap.add_argument("--large", type=int, default=1000)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--base", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.base, args.child)
        return

    sys.path.insert(0, str(ROOT / "tests"))
    from http_server import TestServer

    with TestServer() as server:
        base = server.url("")
        print(f"peak RSS of `newsmark ingest URL… --quiet` (fresh subprocess per size), pages from {base}")
        small = measure(base, args.small)
        large = measure(base, args.large)
    ratio = large["peak_kib"] / small["peak_kib"]
    growth = (large["peak_kib"] - small["peak_kib"]) / 1024
    print(f"ratio {args.large} ÷ {args.small}: {ratio:.3f} (target <= 1.2); "
          f"{growth:+.1f} MiB for {args.large - args.small} more pages")


if __name__ == "__main__":
    main()
