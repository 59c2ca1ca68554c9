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


# Protobuf stays at the edge (STYLE.md, rule 7): each generated package may be imported
# only by the modules listed here; everything else sees gridnode's own domain types.
PROTOBUF_BOUNDARIES: dict[str, set[str]] = {
    # LND's generated stubs: the adapter and its pb<->domain mapping, plus the regtest
    # harness, which drives LND directly to build the test network (mining, channels,
    # probes) and is not part of a running node.
    "gridnode.wallet.lnrpc": {
        "gridnode.wallet.lnd",
        "gridnode.wallet.lnd_mapping",
        "gridnode.wallet.lnrpc",
        "gridnode.regtest",
    },
    # Our trade protocol's generated messages: only the codec turns them into messages.
    "gridnode.trade.pb": {"gridnode.trade.codec", "gridnode.trade.pb"},
}


def _modules() -> list[tuple[str, Path]]:
    """Every module of the one namespace with its dotted name (``hardware/`` and ``ui/``
    under their mapped names)."""
    found: list[tuple[str, Path]] = []
    for name, folder in MAPPED.items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if name == "gridnode" and parts and parts[0] in {"hardware", "ui"}:
                continue
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            found.append((".".join([name, *parts, *(["__init__"] if is_package else [])]), path))
    return found


def _imported_modules(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of everything ``path`` imports, relative imports resolved;
    ``from a import b`` yields both ``a`` and ``a.b`` (``b`` may be a submodule)."""
    package = module.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_generated_protobuf_is_imported_only_at_its_edge() -> None:
    assert len(_modules()) > 50  # the walk found the package, not an empty folder
    offenders: dict[str, str] = {}  # one sentence per offending import statement
    for module, path in _modules():
        for line, imported in _imported_modules(module, path):
            for generated, allowed in PROTOBUF_BOUNDARIES.items():
                if _within(imported, generated) and not any(
                    _within(module, edge) for edge in allowed
                ):
                    offenders.setdefault(
                        f"{path.relative_to(ROOT)}:{line}",
                        f"imports {generated}; only {', '.join(sorted(allowed))} may "
                        "(convert to domain types at that edge instead)",
                    )
    assert not offenders, "\n".join(f"{where} {what}" for where, what in offenders.items())


def test_the_protobuf_boundary_check_sees_relative_and_from_imports(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from gridnode.trade import pb\nfrom ..wallet.lnrpc import lightning_pb2\n"
        "import gridnode.trade.pb.trade_pb2\n"
    )
    names = {name for _, name in _imported_modules("gridnode.node.m", source)}
    assert {"gridnode.trade.pb", "gridnode.wallet.lnrpc.lightning_pb2"} <= names
    assert "gridnode.trade.pb.trade_pb2" in names
