"""The one gridnode namespace: every package folder is shipped, and the pure core
imports no I/O library (STYLE.md, rule 1)."""

from __future__ import annotations

import ast
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


PURE_MODULES = [ROOT / "gridnode" / "money.py", ROOT / "gridnode" / "wallet" / "port.py"]
IO_LIBRARIES = {
    "grpc",
    "zmq",
    "serial",
    "textual",
    "sqlite3",
    "socket",
    "asyncio",
    "ssl",
    "minimalmodbus",
    "google",
    "subprocess",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_pure_modules_import_no_io_library() -> None:
    for path in PURE_MODULES:
        if path.exists():
            bad = _imports(path) & IO_LIBRARIES
            assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
