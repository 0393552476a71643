"""One annotator at work, for the load test and ``bench/concurrency.py``: a separate process that
labels, relabels, deletes and undoes through ``AnnotationSession`` (the path the TUI's keys take)
on a shared database, at random intervals, and prints one JSON line: what it did, the state it
was last told is stored, its errors, and each action's commit latency.

    python tests/load_worker.py DB ANNOTATOR ACTIONS SEED [--rate PER_S] [--pause MAX_S]
                                [--start-at EPOCH]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsmark.config import default_schema  # noqa: E402
from storage.repo import Store  # noqa: E402
from storage.session import AnnotationSession, Cursor  # noqa: E402

LABELS = ("PER", "ORG", "LOC", "MISC")


def work(db: str, annotator: str, actions: int, seed: int, pause: float, rate: float | None,
         start_at: float | None = None, in_step: bool = False) -> dict:
    rng = random.Random(seed)
    store = Store(db, create=False)
    ids = store.library_ids(annotator)
    sessions = {}
    words = {}
    for article_id in ids:
        article = store.article(article_id)
        words[article_id] = [t for t in article.tokens
                             if article.text[t.start:t.end].strip()][:60]
    latencies: list[float] = []
    errors: list[str] = []
    done = {"label": 0, "relabel": 0, "delete": 0, "undo": 0}
    if start_at is not None:  # every process ready (imports done): start together
        time.sleep(max(0.0, start_at - time.time()))
    # people are not in step: each annotator's second starts at its own moment
    started = time.monotonic() + (rng.random() / rate if rate and not in_step else 0.0)
    for i in range(actions):
        if rate:
            time.sleep(max(0.0, started + i / rate - time.monotonic()) + rng.random() * 0.01)
        elif pause:
            time.sleep(rng.random() * pause)
        article_id = rng.choice(ids)
        session = sessions.get(article_id)
        if session is None:
            session = sessions[article_id] = AnnotationSession(store, article_id, annotator,
                                                               default_schema())
        state = session.current
        tokens = words[article_id]
        kind = rng.choice(("label", "label", "relabel", "delete", "undo"))
        if kind in ("relabel", "delete") and not state.spans:
            kind = "label"
        t0 = time.perf_counter()
        try:
            if kind == "label":
                token = rng.choice(tokens)
                session.label(rng.choice(LABELS), Cursor(token=(token.start, token.end)))
            elif kind == "relabel":
                span = rng.choice(state.spans)
                session.label(rng.choice(LABELS), Cursor(token=(span.start, span.end),
                                                         chosen=span.id))
            elif kind == "delete":
                span = rng.choice(state.spans)
                session.delete_span(Cursor(token=(span.start, span.end), chosen=span.id),
                                    span_id=span.id, confirmed=True)
            else:
                session.undo()
        except Exception as exc:  # noqa: BLE001 - counted, not hidden
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        latencies.append(time.perf_counter() - t0)
        done[kind] += 1
    # the spans each article was last told are stored (the state read back after its last write)
    final = {str(a): sorted((s.start, s.end, s.label) for s in sess.current.spans)
             for a, sess in sessions.items()}
    store.close()
    return {"annotator": annotator, "done": done, "errors": errors, "latencies": latencies,
            "final": final}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("annotator")
    parser.add_argument("actions", type=int)
    parser.add_argument("seed", type=int)
    parser.add_argument("--pause", type=float, default=0.02)
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--start-at", type=float, default=None, help="epoch seconds")
    parser.add_argument("--in-step", action="store_true",
                        help="with --rate: every annotator acts at the same moments")
    args = parser.parse_args()
    print(json.dumps(work(args.db, args.annotator, args.actions, args.seed, args.pause,
                          args.rate, args.start_at, args.in_step)))


if __name__ == "__main__":
    main()
