"""The buyer's own meter failing is the buyer's fault, never the seller's (issue 16).

A stuck counter or stale readings of the buyer's own meter made the buyer record "the
seller claims more than my meter saw" and hold an honest seller off for an hour; so did
its estimate lagging under slow polling. The buyer now judges each claim as it arrives,
against fresh readings of its own and what its meter may not have counted yet; a meter
that cannot judge is a fault of the buyer's: it stops paying, says so, and resumes when
its meter reads again. A real over-claim is still a breach.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from gridnode.trade.actions import PayInvoice, Record
from gridnode.trade.buyer_checks import Finding, MeterComparison, power_bound_mw
from gridnode.trade.events import MeterSample
from gridnode.trade.own_meter import CounterWatch
from gridnode.trade.states import BuyerState
from tests.support.terms import ELECTRICAL, T0, TOLERANCE
from tests.support.trade.sim import BUYER, World
from tests.support.trade.worlds import (
    actions_of,
    breaches,
    buyer_session,
    make_world,
    seller_session,
)

#: The demo terms' freshness bound (DEMO_POLICY.reading_max_age_ms).
FRESH_MS = 1_500
POWER_BOUND_MW = power_bound_mw(ELECTRICAL)  # 253 V x 16 A


def _records(world: World, kind: str) -> list[tuple[int, str]]:
    return [(t, a.text) for t, a in actions_of(world, BUYER, Record) if a.kind.value == kind]


def _paid_between(world: World, start: int, stop: int) -> list[int]:
    return [t for t, _ in actions_of(world, BUYER, PayInvoice) if start <= t < stop]


def _stuck_from_10_to_30_s(t: int) -> bool:
    return T0 + 10_000 <= t < T0 + 30_000


def test_a_stuck_counter_of_its_own_is_a_meter_fault_of_the_buyer_not_a_breach() -> None:
    """A 0.1 Wh register: the stuck counter shows within a reading or two."""
    step = 100
    world = make_world(
        seller=seller_session(register_step_mwh=step),
        buyer=buyer_session(register_step_mwh=step),
        register_step_mwh=step,
        buyer_counter_stuck=_stuck_from_10_to_30_s,
    )
    world.run(T0 + 60_000)
    assert breaches(world, BUYER) == []
    ((fault_at, fault),) = _records(world, "fault")
    assert "this buyer's meter is faulty (its energy counter stays at" in fault
    assert "no breach of the seller's" in fault
    # more than two register steps (0.2 Wh, 0.2 s) flowed without a step of the register
    assert T0 + 10_000 < fault_at <= T0 + 11_000
    # once the seller cut the supply (no more credit) nothing goes uncounted: the fault
    # ends, so a repaired counter could count again; but the buyer's own use has not
    # grown, so it pays nothing more until its counter counts again (at 30 s)
    ((back_at, back),) = [(t, s) for t, s in _records(world, "state") if "reads again" in s]
    cut_at = next(t for t, on in world.relay_timeline if not on)
    assert fault_at < cut_at <= back_at <= cut_at + 500
    assert back == "this buyer's meter reads again: paying resumes"
    assert _paid_between(world, fault_at, T0 + 30_000) == []  # stopped paying meanwhile
    assert _paid_between(world, T0 + 30_000, T0 + 60_000)  # and paid again after
    assert world.buyer.state in (BuyerState.RECEIVING, BuyerState.SUSPENDED)
    assert world.relay_timeline[-1] == (world.relay_timeline[-1][0], True)
    assert world.relay_timeline[-1][0] >= T0 + 30_000  # the same session supplies again


def test_a_counter_stuck_within_its_coarse_step_is_allowed_for_not_blamed() -> None:
    """A 10 Wh register: the buyer pays ahead less than two steps, so the supply is cut
    for credit before the counter shows as stuck; what the register has not counted
    (power over time beyond the step the fine estimate fills) keeps it from blaming
    the seller meanwhile."""
    world = make_world(buyer_counter_stuck=_stuck_from_10_to_30_s)
    world.run(T0 + 60_000)
    assert breaches(world, BUYER) == []
    assert world.relay_timeline[-1][1] is True  # trading again once it counts


def test_stale_readings_of_its_own_are_a_meter_fault_and_paying_resumes_after() -> None:
    world = make_world(sample_lost=lambda who, t: who == BUYER and T0 + 10_000 <= t < T0 + 20_000)
    world.run(T0 + 40_000)
    assert breaches(world, BUYER) == []
    ((fault_at, fault),) = _records(world, "fault")
    assert "this buyer's meter is faulty (this buyer's meter gave no fresh reading" in fault
    assert T0 + 10_000 + FRESH_MS < fault_at < T0 + 20_000
    ((back_at, _),) = [(t, s) for t, s in _records(world, "state") if "reads again" in s]
    assert T0 + 20_000 <= back_at <= T0 + 20_500  # the first reading after the gap
    assert _paid_between(world, fault_at, back_at) == []
    assert _paid_between(world, back_at, T0 + 40_000)
    assert world.relay_timeline[-1][1] is True


def test_a_real_over_claim_is_still_a_breach_while_its_meter_is_fresh_and_moving() -> None:
    world = make_world(seller_meter_ppm=50_000)
    world.run(T0 + 30_000)
    (breach,) = breaches(world, BUYER)
    assert breach.startswith("the seller claims")
    assert "the tolerance allows" in breach
    assert _records(world, "fault") == []


def test_a_claim_is_judged_as_it_arrived_not_by_the_sellers_stamp() -> None:
    """The soak's false breach: under load the seller's reading was stamped before its
    registers were read and the buyer's meter was polled slowly; compared at the stamp
    plus a second of skew the claim looked 2 % high. Judged as it arrived, against the
    buyer's readings around the arrival, it is within the tolerance."""
    comparison = MeterComparison()
    power_mw = 2_000_000  # 0.5556 mWh a ms
    for at_ms in (0, 1_400, 2_800, 4_200):  # a slow poll: 1.4 s apart
        comparison.add_own(at_ms, power_mw * at_ms // 3_600_000)
    # stamped at 1,000 ms but read at 2,700 ms (1,500 mWh), arriving at 2,750 ms
    comparison.add_claim(2_750, 1_500)
    assert comparison.check(TOLERANCE, POWER_BOUND_MW, FRESH_MS, 4_200) is None
    assert comparison.claims == []  # judged, and fine


def test_a_claim_waits_for_a_reading_after_it_and_then_uses_the_power_bound() -> None:
    comparison = MeterComparison()
    comparison.add_own(1_000, 500)
    comparison.add_claim(1_200, 900)  # 200 ms of the 4.048 kW bound is 225 mWh
    assert comparison.check(TOLERANCE, POWER_BOUND_MW, FRESH_MS, 1_300) is None
    assert comparison.claims == [(1_200, 900)]  # waiting for a reading after it
    found = comparison.check(TOLERANCE, POWER_BOUND_MW, FRESH_MS, 1_200 + FRESH_MS + 1)
    assert found is not None
    assert found.finding is Finding.OVER_CLAIM  # 900 > 725 + 1 % + 20 mWh
    assert "the buyer's meter saw at most 725 mWh" in found.text


def test_a_claim_no_fresh_reading_can_judge_is_the_buyers_meter_fault() -> None:
    comparison = MeterComparison()
    comparison.add_own(1_000, 500)
    comparison.add_claim(5_000, 2_000)  # the last reading is 4 s older than the claim
    found = comparison.check(TOLERANCE, POWER_BOUND_MW, FRESH_MS, 5_000 + FRESH_MS + 1)
    assert found is not None
    assert found.finding is Finding.OWN_METER_STALE
    assert "its last reading, 500 mWh, is 5.5 s old" in found.text
    # a claim the stale reading covers anyway is no fault: nothing to judge
    comparison.add_claim(5_000, 510)
    assert comparison.check(TOLERANCE, POWER_BOUND_MW, FRESH_MS, 7_000) is None


def test_the_comparison_keeps_only_the_readings_a_claim_can_still_need() -> None:
    """An hour of readings every half second and a claim a second: each judged as it
    comes, and only the readings within the freshness window of now are kept (the soak:
    4,096 kept readings were half a megabyte a session)."""
    comparison = MeterComparison()
    power_mw = 2_000_000
    for at_ms in range(0, 3_600_000, 500):
        comparison.add_own(at_ms, power_mw * at_ms // 3_600_000)
        if at_ms % 1_000 == 0:
            comparison.add_claim(at_ms, power_mw * at_ms // 3_600_000)
        assert comparison.check(TOLERANCE, POWER_BOUND_MW, FRESH_MS, at_ms) is None
        assert len(comparison.own) <= FRESH_MS // 500 + 2
    # a claim arriving now is still judged against the kept readings: too much is caught
    comparison.add_claim(3_599_500, 3_000_000)
    found = comparison.check(TOLERANCE, POWER_BOUND_MW, FRESH_MS, 3_599_500 + FRESH_MS + 1)
    assert found is not None
    assert found.finding is Finding.OVER_CLAIM


def test_the_counter_watch_allows_two_register_steps_before_it_calls_the_counter_stuck() -> None:
    watch = CounterWatch(register_step_mwh=10)
    # 3.6 kW is 1 mWh a ms: a reading every 5 ms adds 5 mWh, half a register step; the
    # first finds the fine estimate 2 mWh into the register's step
    seen = [watch.see(_reading(at, 1_000, 1_002), FRESH_MS) for at in range(0, 20, 5)]
    assert seen == [None] * 4  # 17 mWh without a step of the register: no fault yet
    assert watch.lag_mwh == 7  # what the register has not counted beyond the one step
    stuck = watch.see(_reading(20, 1_000, 1_010), FRESH_MS)  # 22 mWh: over two steps
    assert stuck == (
        "its energy counter stays at 1000 mWh while it measures 22 mWh flowing (3600000 mW now)"
    )
    off = MeterSample(21, 1_000, 1_010, 0, (0,), (0,))
    assert watch.see(off, FRESH_MS) is None  # the supply is off: the buyer may pay again
    assert watch.see(_reading(22, 1_000, 1_010), FRESH_MS) is not None  # power: stuck again
    assert watch.see(_reading(25, 1_020, 1_020), FRESH_MS) is None  # it steps again
    assert watch.lag_mwh == 0


def test_a_load_switching_between_readings_is_no_stuck_counter_but_widens_the_allowance() -> None:
    """The lower of two readings' powers calls a counter stuck (a drill's relay cut right
    after a reading looked like one); the higher widens the allowance (the most that may
    have flowed)."""
    watch = CounterWatch(register_step_mwh=10)
    powers = [3_600_000, 0] * 4  # 5 ms apart: 0 mWh an interval at the least, 5 at most
    samples = [MeterSample(5 * k, 1_000, 1_000, p, (230_000,), (0,)) for k, p in enumerate(powers)]
    assert [watch.see(sample, FRESH_MS) for sample in samples] == [None] * 8
    assert watch.lag_mwh == 7 * 5 - 10


def _reading(at_ms: int, register_mwh: int, fine_mwh: int) -> MeterSample:
    return MeterSample(at_ms, register_mwh, fine_mwh, 3_600_000, (230_000,), (15_652,))


# -- properties -------------------------------------------------------------------------

segments = st.lists(
    st.tuples(st.integers(100, 5_000), st.integers(0, POWER_BOUND_MW)), min_size=1, max_size=8
)


def _energy(plan: list[tuple[int, int]], t_ms: int) -> Fraction:
    """The true energy (mWh) by t of piecewise-constant power ``plan`` (ms, mW)."""
    energy, start = Fraction(0), 0
    for length, power in plan:
        span = max(0, min(t_ms, start + length) - start)
        energy += Fraction(power * span, 3_600_000)
        start += length
    return energy


@given(
    plan=segments,
    gaps=st.lists(st.integers(50, FRESH_MS), min_size=2, max_size=40),
    claims=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 3_000), st.integers(0, 10_000)), max_size=10
    ),
)
def test_an_honest_claim_is_never_a_breach_however_late_it_was_read_or_polled(
    plan: list[tuple[int, int]],
    gaps: list[int],
    claims: list[tuple[float, int, int]],
) -> None:
    """Own readings at any fresh spacing; each claim the seller's energy at any moment up
    to its arrival (read late, sent late), its meter up to 1 % high: never a breach."""
    times = [sum(gaps[:k]) for k in range(len(gaps) + 1)]
    events: list[tuple[int, int, int]] = [(t, 0, int(_energy(plan, t))) for t in times]
    for where, latency, error_ppm in claims:
        arrived = int(where * times[-1])
        true = _energy(plan, max(0, arrived - latency))
        events.append((arrived, 1, int(true * (1_000_000 + error_ppm) / 1_000_000)))
    comparison = MeterComparison()
    for at, kind, energy in sorted(events):
        if kind == 0:
            comparison.add_own(at, energy)
        else:
            comparison.add_claim(at, energy)
        assert comparison.check(TOLERANCE, POWER_BOUND_MW, FRESH_MS, at) is None
    assert comparison.check(TOLERANCE, POWER_BOUND_MW, FRESH_MS, times[-1] + FRESH_MS) is None
    assert comparison.claims == []  # every claim was judged


