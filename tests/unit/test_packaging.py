"""The one gridnode namespace: every package folder is shipped and imports under its
installed name. (What may import what, the pure core's freedom from I/O libraries and
protobuf kept at its edge included, are the import contracts of pyproject.toml:
tests/unit/test_import_contracts.py.)"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAPPED = {
    "gridnode": ROOT / "gridnode",
    "gridnode.hardware": ROOT / "hardware",
    "gridnode.ui": ROOT / "ui",
}


def _package_folders() -> set[str]:
    found: set[str] = set()
    for name, folder in MAPPED.items():
        for init in folder.rglob("__init__.py"):
            rel = init.parent.relative_to(folder)
            parts = [p for p in rel.parts if p]
            if name == "gridnode" and parts and parts[0] in {"hardware", "ui"}:
                continue
            found.add(".".join([name, *parts]))
    return found


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    missing = _package_folders() - listed
    assert not missing, f"add these to [tool.setuptools] packages: {sorted(missing)}"


def test_mapped_namespaces_import() -> None:
    import gridnode.hardware
    import gridnode.ui

    assert Path(gridnode.hardware.__file__).parent == ROOT / "hardware"
    assert Path(gridnode.ui.__file__).parent == ROOT / "ui"
