"""What the benchmarks share: where ../shared is, and its scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BENCH = SHARED / "bench"
DEV = BENCH / "extraction-dev"


def score(pred_dir: Path) -> dict:
    """The benchmark's own score.py on a folder of ``<id>.txt`` predictions."""
    out = subprocess.run(
        [sys.executable, str(BENCH / "score.py"), str(pred_dir), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)
