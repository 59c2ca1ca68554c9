"""The assembled battery node and prosumer reload their file (the factory wires the
reload when it knows the file): a prosumer's new [pv] price reaches its desk, a
battery's raised reserve its book, and a node built without its file says it reloads
nothing."""

from __future__ import annotations

import contextlib
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
from gridnode.node.prosumer_desk import ProsumerDesk
from gridnode.node.runtime import NodeRuntime
from tests.support.battery_config import battery_text, prosumer_text, write_node
from tests.support.clock import VirtualClock
from tests.support.node_parts import node_context
from tests.support.wallet import FakeLightning, FakeWallet
from tests.support.wire import Wire


class _Ports:
    def __init__(self, wire: Wire, meters: tuple[str, ...]) -> None:
        self.meters = {meter: wire.meter(meter) for meter in meters}
        self.budget = None
        self.watchdog = None

    def poll_period_s(self, meter_id: str, default: float = 1.0) -> float:
        return default


async def _assembled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, *, with_path: bool = True
) -> tuple[NodeRuntime, Path]:
    folder = tmp_path / "config"
    folder.mkdir()
    path = write_node(folder, text)
    settings = load_settings(path, env={})
    assert isinstance(settings, BatterySettings)
    clock = VirtualClock()
    wire = Wire(clock)

    def relay_for(ports: Any, relay: Any, name: str) -> FailSafeRelay:
        return FailSafeRelay(wire.relay(), name=name)

    monkeypatch.setattr(wiring, "relay_for", relay_for)
    ctx = await node_context(
        tmp_path / "node", Role.SELLER, clock, FakeWallet(FakeLightning(), "node", clock=clock)
    )
    await ctx.ledger.close()  # the reload reads and writes none of it
    stack = contextlib.AsyncExitStack()
    config_path = path if with_path else None
    if settings.battery is not None:
        ports: Any = _Ports(wire, ("tenant-1", "inverter"))
        runtime = assemble_battery(settings, ctx, ports, stack, False, [], config_path)
    else:
        ports = _Ports(wire, ("tenant-1", "pv", "grid"))
        runtime = assemble_prosumer(settings, ctx, ports, stack, False, [], config_path)
    return runtime, path


async def test_a_prosumers_new_price_reaches_its_desk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime, path = await _assembled(tmp_path, monkeypatch, prosumer_text())
    seller = runtime.roles[0]
    assert isinstance(seller, BatterySellerRole)
    desk = seller.desk
    assert isinstance(desk, ProsumerDesk)
    assert runtime.reloads
    path.write_text(prosumer_text().replace("180_000", "170_000"))
    result = await runtime.reload("SIGHUP")
    assert result.ok, result.text
    assert desk.rule.price_msat_per_kwh == 170_000
    assert "[pv] price 170000 msat/kWh" in result.text


async def test_a_batterys_raised_reserve_reaches_its_fresh_book(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime, path = await _assembled(tmp_path, monkeypatch, battery_text())
    battery = runtime.roles[2]
    assert isinstance(battery, BatteryRole)
    path.write_text(battery_text().replace('reserve_percent = "10"', 'reserve_percent = "40"'))
    result = await runtime.reload("SIGHUP")
    assert result.ok, result.text
    assert battery.desk.book.spec.reserve_ppm == 400_000
    # the inverter was not read yet: its first reading makes the book on the new reserve
    assert battery.fresh is not None
    assert battery.fresh(5_000_000).spec.reserve_ppm == 400_000


async def test_a_node_built_without_its_file_reloads_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime, _path = await _assembled(tmp_path, monkeypatch, battery_text(), with_path=False)
    assert not runtime.reloads
    assert not (await runtime.reload()).ok
