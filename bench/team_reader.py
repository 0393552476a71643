"""A curator reading beside the annotators, for ``bench/concurrency.py``: a separate process
that, until ``--seconds`` have passed, computes agreement over every annotator's finished work
(``newsmark agreement``'s path) and the curation plan of finished articles (the curation
screen's reads: each annotator's spans and events, ``newsmark.curation.plan``), and prints one
JSON line: how many reads of each kind, their latencies, and errors.

    python bench/team_reader.py DB --seconds S [--start-at EPOCH] [--seed N] [--pause 0.25]

A round is one agreement and 20 curation plans; a quarter of a second passes between rounds
(a person reads the figures before asking again).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsmark.config import default_schema  # noqa: E402
from newsmark.curation import layer_items, plan  # noqa: E402
from storage.repo import Store  # noqa: E402
from tui.cli.team import agreement_pairs  # noqa: E402


def read(db: str, seconds: float, start_at: float | None, seed: int, pause: float) -> dict:
    rng = random.Random(seed)
    schema = default_schema()
    store = Store(db, create=False)
    if start_at:
        time.sleep(max(0.0, start_at - time.time()))
    done = [aid for aid in store.library_ids("alice")
            if store.status(aid, "alice") == "done"]
    latencies: dict[str, list[float]] = {"agreement": [], "curation": []}
    errors: list[str] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            t = time.perf_counter()
            agreement_pairs(store, None, None, None)
            latencies["agreement"].append(time.perf_counter() - t)
            for article_id in rng.sample(done, min(20, len(done))):
                t = time.perf_counter()
                annotators = store.finished_by(article_id)
                plan({who: layer_items(store.spans(article_id, who),
                                       store.events(article_id, who), schema)
                      for who in annotators})
                latencies["curation"].append(time.perf_counter() - t)
            time.sleep(pause)  # a person looks at the figures before asking again
        except Exception as exc:  # noqa: BLE001 - every failure is counted, the run goes on
            errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.05)
    store.close()
    return {"latencies": latencies, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--start-at", type=float)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pause", type=float, default=0.25, help="seconds between rounds")
    args = ap.parse_args()
    print(json.dumps(read(args.db, args.seconds, args.start_at, args.seed, args.pause)))


if __name__ == "__main__":
    main()
