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


def internal_modes(ap, child) -> bool:
    """The two hidden modes of a bench that measures fresh processes: ``--child ...`` (one
    measured run: ``child(*args)``) and ``--generate N DB`` (a synthetic database via
    ``storage._bulk``). Parses the arguments; True when one of them ran (the caller returns)."""
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return True
    if args.generate:
        sys.path.insert(0, str(ROOT))
        from storage._bulk import generate

        generate(args.generate[1], int(args.generate[0]))
        return True
    return False
