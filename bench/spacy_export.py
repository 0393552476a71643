"""The spaCy DocBin export at scale: peak memory at 10,000 articles versus 1,000 (and the HF
export beside it).

``newsmark export --format spacy`` adds Docs to spaCy's own ``DocBin`` and writes a shard of
``SHARD_TOKENS`` tokens at a time (a directory of ``.spacy`` files once there is more than one),
so what it holds is one shard, whatever the corpus's size. Two generated databases
(``storage._bulk.generate``: articles of 150 words, 20 spans and 2 events each) are written once
into a temporary directory; each export runs in a fresh subprocess (the real CLI, in-process:
``newsmark export --format FORMAT --status any -o DIR/out --db DB``) whose ``ru_maxrss`` is its
peak RSS. Target: peak(10,000) ÷ peak(1,000) ≤ 1.2.

Run from the repository root: ``.venv/bin/python bench/spacy_export.py [--small 1000]
[--large 10000] [--formats spacy hf] [--dir DIR]``. Not a test: it prints ratios.
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

from common import ROOT, internal_modes  # noqa: E402  (bench/ is on sys.path)


def child(fmt: str, db: str, out: str) -> None:
    sys.path.insert(0, str(ROOT))
    from tui.cli import main

    started = time.perf_counter()
    try:
        main(["export", "--format", fmt, "--status", "any", "-o", out, "--db", db],
             standalone_mode=False)
    except SystemExit:
        pass
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_kib": peak_kib}))


def run(fmt: str, db: Path, out: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", fmt, str(db), str(out)],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    notes = " | ".join(line.strip() for line in done.stderr.strip().splitlines())
    print(f"  {fmt:<6} {db.name:<16} {result['seconds']:7.1f} s   peak RSS "
          f"{result['peak_kib'] / 1024:7.1f} MiB   {notes}")
    return result


def database(directory: Path, n: int) -> Path:
    """Generated in a subprocess: a child inherits its parent's peak RSS on Linux."""
    path = directory / f"spacy-export-{n}.db"
    if not path.exists():
        subprocess.run([sys.executable, __file__, "--generate", str(n), str(path)], check=True,
                       cwd=ROOT)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", nargs=3, metavar=("FORMAT", "DB", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--generate", nargs=2, metavar=("N", "DB"), help=argparse.SUPPRESS)
    ap.add_argument("--small", type=int, default=1_000)
    ap.add_argument("--large", type=int, default=10_000)
    ap.add_argument("--formats", nargs="+", default=["spacy", "hf"])
    ap.add_argument("--dir", type=Path, help="Where to keep the generated databases.")
    if internal_modes(ap, child):
        return
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        small, large = database(directory, args.small), database(directory, args.large)
        for fmt in args.formats:
            ext = "spacy" if fmt == "spacy" else "parquet"
            a = run(fmt, small, Path(tmp) / f"small-{fmt}.{ext}")
            b = run(fmt, large, Path(tmp) / f"large-{fmt}.{ext}")
            print(f"  {fmt}: peak RSS {args.large:,} ÷ {args.small:,} = "
                  f"{b['peak_kib'] / a['peak_kib']:.2f}  (target ≤ 1.2)")


if __name__ == "__main__":
    main()
