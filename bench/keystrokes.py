"""Reader keystroke benchmark: does a keystroke cost more on a long article?

Drives the real TUI with Textual's Pilot (headless, 120x40) on a real SQLite file and times,
each over N repetitions, on a 2,000-character article and on a 50,000-character one:

(a) move the cursor one token (``right``);
(b) extend the selection one token (``shift+right``, the selection growing from the start);
(c) apply a label to the token under the cursor (``1``), which includes the session call on the
    TUI's store thread (the committed SQLite transaction, ``store.add_span``, and reading the
    spans back) and showing them in the view and the span panel.

Each repetition is timed from sending the key to the screen having been repainted
(``pilot.press`` and then ``pilot.pause``, which runs the pending screen update) in CPU time of
the process (``time.process_time``: the app, its worker threads and SQLite). Wall-clock time is
printed too, but Pilot waits for the process to go idle in steps of 20 ms sleeps, so wall time is
mostly those sleeps and hides the work; CPU time is the work itself. The sizes alternate over
``--rounds`` rounds (a fresh database and app each), so that load from other processes falls on
both alike. For (c), the share of the storage call itself is printed on its own line.

The articles are built by hand (news-like paragraphs with headings, list items and quotes) with
the same density of existing spans (``--spans-per-1k``, default 3 per 1,000 characters), so the
long article also has about 25 times as many spans. The report prints the median and mean
milliseconds per keystroke and the ratio long/short of the medians for each action; the target
is a CPU ratio <= 1.5 each.

    .venv/bin/python bench/keystrokes.py              # N = 200
    .venv/bin/python bench/keystrokes.py -n 500 --spans-per-1k 0
    .venv/bin/python bench/keystrokes.py --check      # exit 1 when a ratio is over 1.5

Not a timed test: numbers depend on the machine; only the ratios are meant to be compared.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsmark.model import Article  # noqa: E402
from newsmark.text import text_hash, tokenize  # noqa: E402
from storage.repo import Store  # noqa: E402

TARGET = 1.5
SIZES = (2_000, 50_000)
ANNOTATOR = "bench"
SIZE = (120, 40)
WARMUP = 10

PARAGRAPHS = [
    "Die Verhandlungen zwischen der Ukraine und Russland in Istanbul markieren einen weiteren "
    "Versuch, die anhaltenden Spannungen zwischen den beiden Ländern zu entschärfen. Präsident "
    "Wolodymyr Selenskyj sagte in Kyjiw, man sei zu einem Waffenstillstand bereit.",
    "Der türkische Außenminister Hakan Fidan eröffnete das Treffen im Dolmabahçe-Palast. Beide "
    "Seiten vereinbarten einen Austausch von Gefangenen; ein nächstes Treffen ist für Ende Juni "
    "geplant.",
    "- Die Vereinten Nationen begrüßten die Gespräche und boten ihre Vermittlung an.",
    "> „Wir brauchen eine dauerhafte Lösung“, sagte ein Sprecher des Auswärtigen Amtes in Berlin.",
    "Beobachter in Brüssel, Washington und Ankara verfolgten die Gespräche aufmerksam. Die "
    "Europäische Union kündigte weitere Hilfen an, die Nato beriet am Dienstag über die Lage.",
]


def make_text(size: int) -> str:
    parts: list[str] = []
    n = 0
    while sum(len(p) + 2 for p in parts) < size:
        if n % 8 == 0:
            parts.append(f"## Abschnitt {n // 8 + 1}")
        parts.append(PARAGRAPHS[n % len(PARAGRAPHS)])
        n += 1
    return "\n\n".join(parts)[:size].rsplit(" ", 1)[0] + "."


def build(db: Path, size: int, spans_per_1k: float) -> int:
    text = make_text(size)
    tokens = tokenize(text, "de")
    store = Store(db)
    try:
        article, _ = store.add_article(
            Article(text=text, text_hash=text_hash(text), tokens=tokens, title=f"{size} chars",
                    source="bench", language="de", ingested="2025-01-01T00:00:00.000+00:00")
        )
        words = [t for t in tokens if text[t.start : t.end].strip()]
        count = int(len(text) / 1000 * spans_per_1k)
        # Spans spread over the text, none in the first 2,000 characters (where (c) labels).
        late = [t for t in words if t.start > 2_000] or words
        step = max(1, len(late) // max(1, count))
        labels = ["PER", "ORG", "LOC", "MISC", "DATE"]
        for i, token in enumerate(late[::step][:count]):
            store.add_span(article.id, ANNOTATOR, token.start, token.end, labels[i % 5])
        return article.id
    finally:
        store.close()


async def timed(pilot, key: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) from sending ``key`` to the repainted screen."""
    cpu, wall = time.process_time(), time.perf_counter()
    await pilot.press(key)
    await pilot.app.calls.idle()  # the write has landed and its result is on screen
    await pilot.pause()
    return time.process_time() - cpu, time.perf_counter() - wall