@given(
    plan=segments,
    gaps=st.lists(st.integers(50, FRESH_MS), min_size=2, max_size=40),
    where=st.floats(0, 1),
)
def test_a_claim_beyond_the_bound_of_its_fresh_readings_is_always_a_breach(
    plan: list[tuple[int, int]], gaps: list[int], where: float
) -> None:
    """A claim above what the buyer's meter could have seen when it arrived (the energy
    then plus the power bound over the readings' spacing, and the tolerance) is caught
    by the time the next reading of the buyer's comes."""
    times = [sum(gaps[:k]) for k in range(len(gaps) + 1)]
    arrived = int(where * times[-1])
    most = _energy(plan, arrived) + Fraction(POWER_BOUND_MW * FRESH_MS, 3_600_000)
    claimed = int(most * Fraction(101, 100)) + TOLERANCE.fixed_mwh + 2
    comparison = MeterComparison()
    found = None
    claim = [(arrived, 1, claimed)]
    for at, kind, energy in sorted([(t, 0, int(_energy(plan, t))) for t in times] + claim):
        if kind == 0:
            comparison.add_own(at, energy)
        else:
            comparison.add_claim(at, energy)
        found = found or comparison.check(TOLERANCE, POWER_BOUND_MW, FRESH_MS, at)
    assert found is not None
    assert found.finding is Finding.OVER_CLAIM
