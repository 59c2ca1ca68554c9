"""No import circle anywhere in the package (issue 15): the module import graph of the one
gridnode namespace, read from the source, has no cycle.

What counts as an import, and so as an edge of the graph:

- every ``import`` and ``from ... import`` statement of a module, wherever it stands: at the
  top, under ``if TYPE_CHECKING:`` (a type is a dependency too, and the cycle is there
  the day the import moves up) and inside a function (a deferred import hides a circle,
  it does not break it);
- ``from a.b import c`` is an edge to the module ``a.b.c`` when there is one, else to
  ``a.b``; relative imports are resolved;
- importing ``a.b.c`` from outside the package ``a.b`` also runs ``a/b/__init__.py``
  (Python imports the parents first), so it is an edge to ``a.b`` too. A module never
  gets that edge to a package it is inside: its own package has already started by the
  time it runs, and a package ``__init__`` that re-exports its submodules is not a
  circle by itself. It becomes one when a submodule imports the package back.

``hardware/`` and ``ui/`` are read as ``gridnode.hardware`` and ``gridnode.ui``, as they are
installed.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: folder -> the dotted name it is installed as (pyproject's package-dir)
NAMESPACE = {
    ROOT / "gridnode": "gridnode",
    ROOT / "hardware": "gridnode.hardware",
    ROOT / "ui": "gridnode.ui",
}


@dataclass(frozen=True)
class Edge:
    imported: str
    #: where the import statement is, for the message (``gridnode/node/effects.py:45``)
    where: str


def modules(namespace: Mapping[Path, str]) -> dict[str, tuple[Path, bool]]:
    """Every module by dotted name: its file and whether it is a package ``__init__``."""
    found: dict[str, tuple[Path, bool]] = {}
    for folder, name in namespace.items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            found[".".join([name, *parts])] = (path, is_package)
    return found


def _imported_names(module: str, is_package: bool, node: ast.AST) -> Iterable[tuple[str, bool]]:
    """(dotted name, is a from-import's ``base.name``) for one import statement."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, False
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            package = module if is_package else module.rpartition(".")[0]
            parts = package.split(".")
            base_parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join([*base_parts, *([node.module] if node.module else [])])
        else:
            base = node.module or ""
        yield base, False
        for alias in node.names:
            yield f"{base}.{alias.name}", True


def _parents_run(imported: str, importer: str) -> list[str]:
    """The packages whose ``__init__`` importing ``imported`` runs for ``importer``."""
    found = []
    parent = imported.rpartition(".")[0]
    while parent and not (importer == parent or importer.startswith(parent + ".")):
        found.append(parent)
        parent = parent.rpartition(".")[0]
    return found


def import_graph(namespace: Mapping[Path, str]) -> dict[str, dict[str, Edge]]:
    """module -> {imported module: the first statement that imports it}, within the
    namespace only."""
    known = modules(namespace)
    graph: dict[str, dict[str, Edge]] = {}
    for module, (path, is_package) in known.items():
        edges: dict[str, Edge] = {}
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{node.lineno}"
            for name, is_member in _imported_names(module, is_package, node):
                target = name
                if target not in known:
                    if is_member:
                        continue  # ``from a import b`` where b is a name, not a module
                    while target and target not in known:
                        target = target.rpartition(".")[0]
                    if not target:
                        continue  # outside the namespace
                for reached in (target, *_parents_run(target, module)):
                    if reached != module and reached in known:
                        edges.setdefault(reached, Edge(reached, where))
        graph[module] = edges
    return graph


def cycles(graph: Mapping[str, Mapping[str, Edge]]) -> list[list[str]]:
    """One cycle (a closed path of modules) per strongly connected group, found with
    Tarjan's algorithm (iteratively: the graph has hundreds of modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph.get(succ, {})))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return [_closed_path(graph, set(group), group[0]) for group in groups]


def _closed_path(graph: Mapping[str, Mapping[str, Edge]], group: set[str], start: str) -> list[str]:
    """The shortest path from ``start`` back to itself inside ``group``."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for succ in sorted(graph[node]):
                if succ not in group:
                    continue
                if succ == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if succ not in came_from:
                    came_from[succ] = node
                    following.append(succ)
        frontier = following
    raise AssertionError(f"{start} is in a cycle without a path back")  # pragma: no cover


def describe(graph: Mapping[str, Mapping[str, Edge]], cycle: list[str]) -> str:
    steps = [f"{a} -> {b} ({graph[a][b].where})" for a, b in itertools.pairwise(cycle)]
    return "import circle:\n    " + "\n    ".join(steps)


def test_the_package_has_no_import_circle() -> None:
    graph = import_graph(NAMESPACE)
    assert len(graph) > 200  # the walk found the package, hardware/ and ui/
    assert "gridnode.hardware.meter" in graph
    assert "gridnode.ui.app" in graph
    found = cycles(graph)
    assert not found, "\n".join(describe(graph, cycle) for cycle in found)


# -- the rule itself, on small packages --------------------------------------------------------


def _package(root: Path, files: Mapping[str, str]) -> dict[Path, str]:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return {root / "pkg": "pkg"}


def test_a_circle_under_type_checking_or_in_a_function_is_found(tmp_path: Path) -> None:
    graph = import_graph(
        _package(
            tmp_path,
            {
                "__init__.py": "",
                "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                "    from pkg.b import B\n",
                "b.py": "def f():\n    from . import a\n",
            },
        )
    )
    (cycle,) = cycles(graph)
    assert cycle in (["pkg.a", "pkg.b", "pkg.a"], ["pkg.b", "pkg.a", "pkg.b"])
    assert "pkg/a.py:3" in describe(graph, cycle)


def test_a_package_re_exporting_its_modules_is_no_circle_until_one_imports_it_back(
    tmp_path: Path,
) -> None:
    files = {
        "__init__.py": "",
        "sub/__init__.py": "from pkg.sub.x import X\n",
        "sub/x.py": "X = 1\n",
        "user.py": "from pkg.sub.x import X\n",  # runs pkg/sub/__init__.py too
    }
    graph = import_graph(_package(tmp_path, files))
    assert set(graph["pkg.user"]) == {"pkg.sub.x", "pkg.sub"}
    assert "pkg.sub" not in graph["pkg.sub.x"]  # its own package: no edge
    assert cycles(graph) == []
    files["sub/x.py"] = "from pkg.sub import helper\n"  # now it imports its package back
    (tmp_path / "pkg").rename(tmp_path / "old")
    assert cycles(import_graph(_package(tmp_path, files))) == [["pkg.sub", "pkg.sub.x", "pkg.sub"]]


def test_a_circle_through_a_package_init_is_found(tmp_path: Path) -> None:
    graph = import_graph(
        _package(
            tmp_path,
            {
                "__init__.py": "",
                "p/__init__.py": "from pkg.p.k import K\n",
                "p/k.py": "import pkg.x\nK = 1\n",
                "p/m.py": "M = 1\n",
                "x.py": "from pkg.p.m import M\n",  # runs p/__init__ -> p.k -> x
            },
        )
    )
    (cycle,) = cycles(graph)
    assert set(cycle) == {"pkg.p", "pkg.p.k", "pkg.x"}
