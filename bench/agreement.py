"""Agreement benchmark: ``newsmark agreement``'s work over 10,000 vs 1,000 finished article
pairs, time per pair, CPU (``process_time``) and wall (``perf_counter``).

    .venv/bin/python bench/agreement.py [--small 1000] [--large 10000] [--repeat 3] [--keep DIR]

Builds two databases with ``storage._bulk.generate`` (150-word articles, 20 spans and 2 events
of two arguments each, annotator ``alice``), then gives ``bob`` a copy of alice's work that
disagrees on purpose (every tenth span relabelled, every tenth missing, every fifth span two
characters shorter, the events and their arguments copied onto bob's spans) and marks every
article done for both: each article is one pair both finished. Then, in this process, reads and
computes what the command does (``Store.agreement_works`` batch by batch into
``newsmark.agreement.agreement``) and the JSON it prints, best of ``--repeat`` runs per size,
the two sizes alternating. Prints per-pair times and the ratio large/small (target, issue 14:
<= 1.2). Not a test: pytest does not run it. ``--keep DIR`` keeps (and reuses) the databases.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsmark.agreement import agreement  # noqa: E402
from storage._bulk import generate  # noqa: E402
from storage.repo import Store  # noqa: E402

NAMES = ["alice", "bob"]


def build(path: Path, articles: int) -> None:
    if path.exists():
        return
    generate(path, articles, annotator="alice")
    conn = sqlite3.connect(path)
    with conn:
        offset = conn.execute("select max(id) from spans").fetchone()[0]
        e_offset = conn.execute("select max(id) from events").fetchone()[0]
        conn.execute(
            "insert or ignore into spans (id, article_id, annotator, start, end, label, text_hash,"
            " origin, created, updated) select id + :o, article_id, 'bob', start,"
            " case when id % 5 = 2 and end - start > 3 then end - 2 else end end,"
            " case when id % 10 = 0 then (case label when 'MISC' then 'PER' else 'MISC' end)"
            " else label end, text_hash, origin, created, updated from spans"
            " where annotator = 'alice' and id % 10 != 1", {"o": offset})
        conn.execute(
            "insert into events (id, article_id, annotator, type, start, end, text_hash, created,"
            " updated) select id + :o, article_id, 'bob', type, start, end, text_hash, created,"
            " updated from events where annotator = 'alice'", {"o": e_offset})
        conn.execute(
            "insert into event_arguments (event_id, role, span_id) select a.event_id + :eo,"
            " a.role, a.span_id + :o from event_arguments a join spans s on s.id = a.span_id + :o",
            {"o": offset, "eo": e_offset})
        conn.execute("insert or replace into status (article_id, annotator, status, updated)"
                     " select id, 'alice', 'done', ingested from articles")
        conn.execute("insert or replace into status (article_id, annotator, status, updated)"
                     " select id, 'bob', 'done', ingested from articles")
    conn.close()


def run(path: Path) -> tuple[float, float, int, dict]:
    store = Store(path, create=False)
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        pairs = agreement(store.agreement_works(NAMES), NAMES)
        json.dumps({"pairs": pairs})
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        store.close()
    return cpu, wall, pairs[0]["articles"], pairs[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()
    tmp = None if args.keep else tempfile.TemporaryDirectory()
    where = args.keep or Path(tmp.name)
    where.mkdir(parents=True, exist_ok=True)
    sizes = {"small": args.small, "large": args.large}
    paths = {k: where / f"agreement-{n}.db" for k, n in sizes.items()}
    for k, n in sizes.items():
        t = time.perf_counter()
        build(paths[k], n)
        print(f"built {n:,} article pairs in {time.perf_counter() - t:.1f} s", flush=True)
    run(paths["small"])  # warm-up: imports (numpy, krippendorff), caches
    best: dict[str, tuple[float, float]] = {}
    for _ in range(args.repeat):
        for k in sizes:
            cpu, wall, n, pair = run(paths[k])
            assert n == sizes[k], (n, sizes[k])
            old = best.get(k, (float("inf"), float("inf")))
            best[k] = (min(old[0], cpu), min(old[1], wall))
    total = pair["spans"][-1]
    print(f"(figures at {sizes['large']:,}: exact F1 {total['exact']['f1']:.3f}, overlap F1 "
          f"{total['overlap']['f1']:.3f}, kappa {total['kappa']:.3f}, alpha {total['alpha']:.3f})")
    per = {}
    for k, n in sizes.items():
        cpu, wall = best[k]
        per[k] = (cpu / n * 1e6, wall / n * 1e6)
        print(f"{n:>7,} pairs: CPU {cpu:.3f} s, wall {wall:.3f} s; per pair CPU {per[k][0]:.1f} µs, "
              f"wall {per[k][1]:.1f} µs")
    print(f"ratio per pair {sizes['large']:,} vs {sizes['small']:,}: CPU "
          f"{per['large'][0] / per['small'][0]:.2f}x, wall {per['large'][1] / per['small'][1]:.2f}x "
          "(target <= 1.2)")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
