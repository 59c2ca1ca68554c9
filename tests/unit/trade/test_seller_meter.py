"""A seller whose own meter's counter sticks cannot bill, so it stops supplying (issue 16).

The meter-fault drill stuck the seller's energy counter: the seller's billing stopped
one register step above it while power went on, the buyer's credit stood still, no
invoice fell due, and the relay stayed on 6-12 s past the cut-off line on energy nobody
billed; when the counter counted again its jump was billed within one reading's interval
and the seller's closing statement came out 76 msat off what its signed readings priced.
In virtual time, the order of events: the fault is journalled and the relay cut within
the bound, nothing is supplied while the counter is stuck, the seller says when it
counts again and signs a reading of what it showed at once, supply resumes, and the
statement is what the signed readings price.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TypeVar

from gridnode.money import Msat
from gridnode.ocmf import SeriesState
from gridnode.receipt.accounting import cost_msat, energy_mwh, intervals
from gridnode.trade import codec
from gridnode.trade.actions import LedgerKind, Notify, Record, SendMessage, SwitchRelay
from gridnode.trade.events import CloseRequested, MeterSample
from gridnode.trade.messages import (
    Body,
    Cause,
    ClosingStatement,
    MeterReadingMessage,
    Suspend,
)
from gridnode.trade.metering import CostMeter, EnergyReconciler
from gridnode.trade.profiles import ConstantProfile, DailyKnot, DailyTableProfile
from gridnode.trade.seller_meter import SellerMeterWatch
from gridnode.trade.units import MsatPerKwh
from tests.support.terms import T0, demo_offer
from tests.support.trade.sim import BUYER, SELLER, World
from tests.support.trade.worlds import (
    actions_of,
    breaches,
    buyer_session,
    make_world,
    seller_session,
)

B = TypeVar("B", bound=Body)
STEP_MWH = 100  # a 0.1 Wh register: more than two steps flow in 0.2 s at 3.68 kW
STUCK_FROM, STUCK_TO = T0 + 10_000, T0 + 30_000
#: A price that swings every minute (T0 is 666.7 minutes into the day, UTC): energy
#: priced at another moment than it was measured costs visibly more or less.
SWINGING = DailyTableProfile(
    tuple(DailyKnot(m, MsatPerKwh(100_000 if m % 2 else 240_000)) for m in range(660, 680)),
    "UTC",
)


def _stuck(t: int) -> bool:
    return STUCK_FROM <= t < STUCK_TO


def _world(stuck: bool = True) -> World:
    offer = demo_offer(profile=SWINGING)
    return make_world(
        seller=seller_session(offer, register_step_mwh=STEP_MWH),
        buyer=buyer_session(register_step_mwh=STEP_MWH),
        register_step_mwh=STEP_MWH,
        seller_counter_stuck=_stuck if stuck else lambda t: False,
    )


def _seller_records(world: World) -> list[tuple[int, Record]]:
    return actions_of(world, SELLER, Record)


def _sent(world: World, kind: type[B]) -> list[tuple[int, B]]:
    found: list[tuple[int, B]] = []
    for t, action in actions_of(world, SELLER, SendMessage):
        body = codec.decode(action.frame).envelope.body
        if isinstance(body, kind):
            found.append((t, body))
    return found


def test_a_stuck_counter_of_the_sellers_meter_stops_the_supply_in_order() -> None:
    world = _world()
    world.run(T0 + 60_000)
    records = _seller_records(world)
    ((fault_at, fault),) = [(t, r) for t, r in records if r.kind is LedgerKind.FAULT]
    assert fault.text.startswith("this seller's meter is faulty (its energy counter stays at")
    assert "it cannot bill, so the supply stops until it counts again" in fault.text
    # more than two register steps flowed without a step: the next reading or the one after
    assert STUCK_FROM < fault_at <= STUCK_FROM + 2 * world.sample_ms
    # journalled, then the relay cut in the same event, and the buyer told why
    cuts = [(t, a) for t, a in actions_of(world, SELLER, SwitchRelay) if not a.on]
    (cut_at, cut) = cuts[0]
    assert cut_at == fault_at
    assert cut.cause is Cause.STALE_READING
    assert cut.text.startswith("the seller's meter is faulty (its energy counter stays at")
    order = [r for t, r in records if t == fault_at]
    kinds = [r.kind for r in order]
    assert kinds.index(LedgerKind.FAULT) < kinds.index(LedgerKind.RELAY)
    assert any("meter is faulty" in a.text for _, a in actions_of(world, SELLER, Notify))
    (suspend_at, suspend) = next((t, s) for t, s in _sent(world, Suspend) if t >= fault_at)
    assert suspend_at == fault_at
    assert suspend.cause is Cause.STALE_READING
    # nothing supplied while the counter is stuck
    assert [(t, on) for t, on in world.relay_timeline if cut_at < t < STUCK_TO] == []
    # it counts again at the first reading after the spell: said, and a reading signed
    ((back_at, back),) = [(t, r) for t, r in records if "meter counts again" in r.text]
    assert back.text == "this seller's meter counts again: supply may resume"
    assert STUCK_TO <= back_at < STUCK_TO + world.sample_ms
    readings = [t for t, _ in _sent(world, MeterReadingMessage)]
    assert back_at in readings
    # and supply resumes in the same session, the buyer blaming nobody
    assert world.relay_timeline[-1][1] is True
    assert world.relay_timeline[-1][0] >= back_at
    assert breaches(world, BUYER) == []


def test_the_seller_supplies_no_more_unbilled_energy_than_its_register_step_allows() -> None:
    """While the counter is stuck and before the cut, the seller billed up to one step
    above the register; what flowed beyond that is its exposure, bounded by the
    detection (two steps) and one reading's interval at the load's power."""
    world = _world()
    world.run(STUCK_FROM + 5_000)
    cut_at = next(t for t, on in world.relay_timeline if t > STUCK_FROM and not on)
    load_mw = world.load_mw(STUCK_FROM)
    flowed_mwh = Fraction(load_mw * (cut_at - STUCK_FROM), 3_600_000)
    assert flowed_mwh <= 2 * STEP_MWH + Fraction(load_mw * world.sample_ms, 3_600_000)


def _closed_at_60_s(stuck: bool = True) -> World:
    world = _world(stuck)
    world.at(T0 + 60_000, SELLER, CloseRequested("the operator closes"))
    world.run(T0 + 70_000)
    return world


def test_the_statement_is_what_the_signed_readings_price() -> None:
    world = _closed_at_60_s()
    texts = [
        r.data.decode()
        for _, r in _seller_records(world)
        if r.kind is LedgerKind.READING and r.data is not None
    ]
    statements = [
        codec.decode(r.data).envelope.body
        for _, r in _seller_records(world)
        if r.kind is LedgerKind.CLOSING_STATEMENT and r.data is not None
    ]
    (statement,) = statements
    assert isinstance(statement, ClosingStatement)
    steps = intervals(texts, [world.seller.offer])
    assert statement.energy_mwh == energy_mwh(texts) == world.seller.meter.energy_mwh
    by_readings = cost_msat(steps)
    # within the verifier's rounding allowance (one msat a reading step), where the
    # stuck counter's jump billed within one sample's interval cost 76 msat more
    assert abs(statement.cost.msat - by_readings) <= len(steps)
    # the energy the stuck register showed at once is billed: the seller bills what it
    # supplied as closely as with a sound counter (the last reading before the close
    # and the register's step leave the same few hundred mWh unbilled either way)
    sound = _closed_at_60_s(stuck=False)
    unbilled = world.meter_energy(SELLER) - statement.energy_mwh
    assert 0 <= unbilled <= sound.meter_energy(SELLER) - sound.seller.meter.energy_mwh


def test_the_watch_bills_a_jump_over_the_time_since_the_last_signed_reading() -> None:
    price = ConstantProfile(MsatPerKwh(200_000))
    offer = demo_offer(profile=price)
    meter = CostMeter(EnergyReconciler(10))
    watch = SellerMeterWatch.with_step(10)

    def sample(at_ms: int, register: int, power_mw: int) -> MeterSample:
        return MeterSample(at_ms, register, register, power_mw, (230_000,), (1_000,), 50_000)

    signed = SeriesState("seller-key", "SDM120-0042")  # nothing signed yet
    assert watch.bill(sample(T0, 0, 1_000_000), meter, offer, signed) is False
    for k in range(1, 4):  # 1 kW for three seconds, the register stuck at 0
        watch.bill(sample(T0 + k * 1_000, 0, 1_000_000), meter, offer, signed)
    assert watch.stuck is not None
    assert watch.unbilled_msat(offer, T0 + 3_000) > 0
    watch.report(False, T0 + 3_000, [])
    assert watch.fault is not None
    signed = SeriesState("seller-key", "SDM120-0042", last_unix_ms=T0 + 3_000)  # the cut's S
    resumed = watch.bill(sample(T0 + 9_000, 900, 0), meter, offer, signed)
    assert resumed
    assert meter.energy_mwh == 900  # what the register shows now
    assert watch.fault is not None  # until reported
    watch.report(True, T0 + 9_000, [])
    assert watch.fault is None
    assert meter.cost_msat == Fraction(900 * 200_000, 1_000_000)
    assert Msat(0) <= Msat(int(meter.cost_msat))
