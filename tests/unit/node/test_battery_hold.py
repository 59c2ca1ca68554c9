"""A battery node's buying side and what no session controls (issue 22): a pause by
hand (MQTT's buying switch) is never undone by the battery's own resume at its next
bid, and an inverter that tells no stored energy leaves the book's self-discharge to
the book's arithmetic, reading by reading."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from gridnode.battery.book import BatteryBook
from tests.support.battery_parts import LOSSY_SPEC as SPEC
from tests.support.battery_parts import MARKET_PERIOD_MS, buying_battery


async def test_a_pause_by_hand_outlasts_the_batterys_own_bids(tmp_path: Path) -> None:
    pair, _desk, battery = await buying_battery(tmp_path, BatteryBook(SPEC, 300_000), 150_000)
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=60)
        assert await pair.buyer.set_buying(False) is None  # by hand
        await pair.clock.run_until(lambda: not pair.wire.relay_on, limit_s=60)
        periods = battery.periods
        await pair.clock.advance(3 * MARKET_PERIOD_MS / 1000)
        assert battery.periods > periods  # it bid again, and would buy
        assert battery.held
        assert pair.partner.paused
        assert not pair.wire.relay_on
        # resumed by hand: it buys again
        assert await pair.buyer.set_buying(True) is None
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=120)
        assert not battery.held


async def test_a_resume_by_hand_keeps_the_batterys_own_pause(tmp_path: Path) -> None:
    pair, desk, battery = await buying_battery(tmp_path, BatteryBook(SPEC, SPEC.max_mwh), 150_000)
    async with pair.trading():
        await pair.clock.advance(5)
        assert not battery.buying  # at its maximum
        assert await pair.buyer.set_buying(False) is None
        assert await pair.buyer.set_buying(True) is None
        await pair.clock.advance(30)
        assert pair.partner.paused  # still its own pause: it is full
        assert not pair.wire.relay_on
        assert desk.not_buying is not None


async def test_self_discharge_applies_while_the_inverter_tells_no_charge(
    tmp_path: Path,
) -> None:
    leaky = dataclasses.replace(SPEC, self_discharge_ppm_per_hour=100_000)  # 10 % an hour
    soc = leaky.max_mwh  # full: it buys nothing, only the leak moves the charge
    pair, desk, _battery = await buying_battery(tmp_path, BatteryBook(leaky, soc), 150_000)
    async with pair.trading():
        await pair.clock.advance(360)  # a tenth of an hour: 1 % of the charge
    lost = soc - desk.book.soc_mwh
    assert soc // 100 - soc // 1_000 <= lost <= soc // 100 + soc // 1_000
