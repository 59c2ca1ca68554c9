"""A battery node's snapshot built by hand (issue 22): it sells to a flat and buys from
the grid connection, with its book, for what renders a snapshot (MQTT, the metrics) to be
tested without running one; and the same node's sessions on a plain seller and buyer."""

from __future__ import annotations

import dataclasses
from typing import Any

from gridnode.snapshot import (
    BUYER,
    SELLER,
    BatteryView,
    MeterReading,
    NodeSnapshot,
    SessionView,
    StoreKind,
    Terms,
)
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MsatPerKwh

T0_MS = 1_795_000_000_000
#: The rates of the flat's and of the grid's session.
SELL_RATE, BUY_RATE = 170_000, 95_000
BATTERY_ROLE = "seller+buyer+battery"


def _session(peer: str, side: str, meter: str, rate: int, power_mw: int) -> SessionView:
    return SessionView(
        peer_name=peer,
        peer_fingerprint=peer.encode().hex().ljust(64, "0"),
        peer_connected=True,
        meter_id=meter,
        state="supplying" if side == SELLER else "receiving",
        session_id=f"{peer}-session",
        reading=MeterReading(230_000, power_mw * 1000 // 230_000, power_mw, 1_234_567, T0_MS),
        relay_on=side == SELLER,
        rate_msat_per_kwh=rate,
        paid_msat=12_000,
        cost_msat=11_500,
        credit_msat=500,
        exposure_msat=300,
        exposure_ms=1_500,
        terms=Terms(T0_MS, T0_MS + 600_000, 5_000_000, ConstantProfile(MsatPerKwh(rate))),
        side=side,
    )


def flat_session() -> SessionView:
    """The session the battery sells in."""
    return _session("flat-1", SELLER, "flat-1-meter", SELL_RATE, 1_200_000)


def grid_session() -> SessionView:
    """The session the battery buys in (the grid connection sells to it)."""
    return _session("grid", BUYER, "inverter", BUY_RATE, 3_000_000)


def battery_book(**changes: Any) -> BatteryView:
    book = BatteryView(
        kind=StoreKind.BATTERY,
        offer_msat_per_kwh=SELL_RATE,
        offer_energy_mwh=500_000,
        charge_known=True,
        capacity_mwh=10_000_000,
        stored_mwh=6_000_000,
        reserve_mwh=1_000_000,
        max_mwh=9_000_000,
        pledged_sales_mwh=400_000,
        pledged_purchases_mwh=250_000,
        bid_msat_per_kwh=110_000,
        floor_msat_per_kwh=140_000,
    )
    return dataclasses.replace(book, **changes)


def prosumer_book(**changes: Any) -> BatteryView:
    book = BatteryView(
        kind=StoreKind.PROSUMER,
        offer_msat_per_kwh=150_000,
        offer_energy_mwh=300_000,
        surplus_power_mw=1_800_000,
    )
    return dataclasses.replace(book, **changes)


def node_snapshot(
    role: str, sessions: tuple[SessionView, ...], battery: BatteryView | None = None
) -> NodeSnapshot:
    return NodeSnapshot(
        role=role,
        fingerprint="cd" * 32,
        at_ms=T0_MS,
        lnd_reachable=True,
        control_allowed=True,
        ledger_path="ledger.sqlite",
        sessions=sessions,
        battery=battery,
    )


def battery_snapshot(battery: BatteryView | None = None) -> NodeSnapshot:
    """The battery node selling to flat-1 and buying from grid."""
    return node_snapshot(BATTERY_ROLE, (flat_session(), grid_session()), battery or battery_book())
