"""No import cycles between newsmark's modules.

Every ``.py`` under ``newsmark/``, ``storage/`` and ``tui/`` is read with ``ast`` (nothing is
imported) and each import of a project module becomes an edge: absolute and relative imports,
at the top or inside a function (a function-local import that dodges a cycle is still a cycle),
``from package import name`` pointing at the submodule when ``name`` is one. Imports under
``if TYPE_CHECKING:`` are left out: they never run. A cycle is reported with the modules on it
and the line of each import that closes it.
"""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

from conftest import ROOT

PACKAGES = ("newsmark", "storage", "tui")

# Cycles in tui/ that were there when this test came (issue 11) and that tui's owners are taking
# apart. Each must still be there (delete it here when it is gone); any other cycle fails.
ALLOWED: list[list[str]] = []


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Module name -> file, for every module of the project's packages."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_imports(tree: ast.AST):
    """Every ``Import``/``ImportFrom`` node that can run: anywhere, except in the body of an
    ``if TYPE_CHECKING:`` (its ``else:`` runs)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The project module ``import name`` loads last: ``name`` itself, else its longest prefix
    that is a module (``import storage.repo.x`` of a non-module ``x`` is an error anyway)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> dict[str, int]:
    """Project modules ``module`` imports at run time -> the line of the first such import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    found: dict[str, int] = {}

    def add(target: str | None, line: int) -> None:
        if target is not None:  # (a module importing itself is a cycle of one)
            found[target] = min(line, found.get(target, line))

    for node in _runtime_imports(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(_owner(alias.name, modules), node.lineno)
            continue
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            if node.level > 1:
                base = base[: len(base) - (node.level - 1)]
            base_name = ".".join(base + ([node.module] if node.module else []))
        else:
            base_name = node.module or ""
        for alias in node.names:
            submodule = f"{base_name}.{alias.name}"
            if submodule in modules:
                add(submodule, node.lineno)
            else:
                add(_owner(base_name, modules), node.lineno)
    return found


def import_graph(root: Path = ROOT) -> dict[str, dict[str, int]]:
    modules = project_modules(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with a cycle (Tarjan), each as a list of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0

    for start in sorted(graph):
        if start in index:
            continue
        # iterative Tarjan: (node, iterator over its successors)
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(sorted(graph[start])))]
        while work:
            node, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return found


def _one_cycle(component: list[str], graph: dict[str, dict[str, int]]) -> list[str]:
    """A shortest path from the component's first module back to itself, inside it."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node]):
            if nxt == start:
                return paths[node] + [start]
            if nxt in members and nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                queue.append(nxt)
    return component  # pragma: no cover - a component always has a cycle


def describe(component: list[str], graph: dict[str, dict[str, int]]) -> str:
    path = _one_cycle(component, graph)
    steps = [f"{a} (line {graph[a][b]}) -> {b}" for a, b in pairwise(path)]
    return f"{len(component)} modules: {', '.join(component)}\n    e.g. " + "\n         ".join(steps)


def test_no_import_cycles():
    graph = import_graph()
    found = [c for c in cycles(graph) if c not in ALLOWED]
    assert not found, "import cycles:\n  " + "\n  ".join(describe(c, graph) for c in found)


def test_allowed_cycles_are_still_there():
    found = cycles(import_graph())
    gone = [c for c in ALLOWED if c not in found]
    assert not gone, f"no longer a cycle, delete it from ALLOWED: {gone}"


def test_the_walk_sees_what_it_must(tmp_path):
    """Function-local and relative imports count, ``from package import submodule`` points at
    the submodule, and ``if TYPE_CHECKING:`` imports do not count."""
    pkg = tmp_path / "storage"
    (pkg / "sub").mkdir(parents=True)
    (tmp_path / "newsmark").mkdir()
    (tmp_path / "tui").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def f():\n    from .sub import c\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "c.py").write_text("from ..a import x\n")
    (pkg / "d.py").write_text("from typing import TYPE_CHECKING\n"
                              "if TYPE_CHECKING:\n    from storage import e\n"
                              "else:\n    import os\n")
    (pkg / "e.py").write_text("import storage.d\n")
    graph = import_graph(tmp_path)
    assert graph["storage.a"] == {"storage.b": 1}
    assert graph["storage.b"] == {"storage.sub.c": 2}
    assert graph["storage.sub.c"] == {"storage.a": 1}
    assert graph["storage.d"] == {} and graph["storage.e"] == {"storage.d": 1}
    assert cycles(graph) == [["storage.a", "storage.b", "storage.sub.c"]]
    assert "storage.sub.c (line 1) -> storage.a" in describe(cycles(graph)[0], graph)
