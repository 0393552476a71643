"""Score the plain-text dump cleaner on the extraction benchmark's development set.

Each benchmark page is flattened to a whole-page text dump (boilerplate included) with
``html_text.extract_text(html, guess_layout=True)``, normalised like any other input, cleaned
with :func:`newsmark.clean.dump.clean_dump`, and scored with the benchmark's own ``score.py``
against its gold article bodies. The "keep everything" baseline (the dump itself) is scored too.

    .venv/bin/python bench/dump_cleaner.py            # F1 / P / R, cleaner vs keep-everything
    .venv/bin/python bench/dump_cleaner.py --keep DIR # also keep the predictions in DIR
    .venv/bin/python bench/dump_cleaner.py --refresh  # re-flatten the pages (cache is reused otherwise)

Flattened dumps are cached under ``/tmp/newsmark-bench-dumps`` (flattening is the slow part).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

from common import DEV, ROOT, score  # noqa: E402  (bench/ is on sys.path)

CACHE = Path(tempfile.gettempdir()) / "newsmark-bench-dumps"

sys.path.insert(0, str(ROOT))

from newsmark.clean.dump import clean_dump  # noqa: E402
from newsmark.text import normalize  # noqa: E402


def page_ids() -> list[str]:
    gold = json.loads((DEV / "ground-truth.json").read_text(encoding="utf8"))
    return sorted(gold)


def dump_text(page_id: str, refresh: bool = False) -> str:
    """The page flattened to text, from the cache when it is there."""
    cached = CACHE / f"{page_id}.txt"
    if cached.exists() and not refresh:
        return cached.read_text(encoding="utf8")
    import html_text  # only needed to (re)build the cache

    raw = gzip.decompress((DEV / "html" / f"{page_id}.html.gz").read_bytes())
    html = raw.decode("utf8", errors="replace")
    text = normalize(html_text.extract_text(html, guess_layout=True))
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(text, encoding="utf8")
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", type=Path, help="write the cleaner's predictions into this directory")
    ap.add_argument("--refresh", action="store_true", help="flatten the pages again instead of using the cache")
    args = ap.parse_args()

    ids = page_ids()
    dumps = {i: dump_text(i, args.refresh) for i in ids}

    with tempfile.TemporaryDirectory(prefix="newsmark-bench-") as tmp:
        pred_dir = args.keep or Path(tmp) / "cleaned"
        base_dir = Path(tmp) / "baseline"
        pred_dir.mkdir(parents=True, exist_ok=True)
        base_dir.mkdir()
        elapsed = 0.0
        for i, text in dumps.items():
            t0 = time.perf_counter()
            cleaned = clean_dump(text)
            elapsed += time.perf_counter() - t0
            (pred_dir / f"{i}.txt").write_text(cleaned.text, encoding="utf8")
            (base_dir / f"{i}.txt").write_text(text, encoding="utf8")
        ours, base = score(pred_dir), score(base_dir)

    def line(name: str, m: dict) -> str:
        return f"{name:<16} F1 {m['f1']:.3f}  P {m['precision']:.3f}  R {m['recall']:.3f}"

    print(f"{len(ids)} pages, clean_dump {1000 * elapsed / len(ids):.2f} ms/page")
    print(line("clean_dump", ours))
    print(line("keep-everything", base))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
