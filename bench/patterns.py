"""Phrase patterns at gazetteer size: spaCy's ``PhraseMatcher`` against the Aho-Corasick
automaton (``pyahocorasick``) that ``newsmark.suggest.patterns`` uses from ``AHO_MIN`` phrases on.

The article: the seed articles repeated to 50,000 characters, tokenized as ingest does. The
patterns: 10,000 phrases, a tenth of them one to three tokens taken from the article (so they
match, many times), the rest made-up names of one to three words (``Name1234 Nachname567``).
Both matchers get the same tokenized phrases (tokenizing them is the same work either way and
is timed apart); built once each (the build is what opening the first article pays), then each
matches the article ``--rounds`` times (the median is printed: what opening each article pays).
The two give the same matches (checked here, and in tests/test_patterns.py). Not a timed test:
it prints figures.

    .venv/bin/python bench/patterns.py [--patterns 10000] [--chars 50000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    import sys

    sys.path.insert(0, str(ROOT))
    from newsmark.ingest import article_from_file
    from newsmark.model import Article
    from newsmark.suggest import patterns as pm
    from newsmark.text import _tokenizer, text_hash, tokenize

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patterns", type=int, default=10_000)
    ap.add_argument("--chars", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()

    seeds = [article_from_file(p).text for p in sorted((ROOT / "seeds").glob("*.txt"))]
    text = ""
    while len(text) < args.chars:
        text += "\n\n".join(seeds) + "\n\n"
    text = text[:args.chars]
    article = Article(text, text_hash(text), tokenize(text, "de"), language="de")
    words = [text[t.start:t.end] for t in article.tokens]
    spaces = [t.ws for t in article.tokens]
    rng = random.Random(15)
    labels = ["PER", "ORG", "LOC", "MISC"]
    real = [i for i, w in enumerate(words) if w.strip() and w[0].isalpha()]
    phrases: list[tuple[str, str]] = []
    for n in range(args.patterns):
        if n % 10 == 0:
            i, k = rng.choice(real), rng.randint(1, 3)
            phrase = text[article.tokens[i].start:article.tokens[min(i + k, len(words)) - 1].end]
        else:
            phrase = " ".join(f"{rng.choice(['Name', 'Ort', 'Firma'])}{rng.randint(0, 99999)}"
                              for _ in range(rng.randint(1, 3)))
        phrases.append((rng.choice(labels), phrase))
    compiled = pm._Compiled(phrases, [], "ORTH", {})
    _tokenizer("de")  # (spaCy's start-up is not the matchers')
    print(f"{len(phrases):,} phrase patterns, an article of {len(text):,} characters "
          f"({len(words):,} tokens)")
    t0 = time.perf_counter()
    base = pm._Matchers(compiled, "de", aho=False)  # tokenizes the phrases, builds nothing
    print(f"tokenizing the phrases (either way): {(time.perf_counter() - t0) * 1000:.1f} ms")
    results = {}
    for name in ("PhraseMatcher", "Aho-Corasick"):
        m = pm._Matchers.__new__(pm._Matchers)
        m.__dict__.update(vars(base)) if hasattr(base, "__dict__") else None
        m.vocab, m.attr, m.phrases, m.matcher = base.vocab, base.attr, base.phrases, None
        m._phrase, m.aho = None, None
        t0 = time.perf_counter()
        if name == "PhraseMatcher":
            m.phrase  # noqa: B018 - built when first asked
        else:
            m.aho = pm._automaton(m.phrases, False)
        build = time.perf_counter() - t0
        times = []
        for _ in range(args.rounds):
            s = time.perf_counter()
            found = m.matches(words, spaces)
            times.append(time.perf_counter() - s)
        results[name] = found
        print(f"{name:14} build {build * 1000:7.1f} ms   match {statistics.median(times) * 1000:6.2f}"
              f" ms (median of {args.rounds}, the Doc included where needed)   "
              f"{len(found):,} matches")
    same = results["PhraseMatcher"] == results["Aho-Corasick"]
    print(f"same matches: {same}")


if __name__ == "__main__":
    main()
