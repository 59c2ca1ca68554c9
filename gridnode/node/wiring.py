"""What both daemons open at start-up, each failure a sentence: identity, ledger, wallet
(with the least-privilege check), hardware, and the trade engine's signer."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gridnode.errors import UsageError
from gridnode.hardware.budget import BusBudget, bus_budget
from gridnode.hardware.config import HardwareConfig, parse_hardware, parse_relay
from gridnode.hardware.ports import HardwarePorts, open_hardware, open_relay
from gridnode.hardware.profile import load_profile
from gridnode.hardware.relay import FailSafeRelay
from gridnode.identity import NodeIdentity, load_identity
from gridnode.ledger import SqliteLedger
from gridnode.node.settings import NodeSettings
from gridnode.trade.signing import P256Signer, P256Verifier
from gridnode.trade.terms import SupplyPolicy
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


async def open_ledger(settings: NodeSettings) -> SqliteLedger:
    """The node's ledger, its calls off the event loop on a worker thread of its own."""
    return await SqliteLedger.open(settings.ledger, settings.role)


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


def hardware_budget(config: HardwareConfig) -> BusBudget | None:
    """The bus budget of the configured meters, as :func:`open_hardware` will poll them."""
    if not config.meters:
        return None
    profiles = [load_profile(m.model) for m in config.meters]
    return bus_budget(profiles, config.bus.baud, config.bus.gap_ms / 1000)


def oldest_reading_ms(budget: BusBudget) -> int:
    """How old a meter's latest reading gets on this bus with every read answered.

    Each meter is read once per poll round, and a sample is stamped when its read
    starts, so just before the next sample lands the previous one is a poll period plus
    that meter's own read time old.
    """
    longest_read_s = max(m.sample_time_s for m in budget.meters)
    return math.ceil((budget.poll_period_s + longest_read_s) * 1000)


def require_fresh_readings(config: HardwareConfig, policy: SupplyPolicy) -> None:
    """Refuse terms whose freshness limit the meter bus cannot meet.

    The seller cuts power when its meter's latest reading is older than the terms'
    ``reading_max_age``: below what the bus delivers, that is every poll round. A limit
    with no room for one missed read (below the budget's ``freshness_limit_s``, three
    rounds) starts with a warning: a single CRC error on the bus would cut the power.
    """
    budget = hardware_budget(config)
    if budget is None:
        return
    limit_ms = policy.reading_max_age_ms
    oldest_ms = oldest_reading_ms(budget)
    recommended_s = math.ceil(budget.freshness_limit_s * 10) / 10
    bus = (
        f"the RS-485 bus on {config.bus.port} ({len(budget.meters)} meter(s) at "
        f"{budget.baud} baud, {config.bus.gap_ms} ms between queries) reads each meter "
        f"every {budget.poll_period_s:.2f} s"
    )
    if limit_ms < oldest_ms:
        raise UsageError(
            f"The terms' reading_max_age_s is {limit_ms / 1000:g} s, but {bus}, so a "
            f"reading is up to {oldest_ms / 1000:g} s old before the next one lands: the "
            "seller would cut the power for stale readings every poll round. Raise "
            f"[terms.policy] reading_max_age_s to at least {recommended_s:g} s, or shorten "
            "the poll round: a higher [hardware.bus] baud (the same on every meter), fewer "
            "meters on this bus, or a shorter [hardware.bus] gap_ms."
        )
    if limit_ms < budget.freshness_limit_s * 1000:
        log.warning(
            "The terms' reading_max_age_s is %g s and %s: one missed read (a CRC error, a "
            "slow answer) will cut the power. %g s (three poll rounds) leaves room for it.",
            limit_ms / 1000,
            bus,
            recommended_s,
        )


def open_node_hardware(config: HardwareConfig) -> HardwarePorts:
    return open_hardware(config)


def relay_for(ports: HardwarePorts, doc: Mapping[str, Any], where: str, name: str) -> FailSafeRelay:
    """A buyer slot's own relay, as its ``relay`` table says (gpio or a Modbus coil)."""
    return open_relay(parse_relay(doc, where), ports.bus, name=f"relay of {name}")


def private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
