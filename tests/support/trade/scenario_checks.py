"""What the trade scenario tests check after a run: the meters against the simulated
energy and the books against the wallet (tests/unit/trade/test_scenarios*.py)."""

from __future__ import annotations

from fractions import Fraction

from gridnode.trade import codec
from gridnode.trade.actions import (
    Record,
    SendMessage,
)
from gridnode.trade.messages import Body
from tests.support.terms import PRICE
from tests.support.trade.sim import (
    BUYER,
    World,
    relay_on_ms,
    settled_msat,
)
from tests.support.trade.worlds import (
    actions_of,
)

#: The contracted maximum power (230 V, 16 A) and the sim's default load, in mW.
MAX_MW = 3_680_000
#: The prepayment window: 900 msat, 4.4 s at 3.68 kW.
PREPAYMENT_MSAT = 900


def breach_time(world: World) -> int:
    return next(t for t, a in actions_of(world, BUYER, Record) if a.kind.value == "breach")


def world_messages(world: World, who: str) -> list[Body]:
    """The messages ``who`` sent, decoded."""
    return [codec.decode(a.frame).envelope.body for _, a in actions_of(world, who, SendMessage)]


def cost_msat(energy_mwh: Fraction) -> Fraction:
    """What energy costs under the fixtures' constant 200 sat/kWh (1 mWh is 1e-6 kWh)."""
    return energy_mwh * PRICE / 1_000_000


def check_meters_and_books(world: World, load_mw: int, seller_ppm: int = 0) -> Fraction:
    """Energy flowed only while the relay was on, at the simulated load; each session
    billed what its meter saw (the seller's over-reporting by ``seller_ppm``), less at
    most the energy after its last reading; the seller's credit is what the wallet
    settled less the cost of what its meter saw. Returns the energy delivered, in mWh."""
    delivered = Fraction(load_mw * relay_on_ms(world), 3_600_000)
    assert world.energy_mwh == delivered
    after_last_reading = Fraction(load_mw * world.sample_ms, 3_600_000) + 1
    seller_saw = delivered * (1_000_000 + seller_ppm) / 1_000_000
    for billed, saw in (
        (world.seller.meter.energy_mwh, seller_saw),
        (world.buyer.meter.energy_mwh, delivered),
    ):
        assert saw - after_last_reading <= billed <= saw
    paid = settled_msat(world)
    assert paid - cost_msat(seller_saw) <= world.seller.credit
    assert world.seller.credit <= paid - cost_msat(seller_saw - after_last_reading)
    return delivered
