"""Export at scale: peak memory at 100,000 articles versus 10,000, and prodigy throughput versus
a bare loop over the same rows.

Two generated databases (``storage._bulk.generate``: articles of 150 words, 20 spans and 2 events
with two arguments each, a third of them done) are written once into a temporary directory.
Every measurement runs in a fresh subprocess:

- ``export``: the real CLI in-process, ``newsmark export --format prodigy -o /dev/null --db DB``;
  its ``ru_maxrss`` is its peak RSS, and the largest worker process's peak is reported beside it
  (the export renders batches in worker processes, one per core up to 4). Target:
  peak(100,000) ÷ peak(10,000) ≤ 1.2.
- ``export1``: the same with ``--jobs 1``, everything in one process: the single-core figures.
- ``bare``: ``storage._bulk.iter_bare`` (one ordered cursor per table, merged by article id) and a
  ``json.dumps`` per article of its rows, written to /dev/null: the floor. Target: export
  throughput ÷ bare throughput ≥ 0.5.
- ``read`` (for reference): ``Store.records()`` alone, no format: what reading costs.
- ``old`` (for reference, at the small size only): the per-article ``Store.iter_records``.

Run from the repository root: ``.venv/bin/python bench/export.py [--small 10000] [--large 100000]
[--dir DIR] [--repeat N]`` (with ``--dir``, databases already there are reused; with
``--repeat``, the fastest of N runs counts). Not a test: it prints ratios, the throughput ratio
also in CPU seconds (steadier than wall time while other work shares the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, internal_modes  # noqa: E402  (bench/ is on sys.path)


def child(mode: str, db: str) -> None:
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    cpu_started = time.process_time()
    records = 0
    if mode in ("export", "export1"):
        from tui.cli import main

        jobs = ["--jobs", "1"] if mode == "export1" else []
        try:
            # every record, finished or not, as the bare reader reads them
            main(["export", "--format", "prodigy", "--status", "any", "-o", os.devnull,
                  "--db", db, *jobs],
                 standalone_mode=False)
        except SystemExit:
            pass
    elif mode == "bare":
        from storage._bulk import iter_bare

        with open(os.devnull, "w", encoding="utf-8") as out:
            for row in iter_bare(db):
                out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
                records += 1
    elif mode == "read":
        from storage.repo import Store

        for _ in Store(db).records():
            records += 1
    elif mode == "old":
        from newsmark.config import default_schema
        from newsmark.formats import export
        from storage.repo import Store

        store = Store(db)
        records = export("prodigy", store.iter_records(), os.devnull, default_schema())["records"]
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    # the export's worker processes (none with --jobs 1): their CPU counts towards the export's,
    # and the largest of their peaks is what each of them needs
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"mode": mode, "seconds": elapsed, "cpu": cpu + children.ru_utime
                      + children.ru_stime, "peak_kib": peak_kib,
                      "worker_peak_kib": children.ru_maxrss, "records": records}))


def run(mode: str, db: Path, repeat: int = 1) -> dict:
    """The fastest of ``repeat`` fresh subprocesses (and the largest peak RSS of them)."""
    results = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--child", mode, str(db)], check=True,
                             capture_output=True, text=True, cwd=ROOT)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    result = min(results, key=lambda r: r["seconds"])
    result["cpu"] = min(r["cpu"] for r in results)
    result["peak_kib"] = max(r["peak_kib"] for r in results)
    result["worker_peak_kib"] = max(r["worker_peak_kib"] for r in results)
    note = out.stderr.strip().splitlines()[-1] if out.stderr.strip() else ""
    print(f"  {mode:<6} {db.name:<16} {result['seconds']:7.1f} s ({result['cpu']:6.1f} s CPU)   "
          f"peak RSS {result['peak_kib'] / 1024:7.1f} MiB (workers {result['worker_peak_kib'] / 1024:5.1f} "
          f"MiB each)   {note}")
    return result


def database(directory: Path, n: int) -> Path:
    """Generated in a subprocess too: a child inherits its parent's peak RSS on Linux, so this
    process stays small."""
    path = directory / f"export-{n}.db"
    if not path.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--generate", str(n), str(path)], check=True,
                       cwd=ROOT)
        print(f"  generated {n:,} articles in {time.perf_counter() - started:.1f} s "
              f"({path.stat().st_size / 2**20:.0f} MiB)")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", nargs=2, metavar=("MODE", "DB"), help=argparse.SUPPRESS)
    ap.add_argument("--generate", nargs=2, metavar=("N", "DB"), help=argparse.SUPPRESS)
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--large", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, help="Where to keep the generated databases.")
    ap.add_argument("--repeat", type=int, default=1,
                    help="Runs per measurement; the fastest counts (the machine may be busy).")
    if internal_modes(ap, child):
        return
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        print("databases")
        small, large = database(directory, args.small), database(directory, args.large)
        print("runs")
        ex_small = run("export", small, args.repeat)
        ex_large = run("export", large, args.repeat)
        ex1_small = run("export1", small, args.repeat)
        ex1_large = run("export1", large, args.repeat)
        bare_large = run("bare", large, args.repeat)
        read_large = run("read", large, args.repeat)
        old_small = run("old", small, args.repeat)
        records = args.large  # every generated article has spans: one record each
        print("results")
        ratio = ex_large["peak_kib"] / ex_small["peak_kib"]
        print(f"  peak RSS export {args.large:,} ÷ {args.small:,}: main process {ratio:.2f}, each "
              f"worker {ex_large['worker_peak_kib'] / ex_small['worker_peak_kib']:.2f}, --jobs 1 "
              f"{ex1_large['peak_kib'] / ex1_small['peak_kib']:.2f}  (target ≤ 1.2)")
        tput_export = records / ex_large["seconds"]
        tput_bare = bare_large["records"] / bare_large["seconds"]
        tput_one = records / ex1_large["seconds"]
        print(f"  throughput at {args.large:,}: export {tput_export:,.0f} records/s, bare "
              f"{tput_bare:,.0f} rows/s, ratio {tput_export / tput_bare:.2f}  (target ≥ 0.5); "
              f"with --jobs 1 {tput_one:,.0f} records/s, ratio {tput_one / tput_bare:.2f}")
        # the same ratios in CPU seconds (workers included): the work done, whatever the cores
        bare_cpu = bare_large["cpu"] / bare_large["records"] * records
        print(f"  in CPU time: ratio {bare_cpu / ex_large['cpu']:.2f}, with --jobs 1 "
              f"{bare_cpu / ex1_large['cpu']:.2f}")
        print(f"  of a --jobs 1 export's time at {args.large:,}, reading records takes "
              f"{read_large['seconds'] / ex1_large['seconds']:.0%}, prodigy formatting the rest")
        print(f"  batched reader vs per-article iter_records at {args.small:,}: "
              f"{old_small['seconds'] / ex_small['seconds']:.2f}× faster")


if __name__ == "__main__":
    main()
