"""Scenario tests of the voltage guarantee (in-process sessions, simulated circuit): a sag
past the grace stops payment and is cut by the seller, a brown-out that still draws
current is a breach on both sides, a dip shorter than the grace is ridden out."""

from __future__ import annotations

from fractions import Fraction

from gridnode.trade.actions import (
    PayInvoice,
    Record,
    SwitchRelay,
)
from gridnode.trade.messages import Cause, Suspend
from gridnode.trade.protection import RangeWatch
from gridnode.trade.states import BuyerState
from gridnode.trade.units import DurationMs
from tests.support.terms import T0, demo_limits
from tests.support.trade.scenario_checks import (
    PREPAYMENT_MSAT,
    breach_time,
    check_meters_and_books,
    cost_msat,
    world_messages,
)
from tests.support.trade.sim import (
    BUYER,
    SELLER,
    deposit_states,
    settled_msat,
)
from tests.support.trade.worlds import (
    MINUTE,
    actions_of,
    breaches,
    buyer_session,
    make_world,
)


def test_a_voltage_sag_longer_than_the_grace_period_stops_payment() -> None:
    """The buyer's own check, for a seller whose protection never cuts (a broken or
    older seller): payment stops after the buyer's grace."""
    sag_from, sag_to = T0 + MINUTE, T0 + MINUTE + 10_000

    def voltage(t: int) -> int:
        return 190_000 if sag_from <= t < sag_to else 230_000

    # A 2 kW load, so the sag does not also push current over the 16 A maximum.
    world = make_world(voltage_mv=voltage, load_mw=lambda t: 2_000_000)
    world.seller.protection = RangeWatch(grace_ms=10**9)  # the seller never cuts
    world.run(T0 + 2 * MINUTE)
    (text,) = breaches(world, BUYER)
    assert "190000 mV" in text
    # The first reading more than the 2 s grace after the sag began (readings every 0.5 s).
    breach_at = breach_time(world)
    assert breach_at == sag_from + 2_000 + world.sample_ms
    assert not [t for t, _ in actions_of(world, BUYER, PayInvoice) if t > breach_at]
    assert world.relay_timeline == [(T0 + world.tick_ms, True), (breach_at + world.link_ms, False)]
    # Energy: 2 kW from the first tick until the cut (62.27 s, 34,594 mWh).
    delivered = check_meters_and_books(world, 2_000_000)
    assert delivered == Fraction(
        2_000_000 * (breach_at + world.link_ms - T0 - world.tick_ms), 3_600_000
    )
    # Money: paid for all of it and at most the window ahead; the deposit goes back.
    assert 0 <= settled_msat(world) - cost_msat(delivered) <= PREPAYMENT_MSAT
    assert deposit_states(world) == ["canceled"]


def test_the_seller_cuts_a_sag_within_its_grace_plus_one_tick_and_retries_after_resting() -> None:
    """The seller protects the circuit it feeds: the sag is cut before the buyer's own
    grace runs out (no breach), journalled as a fault and told to the buyer (Suspend,
    cause voltage); the relay comes back under the contactor rules (3 s off) and is cut
    again while the sag lasts, then stays on."""
    sag_from, sag_to = T0 + MINUTE, T0 + MINUTE + 10_000

    def voltage(t: int) -> int:
        return 190_000 if sag_from <= t < sag_to else 230_000

    world = make_world(voltage_mv=voltage, load_mw=lambda t: 2_000_000)
    world.run(T0 + 2 * MINUTE)
    assert breaches(world, BUYER) == []
    grace, tick = world.seller.offer.electrical.grace_ms, world.tick_ms
    switches = [(t, a.on, a.cause) for t, a in actions_of(world, SELLER, SwitchRelay)]
    first_cut = next(t for t, on, _ in switches if not on)
    assert sag_from + grace < first_cut <= sag_from + grace + tick
    cuts = [(on, cause) for _, on, cause in switches]
    assert cuts[:3] == [(True, None), (False, Cause.VOLTAGE), (True, None)]
    assert all(cause is Cause.VOLTAGE for on, cause in cuts if not on)
    last_on = switches[-1]
    assert last_on[1]
    assert last_on[0] <= sag_to + world.seller.offer.policy.min_off_ms + tick
    faults = [a.text for _, a in actions_of(world, SELLER, Record) if a.kind.value == "fault"]
    assert faults
    assert all("190000 mV" in f and "grace 1000 ms" in f for f in faults)
    assert len(faults) == len([c for c in cuts if not c[0]])
    notices = [m for m in world_messages(world, SELLER) if isinstance(m, Suspend)]
    assert notices
    assert notices[0].cause is Cause.VOLTAGE
    assert world.buyer.state is BuyerState.RECEIVING


def test_a_brown_out_that_still_draws_current_is_a_breach_on_both_sides() -> None:
    """Below half the guaranteed minimum a phase without current is no supply, but one
    that carries current is an out-of-range supply, however low the voltage: the seller
    cuts it and the buyer stops paying (here the buyer's grace is the shorter)."""
    brown_from = T0 + MINUTE

    def voltage(t: int) -> int:
        return 90_000 if t >= brown_from else 230_000  # 39 % of 230 V: below 103.5 V

    world = make_world(
        voltage_mv=voltage,
        load_mw=lambda t: 1_000_000,  # 11 A at 90 V: within the 16 A maximum
        buyer=buyer_session(limits=demo_limits(voltage_grace_ms=DurationMs(2_000))),
    )
    world.seller.protection = RangeWatch(grace_ms=2_500)
    world.run(T0 + 2 * MINUTE)
    (text,) = breaches(world, BUYER)
    assert "L1 at 90000 mV while 11111 mA flow" in text
    faults = [a.text for _, a in actions_of(world, SELLER, Record) if a.kind.value == "fault"]
    assert faults
    assert "90000 mV while 11111 mA flow" in faults[0]
    assert not [t for t, _ in actions_of(world, BUYER, PayInvoice) if t > breach_time(world)]


def test_a_voltage_dip_shorter_than_the_grace_period_is_tolerated() -> None:
    """0.8 s: shorter than the seller's 1 s grace and the buyer's 2 s."""

    def voltage(t: int) -> int:
        return 190_000 if T0 + MINUTE <= t < T0 + MINUTE + 800 else 230_000

    world = make_world(voltage_mv=voltage, load_mw=lambda t: 2_000_000)
    world.run(T0 + 2 * MINUTE)
    assert breaches(world, BUYER) == []
    assert world.relay_timeline == [(T0 + world.tick_ms, True)]
    delivered = check_meters_and_books(world, 2_000_000)
    assert delivered == Fraction(2_000_000 * (2 * MINUTE - world.tick_ms), 3_600_000)
    assert 0 <= settled_msat(world) - cost_msat(delivered) <= PREPAYMENT_MSAT
    assert deposit_states(world) == ["accepted"]  # still locked: the session goes on
