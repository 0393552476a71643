"""Suggestions benchmark (issue 15): keys per gold entity with and without suggestions, and the
article-open time with 10,000 patterns. Prints figures; not a timed test.

    .venv/bin/python bench/suggest.py                  # about 2-3 minutes
    .venv/bin/python bench/suggest.py --articles 400 --epochs 20 --max-seconds 300 --runs 15
    .venv/bin/python bench/suggest.py --skip-open      # only the keys

**The fixture** (``bench/suggest_fixture.py``, generated from ``--seed``, nothing stored):
``--articles`` (200) German news-like articles of 150 to 600 words, about one entity in ten
words, from gazetteers of PER, ORG, LOC and MISC names drawn with Zipf weights (so names repeat
within and across articles; a person is named in full first and mostly by surname after), in
template sentences with varied fillers and entity-free sentences between them; some strings are
entities in one place and not in another ("Welt", "Golf", "Grünen") or of another type ("Bayern"
and "Dortmund" are places, and clubs in sports sentences). The first 60% are "seen": their gold
makes the patterns file (every distinct entity string with its label, as a team would collect
them: a string seen with two labels gets two lines) and trains the model
(``newsmark.suggest.model.train``, ``--epochs``/``--max-seconds``); the last 40% are evaluated.

**The cost model** (the real reader's keys, ``tui/screens/reader_keys.py``,
``tui/widgets/document.py``): the text is laid out as the reader lays it out, with
``tui.widgets.document.wrap`` at the width and height of the reader's document view measured in
the real app at 120x40 (printed; 78x37 with the side panels). One key costs 1, a typed character
too. The cursor is on a word token; it moves by ←/→ (a word), ↑/↓ (a display line, to the word
nearest the goal column, which is kept across vertical moves as the reader keeps it; blank lines
are skipped), PgUp/PgDn (a screen less a line), Home/End, tab/⇧tab (the next/previous stored
span), or a find: ``/`` + a query + ⏎ selects the first match after the cursor (case-insensitive,
wrapping, widened to whole words; the prompt comes up holding the last query selected, so typing
replaces it) and ``n`` repeats the last query. Moving from the cursor to a target costs the
cheapest of: a breadth-first search over all the moving keys (exact: the reader's own rules for
where each key lands, re-implemented in ``bench/suggest_sim.py``); ``/`` + the shortest prefix of
the target word whose first match lands on it + ⏎; up to three ``n``. Labelling an n-word entity
costs: reaching its first word then n−1 ⇧→ (or its last word then n−1 ⇧←), or a find whose
match starts at its first word and reaches into it (a prefix of the entity's text: ``/Olaf S⏎``
selects both words) then ⇧→ for the words it does not cover, and one label key (1–4; on a stored
span a label key relabels it). ``x`` deletes the span under the cursor.

**Suggestions** (the reader's keys from ``tui/screens/suggestions_mode.py``): ``a`` accepts the
suggestion under the cursor, ``A`` accepts every visible suggestion of the article (the reader's
``A`` takes all of ``SuggestionsMode.visible``, not just the screen), ``P`` labels every other
occurrence of the span under the cursor as spans (one action). What is visible is what the
reader shows: ``newsmark.suggest.shown`` over the suggesters' suggestions and, with propagation,
the other occurrences of each stored span (``propagate``), recomputed after every change; a
stored span hides the suggestions it overlaps. Configurations: no suggestions (the reader before
issue 15: no suggester, no propagation); propagate (no suggester configured: ``P`` and the
propagated suggestions); patterns; patterns + propagate; model; model + patterns + propagate.

**The annotator** is an oracle that knows the gold annotation and goes through the article in
text order, doing the first thing left: a stored span that is not gold is relabelled (reach it,
a label key) when its extent is a gold entity's, else deleted (reach, ``x``); a gold entity not
stored yet is labelled by hand or, when a visible suggestion has exactly its extent, accepted
(reach, ``a``, and a label key when the suggestion's label is wrong), whichever costs fewer keys.
With propagation, after making a span it presses ``P`` when more of the span's other
occurrences are gold than not (the wrong ones are then fixed when reached). Three strategies, and
per article the cheapest counts (an annotator who sees the article picks one): one by one (wrong
suggestions ignored: a suggestion costs nothing until accepted); ``A`` on opening, then fix what
is wrong and add what is missing; ``A`` whenever more visible suggestions are right than wrong
plus one. Reported: keys per gold entity over the evaluated articles, the keys by kind, how
often each strategy won, and the suggestions' precision and recall (exact extent and label).

**Simplified**: the order is text order (not the shortest tour); a find's query is a prefix
typed from a word's start (not any substring); a find followed by arrow keys, and a move that
mixes finds with other keys, are not searched; ``P``'s choice is the count rule above, not a
look-ahead; the strategies are the three above, not every mix; the reader's scroll position is
followed by its rules (``_scroll_to_cursor``, a find's ``_bring_into_view``) but only matters
for PgUp/PgDn, which move the cursor, not the view; no nested entities; the article opens with
the cursor on its first word. The fixture's sentences come from about forty templates, so a
model learns their contexts (its dev scores are printed; common nouns fill entity slots now and
then so contexts alone do not decide): the model's figures are an upper bound, not what real
news gives; the patterns' figures depend on how often names repeat (86% of the evaluated
mentions' strings are in the seen part with the default seed).

**Open time**: a 50,000-character article (the fixture's evaluated articles joined) and a
generated gazetteer of 10,000 phrase patterns (every name of the fixture's gazetteers, so the
article's entities match; 2% capitalised words of the article, false positives as a real
gazetteer has; made-up people, places, companies and prizes for the rest). The real app
(``NewsmarkApp.run_test`` at 120x40, a real SQLite file), in a fresh process per configuration
and round (``--rounds``), with ``[suggest] patterns`` set and without: the article is opened in
the reader (``push_screen(ReaderScreen)``) once and then ``--runs`` times more (pop, push). The
app loads the patterns file (spaCy, the matcher) in a thread half a second after its first paint,
and the first open comes after that load (a person looks at the library first); before this, the
first open paid the load (about a second) itself. Measured from the push, in CPU (``process_time``: every
thread) and wall time: "text shown" (the document view has loaded the article and the screen has
been updated) and "settled" (the suggestion workers are done and their result is on screen:
with patterns, the suggestions are drawn). Medians and the ratios with/without; the goal is
≤ 1.5x.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SIZE = (120, 40)
ANNOTATOR = "bench"
GOAL_KEYS = 2.0
GOAL_OPEN = 1.5

MODES = [
    # (name, suggesters, propagation)
    ("no suggestions (the reader before issue 15)", (), False),
    ("propagate (P and propagated suggestions)", (), True),
    ("patterns", ("pattern",), False),
    ("patterns + propagate", ("pattern",), True),
    ("model", ("model",), False),
    ("model + patterns + propagate", ("model", "pattern"), True),
]
STRATEGIES = ("one by one", "A first", "A when ahead")


def _article(text: str, title: str = "article"):
    from newsmark.model import Article
    from newsmark.text import text_hash, tokenize

    return Article(text=text, text_hash=text_hash(text), tokens=tokenize(text, "de"), title=title,
                   source="bench", language="de", ingested="2026-12-02T00:00:00.000+00:00")


# --- the reader's view size -----------------------------------------------------------------------


async def _view_size() -> tuple[int, int]:
    from storage.repo import Store
    from tui.app import NewsmarkApp
    from tui.screens import ReaderScreen

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "view.db")
        try:
            stored, _ = store.add_article(_article("Wort " * 4000))
            app = NewsmarkApp(store=store, annotator=ANNOTATOR)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                app.push_screen(ReaderScreen(stored.id))
                for _ in range(3):
                    await pilot.pause()
                    await app.workers.wait_for_complete()
                region = app.screen.view.scrollable_content_region
                return region.width, region.height
        finally:
            store.close()


# --- keys per entity ------------------------------------------------------------------------------


def write_patterns(path: Path, gold_sets) -> int:
    """Every distinct (entity string, label) of the seen articles, one JSONL line each."""
    seen: dict[tuple[str, str], None] = {}
    for text, gold in gold_sets:
        for s, e, label in gold:
            seen.setdefault((text[s:e], label), None)
    with path.open("w", encoding="utf-8") as f:
        for text, label in seen:
            f.write(json.dumps({"label": label, "pattern": text}, ensure_ascii=False) + "\n")
    return len(seen)


def train_model(seen, out: Path, epochs: int, seconds: float, schema):
    from newsmark.suggest.model import TrainingDoc, train

    docs = [TrainingDoc(article, tuple(gold), "gold") for article, gold in seen]
    return train(docs, out, epochs=epochs, max_seconds=seconds, seed=0, schema=schema)


def quality(found: list, gold: list) -> tuple[int, int, int]:
    """(right, suggested, gold) by exact extent and label."""
    g = set(gold)
    return sum((s.start, s.end, s.label) in g for s in found), len(found), len(g)


def keys_per_entity(args, width: int, height: int) -> None:
    from suggest_fixture import articles
    from suggest_sim import Layout, annotate

    from newsmark.config import default_schema
    from newsmark.suggest import shown
    from newsmark.text import token_bounds

    schema = default_schema()
    started = time.perf_counter()
    fixture = articles(args.articles, args.seed)
    split = int(len(fixture) * 0.6)
    built = [(_article(text, f"a{i}"), gold) for i, (text, gold) in enumerate(fixture)]
    for article, gold in built:  # the gold is on token boundaries (else the fixture is wrong)
        for s, e, _ in gold:
            assert token_bounds(article.tokens, s, e) is not None, article.text[s:e]
    seen, evaluated = built[:split], built[split:]
    n_gold = sum(len(g) for _, g in evaluated)
    words = [len(a.text.split()) for a, _ in built]
    distinct = len({(a.text[s:e], lab) for a, g in built for s, e, lab in g})
    print(f"fixture: {len(built)} articles (seed {args.seed}), {min(words)}-{max(words)} words "
          f"(mean {statistics.mean(words):.0f}), {sum(len(g) for _, g in built):,} entities, "
          f"{distinct} distinct; seen {len(seen)} articles, evaluated {len(evaluated)} "
          f"({n_gold:,} entities); built in {time.perf_counter() - started:.1f} s")
    print(f"layout: the reader's document view at {SIZE[0]}x{SIZE[1]}: {width} columns x "
          f"{height} lines (measured in the app)")

    with tempfile.TemporaryDirectory() as tmp:
        suggestions: dict[str, list[list]] = {"pattern": [[] for _ in evaluated],
                                              "model": [[] for _ in evaluated]}
        patterns_file = Path(tmp) / "patterns.jsonl"
        count = write_patterns(patterns_file, [(a.text, g) for a, g in seen])
        from newsmark.suggest.patterns import PatternSuggester

        clock = time.perf_counter()
        suggester = PatternSuggester(patterns_file, schema)
        suggestions["pattern"] = [suggester.suggest(a) for a, _ in evaluated]
        print(f"patterns: {count} from the seen gold; matched in "
              f"{time.perf_counter() - clock:.1f} s")
        if not args.skip_model:
            from newsmark.suggest.model import ModelSuggester

            clock = time.perf_counter()
            result = train_model(seen, Path(tmp) / "model", args.epochs, args.max_seconds, schema)
            scores = result.scores
            print(f"model: trained on {result.train_docs} articles (dev {result.dev_docs}), "
                  f"{result.epochs} epochs in {result.seconds:.0f} s"
                  f"{' (stopped by the time limit)' if result.stopped_by_time else ''}; dev "
                  f"ents P/R/F {scores.get('ents_p', 0):.2f}/{scores.get('ents_r', 0):.2f}/"
                  f"{scores.get('ents_f', 0):.2f}")
            model = ModelSuggester(result.path, schema)
            suggestions["model"] = [model.suggest(a) for a, _ in evaluated]
            print(f"model: trained and applied in {time.perf_counter() - clock:.0f} s")

    for source in ("pattern", "model"):
        if source == "model" and args.skip_model:
            continue
        right = found = total = 0
        for (article, gold), raw in zip(evaluated, suggestions[source]):
            r, f, t = quality(shown(raw, [], schema), gold)
            right, found, total = right + r, found + f, total + t
        print(f"suggestions of {source} on the evaluated articles (as shown): {found:,}, "
              f"precision {right / max(1, found):.2f}, recall {right / max(1, total):.2f}")

    print(f"\nkeys per gold entity, {len(evaluated)} evaluated articles, {n_gold:,} entities "
          f"(goal with suggestions: <= {GOAL_KEYS:g})")
    print(f"  {'configuration':<46} {'keys':>7} {'/entity':>8}   strategy won (articles); "
          f"keys by kind")
    layouts = [Layout(a.text, a.tokens, width, height) for a, _ in evaluated]
    for name, sources, propagating in MODES:
        if "model" in sources and args.skip_model:
            continue
        clock = time.process_time()
        keys, wins, kinds = 0, Counter(), Counter()
        strategies = STRATEGIES if (sources or propagating) else STRATEGIES[:1]
        for i, ((article, gold), layout) in enumerate(zip(evaluated, layouts)):
            raw = [s for source in sources for s in suggestions[source][i]]
            strategy, state = annotate(layout, gold, schema, raw, propagating, strategies)
            keys += state.keys
            wins[strategy] += 1
            kinds.update(state.counts)
        won = ", ".join(f"{k} {v}" for k, v in wins.most_common())
        by_kind = ", ".join(f"{k} {v / n_gold:.2f}" for k, v in kinds.most_common())
        print(f"  {name:<46} {keys:>7,} {keys / n_gold:>8.2f}   {won}; {by_kind}"
              f"  [{time.process_time() - clock:.1f} s]")


# --- open time ------------------------------------------------------------------------------------


def gazetteer(n: int, text: str, tokens, seed: int = 15) -> list[tuple[str, str]]:
    """``n`` (phrase, label): every name of the fixture's gazetteers (so the article's entities
    match), capitalised words of ``text`` (2%: false positives, as a real gazetteer has), and
    made-up people, places, companies and prizes for the rest."""
    from suggest_fixture import (
        CLUBS,
        FIRST,
        LAST,
        MISCS,
        ORGS,
        PAPERS,
        PEOPLE,
        PLACES,
        gazetteers,
    )

    rnd = random.Random(seed)
    out: dict[str, str] = {}
    for label, names in (("PER", PEOPLE), ("ORG", ORGS + CLUBS + PAPERS), ("LOC", PLACES),
                         ("MISC", MISCS), *gazetteers(0).items()):
        for name in names:
            out.setdefault(name, label)
    for first in FIRST:
        for last in LAST:
            out.setdefault(f"{first} {last}", "PER")
    capitalised = sorted({text[t.start:t.end] for t in tokens
                          if text[t.start:t.start + 1].isupper() and t.end - t.start > 3})
    for word in rnd.sample(capitalised, min(len(capitalised), n // 50)):
        out.setdefault(word, rnd.choice(["PER", "ORG", "LOC", "MISC"]))
    syllables = ["ka", "ber", "lin", "dorf", "stein", "ha", "mel", "ro", "sen", "wald", "au",
                 "feld", "heim", "ko", "tra", "nu", "vi", "gor", "stadt", "bach"]
    kinds = [("LOC", "{}"), ("ORG", "{} Holding"), ("ORG", "{}-Werke"), ("PER", "{} {}"),
             ("MISC", "{}-Preis"), ("LOC", "Bad {}")]
    while len(out) < n:
        label, form = rnd.choice(kinds)
        names = ["".join(rnd.choice(syllables) for _ in range(rnd.randint(2, 4))).capitalize()
                 for _ in range(form.count("{}"))]
        out.setdefault(form.format(*names), label)
    return list(out.items())[:n]


def prepare_open(folder: Path, args) -> tuple[Path, Path, int]:
    """The database with the long article, and the patterns file."""
    from suggest_fixture import articles

    from storage.repo import Store

    fixture = articles(args.articles, args.seed)
    parts: list[str] = []
    for text, _ in fixture[int(len(fixture) * 0.6):]:
        for paragraph in text.split("\n\n"):
            if sum(len(p) + 2 for p in parts) + len(paragraph) > args.chars:
                break
            parts.append(paragraph)
    text = "\n\n".join(parts)
    article = _article(text, "long")
    patterns = folder / "gazetteer.jsonl"
    with patterns.open("w", encoding="utf-8") as f:
        for phrase, label in gazetteer(args.patterns, text, article.tokens):
            f.write(json.dumps({"label": label, "pattern": phrase}, ensure_ascii=False) + "\n")
    db = folder / "open.db"
    store = Store(db)
    try:
        store.add_article(article)
    finally:
        store.close()
    return db, patterns, len(text)


async def _open_runs(db: Path, patterns: str, runs: int) -> dict:
    from newsmark.config import Config
    from storage.repo import Store
    from tui.app import NewsmarkApp
    from tui.screens import ReaderScreen

    store = Store(db)
    article_id = store.db.execute("select max(id) from articles").fetchone()[0]
    settings = Config(patterns=Path(patterns)) if patterns else None
    out: dict = {"text": [], "settled": [], "shown": []}
    try:
        app = NewsmarkApp(store=store, annotator=ANNOTATOR, settings=settings)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            # the app loads a configured patterns file or model in a thread half a second after
            # its first paint (tui.app.WARM_SUGGESTERS_AFTER_S): the first open comes after that,
            # as a person's does (they read the library first)
            from tui.app import WARM_SUGGESTERS_AFTER_S

            await asyncio.sleep(WARM_SUGGESTERS_AFTER_S + 0.1)
            await app.workers.wait_for_complete()
            for _ in range(runs + 1):
                wall, cpu = time.perf_counter(), time.process_time()
                screen = ReaderScreen(article_id)
                app.push_screen(screen)
                while screen._view is None or not screen.view.loaded:
                    await asyncio.sleep(0.005)
                await pilot.pause()
                text = (time.perf_counter() - wall, time.process_time() - cpu)
                while True:  # the suggestion workers (raw, then shown) and their repaint
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                    if not any(w.is_running or w.state.name == "PENDING" for w in app.workers):
                        break
                settled = (time.perf_counter() - wall, time.process_time() - cpu)
                out["text"].append(text)
                out["settled"].append(settled)
                out["shown"].append(len(screen.view.suggestions))
                app.pop_screen()
                await pilot.pause()
                await app.workers.wait_for_complete()
    finally:
        store.close()
    return out


def child(db: str, patterns: str, runs: str) -> None:
    print(json.dumps(asyncio.run(_open_runs(Path(db), patterns, int(runs)))))


def open_time(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db, patterns, chars = prepare_open(Path(tmp), args)
        print(f"\nopen time: a {chars:,}-character article, {args.patterns:,} patterns "
              f"({patterns.stat().st_size / 1e6:.1f} MB JSONL), the app at {SIZE[0]}x{SIZE[1]}, "
              f"{args.rounds} rounds x (1 first open + {args.runs} opens) per configuration, "
              f"a fresh process each")
        results: dict[str, dict[str, list]] = {"without": {}, "with patterns": {}}
        for round_ in range(args.rounds):
            order = list(results) if round_ % 2 == 0 else list(results)[::-1]
            for name in order:
                cmd = [sys.executable, __file__, "--child", str(db),
                       str(patterns) if name != "without" else "", str(args.runs)]
                out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                got = json.loads(out.strip().splitlines()[-1])
                for key, values in got.items():
                    first, rest = values[0], values[1:]
                    results[name].setdefault(key + " first", []).append(first)
                    results[name].setdefault(key, []).extend(rest)
        shown_with = results["with patterns"]["shown"]
        shown_without = results["without"]["shown"]
        print(f"  suggestions drawn on opening: with patterns {statistics.median(shown_with):.0f}, "
              f"without {statistics.median(shown_without):.0f}")
        print(f"  {'ms, median':<34} {'CPU without':>11} {'with':>8} {'ratio':>6}   "
              f"{'wall without':>12} {'with':>8} {'ratio':>6}")
        for key, what in (("text", "open: text shown"), ("settled", "open: suggestions shown"),
                          ("text first", "first open: text shown"),
                          ("settled first", "first open: suggestions shown")):
            row = f"  {what:<34}"
            for k in (1, 0):
                a = statistics.median(v[k] for v in results["without"][key]) * 1e3
                b = statistics.median(v[k] for v in results["with patterns"][key]) * 1e3
                row += f" {a:>11.1f} {b:>8.1f} {b / a:>6.2f}  "
            print(row)
        print(f"  (n = {len(results['without']['text'])} opens, {len(results['without']['text first'])}"
              f" first opens each; goal: open with suggestions <= {GOAL_OPEN:g}x without)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=200, help="fixture articles (200)")
    ap.add_argument("--seed", type=int, default=0, help="the fixture's seed (0)")
    ap.add_argument("--epochs", type=int, default=10, help="training epochs (10)")
    ap.add_argument("--max-seconds", type=float, default=45.0,
                    help="training time limit, seconds (45)")
    ap.add_argument("--skip-model", action="store_true", help="no model (no training)")
    ap.add_argument("--skip-open", action="store_true", help="no open-time measurement")
    ap.add_argument("--skip-keys", action="store_true", help="no keys-per-entity simulation")
    ap.add_argument("--patterns", type=int, default=10_000, help="open time: patterns (10,000)")
    ap.add_argument("--chars", type=int, default=50_000, help="open time: article size (50,000)")
    ap.add_argument("--runs", type=int, default=5, help="open time: opens per process (5)")
    ap.add_argument("--rounds", type=int, default=2,
                    help="open time: fresh processes per configuration (2)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    started = time.perf_counter()
    if not args.skip_keys:
        width, height = asyncio.run(_view_size())
        keys_per_entity(args, width, height)
    if not args.skip_open:
        open_time(args)
    print(f"\n(bench/suggest.py took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
