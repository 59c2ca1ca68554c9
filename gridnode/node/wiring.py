"""What both daemons open at start-up, each failure a sentence: identity, ledger, wallet
(with the least-privilege check), hardware, and the trade engine's signer."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gridnode.errors import UsageError
from gridnode.hardware.config import HardwareConfig, parse_hardware, parse_relay
from gridnode.hardware.ports import HardwarePorts, open_hardware, open_relay
from gridnode.hardware.relay import FailSafeRelay
from gridnode.identity import NodeIdentity, load_identity
from gridnode.ledger import Ledger
from gridnode.node.settings import NodeSettings
from gridnode.trade.signing import P256Signer, P256Verifier
from gridnode.wallet import macaroon
from gridnode.wallet.lnd import LndWallet

log = logging.getLogger("gridnode.node")


def open_identity(settings: NodeSettings) -> tuple[NodeIdentity, P256Signer]:
    identity = load_identity(settings.identity_dir)
    return identity, P256Signer(identity.key)


def verifier_of(certificate: Any) -> P256Verifier:
    """The trade engine's verifier for a peer's pinned certificate."""
    from cryptography.hazmat.primitives import serialization

    der = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return P256Verifier(der)


async def open_wallet(settings: NodeSettings) -> LndWallet:
    """Connect to LND after checking the macaroon fits the role (least privilege)."""
    lnd = settings.lnd
    connection = lnd.connection()
    macaroon.check_role(
        macaroon.parse(connection.macaroon), settings.role, allow_excess=lnd.allow_broad_macaroon
    )
    wallet = LndWallet(connection)
    info = await wallet.wait_ready()
    log.info(
        "LND %s (%s) at %s, block %d",
        info.alias,
        info.pubkey[:16],
        lnd.host or "lndconnect",
        info.block_height,
    )
    return wallet


def open_ledger(settings: NodeSettings) -> Ledger:
    return Ledger.open(settings.ledger, settings.role)


def read_hardware(settings: NodeSettings) -> HardwareConfig:
    return parse_hardware(settings.hardware)


def require_watchdog(config: HardwareConfig) -> None:
    """A seller's relays hold their state when the process dies: the external watchdog
    is what drops them, so a seller does not start without one."""
    if config.watchdog.kind == "none":
        raise UsageError(
            'hardware.watchdog.kind is "none", but a seller needs the external watchdog: a '
            "relay keeps its state when the node is killed. Wire it (hardware/deploy/WIRING.md) "
            'and set kind = "gpio" with its pin, or "modbus" with its address and coil.'
        )


def open_node_hardware(config: HardwareConfig) -> HardwarePorts:
    return open_hardware(config)


def relay_for(ports: HardwarePorts, doc: Mapping[str, Any], where: str, name: str) -> FailSafeRelay:
    """A buyer slot's own relay, as its ``relay`` table says (gpio or a Modbus coil)."""
    return open_relay(parse_relay(doc, where), ports.bus, name=f"relay of {name}")


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
