"""Run time toward a daily need survives a restart of the agent (state_file)."""

from __future__ import annotations

from pathlib import Path

from gridnode.loads.decide import Core, LoadSpec
from gridnode.loads.needs_file import load_needs, save_needs
from gridnode.ratefeed.message import RateMessage

T0 = 1_767_225_600_000
HOUR = 3_600_000
BOILER = LoadSpec("boiler", need_ms=HOUR, on_below=100, off_above=200)


def _run(core: Core, start: int, minutes: int, rate: int) -> None:
    for m in range(minutes + 1):
        t = start + m * 60_000
        core.heard(RateMessage(m + 1, t, rate, "receiving", "s", None, ()), t)
        core.tick(t)


def test_round_trip_and_a_restart_keeps_the_run_time(tmp_path: Path) -> None:
    path = tmp_path / "needs.json"
    core = Core((BOILER,), silence_ms=30_000)
    _run(core, T0, 20, 50)  # cheap: it runs 20 minutes
    assert core.states["boiler"].run_ms == 20 * 60_000
    save_needs(path, core.needs())
    again = Core((BOILER,), silence_ms=30_000)
    again.restore_needs(load_needs(path), T0 + 21 * 60_000)
    assert again.states["boiler"].run_ms == 20 * 60_000
    assert again.states["boiler"].deadline_ms == T0 + 24 * HOUR


def test_a_past_or_implausible_deadline_is_not_restored(tmp_path: Path) -> None:
    core = Core((BOILER,), silence_ms=30_000)
    core.restore_needs({"boiler": (10, T0 - 1)}, T0)
    core.restore_needs({"boiler": (10, T0 + 30 * 24 * HOUR)}, T0)
    assert core.states["boiler"].run_ms == 0
    assert core.states["boiler"].deadline_ms is None


def test_an_unreadable_file_counts_from_zero(tmp_path: Path) -> None:
    path = tmp_path / "needs.json"
    assert load_needs(path) == {}
    path.write_text("{not json")
    assert load_needs(path) == {}
    path.write_text('{"boiler": {"run_ms": "x", "deadline_ms": 1}, "other": 3}')
    assert load_needs(path) == {}
