"""Library benchmark: time to first paint and time for a filter query at 100,000 vs 100 articles.

    .venv/bin/python bench/library.py [--keep DIR] [--repeat 5] [--large 100000] [--small 100]

Builds two databases with synthetic articles (Zipf-distributed vocabulary, 30 sources, three
languages, two years of dates, some statuses and spans; rows inserted in one transaction with
``insert_all``, the FTS index kept by its triggers), then runs the real ``NewsmarkApp`` headless
(Pilot, 120x40) on each and measures:

* first paint: from ``run_test`` until the library's list has painted its first rows;
* filter: from pressing enter on a query in the filter prompt until the list has painted the
  first rows of the new list (the count and the full id list arrive after that, in the
  background);
* scroll: ``end`` (a page fetched at the far end of the list), and two pages down and up again
  (as far as 100 articles allow), until painted.

Prints medians and the ratios large/small (the target is ≤ 1.5). Not a test: pytest does not run
it. ``--keep DIR`` keeps (and reuses) the databases.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.repo import Store  # noqa: E402

ANNOTATOR = "bench"
SIZE = (120, 40)
QUERIES = [
    ("key term", "source:zeit"),
    ("two keys", "lang:de status:todo"),
    ("dates", "after:2025-06-01 before:2025-07-01"),
    ("label", "label:PER"),
    ("word", "{word}"),  # a word of middling frequency (rank 300)
    ("phrase+key", '"{phrase}" lang:de'),
]
COMMON = ("common word", "{common}")  # rank 3: in most articles (the worst case, shown apart)

_SYLLABLES = ["ka", "to", "ri", "men", "sa", "lo", "ber", "un", "de", "zi", "pa", "gor", "ta",
              "ne", "vi", "stra", "ol", "ku", "ham", "es", "li", "mar", "no", "feu", "ach"]


def vocabulary(n: int = 5000) -> list[str]:
    rnd = random.Random(7)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < n:
        word = "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


WORDS = vocabulary()
WEIGHTS = [1 / (rank + 1) for rank in range(len(WORDS))]
SOURCES = ["zeit.de", "spiegel.de", "faz.net", "sueddeutsche.de", "tagesschau.de", "taz.de",
           "welt.de", "nzz.ch", "derstandard.at", "bbc.co.uk", "theguardian.com", "lemonde.fr",
           "liberation.fr", "reuters.com", "apnews.com", "dw.com", "handelsblatt.com", "heise.de",
           "golem.de", "ft.com", "nytimes.com", "washingtonpost.com", "lefigaro.fr", "rp-online.de",
           "ndr.de", "br.de", "wdr.de", "mdr.de", "swr.de", "orf.at"]


def build(path: Path, n: int, seed: int = 1) -> float:
    """A database of ``n`` synthetic articles at ``path``; seconds taken."""
    started = time.perf_counter()
    rnd = random.Random(seed)
    store = Store(path)
    try:
        rows = []
        for i in range(n):
            words = rnd.choices(WORDS, WEIGHTS, k=rnd.randint(60, 120))
            sentences, tokens, pos = [], [], 0
            for j in range(0, len(words), 12):
                sentence = " ".join(words[j : j + 12]).capitalize() + "."
                sentences.append(sentence)
            text = " ".join(sentences) + f" ({i})"
            for word in text.split(" "):
                tokens.append([pos, pos + len(word), 1])
                pos += len(word) + 1
            tokens[-1][2] = 0
            title = " ".join(rnd.choices(WORDS, WEIGHTS, k=rnd.randint(5, 10))).capitalize()
            day = f"{rnd.choice((2024, 2025))}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            rows.append({
                "url": f"https://example.org/{i}", "source": rnd.choice(SOURCES), "title": title,
                "published": day, "language": rnd.choice(("de", "de", "en", "fr")), "raw": b"",
                "text": text, "text_hash": hashlib.sha256(text.encode()).hexdigest(),
                "tokens": json.dumps(tokens, separators=(",", ":")), "origin": "file",
                "version": 1, "ingested": "2025-01-01T00:00:00.000+00:00", "sort_date": day,
            })
        with store.db.atomic():
            store.db["articles"].insert_all(rows, batch_size=2000)
            ids = [r[0] for r in store.db.execute("select id from articles").fetchall()]
            statuses, spans = [], []
            for article_id in ids:
                roll = rnd.random()
                if roll < 0.15:
                    status = "done" if roll < 0.10 else "skipped" if roll < 0.13 else "in_progress"
                    statuses.append({"article_id": article_id, "annotator": ANNOTATOR,
                                     "status": status, "updated": "2025-01-01"})
                if roll < 0.05:
                    for k, label in enumerate(rnd.sample(["PER", "ORG", "LOC", "MISC"], 2)):
                        spans.append({"article_id": article_id, "annotator": ANNOTATOR,
                                      "start": 0, "end": 2 + k, "label": label,
                                      "text_hash": "x", "origin": "manual",
                                      "created": "2025-01-01", "updated": "2025-01-01"})
            store.db["status"].insert_all(statuses, batch_size=2000)
            store.db["spans"].insert_all(spans, batch_size=2000)
        store.db.execute("analyze")
    finally:
        store.close()
    return time.perf_counter() - started


def query_text(template: str) -> str:
    return template.format(word=WORDS[300], phrase=f"{WORDS[20]} {WORDS[40]}", common=WORDS[3])


async def measure(db: Path, queries: list[tuple[str, str]]) -> dict[str, float]:
    from tui.app import NewsmarkApp
    from tui.screens import LibraryScreen
    from tui.widgets import ArticleList

    store = Store(db)
    out: dict[str, float] = {}
    try:
        app = NewsmarkApp(store=store, annotator=ANNOTATOR)
        started = time.perf_counter()
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, LibraryScreen)
            while screen.first_paint is None:
                await asyncio.sleep(0.0005)
            out["first paint"] = screen.first_paint - started
            article_list = screen.query_one(ArticleList)

            async def painted_after(generation: int) -> float:
                while screen.last_paint[0] <= generation:
                    await asyncio.sleep(0.0005)
                return screen.last_paint[1]

            async def until_loaded() -> None:
                await app.workers.wait_for_complete()
                await pilot.pause()

            await until_loaded()
            for name, template in queries:
                await pilot.press("slash")
                screen.filter_input.value = query_text(template)
                generation = article_list.generation
                t0 = time.perf_counter()
                await pilot.press("enter")
                out[f"filter: {name}"] = await painted_after(generation) - t0
                await until_loaded()
            await pilot.press("escape")  # back to the whole list
            await until_loaded()
            # scrolling: the far end, then pages
            t0 = time.perf_counter()
            await pilot.press("end")
            while article_list.current is None:
                await asyncio.sleep(0.0005)
            await pilot.pause()
            out["scroll: end"] = time.perf_counter() - t0
            await pilot.press("home")
            await until_loaded()
            t0 = time.perf_counter()
            for key in ("pagedown", "pagedown", "pageup", "pageup"):  # within the first 100 rows
                await pilot.press(key)
            while article_list.current is None:
                await asyncio.sleep(0.0005)
            await pilot.pause()
            out["scroll: 2 pages down, 2 up"] = time.perf_counter() - t0
            await until_loaded()
    finally:
        store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the databases in this directory")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=100)
    args = parser.parse_args()
    tmp = None
    folder = args.keep
    if folder is None:
        tmp = tempfile.TemporaryDirectory(prefix="newsmark-bench-")
        folder = Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    dbs = {}
    for n in (args.large, args.small):
        db = folder / f"library-{n}.db"
        if not db.exists():
            seconds = build(db, n)
            print(f"built {n:,} articles in {seconds:.1f} s ({db})")
        dbs[n] = db
    queries = QUERIES + [COMMON]
    print("queries:", "; ".join(f"{name} = {query_text(t)}" for name, t in queries))
    results: dict[int, dict[str, list[float]]] = {n: {} for n in dbs}
    for _ in range(args.repeat):
        for n, db in dbs.items():  # interleaved, so drift hits both alike
            for key, value in asyncio.run(measure(db, queries)).items():
                results[n].setdefault(key, []).append(value)
    large, small = args.large, args.small
    print(f"\nmedian of {args.repeat} runs (ms)      {small:>9,}  {large:>9,}   ratio")
    ratios = {}
    for key in results[large]:
        a = statistics.median(results[small][key]) * 1000
        b = statistics.median(results[large][key]) * 1000
        ratios[key] = b / a
        print(f"  {key:<30} {a:9.1f}  {b:9.1f}   {b / a:5.2f}")
    filters = [v for k, v in ratios.items() if k.startswith("filter:") and COMMON[0] not in k]
    print(f"\nfirst paint ratio: {ratios['first paint']:.2f} (target <= 1.5)")
    print(f"filter ratio (median over {len(filters)} queries): {statistics.median(filters):.2f} "
          f"(target <= 1.5); worst: {max(filters):.2f}; "
          f"common word (worst case): {ratios['filter: ' + COMMON[0]]:.2f}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
