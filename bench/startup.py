"""Startup benchmark: newsmark's TUI until the library's first paint, against a minimal Textual
app (an ``App`` with one ``Static``) until its first paint, in the same run.

    .venv/bin/python bench/startup.py [--repeat 9] [--db PATH]

Each repetition starts both in fresh processes (interpreter, imports, app, first frame; headless,
120x40), alternating, and takes two times: the whole process (what a user waits for, from the
command to the first frame) and the part inside the process from the first import of Textual (the
interpreter's own start is the same for both). Prints the medians and their ratios (the target is
≤ 2). Without ``--db`` the database is the two seeds, ingested with the CLI into a temporary
directory. Not a test: pytest does not run it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWSMARK = Path(sys.executable).parent / "newsmark"

MINIMAL = """
import time
t0 = time.perf_counter()
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(self.done)

    def done(self):
        self.exit(time.perf_counter() - t0)

print(Minimal().run(headless=True, size=(120, 40)))
"""

NEWSMARK_APP = """
import time
t0 = time.perf_counter()
import tui.cli  # what the newsmark script imports first
from storage.repo import Store
from tui.app import NewsmarkApp
from tui.screens import LibraryScreen

# (no subclass: the app's CSS path is relative to its module)
def on_article_list_painted(self, event):
    self.app.call_after_refresh(lambda: self.app.exit(time.perf_counter() - t0))

LibraryScreen.on_article_list_painted = on_article_list_painted
store = Store(DB)
print(NewsmarkApp(store=store, annotator="bench").run(headless=True, size=(120, 40)))
store.close()
"""


def run(script: Path) -> tuple[float, float]:
    """(whole process, inside the process) in seconds."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    whole = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    inside = float(out.stdout.strip().splitlines()[-1])
    return whole, inside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--db", type=Path, help="database to open [default: the seeds]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsmark-startup-") as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "seeds.db"
            subprocess.run([str(NEWSMARK), "--db", str(db), "ingest", str(ROOT / "seeds")],
                           check=True, capture_output=True, timeout=300)
        scripts = {"minimal Textual app": Path(tmp) / "minimal.py",
                   "newsmark": Path(tmp) / "newsmark_app.py"}
        scripts["minimal Textual app"].write_text(MINIMAL)
        scripts["newsmark"].write_text(f"DB = {str(db)!r}\n" + NEWSMARK_APP)
        for script in scripts.values():  # warm the file cache once
            run(script)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in scripts}
        for _ in range(args.repeat):
            for name, script in scripts.items():
                times[name].append(run(script))
    print(f"median of {args.repeat} runs (ms)    whole process   from imports")
    medians = {}
    for name, values in times.items():
        whole = statistics.median(v[0] for v in values) * 1000
        inside = statistics.median(v[1] for v in values) * 1000
        medians[name] = (whole, inside)
        print(f"  {name:<24} {whole:13.1f}   {inside:12.1f}")
    (w0, i0), (w1, i1) = medians["minimal Textual app"], medians["newsmark"]
    print(f"\nratio newsmark / minimal: {w1 / w0:.2f} whole process, {i1 / i0:.2f} from imports "
          f"(target <= 2)")


if __name__ == "__main__":
    main()
