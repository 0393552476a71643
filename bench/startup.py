"""Startup benchmark: newsmark's TUI until the library's first paint, against a minimal Textual
app (an ``App`` with one ``Static``) until its first paint, in the same run.

    .venv/bin/python bench/startup.py [--repeat 9] [--db PATH]

Each repetition starts both in fresh processes (interpreter, imports, app, first frame; headless,
120x40), alternating, and takes the whole process (what a user waits for, from the command to the
first frame: wall time, and the CPU time of the process from ``getrusage``) and the part inside
the process from the first import of Textual (wall and ``process_time``; the interpreter's own
start is the same for both). Prints the medians and their ratios; the target is CPU time ≤ 1.5×
(CPU does not count the time another process on a busy machine takes). Without ``--db`` the database is the two seeds, ingested with the CLI into a temporary
directory. Not a test: pytest does not run it.
"""

from __future__ import annotations

import argparse
import resource
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
t0, c0 = time.perf_counter(), time.process_time()
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(self.done)

    def done(self):
        self.exit((time.perf_counter() - t0, time.process_time() - c0))

print(*Minimal().run(headless=True, size=(120, 40)))
"""

NEWSMARK_APP = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import tui.cli  # what the newsmark script imports first
import tui.cli.tui  # the command it runs
from storage.repo import Store
from tui.app import NewsmarkApp
from tui.screens import LibraryScreen

# (no subclass: the app's CSS path is relative to its module)
def on_article_list_painted(self, event):
    self.app.call_after_refresh(lambda: self.app.exit((time.perf_counter() - t0,
                                                       time.process_time() - c0)))

LibraryScreen.on_article_list_painted = on_article_list_painted
store = Store(DB)
print(*NewsmarkApp(store=store, annotator="bench").run(headless=True, size=(120, 40)))
store.close()
"""


def run(script: Path) -> tuple[float, float, float, float]:
    """(whole process wall, whole process CPU, inside wall, inside CPU) in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    whole = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    inside_wall, inside_cpu = map(float, out.stdout.strip().splitlines()[-1].split())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return whole, cpu, inside_wall, inside_cpu


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
        # A user's second start finds the modules' bytecode cached; this machine sets
        # PYTHONDONTWRITEBYTECODE, so Python never writes it: compile once (as `make` does), or
        # every start compiles newsmark's sources again (about 80 ms of CPU).
        subprocess.run([sys.executable, "-m", "compileall", "-q", "newsmark", "storage", "tui"],
                       cwd=ROOT, check=True, timeout=300)
        for script in scripts.values():  # warm the file cache once
            run(script)
        times: dict[str, list[tuple[float, ...]]] = {name: [] for name in scripts}
        for _ in range(args.repeat):
            for name, script in scripts.items():
                times[name].append(run(script))
    print(f"median of {args.repeat} runs (ms)   whole: wall    CPU    from imports: wall    CPU")
    medians = {}
    for name, values in times.items():
        medians[name] = [statistics.median(v[k] for v in values) * 1000 for k in range(4)]
        m = medians[name]
        print(f"  {name:<24} {m[0]:11.1f} {m[1]:7.1f} {m[2]:19.1f} {m[3]:7.1f}")
    base, ours = medians["minimal Textual app"], medians["newsmark"]
    ratio = [o / b for o, b in zip(ours, base)]
    print(f"\nratio newsmark / minimal: whole process {ratio[0]:.2f} wall, {ratio[1]:.2f} CPU; "
          f"from imports {ratio[2]:.2f} wall, {ratio[3]:.2f} CPU (target: CPU <= 1.5)")


if __name__ == "__main__":
    main()
