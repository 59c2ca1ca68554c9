"""Every `lncli bakemacaroon` line a person may copy (the README, the example
configurations `gridnode init` writes, the fix a refused macaroon's error prints) bakes
exactly what the node then accepts for its role: one permission more and the node
refuses the macaroon, one less and LND does. And each bakes it readable by the node's
user alone: lncli writes 0644 (cmd/commands/cmd_macaroon.go, ``os.WriteFile(savePath,
macBytes, 0644)``), so the line runs it under ``umask 077`` (a new file is 0600) and ends
with ``chmod 600`` (WriteFile keeps the mode of a file that was there)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gridnode.wallet.macaroon import BAKE_COMMANDS, ROLE_PERMISSIONS

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [ROOT / "README.md", *sorted((ROOT / "gridnode" / "config" / "examples").glob("*.toml"))]
#: Any bake line a person could copy, private or not.
ANY_BAKE = re.compile(r"lncli bakemacaroon --save_to")
#: A bake line that leaves the macaroon to the node's user alone.
BAKE = re.compile(
    r"\(umask 077; lncli bakemacaroon --save_to (seller|buyer)\.macaroon ([^)`\n]+)\)"
    r" && chmod 600 \1\.macaroon"
)


def _texts() -> list[tuple[str, str]]:
    texts = [(source.name, source.read_text()) for source in SOURCES]
    return texts + [(f"BAKE_COMMANDS[{r!r}]", line) for r, line in BAKE_COMMANDS.items()]


def _bakes() -> list[tuple[str, str, frozenset[str]]]:
    found = []
    for name, text in _texts():
        for role, permissions in BAKE.findall(text):
            found.append((name, role, frozenset(permissions.split())))
    return found


def test_both_roles_are_baked_in_the_readme_and_in_their_examples() -> None:
    places = {(name, role) for name, role, _ in _bakes()}
    assert {("README.md", "seller"), ("README.md", "buyer")} <= places
    assert {("seller.toml", "seller"), ("buyer.toml", "buyer")} <= places
    assert {("BAKE_COMMANDS['seller']", "seller"), ("BAKE_COMMANDS['buyer']", "buyer")} <= places


@pytest.mark.parametrize(("source", "role", "permissions"), _bakes())
def test_a_documented_bake_grants_exactly_the_roles_permissions(
    source: str, role: str, permissions: frozenset[str]
) -> None:
    assert permissions == ROLE_PERMISSIONS[role], (
        f"{source}: the {role} bake differs from gridnode.wallet.macaroon: "
        f"extra {sorted(permissions - ROLE_PERMISSIONS[role])}, "
        f"missing {sorted(ROLE_PERMISSIONS[role] - permissions)}"
    )


@pytest.mark.parametrize(("source", "text"), _texts(), ids=[name for name, _ in _texts()])
def test_every_documented_bake_leaves_the_macaroon_to_the_nodes_user(
    source: str, text: str
) -> None:
    assert len(ANY_BAKE.findall(text)) == len(BAKE.findall(text)), (
        f"{source}: a bake line leaves the macaroon readable by every user (lncli writes "
        "0644); write it as (umask 077; lncli bakemacaroon --save_to X.macaroon ...) && "
        "chmod 600 X.macaroon"
    )
