"""Every `lncli bakemacaroon` line a person may copy (the README, the example
configurations `gridnode init` writes) bakes exactly what the node then accepts for its
role: one permission more and the node refuses the macaroon, one less and LND does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gridnode.wallet.macaroon import ROLE_PERMISSIONS

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [ROOT / "README.md", *sorted((ROOT / "gridnode" / "config" / "examples").glob("*.toml"))]
BAKE = re.compile(r"lncli bakemacaroon --save_to (seller|buyer)\.macaroon ([^`\n]+)")


def _bakes() -> list[tuple[str, str, frozenset[str]]]:
    found = []
    for source in SOURCES:
        for role, permissions in BAKE.findall(source.read_text()):
            found.append((source.name, role, frozenset(permissions.split())))
    return found


def test_both_roles_are_baked_in_the_readme_and_in_their_examples() -> None:
    places = {(name, role) for name, role, _ in _bakes()}
    assert {("README.md", "seller"), ("README.md", "buyer")} <= places
    assert {("seller.toml", "seller"), ("buyer.toml", "buyer")} <= places


@pytest.mark.parametrize(("source", "role", "permissions"), _bakes())
def test_a_documented_bake_grants_exactly_the_roles_permissions(
    source: str, role: str, permissions: frozenset[str]
) -> None:
    assert permissions == ROLE_PERMISSIONS[role], (
        f"{source}: the {role} bake differs from gridnode.wallet.macaroon: "
        f"extra {sorted(permissions - ROLE_PERMISSIONS[role])}, "
        f"missing {sorted(ROLE_PERMISSIONS[role] - permissions)}"
    )
