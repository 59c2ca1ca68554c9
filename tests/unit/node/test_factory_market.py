"""The factory builds the estate market from ``[[sellers]]``: one partner per seller with
its seat (priority, premium, feed) and its own expected meter, and the market with the
configured period and threshold; the single ``[seller]`` table builds no market."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gridnode.identity import Role
from gridnode.money import Msat
from gridnode.node import factory
from gridnode.node.buyer_role import BuyerRole
from tests.support.clock import VirtualClock
from tests.support.node_config import buyer_settings, two_sellers
from tests.support.node_parts import node_context
from tests.support.wallet import FakeLightning, FakeWallet
from tests.support.wire import Wire


async def _role(folder: Path, text: str | None = None) -> BuyerRole:
    settings = buyer_settings(folder, text) if text is not None else buyer_settings(folder)
    clock = VirtualClock()
    wallet = FakeWallet(FakeLightning(), "buyer", clock=clock)
    ctx = await node_context(folder / "node", Role.BUYER, clock, wallet)
    hardware: Any = type("Ports", (), {"meters": {"house": Wire(clock).meter("house")}})()
    try:
        return factory._buyer(settings, ctx, hardware, 1.0)
    finally:
        await ctx.ledger.close()


async def test_several_sellers_make_a_market_with_their_seats(tmp_path: Path) -> None:
    text = two_sellers(tmp_path, "market_period_s = 300\nswitch_threshold_msat = 750\n")
    role = await _role(tmp_path, text)
    market = role.market
    assert market is not None
    assert (market.settings.period_ms, market.settings.switch_threshold) == (
        300_000,
        Msat(750),
    )
    roof, grid = role.partners
    assert roof.seat is not None
    assert grid.seat is not None
    assert (roof.name, roof.seat.priority, roof.seat.premium_msat_per_kwh) == ("roof", 1, 2000)
    assert (grid.name, grid.seat.priority, grid.seat.feed) == ("grid", 5, "grid")
    assert roof.limits.expected_meter_id == "roof-meter"
    assert grid.limits.expected_meter_id == "tenant-1"  # [limits] seller_meter_id


async def test_one_seller_makes_no_market(tmp_path: Path) -> None:
    role = await _role(tmp_path)
    assert role.market is None
    (partner,) = role.partners
    assert partner.seat is None
