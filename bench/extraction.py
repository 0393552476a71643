"""HTML extraction benchmark: newsmark against trafilatura's default, on both development sets, in
one run.

The sets (see ``../shared/bench/README.md``):

- ``dev``: the 181 Scrapinghub pages, scored with the benchmark's shingle metric (gold bodies);
- ``dev2``: the 304 pages from trafilatura's evaluation set, scored with the snippet metric
  (``with`` snippets that must be kept, ``without`` ones that must not).

The systems, each given the page's bytes as read from the file:

- ``trafilatura``: ``trafilatura.extract(raw, include_comments=False)``, its default otherwise;
- ``newsmark``: what ``newsmark extract`` does with a file (``newsmark.ingest.clean_input``:
  decode, normalise, clean; no tokenizing), with the file's path as its address, as the CLI gives.

For each set and system it prints F1, precision and recall (from ``score.py --json``), the pages
that keep less than half of their gold (dev: per-page shingle recall < 0.5; dev2: fewer than half
of the page's ``with`` snippets found), and the CPU milliseconds per page (``time.process_time``
around each call, after a warm-up; pages alternate which system runs first).

    .venv/bin/python bench/extraction.py                    # both sets, both systems
    .venv/bin/python bench/extraction.py --sets dev2        # one set
    .venv/bin/python bench/extraction.py --systems newsmark # skip trafilatura (quick iterations)
    .venv/bin/python bench/extraction.py --keep DIR         # keep DIR/<set>/<system>/<id>.txt
    .venv/bin/python bench/extraction.py --losses           # list each system's lost pages
    .venv/bin/python bench/extraction.py --check            # exit 1 when a target is missed

Targets (issue 12): dev F1 >= 0.965; dev2 F1 >= 0.94 with no more lost pages than trafilatura;
newsmark's CPU per page <= 1.0x trafilatura's on the same pages (both sets together).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import BENCH, DEV, ROOT

sys.path.insert(0, str(ROOT))

import trafilatura

# decode + normalise + clean, no tokenizing, no page metadata: what ``newsmark extract`` does
from newsmark.ingest import IngestError, clean_input

DEV2 = BENCH / "extraction-dev2"
WARMUP_PAGES = 5
TARGETS = {"dev": 0.965, "dev2": 0.94}
TARGET_CPU_RATIO = 1.0

_spec = importlib.util.spec_from_file_location("bench_score", BENCH / "score.py")
SCORE = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(SCORE)


class Page:
    __slots__ = ("id", "path", "raw")

    def __init__(self, page_id: str, path: Path):
        self.id, self.path = page_id, path
        self.raw = gzip.decompress(path.read_bytes())


def load(name: str) -> list[Page]:
    if name == "dev":
        gold = json.loads((DEV / "ground-truth.json").read_text(encoding="utf8"))
        return [Page(i, DEV / "html" / f"{i}.html.gz") for i in sorted(gold)]
    evaldata = json.loads((DEV2 / "evaldata.json").read_text(encoding="utf8"))
    stems = sorted({Path(item["file"]).stem for item in evaldata.values()})
    return [Page(s, DEV2 / "html" / f"{s}.html.gz") for s in stems]


def run_trafilatura(page: Page) -> str:
    return trafilatura.extract(page.raw, include_comments=False) or ""


def run_newsmark(page: Page) -> str:
    try:
        return clean_input(page.raw, "html", url=str(page.path), metadata=False).text
    except IngestError:
        return ""


SYSTEMS = {"trafilatura": run_trafilatura, "newsmark": run_newsmark}


def run(pages: list[Page], systems: list[str], out: dict[str, Path]) -> dict[str, float]:
    """Extract every page with every system; returns CPU seconds per system."""
    for page in pages[:WARMUP_PAGES]:
        for name in systems:
            SYSTEMS[name](page)
    cpu = dict.fromkeys(systems, 0.0)
    for i, page in enumerate(pages):
        for name in systems if i % 2 == 0 else systems[::-1]:
            t0 = time.process_time()
            text = SYSTEMS[name](page)
            cpu[name] += time.process_time() - t0
            (out[name] / f"{page.id}.txt").write_text(text, encoding="utf8")
    return cpu


def score(name: str, pred: Path) -> dict:
    """The benchmark's own figures (score.py), plus the pages keeping less than half of their gold."""
    args = argparse.Namespace(pred=str(pred), pred_json=None, gold_dir=None, ngram=4, tokenizer="w",
                              n_bootstrap=0, gold_json=str(DEV / "ground-truth.json"),
                              evaldata=str(DEV2 / "evaldata.json") if name == "dev2" else None)
    m = SCORE.score_snippets(args) if name == "dev2" else SCORE.score_shingles(args)
    lost: list[str] = []
    if name == "dev2":
        for item in json.loads((DEV2 / "evaldata.json").read_text(encoding="utf8")).values():
            stem = Path(item["file"]).stem
            f = pred / f"{stem}.txt"
            text = SCORE._norm(f.read_text(encoding="utf8")) if f.exists() else ""
            found = sum(SCORE._norm(w) in text for w in item["with"])
            if item["with"] and found < len(item["with"]) / 2:
                lost.append(stem)
    else:
        gold = SCORE.load_gold(args)
        for page_id, body in gold.items():
            f = pred / f"{page_id}.txt"
            text = f.read_text(encoding="utf8") if f.exists() else ""
            tp, fp, fn = SCORE.tp_fp_fn(body, text, 4, "w")
            if tp + fn > 0 and SCORE._rec(tp, fp, fn) < 0.5:
                lost.append(page_id)
    m["lost"] = sorted(lost)
    return m


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", choices=["dev", "dev2"], default=["dev", "dev2"])
    ap.add_argument("--systems", nargs="+", choices=list(SYSTEMS), default=list(SYSTEMS))
    ap.add_argument("--keep", type=Path, help="keep the predictions in DIR/<set>/<system>")
    ap.add_argument("--losses", action="store_true", help="list the pages each system loses")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args()

    results: dict[tuple[str, str], dict] = {}
    with tempfile.TemporaryDirectory(prefix="newsmark-bench-") as tmp:
        for set_name in args.sets:
            pages = load(set_name)
            out = {name: Path(tmp) / set_name / name for name in args.systems}
            for d in out.values():
                d.mkdir(parents=True)
            cpu = run(pages, args.systems, out)
            for name in args.systems:
                m = score(set_name, out[name])
                m["cpu_ms"] = 1000 * cpu[name] / len(pages)
                m["pages"] = len(pages)
                results[set_name, name] = m
            if args.keep:
                shutil.copytree(Path(tmp) / set_name, args.keep / set_name, dirs_exist_ok=True)

    print(f"{'set':<5} {'system':<12} {'F1':>6} {'P':>6} {'R':>6} {'<half':>6} {'CPU ms/page':>12}")
    for (set_name, name), m in results.items():
        print(f"{set_name:<5} {name:<12} {m['f1']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} "
              f"{len(m['lost']):6d} {m['cpu_ms']:12.1f}")
    ok = True
    if "newsmark" in args.systems:
        for set_name in args.sets:
            nm = results[set_name, "newsmark"]
            good = nm["f1"] >= TARGETS[set_name]
            note = f"{set_name}: F1 {nm['f1']:.3f} >= {TARGETS[set_name]} {'ok' if good else 'MISSED'}"
            if set_name == "dev2" and "trafilatura" in args.systems:
                tr = results[set_name, "trafilatura"]
                fewer = len(nm["lost"]) <= len(tr["lost"])
                good &= fewer
                note += f"; pages under half {len(nm['lost'])} vs {len(tr['lost'])} {'ok' if fewer else 'MISSED'}"
            ok &= good
            print(note)
        if "trafilatura" in args.systems:
            total = {n: sum(results[s, n]["cpu_ms"] * results[s, n]["pages"] for s in args.sets)
                     for n in ("newsmark", "trafilatura")}
            ratio = total["newsmark"] / total["trafilatura"]
            ok &= ratio <= TARGET_CPU_RATIO
            print(f"CPU newsmark / trafilatura: {ratio:.2f} (<= {TARGET_CPU_RATIO} "
                  f"{'ok' if ratio <= TARGET_CPU_RATIO else 'MISSED'})")
    if args.losses:
        for (set_name, name), m in results.items():
            print(f"lost {set_name} {name}: {' '.join(m['lost'])}")
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
