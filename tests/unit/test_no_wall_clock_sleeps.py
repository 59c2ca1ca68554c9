"""No unit test sleeps on the wall clock (issue 15).

The unit tier steps a virtual clock (tests/support/clock.py) instead: a test that sleeps
is slow, and flaky on a loaded machine, and says nothing about time that a virtual clock
would not say exactly. What truly needs wall time (real sockets, processes, threads) is
an integration test. This walks every module under tests/unit and fails on a call to
``time.sleep`` or ``asyncio.sleep`` with a non-zero literal argument (``asyncio.sleep(0)``
only yields to the event loop, and stays allowed).
"""

from __future__ import annotations

import ast
from pathlib import Path

UNIT = Path(__file__).resolve().parent

#: The modules whose ``sleep`` waits on the wall clock.
SLEEPING_MODULES = frozenset({"time", "asyncio"})


def _literal(node: ast.expr) -> float | None:
    """The number a literal argument stands for (``-1`` too); None if not a literal."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _literal(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        if isinstance(node.value, bool):
            return None
        return float(node.value)
    return None


def wall_clock_sleeps(source: str) -> list[tuple[int, str]]:
    """(line, call) of each ``time.sleep`` / ``asyncio.sleep`` with a non-zero literal,
    however the module imported them (``import time as t``, ``from asyncio import sleep``)."""
    tree = ast.parse(source)
    modules: dict[str, str] = {}  # local name -> sleeping module
    functions: dict[str, str] = {}  # local name -> "module.sleep"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in SLEEPING_MODULES:
                    modules[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module in SLEEPING_MODULES:
            for alias in node.names:
                if alias.name == "sleep":
                    functions[alias.asname or alias.name] = f"{node.module}.sleep"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func, name = node.func, None
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "sleep"
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        ):
            name = f"{modules[func.value.id]}.sleep"
        elif isinstance(func, ast.Name) and func.id in functions:
            name = functions[func.id]
        if name is None:
            continue
        arguments = [*node.args, *(k.value for k in node.keywords if k.arg in ("secs", "delay"))]
        seconds = _literal(arguments[0]) if arguments else None
        if seconds is not None and seconds != 0:
            found.append((node.lineno, f"{name}({seconds:g})"))
    return found


def test_the_scan_finds_wall_clock_sleeps_however_imported() -> None:
    source = (
        "import asyncio\nimport time as t\nfrom asyncio import sleep as nap\n"
        "async def f(clock):\n"
        "    t.sleep(0.2)\n"
        "    await asyncio.sleep(delay=1)\n"
        "    await nap(-3)\n"
        "    await asyncio.sleep(0)\n"  # a yield to the loop: allowed
        "    await clock.sleep(5)\n"  # a virtual clock: allowed
        "    await asyncio.sleep(seconds)\n"  # not a literal: not this scan's business
    )
    assert wall_clock_sleeps(source) == [
        (5, "time.sleep(0.2)"),
        (6, "asyncio.sleep(1)"),
        (7, "asyncio.sleep(-3)"),
    ]


def test_no_unit_test_sleeps_on_the_wall_clock() -> None:
    found = [
        f"{path.relative_to(UNIT)}:{line}: {call}"
        for path in sorted(UNIT.rglob("*.py"))
        for line, call in wall_clock_sleeps(path.read_text())
    ]
    assert found == [], "step a VirtualClock (tests/support/clock.py) instead:\n" + "\n".join(found)
