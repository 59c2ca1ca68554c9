"""The peer link's part of ``gridnode.toml``: where to listen or connect, whom to pin.

The same layout as the node's settings (:mod:`gridnode.node.settings`, which reads the
whole file for the daemons); this reads only the link's keys and ignores the rest, for
tools and tests that need a link without a whole node. Every error names the field and
the fix (exit code 2). Certificate paths are relative to the file's folder
(docs/peer-link.md, section 2)::

    role = "seller"              # a seller
    listen = "0.0.0.0:7878"
    [[buyers]]
    name = "ben"
    fingerprint = "..."
    certificate = "peers/ben.crt"

    role = "buyer"               # a buyer
    [seller]
    address = "192.0.2.10:7878"
    fingerprint = "..."
    certificate = "peers/seller.crt"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridnode.errors import UsageError
from gridnode.identity import CONFIG_FILE, Role
from gridnode.peer.tls import PinnedPeer

DEFAULT_PORT = 7878


@dataclass(frozen=True)
class SellerPeerConfig:
    """A seller listens on ``host``:``port`` for the pinned ``buyers``."""

    host: str
    port: int
    buyers: tuple[PinnedPeer, ...]


@dataclass(frozen=True)
class BuyerPeerConfig:
    """A buyer connects to its one pinned ``seller`` at ``host``:``port``."""

    host: str
    port: int
    seller: PinnedPeer


def load_peer_config(directory: Path) -> SellerPeerConfig | BuyerPeerConfig:
    """Read ``gridnode.toml`` in ``directory`` and load the pinned certificates."""
    path = directory / CONFIG_FILE
    try:
        doc = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise UsageError(
            f"{path} does not exist: run `gridnode init --role seller|buyer --dir {directory}`."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path} is not valid TOML: {exc}.") from None
    return peer_config_from_dict(doc, directory, str(path))


def peer_config_from_dict(
    doc: dict[str, Any], base: Path, source: str = CONFIG_FILE
) -> SellerPeerConfig | BuyerPeerConfig:
    role_text = doc.get("role")
    try:
        role = Role(str(role_text))
    except ValueError:
        raise UsageError(
            f'role in {source} must be "seller" or "buyer", got {role_text!r}.'
        ) from None
    if role is Role.SELLER:
        host, port = parse_address(doc.get("listen", f"0.0.0.0:{DEFAULT_PORT}"), "listen")
        entries = doc.get("buyers", [])
        if not isinstance(entries, list):
            raise UsageError(f"buyers in {source} must be a list of [[buyers]] tables.")
        buyers = tuple(_pin(entry, f"buyers[{i}]", base, source) for i, entry in enumerate(entries))
        names = [b.name for b in buyers]
        fingerprints = [b.fingerprint for b in buyers]
        if len(set(names)) != len(names) or len(set(fingerprints)) != len(fingerprints):
            raise UsageError(
                f"buyers in {source} lists a name or fingerprint twice; each buyer "
                "needs its own name and its own key."
            )
        return SellerPeerConfig(host, port, buyers)
    seller = doc.get("seller")
    if not isinstance(seller, dict) or "address" not in seller:
        raise UsageError(
            f"seller.address is missing in {source}: fill in the [seller] table with the "
            "seller's address, fingerprint and certificate (docs/peer-link.md, section 2)."
        )
    host, port = parse_address(seller["address"], "seller.address")
    return BuyerPeerConfig(host, port, _pin(seller, "seller", base, source, "seller"))


def parse_address(text: object, field: str) -> tuple[str, int]:
    """``host:port`` (IPv6 in brackets) to a pair, or a UsageError naming ``field``."""
    if not isinstance(text, str) or ":" not in text:
        raise UsageError(f'{field} must be "host:port", like "192.0.2.10:{DEFAULT_PORT}".')
    host, _, port_text = text.rpartition(":")
    host = host.strip("[]")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UsageError(f'{field} must be "host:port" with a port from 1 to 65535, got {text!r}.')
    return host, int(port_text)


def _pin(
    entry: object, field: str, base: Path, source: str, default_name: str | None = None
) -> PinnedPeer:
    if not isinstance(entry, dict):
        raise UsageError(f"{field} in {source} must be a table.")
    name = entry.get("name", default_name)
    for key, value in (("name", name), ("fingerprint", entry.get("fingerprint"))):
        if not isinstance(value, str) or not value:
            raise UsageError(f"{field}.{key} is missing in {source}.")
    cert = entry.get("certificate")
    if not isinstance(cert, str) or not cert:
        raise UsageError(
            f"{field}.certificate is missing in {source}: the path of the peer's node.crt."
        )
    assert isinstance(name, str)
    return PinnedPeer.from_files(name, entry["fingerprint"], base / cert)
