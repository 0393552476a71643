"""Library benchmark: first paint and filters at 100,000 vs 100 articles, CPU and wall time.

    .venv/bin/python bench/library.py [--keep DIR] [--repeat 5] [--large 100000] [--small 100]

Builds two databases with synthetic articles (Zipf-distributed vocabulary, 30 sites reached as
pages and as feeds, so an article's source is its host or a feed's name, three languages, two
years of dates, 2% undated, 3% with an earlier version of the same address, some statuses and
spans; rows inserted in one transaction with ``insert_all``, the FTS index kept by its triggers),
then runs the real ``NewsmarkApp`` headless (Pilot, 120x40) on each and measures, as wall time
(``perf_counter``) and as CPU time of the process (``process_time``: every thread, the reads'
included):

* first paint: from ``run_test`` until the library's list has painted its first rows;
* filter, rows: from pressing enter on a query in the filter prompt until the list has painted
  the first rows of the new list;
* filter, settled: from the same enter until everything the filter started is done: the count,
  the ids of the whole list (the reader's ``]`` and ``[``), the pages on screen;
* scroll: ``end`` (a page fetched at the far end of the list), and two pages down and up again
  (as far as 100 articles allow), until painted.

A warm-up run (imports, caches) comes first and is not counted; the two sizes alternate, so drift
hits both alike. Prints medians and the ratios large/small for both clocks; the targets (issue 11)
are CPU ratios: first paint <= 1.5, filter median <= 1.5, one common word <= 2. Not a test: pytest
does not run it. ``--keep DIR`` keeps (and reuses) the databases.
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
SITES = ["zeit.de", "spiegel.de", "faz.net", "sueddeutsche.de", "tagesschau.de", "taz.de",
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
        rows: list[dict] = []
        superseded: set[int] = set()
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
            site = rnd.choice(SITES)
            ingested = f"2025-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T08:00:00.000+00:00"
            published = None if rnd.random() < 0.02 else day
            # a page fetched by its URL has its host as source; a feed's articles its name
            feed = rnd.random() < 0.5
            row = {
                "url": f"https://www.{site}/artikel/{i}", "host": site,
                "source": site.split(".")[0].upper() + " feed" if feed else f"www.{site}",
                "title": title, "published": published,
                "language": rnd.choice(("de", "de", "en", "fr")), "raw": b"",
                "text": text, "text_hash": hashlib.sha256(text.encode()).hexdigest(),
                "tokens": json.dumps(tokens, separators=(",", ":")),
                "origin": "feed" if feed else "page", "version": 1, "parent_id": None,
                "ingested": ingested, "sort_date": published,
            }
            if rows and rnd.random() < 0.03:  # a new version of a recent address
                k = rnd.randrange(max(0, len(rows) - 50), len(rows))
                if k not in superseded:
                    superseded.add(k)
                    older = rows[k]  # row k gets id k + 1 (a new database)
                    row.update(url=older["url"], source=older["source"],
                               version=older["version"] + 1, parent_id=k + 1)
            rows.append(row)
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


class Clock:
    """Wall and CPU time since it was made."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def since(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


async def measure(db: Path, queries: list[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """{what: (wall seconds, CPU seconds)} for one run of the app on ``db``."""
    from tui.app import NewsmarkApp
    from tui.screens import LibraryScreen
    from tui.widgets import ArticleList

    store = Store(db)
    out: dict[str, tuple[float, float]] = {}
    try:
        app = NewsmarkApp(store=store, annotator=ANNOTATOR)
        clock = Clock()
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, LibraryScreen)
            # the list's Painted message carries both clocks, read when it was rendered; the
            # bench looks every 5 ms (a few wake-ups: their CPU is in the figures, alike for both)
            while screen.first_paint is None:
                await asyncio.sleep(0.005)
            out["first paint"] = (screen.last_paint[1] - clock.wall,
                                  screen.last_paint_cpu - clock.cpu)
            article_list = screen.query_one(ArticleList)

            async def painted_after(generation: int) -> tuple[float, float]:
                while screen.last_paint[0] <= generation:
                    await asyncio.sleep(0.005)
                return screen.last_paint[1], screen.last_paint_cpu

            async def settled() -> None:
                while any(w.is_running or w.state.name == "PENDING" for w in app.workers):
                    await app.workers.wait_for_complete()

            await settled()
            await pilot.pause()
            for name, template in queries:
                await pilot.press("slash")
                screen.filter_input.value = query_text(template)
                generation = article_list.generation
                clock = Clock()
                await pilot.press("enter")
                wall, cpu = await painted_after(generation)
                out[f"filter: {name}: rows"] = (wall - clock.wall, cpu - clock.cpu)
                await settled()
                out[f"filter: {name}: settled"] = clock.since()
                await pilot.pause()
            await pilot.press("escape")  # back to the whole list
            await settled()
            await pilot.pause()
            # scrolling: the far end, then pages
            clock = Clock()
            await pilot.press("end")
            while article_list.current is None:
                await asyncio.sleep(0.0005)
            await pilot.pause()
            out["scroll: end"] = clock.since()
            await pilot.press("home")
            await settled()
            await pilot.pause()
            clock = Clock()
            for key in ("pagedown", "pagedown", "pageup", "pageup"):  # within the first 100 rows
                await pilot.press(key)
            while article_list.current is None:
                await asyncio.sleep(0.0005)
            await pilot.pause()
            out["scroll: 2 pages down, 2 up"] = clock.since()
            await settled()
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
    asyncio.run(measure(dbs[args.small], queries))  # warm-up: imports, caches; not counted
    results: dict[int, dict[str, list[tuple[float, float]]]] = {n: {} for n in dbs}
    for _ in range(args.repeat):
        for n, db in dbs.items():  # interleaved, so drift hits both alike
            for key, value in asyncio.run(measure(db, queries)).items():
                results[n].setdefault(key, []).append(value)
    large, small = args.large, args.small
    print(f"\nmedian of {args.repeat} runs (ms)          wall {small:>7,} {large:>7,}  ratio"
          f"    CPU {small:>7,} {large:>7,}  ratio")
    ratios: dict[str, tuple[float, float]] = {}
    for key in results[large]:
        line = f"  {key:<34}"
        pair = []
        for clock in (0, 1):
            a = statistics.median(v[clock] for v in results[small][key]) * 1000
            b = statistics.median(v[clock] for v in results[large][key]) * 1000
            pair.append(b / a)
            line += f"      {a:7.1f} {b:7.1f}  {b / a:5.2f}"
        ratios[key] = (pair[0], pair[1])
        print(line)
    print()
    print(f"first paint ratio: CPU {ratios['first paint'][1]:.2f}, wall {ratios['first paint'][0]:.2f}"
          " (target: CPU <= 1.5)")
    for part in ("rows", "settled"):
        keys = [k for k in ratios if k.startswith("filter:") and k.endswith(part)
                and COMMON[0] not in k]
        common = ratios[f"filter: {COMMON[0]}: {part}"]
        for clock, clock_name in ((1, "CPU"), (0, "wall")):
            values = [ratios[k][clock] for k in keys]
            print(f"filter {part:<7} {clock_name:<4} median over {len(values)} queries "
                  f"{statistics.median(values):.2f} (target <= 1.5), worst {max(values):.2f}; "
                  f"common word {common[clock]:.2f} (target <= 2)")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
