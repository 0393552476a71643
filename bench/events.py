"""Reader opening benchmark: does an article with many events and spans open slower?

Drives the real TUI with Textual's Pilot (headless, 120x40) on real SQLite files and times opening
the reader on the same ~40,000-character article annotated two ways:

* small: 10 spans and 2 events (3 arguments each);
* large: 1,000 spans and 200 events (4 arguments each, one in three with a warning).

One run starts a fresh app on the library, waits until it is idle, then pushes the reader and
measures the wall time from the push until the reader has painted the text, the span panel and
the events panel: the moment the last of the three first renders a line of the loaded article
(their ``render_line`` is wrapped to record it and to wake the benchmark, which waits without
polling: a ``pilot.pause`` loop would compete for the GIL with the thread that loads the article). CPU time of the process over the same interval
(the app, the loading worker thread and SQLite) is printed too. The sizes alternate run by run so
that load from other processes falls on both alike; the report prints the median and mean
milliseconds of ``--runs`` runs each and the ratio large/small of the medians. Target: <= 1.5.

    .venv/bin/python bench/events.py              # 15 runs each
    .venv/bin/python bench/events.py --runs 31 --check   # exit 1 when the ratio is over 1.5

Not a timed test: numbers depend on the machine; only the ratio is meant to be compared.
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
SIZE = (120, 40)
ANNOTATOR = "bench"
TEXT_CHARS = 40_000
SIZES = {"small": (10, 2, 3), "large": (1_000, 200, 4)}  # spans, events, arguments per event

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
    total = n = 0
    while total < size:
        if n % 8 == 0:
            parts.append(f"## Abschnitt {n // 8 + 1}")
        parts.append(PARAGRAPHS[n % len(PARAGRAPHS)])
        total += len(parts[-1]) + 2
        n += 1
    return "\n\n".join(parts)


def build(db: Path, spans: int, events: int, per_event: int) -> int:
    """The article with ``spans`` spans spread over its words and ``events`` events, each with
    ``per_event`` arguments on the spans after its trigger (every third one a Place filled with
    a PER span: a warning)."""
    text = make_text(TEXT_CHARS)
    tokens = tokenize(text, "de")
    store = Store(db)
    try:
        article, _ = store.add_article(
            Article(text=text, text_hash=text_hash(text), tokens=tokens, title="events bench",
                    source="bench", language="de", ingested="2025-01-01T00:00:00.000+00:00")
        )
        words = [t for t in tokens if text[t.start : t.end].strip().isalpha()]
        slots = spans + events
        step = max(1, len(words) // slots)
        chosen = words[::step][:slots]
        assert len(chosen) == slots, (len(words), slots)
        # every (spans / events)-th slot is a trigger, the rest are spans
        every = max(1, slots // max(1, events))
        labels = ["PER", "ORG", "LOC", "DATE", "MISC"]
        span_ids: list[int] = []
        triggers = []
        for i, token in enumerate(chosen):
            if len(triggers) < events and i % every == 0:
                triggers.append((token.start, token.end, len(span_ids)))
            else:
                span_ids.append(store.add_span(article.id, ANNOTATOR, token.start, token.end,
                                               labels[len(span_ids) % 5]).id)
        roles = ["Participant", "Participant", "Place", "Time", "Topic"]
        for k, (start, end, first) in enumerate(triggers):
            arguments = []
            for j in range(per_event):
                span_id = span_ids[(first + j) % len(span_ids)]
                role = "Place" if (k % 3 == 0 and j == 0) else roles[j % len(roles)]
                arguments.append((role, span_id))
            store.add_event(article.id, ANNOTATOR, "MEET", start, end, arguments,
                            {"modality": "planned"} if k % 2 else {})
        return article.id
    finally:
        store.close()


async def measure(db: Path, article_id: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) from pushing the reader to the three first paints."""
    from tui.app import NewsmarkApp
    from tui.screens import ReaderScreen
    from tui.widgets.document import DocumentView
    from tui.widgets.events_panel import EventList
    from tui.widgets.span_panel import SpanList

    painted: dict[str, float] = {}
    originals = {}
    done = asyncio.Event()

    def wrap(cls, name: str, ready) -> None:
        original = cls.render_line
        originals[cls] = original

        def render_line(self, y):
            strip = original(self, y)
            if name not in painted and ready(self):
                painted[name] = time.perf_counter()
                if len(painted) == 3:
                    done.set()
            return strip

        cls.render_line = render_line

    wrap(DocumentView, "text", lambda v: v.loaded and v.line_count > 0)
    wrap(SpanList, "spans", lambda w: bool(w._rows))
    wrap(EventList, "events", lambda w: bool(w.rows) and w._render_row is not None)
    store = Store(db)
    app = NewsmarkApp(store=store, annotator=ANNOTATOR)
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
            painted.clear()
            gc.collect()
            cpu, wall = time.process_time(), time.perf_counter()
            app.push_screen(ReaderScreen(article_id))
            # wait without polling: a Pilot pause loop would compete with the loading thread
            await asyncio.wait_for(done.wait(), timeout=30)
            cpu = time.process_time() - cpu
            assert len(painted) == 3, painted
            reader = app.screen
            assert isinstance(reader, ReaderScreen) and reader.article is not None
            return max(painted.values()) - wall, cpu
    finally:
        for cls, original in originals.items():
            cls.render_line = original
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per size (15)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the ratio is over 1.5")
    args = parser.parse_args()

    times: dict[str, list[tuple[float, float]]] = {name: [] for name in SIZES}
    with tempfile.TemporaryDirectory() as tmp:
        dbs = {}
        for name, (spans, events, per_event) in SIZES.items():
            db = Path(tmp) / f"{name}.db"
            dbs[name] = (db, build(db, spans, events, per_event))
        asyncio.run(measure(*dbs["small"]))  # warm up: imports, first CSS parse
        for run in range(args.runs):
            for name in (SIZES if run % 2 == 0 else list(SIZES)[::-1]):
                times[name].append(asyncio.run(measure(*dbs[name])))

    def cell(values: list[float]) -> str:
        return f"{statistics.median(values) * 1e3:7.1f} / {statistics.mean(values) * 1e3:7.1f}"

    print(f"reader open to first paint of text, span panel and events panel; "
          f"{args.runs} runs each, terminal {SIZE[0]}x{SIZE[1]}, a {TEXT_CHARS:,}-char article; "
          f"milliseconds (median / mean)")
    print(f"{'article':<36} {'wall':>17} {'CPU':>17}")
    for name, (spans, events, _) in SIZES.items():
        print(f"{f'{name}: {spans:,} spans, {events} events':<36} "
              f"{cell([t[0] for t in times[name]]):>17} {cell([t[1] for t in times[name]]):>17}")
    ratio = (statistics.median(t[0] for t in times["large"])
             / statistics.median(t[0] for t in times["small"]))
    cpu_ratio = (statistics.median(t[1] for t in times["large"])
                 / statistics.median(t[1] for t in times["small"]))
    print(f"ratio large/small (medians): wall {ratio:.2f}, CPU {cpu_ratio:.2f}  ->  "
          f"target wall <= {TARGET}: {'met' if ratio <= TARGET else 'MISSED'}")
    return 1 if args.check and ratio > TARGET else 0


if __name__ == "__main__":
    raise SystemExit(main())
