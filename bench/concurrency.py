"""A team on one database: commit latency of annotators at a human rate, alone and in a crowd.

Each annotator is a process (``tests/load_worker.py``) working through ``AnnotationSession``,
the path the TUI's keys take: label, relabel, delete, undo, one action a second each (with a
little jitter), every action one ``BEGIN IMMEDIATE`` transaction synced to disk. Five runs on
fresh databases (each annotator's second starts at its own moment, as people's do):

1. **alone**: one annotator;
2. **team**: 16 annotators at once, plus a bulk ``newsmark ingest`` of 200 files running beside
   them (started with them: its spaCy start-up and cleaning compete for the CPU too);
3. **step**: the team again, but every annotator's action at the same moment each second (a
   worst case: people are not in step);
4. **reads**: the team again (at one action a second, with the ingest), on a database where
   alice and bob finished 300 more articles, while two curators (``bench/team_reader.py``)
   compute agreement over all of them and curation plans of 20 of them, round after round
   with a quarter of a second between (issue 14);
5. **load**: 8 annotators × 200 actions as fast as they go (random pauses up to 20 ms), plus an
   ingest of 200 files and an export: the full-size version of the load test in
   ``tests/test_reliability.py``.

Printed: p50 and p99 commit latency per run, the ratio team ÷ alone (goal: p99 ≤ 4×), errors
(goal: 0), whether every acknowledged state is stored and ``integrity_check`` passes, and the
CPU time of the children beside the wall time. The annotator processes start their first action
together, after all of them have started (Python's start-up is not an annotator's latency).
Not a timed test: it prints measured ratios.

    .venv/bin/python bench/concurrency.py [--actions 30] [--annotators 16] [--files 200]
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from newsmark.model import Article  # noqa: E402
from newsmark.text import text_hash, tokenize  # noqa: E402
from storage.repo import Store  # noqa: E402

WORKER = ROOT / "tests" / "load_worker.py"
READER = ROOT / "bench" / "team_reader.py"
NEWSMARK = Path(sys.executable).parent / "newsmark"


def make_db(path: Path, articles: int = 6, finished: int = 0) -> None:
    """``articles`` to work on, and ``finished`` more that alice and bob have finished (their
    spans differ on every third article): what the readers compare and curate."""
    store = Store(path)
    for i in range(articles + finished):
        text = (f"Bericht {i}: Olaf Scholz traf Emmanuel Macron in Paris. Danach sprach Annalena "
                f"Baerbock in Berlin mit Vertretern der Vereinten Nationen über Kyjiw und Odesa.")
        article, _ = store.add_article(Article(text=text, text_hash=text_hash(text),
                                               title=f"Bericht {i}", tokens=tokenize(text, "de")))
        if i >= articles:
            start = text.index("Olaf")
            for who in ("alice", "bob"):
                label = "ORG" if who == "bob" and i % 3 == 0 else "PER"
                store.add_span(article.id, who, start, start + len("Olaf Scholz"), label)
                store.add_span(article.id, who, text.index("Paris"), text.index("Paris") + 5, "LOC")
                store.set_status([article.id], who, "done")
    store.close()


def make_files(directory: Path, n: int) -> None:
    directory.mkdir()
    for i in range(n):
        (directory / f"{i:04}.txt").write_text(
            f"Meldung {i}\n\nDie Stadt Köln meldet heute {i} neue Fahrradwege. Der Bürgermeister "
            f"sprach von einem guten Tag für {i * 7} Radfahrer und {i * 3} Fußgänger.\n", "utf-8")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(annotators: int, actions: int, files: int, rate: float | None, export: bool = False,
        in_step: bool = False, readers: int = 0) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "team.db"
        make_db(db, finished=300 if readers else 0)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        pace = ["--rate", str(rate)] if rate else ["--pause", "0.02"]
        # all annotators start their first action together, once every process has started
        pace += ["--start-at", str(time.time() + 2.0 + 0.25 * annotators)]
        pace += ["--in-step"] if in_step else []
        workers = [subprocess.Popen([sys.executable, str(WORKER), str(db), f"ann{n}",
                                     str(actions), str(n), *pace],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for n in range(annotators)]
        side = []
        if files:
            make_files(Path(tmp) / "in", files)
            side.append(subprocess.Popen([str(NEWSMARK), "--db", str(db), "ingest", "--quiet",
                                          str(Path(tmp) / "in")],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True))
        for n in range(readers):  # curators: agreement and curation plans, the whole time
            side.append(subprocess.Popen(
                [sys.executable, str(READER), str(db), "--seconds", str(actions / (rate or 10)),
                 "--start-at", pace[pace.index("--start-at") + 1], "--seed", str(n)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        if export:
            side.append(subprocess.Popen([str(NEWSMARK), "--db", str(db), "export",
                                          "--status", "any", "-o", str(Path(tmp) / "out.jsonl")],
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True))
        results = []
        for proc in workers:
            out, err = proc.communicate()
            if proc.returncode:
                raise SystemExit(f"annotator failed: {err}")
            results.append(json.loads(out))
        side_errors = []
        reads: dict[str, list[float]] = {"agreement": [], "curation": []}
        for proc in side:
            out, err = proc.communicate()
            if proc.returncode:
                side_errors.append(err.strip() or out.strip())
            elif proc.args[1] == str(READER):
                told = json.loads(out)
                side_errors += told["errors"]
                for kind, values in told["latencies"].items():
                    reads[kind] += values
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        store = Store(db)
        kept = all(
            sorted((s.start, s.end, s.label) for s in store.spans(int(aid), r["annotator"]))
            == [tuple(x) for x in acknowledged]
            for r in results for aid, acknowledged in r["final"].items())
        store.close()
        with sqlite3.connect(db) as conn:
            ok = conn.execute("pragma integrity_check").fetchone()[0]
    latencies = [x for r in results for x in r["latencies"]]
    return {
        "annotators": annotators, "actions": sum(len(r["latencies"]) for r in results),
        "errors": sum(len(r["errors"]) for r in results) + len(side_errors),
        "p50_ms": 1000 * statistics.median(latencies), "p99_ms": 1000 * percentile(latencies, 99),
        "max_ms": 1000 * max(latencies), "kept": kept, "integrity": ok, "wall_s": wall,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "reads": {kind: (len(v), 1000 * statistics.median(v), 1000 * percentile(v, 99))
                  for kind, v in reads.items() if v},
    }


def show(name: str, r: dict) -> None:
    print(f"  {name:<6} {r['annotators']:>2} annotators, {r['actions']:>5} actions: "
          f"p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  max {r['max_ms']:6.1f} ms  "
          f"errors {r['errors']}  acknowledged kept {r['kept']}  integrity {r['integrity']}  "
          f"wall {r['wall_s']:.1f} s  CPU {r['cpu_s']:.1f} s")
    for kind, (n, p50, p99) in r["reads"].items():
        print(f"         beside them, {n} {kind} reads: p50 {p50:.1f} ms  p99 {p99:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--actions", type=int, default=30, help="actions per annotator at 1/s")
    ap.add_argument("--annotators", type=int, default=16)
    ap.add_argument("--files", type=int, default=200, help="files the bulk ingest stores")
    args = ap.parse_args()
    print("commit latency through AnnotationSession (one action a second per annotator)")
    alone = run(1, args.actions, 0, rate=1.0)
    show("alone", alone)
    team = run(args.annotators, args.actions, args.files, rate=1.0)
    show("team", team)
    print(f"  ratio team ÷ alone: p50 {team['p50_ms'] / alone['p50_ms']:.2f}  "
          f"p99 {team['p99_ms'] / alone['p99_ms']:.2f} (goal: p99 ≤ 4)")
    step = run(args.annotators, args.actions, args.files, rate=1.0, in_step=True)
    show("step", step)
    print(f"  ratio in step ÷ alone: p50 {step['p50_ms'] / alone['p50_ms']:.2f}  "
          f"p99 {step['p99_ms'] / alone['p99_ms']:.2f} (the worst case: every annotator's key "
          "at the same moment, every second)")
    readers = run(args.annotators, args.actions, args.files, rate=1.0, readers=2)
    show("reads", readers)
    print(f"  ratio with curators reading ÷ alone: p50 {readers['p50_ms'] / alone['p50_ms']:.2f}  "
          f"p99 {readers['p99_ms'] / alone['p99_ms']:.2f} (two curators computing agreement over "
          "300 finished pairs and 20 curation plans every quarter second, beside the team)")
    load = run(8, 200, args.files, rate=None, export=True)
    show("load", load)
    bad = [r for r in (alone, team, step, readers, load)
           if r["errors"] or not r["kept"] or r["integrity"] != "ok"]
    print("errors: none" if not bad else f"PROBLEMS in {len(bad)} run(s)")


if __name__ == "__main__":
    main()
