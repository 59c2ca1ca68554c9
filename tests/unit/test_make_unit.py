"""`make unit` sets up only what the tiers below regtest need (issue 15): the virtual
environment and the system packages, never the Lightning daemons (a Go build of
minutes); `make test` still sets up everything."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def planned(target: str) -> list[str]:
    """The commands ``make target`` would run (a dry run: nothing is executed)."""
    make = shutil.which("make")
    assert make is not None, "make is not installed: the README's two commands need it"
    # not the MAKEFLAGS of a make that runs this test (make unit does)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    done = subprocess.run(
        [make, "--dry-run", "--always-make", "--no-print-directory", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def test_make_unit_sets_up_python_and_system_packages_only() -> None:
    setups = [c for c in planned("unit") if c.startswith("scripts/setup")]
    assert setups == ["scripts/setup --system", "scripts/setup --python"]
    assert planned("unit")[-1].endswith('-m pytest -m "not regtest" -n 2')


def test_make_test_still_sets_up_everything() -> None:
    assert "scripts/setup" in planned("test")  # no option: system, Python and daemons


def test_make_test_runs_every_tier() -> None:
    runs = [c for c in planned("test") if "-m pytest" in c]
    assert any('-m "not regtest"' in c for c in runs)
    assert any("-m regtest" in c for c in runs)
