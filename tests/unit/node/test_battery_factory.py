"""The factory assembles a battery node from its settings: one runtime whose seller,
estate buyer and battery share one desk (one book), the buying side on the inverter's
meter; nothing is offered or bid before the inverter's first reading. A prosumer's
runtime sells on its PV surplus's desk and buys on its connection meter (issue 22)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from gridnode.config.battery_node import BatterySettings
from gridnode.config.settings import load_settings
from gridnode.hardware.relay import FailSafeRelay
from gridnode.identity import Role
from gridnode.node import wiring
from gridnode.node.battery_factory import assemble_battery, assemble_prosumer
from gridnode.node.battery_role import BatteryRole, BatterySellerRole
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.prosumer_desk import ProsumerDesk
from gridnode.node.prosumer_role import ProsumerRole
from gridnode.node.runtime import NodeRuntime
from tests.support.battery_config import battery_settings, prosumer_text, write_node
from tests.support.clock import VirtualClock
from tests.support.node_parts import node_context
from tests.support.wallet import FakeLightning, FakeWallet
from tests.support.wire import Wire


class _Ports:
    """The hardware ports the assembly reads: the meters, no bus budget."""

    def __init__(self, wire: Wire, own: Sequence[str] = ("inverter",)) -> None:
        self.meters = {meter: wire.meter(meter) for meter in ("tenant-1", *own)}
        self.budget = None
        self.watchdog = None

    def poll_period_s(self, meter_id: str, default: float = 1.0) -> float:
        return default


async def _assemble(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    assemble: Callable[..., NodeRuntime],
    settings: BatterySettings,
    own: Sequence[str],
) -> NodeRuntime:
    """``assemble`` the node of ``settings`` on a simulated wire: its buyer's meter
    "tenant-1" and its ``own`` meters (the inverter, the PV's and the connection's)."""
    clock = VirtualClock()
    wire = Wire(clock)

    def relay_for(ports: Any, relay: Any, name: str) -> FailSafeRelay:
        return FailSafeRelay(wire.relay(), name=name)

    monkeypatch.setattr(wiring, "relay_for", relay_for)
    wallet = FakeWallet(FakeLightning(), settings.role, clock=clock)
    ctx = await node_context(tmp_path / "node", Role.SELLER, clock, wallet)
    ports: Any = _Ports(wire, own)
    try:
        return assemble(settings, ctx, ports, contextlib.AsyncExitStack(), False, [])
    finally:
        await ctx.ledger.close()


async def test_one_runtime_holds_three_roles_on_one_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = battery_settings(tmp_path / "config")
    runtime = await _assemble(tmp_path, monkeypatch, assemble_battery, settings, ("inverter",))
    seller, buyer, battery = runtime.roles
    assert runtime.role_name == "seller+buyer+battery"
    assert isinstance(seller, BatterySellerRole)
    assert isinstance(buyer, BuyerRole)
    assert isinstance(battery, BatteryRole)
    assert seller.desk is battery.desk  # one book for both sides
    assert buyer.poller is not None
    assert buyer.poller.name == "inverter"  # it buys on the inverter's meter
    assert list(seller.slots) == ["tenant-1"]
    # before the inverter's first reading the book is empty: nothing offered or bid
    assert battery.fresh is not None
    assert battery.desk.book.soc_mwh == 0
    assert seller._refusal(seller.slots["tenant-1"]) is not None
    battery.next_period()
    assert not battery.buying


async def test_a_prosumers_runtime_sells_on_its_surplus_and_buys_on_its_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    settings = load_settings(write_node(folder, prosumer_text()), env={})
    assert isinstance(settings, BatterySettings)
    runtime = await _assemble(tmp_path, monkeypatch, assemble_prosumer, settings, ("pv", "grid"))
    seller, buyer, household = runtime.roles
    assert isinstance(buyer, BuyerRole)
    assert runtime.role_name == "seller+buyer+prosumer"
    assert isinstance(seller, BatterySellerRole)
    assert isinstance(household, ProsumerRole)
    assert household.buyer is buyer
    assert isinstance(seller.desk, ProsumerDesk)
    assert seller.desk is household.desk  # one surplus for the offer and the buying
    assert household.connection.name == "grid"  # it buys on its connection meter
    assert household.production.name == "pv"
    # before the meters were read over a window, nothing is offered
    assert seller._refusal(seller.slots["tenant-1"]) is not None
