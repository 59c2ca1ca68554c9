"""A prosumer in virtual time (issue 22): one runtime sells its PV surplus to a neighbour
by day and buys from a seller at night, on one ledger and one wallet; it offers nothing
when the house uses all its PV makes, a running session is told at its renewal when the
surplus goes, meters that disagree are a fault and never an offer; every receipt of
both sides verifies."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from gridnode.battery.offer import StopReason
from gridnode.battery.prosumer import ProsumerRule
from tests.support.battery_parts import verify_both_sides
from tests.support.house import ProductionMeter
from tests.support.prosumer_node import ProsumerEstate, prosumer_estate

RULE = ProsumerRule(180_000, share_ppm=800_000, min_offer_mwh=5_000, tolerance_mwh=10_000)
#: The sessions' period (short: the tests step through it), and the market period.
PERIOD_MS, MARKET_MS = 120_000, 60_000


async def _estate(tmp_path: Path) -> ProsumerEstate:
    return await prosumer_estate(
        tmp_path, RULE, seller_price=100_000, period_ms=PERIOD_MS, market_period_ms=MARKET_MS
    )


async def test_a_prosumer_sells_its_surplus_by_day_and_buys_at_night(tmp_path: Path) -> None:
    estate = await _estate(tmp_path)
    estate.house.set(pv_mw=4_000_000, use_mw=500_000)  # a sunny morning
    slot = estate.selling.slots["neighbour"]
    (partner,) = estate.buying.partners
    await estate.start()
    try:
        await estate.clock.run_until(lambda: slot.live is not None, limit_s=120)
        session = slot.session
        assert session is not None
        # the offer is the [pv] price, for the surplus the house does not use
        assert session.offer.profile.price_at(session.offer.start_ms) == Fraction(180_000)
        assert not estate.household.buying  # it has a surplus: it buys nothing
        await estate.clock.advance(90)
        assert slot.live is not None
        assert partner.live is None
        # the sun sets: no surplus, the session is not renewed, and it buys at night
        estate.house.set(pv_mw=0, use_mw=1_500_000)
        await estate.clock.run_until(
            lambda: slot.live is None and partner.live is not None, step_s=1.0, limit_s=600
        )
        assert estate.household.buying
        assert estate.desk.not_offering is not None
        assert estate.desk.not_offering.reason is StopReason.NO_SURPLUS
        await estate.clock.advance(60)
        assert partner.live is not None
    finally:
        await estate.shutdown()
    # it sold to the neighbour and bought from the seller (before its first surplus was
    # measured too: the house may need energy at start)
    assert set(verify_both_sides(tmp_path, "prosumer", "neighbour")) == {"neighbour", "seller"}


async def test_a_prosumer_offers_nothing_when_the_house_uses_it_all(tmp_path: Path) -> None:
    estate = await _estate(tmp_path)
    estate.house.set(pv_mw=1_000_000, use_mw=1_200_000)  # a cloudy day, the oven on
    slot = estate.selling.slots["neighbour"]
    await estate.start()
    try:
        await estate.clock.advance(180)
        assert slot.live is None
        assert slot.refused is not None
        assert "uses what its PV makes" in slot.refused
        assert estate.household.buying  # no surplus: it may buy
        warnings = estate.prosumer.snapshot().warnings
        assert any("the household offers nothing" in w for w in warnings)
    finally:
        await estate.shutdown()


async def test_meters_that_disagree_are_a_fault_never_an_offer(tmp_path: Path) -> None:
    estate = await _estate(tmp_path)
    estate.house.set(pv_mw=4_000_000, use_mw=500_000)
    estate.house.production_gain = Fraction(1, 2)  # the PV meter reads half: export > made
    slot = estate.selling.slots["neighbour"]
    await estate.start()
    try:
        await estate.clock.advance(180)
        assert slot.live is None
        assert estate.desk.fault is not None
        assert "exported" in estate.desk.fault
        offer = estate.desk.offer(PERIOD_MS)
        assert getattr(offer, "reason", None) is StopReason.METER_FAULT
        warnings = estate.prosumer.snapshot().warnings
        assert any("a PV meter fault (nothing is offered)" in w for w in warnings)
    finally:
        await estate.shutdown()


async def test_a_silent_production_meter_is_a_fault_and_the_session_is_not_renewed(
    tmp_path: Path,
) -> None:
    estate = await _estate(tmp_path)
    estate.house.set(pv_mw=4_000_000, use_mw=500_000)
    slot = estate.selling.slots["neighbour"]
    await estate.start()
    try:
        await estate.clock.run_until(lambda: slot.live is not None, limit_s=120)
        meter = estate.household.production.meter
        assert isinstance(meter, ProductionMeter)
        meter.failing = True  # its bus is cut: the surplus cannot be told
        await estate.clock.run_until(lambda: slot.live is None, step_s=1.0, limit_s=600)
        assert estate.desk.fault is not None
        assert "did not answer" in estate.desk.fault
        await estate.clock.run_until(lambda: slot.refused is not None, limit_s=120)
        assert slot.refused is not None
        assert "meter fault" in slot.refused
        assert slot.live is None  # never an offer
    finally:
        await estate.shutdown()
