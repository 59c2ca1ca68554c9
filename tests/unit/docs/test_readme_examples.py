"""The README's examples are real: the loads.toml it shows loads as it stands."""

from __future__ import annotations

import re
from pathlib import Path

from gridnode.config.loads import load_loads_settings

ROOT = Path(__file__).resolve().parents[3]


def test_the_readme_loads_toml_is_a_valid_configuration(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```toml\n(.*?)```", readme, re.S)
    loads = [b for b in blocks if "[[loads]]" in b]
    assert len(loads) == 1, "the README shows one loads.toml"
    path = tmp_path / "loads.toml"
    path.write_text(loads[0])
    settings = load_loads_settings(path, env={})
    assert {load.spec.name for load in settings.loads} == {"water heater", "ev charger"}
