"""Small modules (STYLE.md): no module of the hardware drivers or of OCMF reaches 400
lines; one that grows that long is split."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = [ROOT / "hardware", ROOT / "gridnode" / "ocmf"]
MODULES = sorted(path for folder in CHECKED for path in folder.rglob("*.py"))


def test_the_check_sees_the_modules() -> None:
    names = {path.name for path in MODULES}
    assert {"meter.py", "profile.py", "series.py", "parse.py", "check.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_stays_small(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines < 400, f"{path.relative_to(ROOT)} has {lines} lines; split it"
