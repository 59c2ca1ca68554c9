"""The import contracts hold: what may import what (pyproject.toml, [tool.importlinter]),
checked by import-linter through scripts/lint_imports, here too so that pytest alone
fails on a broken contract. And the check is real: it reads hardware/ and ui/ under
their installed names, and every top-level part of the package has a layer."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "lint_imports"


def _lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=300, check=False
    )


def _config() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return dict(config["tool"]["importlinter"])


def test_every_import_contract_is_kept() -> None:
    contracts = _config()["contracts"]
    done = _lint()
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Contracts: {len(contracts)} kept, 0 broken." in done.stdout


def test_every_top_level_part_of_the_package_has_a_layer() -> None:
    (layers,) = [c for c in _config()["contracts"] if c["type"] == "layers"]
    placed = {
        name.strip() for layer in layers["layers"] for name in layer.replace(":", "|").split("|")
    }
    parts = {
        f"gridnode.{path.stem}"
        for path in (ROOT / "gridnode").iterdir()
        if not path.name.startswith(("_", ".")) and (path.suffix == ".py" or path.is_dir())
    } | {"gridnode.hardware", "gridnode.ui"}
    assert parts - placed == set(), "place these in the layers contract of pyproject.toml"
    assert placed - parts == set(), "the layers contract names parts that do not exist"


def test_the_check_reads_hardware_and_ui_under_their_installed_names(tmp_path: Path) -> None:
    """Contracts the code breaks on purpose are reported broken, with the import that
    breaks them: the linter sees the mapped folders, not only gridnode/."""
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["gridnode"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "the UI reads no status"\n'
        'type = "forbidden"\nsource_modules = ["gridnode.ui.sources"]\n'
        'forbidden_modules = ["gridnode.status.client"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "the meter reads no bus"\n'
        'type = "forbidden"\nsource_modules = ["gridnode.hardware.meter"]\n'
        'forbidden_modules = ["gridnode.hardware.bus"]\n'
    )
    done = _lint(str(config))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Contracts: 0 kept, 2 broken." in done.stdout
    assert "gridnode.ui.sources -> gridnode.status.client" in done.stdout
    assert "gridnode.hardware.meter -> gridnode.hardware.bus" in done.stdout
