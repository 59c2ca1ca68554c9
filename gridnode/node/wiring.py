"""What both daemons open at start-up, each failure a sentence: identity, ledger, wallet,
hardware, and the trade engine's signer. Everything that needs no network (the
hardware's safety and freshness, the macaroon's least privilege, the pinned
certificates) was checked when the settings were loaded (gridnode.config)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from gridnode.clock import SYSTEM_CLOCK, Clock
from gridnode.config.settings import AnySettings
from gridnode.hardware.config import HardwareConfig, RelayConfig
from gridnode.hardware.ports import HardwarePorts, open_hardware, open_relay
from gridnode.hardware.relay import FailSafeRelay
from gridnode.identity import NodeIdentity, load_identity
from gridnode.ledger import SqliteLedger
from gridnode.trade.signing import P256Signer, P256Verifier
from gridnode.wallet.lnd import LndWallet

log = logging.getLogger("gridnode.node")

_EPOCH = datetime.fromtimestamp(0, UTC)


def open_identity(settings: AnySettings) -> tuple[NodeIdentity, P256Signer]:
    identity = load_identity(settings.identity_dir)
    return identity, P256Signer(identity.key)


def verifier_of(certificate: Any) -> P256Verifier:
    """The trade engine's verifier for a peer's pinned certificate."""
    from cryptography.hazmat.primitives import serialization

    der = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return P256Verifier(der)


async def open_wallet(settings: AnySettings) -> LndWallet:
    """Connect to LND (its macaroon was held against the role's least privilege at load)."""
    lnd = settings.lnd
    wallet = LndWallet(lnd.connection())
    # LND may be starting too (a boot, or it restarted): wait about a minute for it
    # before giving up (and leaving the restart to systemd)
    info = await wallet.wait_ready(attempts=15)
    log.info(
        "LND %s (%s) at %s, block %d",
        info.alias,
        info.pubkey[:16],
        lnd.host or "lndconnect",
        info.block_height,
    )
    return wallet


async def open_ledger(settings: AnySettings) -> SqliteLedger:
    """The node's ledger, its calls off the event loop on a worker thread of its own."""
    # a battery node's ledger is a seller's: it holds the sessions it sells on and those it
    # buys on, each journalled with its side (gridnode.node.evidence.record_party_keys)
    role = "buyer" if settings.role == "buyer" else "seller"
    return await SqliteLedger.open(settings.ledger, role)


def open_node_hardware(config: HardwareConfig, clock: Clock = SYSTEM_CLOCK) -> HardwarePorts:
    """The node's bus, meters and relays; the meters stamp samples with the node's clock."""

    def now() -> datetime:
        # the middle of the clock's millisecond: read back in ms, it is that millisecond
        return _EPOCH + timedelta(microseconds=clock.now_ms() * 1000 + 500)

    return open_hardware(config, clock=now)


def relay_for(ports: HardwarePorts, relay: RelayConfig, name: str) -> FailSafeRelay:
    """A buyer slot's own relay, as its ``relay`` table says (gpio or a Modbus coil on
    its bus: the bus of the buyer's meter)."""
    return open_relay(relay, ports.buses.get(relay.bus, ports.bus), name=f"relay of {name}")


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
