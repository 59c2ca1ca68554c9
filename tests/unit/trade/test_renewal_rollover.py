"""A renewal at another price: each side bills what its signed readings price
(gridnode/trade/rollover.py).

A receipt prices each step between two signed readings by the terms in force at the
step's start. The tariff-change reading (T) that marks the renewal is therefore dated in
the renewed period (the meter's first sample in it), and the energy before it is billed
at the old price; then a session's running cost is exactly what a third party computes
from its readings (found by the estate day: a battery's statement 23 msat above its
readings' cost)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from gridnode.money import Msat
from gridnode.ocmf import Transaction, parse_record
from gridnode.receipt.accounting import cost_msat, intervals
from gridnode.trade.actions import LedgerKind, Record
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.terms import Offer
from gridnode.trade.units import MsatPerKwh
from tests.support.terms import PRICE, T0, demo_offer
from tests.support.trade.sim import BUYER, SELLER, World
from tests.support.trade.worlds import MINUTE, buyer_session, make_world, seller_session

RENEWED_PRICE = MsatPerKwh(PRICE + 40_000)  # within the buyer's ceiling of 250,000


def renew_dearer(offer: Offer) -> Offer | None:
    """Renew once, 20 % dearer."""
    if offer.is_renewal:
        return None
    length = offer.stop_ms - offer.start_ms
    return dataclasses.replace(
        offer,
        start_ms=offer.stop_ms,
        stop_ms=offer.stop_ms + length,
        profile=ConstantProfile(RENEWED_PRICE),
        payments=dataclasses.replace(offer.payments, initial_deposit=Msat(0)),
        is_renewal=True,
    )


def renewed_world(offset_ms: int) -> World:
    """Samples every 500 ms and ticks every 250 ms, ``offset_ms`` after the period's
    start: the tick that finds the period over comes after a sample dated before it."""
    seller = seller_session(demo_offer(minutes=1))
    seller.renewal.policy = renew_dearer
    world = make_world(seller=seller, buyer=buyer_session(), start_ms=T0 + offset_ms)
    world.run(T0 + 2 * MINUTE + 5_000)
    return world


def signed(world: World, who: str) -> list[str]:
    return [
        a.data.decode()
        for _, w, a in world.actions
        if w == who and isinstance(a, Record) and a.kind is LedgerKind.READING
    ]


@pytest.mark.parametrize("offset_ms", [0, 130, 370])
def test_the_tariff_change_is_dated_in_the_renewed_period(offset_ms: int) -> None:
    world = renewed_world(offset_ms)
    renewed_at = T0 + MINUTE
    for who in (SELLER, BUYER):
        marks = [
            parse_record(r).payload.RD[-1]
            for r in signed(world, who)
            if parse_record(r).payload.RD[-1].TX is Transaction.TARIFF_CHANGE
        ]
        assert len(marks) == 1, who
        assert marks[0].TM.unix_ms >= renewed_at, (who, marks[0].TM.unix_ms - renewed_at)


@pytest.mark.parametrize("offset_ms", [0, 130, 370])
def test_each_side_bills_exactly_what_its_readings_price(offset_ms: int) -> None:
    world = renewed_world(offset_ms)
    offer = demo_offer(minutes=1)
    offers = [offer, renew_dearer(offer)]
    assert offers[1] is not None
    for who, session_cost in (
        (SELLER, world.seller.meter.cost_msat),
        (BUYER, world.buyer.meter.cost_msat),
    ):
        records = signed(world, who)
        assert parse_record(records[-1]).payload.RD[-1].TX is Transaction.END, who
        by_readings = cost_msat(intervals(records, [o for o in offers if o is not None]))
        assert by_readings == session_cost, (who, float(by_readings - session_cost))
        assert by_readings > Fraction(0)
