"""The layers point one way, and the test run proves it (import-linter)."""

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_domain_never_imports_textual_or_sqlite_at_runtime():
    code = (
        "import sys, newsmark.ingest, newsmark.formats.prodigy, newsmark.config; "
        "bad = [m for m in ('textual', 'sqlite3', 'sqlite_utils', 'storage', 'tui') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