async def measure(db: Path, article_id: int, n: int) -> dict[str, list[tuple[float, float]]]:
    from tui.app import NewsmarkApp
    from tui.screens import ReaderScreen

    store = Store(db)
    app = NewsmarkApp(store=store, annotator=ANNOTATOR)
    results: dict[str, list[tuple[float, float]]] = {"move": [], "extend": [], "label": [],
                                                     "add_span": []}
    writer = app.calls.writer  # the store thread's connection: where the label is written
    add_span = writer.add_span

    def timed_add_span(*args, **kwargs):
        """``store.add_span``, timed: the storage call's share of (c)."""
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return add_span(*args, **kwargs)
        finally:
            results["add_span"].append((time.process_time() - cpu, time.perf_counter() - wall))

    writer.add_span = timed_add_span  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.push_screen(ReaderScreen(article_id))
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            reader = app.screen
            assert isinstance(reader, ReaderScreen) and reader.article is not None
            view = reader.view

            for _ in range(WARMUP):
                await pilot.press("right", "shift+right", "left")
            # (a) move
            await pilot.press("home")
            for _ in range(n):
                results["move"].append(await timed(pilot, "right"))
            # (b) extend the selection
            await pilot.press("home")
            for _ in range(n):
                results["extend"].append(await timed(pilot, "shift+right"))
            await pilot.press("escape", "home")
            assert app.screen is reader
            # (c) label the token under the cursor, one new span each time
            for _ in range(n):
                await pilot.press("right")
                while view.span_at_cursor() is not None:
                    await pilot.press("right")
                await app.calls.idle()
                results["label"].append(await timed(pilot, "1"))
            assert len(view.spans) >= n, (len(view.spans), [m.message for m in app._notifications])
            assert len(results["add_span"]) == n
            results["ui"] = [(c - sc, w - sw) for (c, w), (sc, sw)
                             in zip(results["label"], results["add_span"])]
    finally:
        store.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="repetitions per action (200)")
    parser.add_argument("--spans-per-1k", type=float, default=3.0,
                        help="existing spans per 1,000 characters (3)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="alternating rounds per size, N/rounds repetitions each (4)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a ratio is over 1.5")
    args = parser.parse_args()

    per_size: dict[int, dict[str, list[tuple[float, float]]]] = {size: {} for size in SIZES}
    per_round = max(1, args.n // args.rounds)
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            # Alternate the sizes round by round, so that load from other processes on the
            # machine falls on both alike; a fresh database and app each time.
            for size in SIZES if round_ % 2 == 0 else SIZES[::-1]:
                db = Path(tmp) / f"{size}-{round_}.db"
                article_id = build(db, size, args.spans_per_1k)
                gc.collect()
                for action, times in asyncio.run(measure(db, article_id, per_round)).items():
                    per_size[size].setdefault(action, []).extend(times)

    short, long = SIZES
    n = per_round * args.rounds
    print(f"reader keystrokes, n={n} in {args.rounds} rounds, "
          f"{args.spans_per_1k:g} spans per 1,000 chars, "
          f"terminal {SIZE[0]}x{SIZE[1]}; milliseconds per keystroke (median / mean)")
    print(f"{'action':<28} {'2k CPU':>15} {'50k CPU':>15} {'ratio':>6}   "
          f"{'2k wall':>15} {'50k wall':>15} {'ratio':>6}")
    worst = 0.0

    def cell(values: list[float]) -> str:
        return f"{statistics.median(values) * 1e3:6.2f} / {statistics.mean(values) * 1e3:6.2f}"

    for action, what in (("move", "(a) move"), ("extend", "(b) extend"), ("label", "(c) label"),
                         ("add_span", "  of which store.add_span"),
                         ("ui", "  the rest (reader, render)")):
        row = []
        for k in (0, 1):  # CPU, wall
            a = [t[k] for t in per_size[short][action]]
            b = [t[k] for t in per_size[long][action]]
            ratio = statistics.median(b) / statistics.median(a)
            if k == 0 and not what.startswith(" "):
                worst = max(worst, ratio)
            row.append(f"{cell(a):>15} {cell(b):>15} {ratio:>6.2f}")
        print(f"{what:<28} " + "   ".join(row))
    print(f"target: every CPU ratio (50k/2k, medians) <= {TARGET}  ->  "
          f"{'met' if worst <= TARGET else 'MISSED'}")
    return 1 if args.check and worst > TARGET else 0


if __name__ == "__main__":
    raise SystemExit(main())
