"""The OCMF module is pure computation: a verifier on an auditor's laptop imports it
without pulling in the node's I/O (no gRPC, ZeroMQ, serial, SQLite, sockets, asyncio)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
OCMF = ROOT / "gridnode" / "ocmf"
FORBIDDEN = {
    "asyncio", "grpc", "serial", "socket", "sqlite3", "ssl", "subprocess", "textual", "zmq",
    "minimalmodbus", "selectors", "threading", "http", "urllib", "os", "time", "pathlib",
}  # fmt: skip
# Everything the module may import: the standard library's pure parts and cryptography.
ALLOWED_ROOTS = {
    "__future__", "base64", "binascii", "collections", "cryptography", "dataclasses",
    "datetime", "decimal", "enum", "hashlib", "itertools", "json", "re", "typing",
}  # fmt: skip
ALLOWED_GRIDNODE = ("gridnode.ocmf", "gridnode.errors")
MODULES = sorted(OCMF.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "gridnode":  # from gridnode import __version__
                names.update(f"gridnode.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            pytest.fail(f"{path.name} uses a relative import; import gridnode.ocmf.* by name")
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_no_io_library(path: Path) -> None:
    imported = _imports(path)
    bad = {name for name in imported if name.split(".")[0] in FORBIDDEN}
    assert not bad, f"{path.relative_to(ROOT)} imports I/O: {sorted(bad)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_only_the_allowed_list(path: Path) -> None:
    imported = _imports(path)
    foreign = {
        name
        for name in imported
        if name.split(".")[0] not in ALLOWED_ROOTS
        and not name.startswith(ALLOWED_GRIDNODE)
        and name != "gridnode.__version__"
    }
    assert not foreign, f"{path.relative_to(ROOT)} imports {sorted(foreign)}"


def test_the_rule_sees_every_module() -> None:
    names = {p.name for p in MODULES}
    assert {"__init__.py", "series.py", "parse.py", "check.py", "signing.py"} <= names


def test_modules_stay_small() -> None:
    for path in MODULES:
        lines = len(path.read_text().splitlines())
        assert lines < 400, f"{path.name} has {lines} lines; split it"
