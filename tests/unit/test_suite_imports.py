"""Test support is code too: no test imports another test module (issue 15).

What several tests share (fakes, factories, fixtures' helpers) lives in tests/support/, or
in a conftest as a fixture; a test module is for pytest to collect, never for another
module to import (importing one runs its module-level set-up twice and ties two tests'
edits together). This walks every module under tests/ with ast, relative imports and
imports inside functions included, and fails when

- any module imports a test module (``test_*.py``), or a conftest (fixtures reach a test
  through pytest, helpers through tests/support);
- a module of tests/support imports anything of tests/ outside tests/support.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(source: str, module: str, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """(line, module) for every module ``source`` imports, names resolved: for ``from a
    import b`` both ``a`` and ``a.b`` (b may be a module)."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def is_test_module(name: str) -> bool:
    last = name.rpartition(".")[2]
    return last.startswith("test_") or last == "conftest"


def problems(source: str, module: str, is_package: bool = False) -> list[str]:
    found = []
    for line, name in imported(source, module, is_package):
        if not name.startswith("tests."):
            continue
        if is_test_module(name):
            found.append(f"{line}: imports {name}, a test module")
        elif module.startswith("tests.support") and not name.startswith("tests.support"):
            found.append(f"{line}: support imports {name}, outside tests.support")
    return sorted(set(found))


def test_the_rule_sees_relative_nested_and_from_imports() -> None:
    source = (
        "from .test_scenarios import make_world\n"
        "from tests.unit.ocmf import test_parse\n"
        "from .conftest import Site\n"
        "from tests.support.trade.worlds import make_world\n"  # allowed
        "def f():\n"
        "    from ..ui import helpers\n"
    )
    assert problems(source, "tests.unit.trade.test_buyer") == [
        "1: imports tests.unit.trade.test_scenarios, a test module",
        "2: imports tests.unit.ocmf.test_parse, a test module",
        "3: imports tests.unit.trade.conftest, a test module",
    ]
    assert problems("from . import samples\n", "tests.support.ui", is_package=True) == []
    assert problems("from ...unit.ui import samples\n", "tests.support.ui.helpers") == [
        "1: support imports tests.unit.ui, outside tests.support",
        "1: support imports tests.unit.ui.samples, outside tests.support",
    ]


def test_no_module_under_tests_imports_a_test_module() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{problem}"
        for path in sorted(TESTS.rglob("*.py"))
        for problem in problems(path.read_text(), module_name(path), path.name == "__init__.py")
    ]
    assert found == [], "move what is shared to tests/support:\n" + "\n".join(found)
