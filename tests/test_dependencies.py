"""Every third-party module the project imports comes from a distribution ``pyproject.toml``
declares (issue 13, item 9): a package that only arrives as someone else's dependency (rich
through textual, srsly and numpy through spaCy, lxml through trafilatura) can disappear with
that package's next release.

The imports are read with ``ast`` from every ``.py`` under ``newsmark/``, ``storage/`` and
``tui/`` (nothing is imported): top level, inside functions and under ``if TYPE_CHECKING:``
alike, since each names a module that must be there when that line runs or is type-checked.
A module maps to its distribution through ``importlib.metadata.packages_distributions()``.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib

from conftest import ROOT
from test_import_cycles import PACKAGES, project_modules


def imported_top_levels() -> dict[str, list[str]]:
    """Top-level module name -> the places (``file:line``) that import it, for every absolute
    import in the project's packages."""
    found: dict[str, list[str]] = {}
    for path in project_modules().values():
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(name.split(".")[0], []).append(where)
    return found


def declared_distributions() -> set[str]:
    """The normalised names of ``[project] dependencies``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return {_normalise(re.match(r"[A-Za-z0-9._-]+", dep).group(0))
            for dep in project["dependencies"]}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_third_party_import_is_a_declared_dependency():
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    distributions = importlib.metadata.packages_distributions()
    declared = declared_distributions()
    missing, unknown = [], []
    for module, places in sorted(imported_top_levels().items()):
        if module in stdlib or module in PACKAGES:
            continue
        dists = distributions.get(module)
        if not dists:
            unknown.append(f"{module} ({places[0]})")
        elif not any(_normalise(d) in declared for d in dists):
            missing.append(f"{module} from {'/'.join(dists)} ({places[0]})")
    assert not unknown, f"imported, but no installed distribution provides it: {unknown}"
    assert not missing, f"imported, but not declared in pyproject.toml dependencies: {missing}"


def test_the_walk_sees_what_the_issue_named():
    """The walk is not vacuous: it finds imports issue 13 found undeclared, function-level
    ones too (tui/cli/report.py imports rich inside a function)."""
    found = imported_top_levels()
    assert "lxml" in found and "click" in found
    assert any(place.startswith("tui/cli/report.py:") for place in found["rich"])
    assert _normalise("sqlite_utils") == "sqlite-utils"
    assert "sqlite-utils" in declared_distributions()
