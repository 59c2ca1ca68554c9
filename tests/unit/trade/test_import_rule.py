"""The trade core is sans-I/O: no module in gridnode/trade imports an I/O library, and
only the codec package touches the generated protobuf code (STYLE.md rules 1, 2, 7)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TRADE = ROOT / "gridnode" / "trade"
IO_LIBRARIES = {
    "asyncio",
    "grpc",
    "minimalmodbus",
    "serial",
    "socket",
    "sqlite3",
    "ssl",
    "subprocess",
    "textual",
    "zmq",
    "selectors",
    "http",
    "urllib",
    "threading",
    "time",
}
# Within gridnode, the core may lean only on these pure modules.
ALLOWED_GRIDNODE = ("gridnode.money", "gridnode.errors", "gridnode.trade", "gridnode.ocmf")
CORE_MODULES = sorted(p for p in TRADE.rglob("*.py") if "pb" not in p.relative_to(TRADE).parts)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.relative_to(TRADE)))
def test_core_module_imports_no_io_library(path: Path) -> None:
    imported = _imports(path)
    bad = {name for name in imported if name.split(".")[0] in IO_LIBRARIES}
    assert not bad, f"{path.relative_to(ROOT)} imports I/O: {sorted(bad)}"
    foreign = {
        name
        for name in imported
        if name.startswith("gridnode") and not name.startswith(ALLOWED_GRIDNODE)
    }
    assert not foreign, f"{path.relative_to(ROOT)} imports non-core gridnode modules {foreign}"


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.relative_to(TRADE)))
def test_only_the_codec_imports_protobuf(path: Path) -> None:
    if "codec" in path.relative_to(TRADE).parts:
        return
    protobuf = {
        name
        for name in _imports(path)
        if name.split(".")[0] == "google" or name.startswith("gridnode.trade.pb")
    }
    assert not protobuf, f"{path.relative_to(ROOT)} imports protobuf: {sorted(protobuf)}"


def test_the_rule_sees_every_core_module() -> None:
    names = {p.name for p in CORE_MODULES}
    assert {"profiles.py", "evaluate.py", "messages.py", "__init__.py"} <= names


OCMF_MODULES = sorted((ROOT / "gridnode" / "ocmf").rglob("*.py"))


@pytest.mark.parametrize("path", OCMF_MODULES, ids=lambda p: p.name)
def test_the_ocmf_package_the_core_signs_with_is_sans_io_too(path: Path) -> None:
    imported = _imports(path)
    bad = {name for name in imported if name.split(".")[0] in IO_LIBRARIES}
    assert not bad, f"{path.relative_to(ROOT)} imports I/O: {sorted(bad)}"
