"""The decoding core of gridnode.hardware is sans I/O (STYLE.md, rules 1 and 2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HARDWARE = Path(__file__).resolve().parents[3] / "hardware"
PURE = ["codec.py", "profile.py", "sample.py", "counters.py", "budget.py", "errors.py"]
IO = {"serial", "minimalmodbus", "gpiozero", "asyncio", "socket", "subprocess", "threading", "os"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_io(module: str) -> None:
    assert not _imports(HARDWARE / module) & IO


def test_every_module_stays_small() -> None:
    for path in HARDWARE.rglob("*.py"):
        lines = len(path.read_text().splitlines())
        assert lines < 400, f"{path.relative_to(HARDWARE)} has {lines} lines; split it"
