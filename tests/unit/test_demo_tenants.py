"""The many-tenant demo's settings: payers, buses, terms and the buyers' limits."""

from __future__ import annotations

from gridnode.config.trade import REAL_INSTALL_PAYMENTS
from gridnode.demo.tenants import (
    REAL_TERMS,
    TARGET_ROUND_S,
    buyer_limits,
    payer_of,
    seller_buses,
    seller_plan,
    terms_named,
)


def test_buyers_are_spread_over_the_payers_round_robin() -> None:
    assert [payer_of(i, 3) for i in range(1, 8)] == [1, 2, 3, 1, 2, 3, 1]
    assert [payer_of(i, 50) for i in (1, 50)] == [1, 50]  # one each: today's demo


def test_real_terms_are_the_real_install_defaults() -> None:
    p = REAL_INSTALL_PAYMENTS
    assert REAL_TERMS.min_payment_msat == p.min_payment.msat
    assert REAL_TERMS.max_payment_msat == p.max_payment.msat
    assert REAL_TERMS.prepayment_msat == p.prepayment.msat
    assert REAL_TERMS.prepayment_s * 1000 == p.prepayment_ms
    assert REAL_TERMS.unpaid_msat == p.unpaid.msat
    assert REAL_TERMS.unpaid_s * 1000 == p.unpaid_ms
    assert REAL_TERMS.deposit_msat == p.initial_deposit.msat
    assert terms_named("demo", None).period_s == 60
    assert terms_named("real", 600).period_s == 600


def test_the_seller_bus_is_as_fast_as_the_bus_budget_needs() -> None:
    assert (seller_buses(1).baud, seller_buses(1).gap_ms) == (9600, 20)  # today's demo
    assert (seller_buses(3).baud, seller_buses(3).gap_ms, seller_buses(3).count) == (9600, 20, 1)
    ten = seller_buses(10)
    assert ten.baud == 38_400
    assert ten.count == 1
    assert ten.round_s <= TARGET_ROUND_S


def test_fifty_meters_spread_over_as_many_buses_as_the_budget_needs() -> None:
    # one bus at the shortest gap took 1.74 s a round (issue 17); four keep 0.5 s
    fifty = seller_buses(50)
    assert (fifty.count, fifty.gap_ms) == (4, 2)
    assert fifty.round_s <= TARGET_ROUND_S
    assert [fifty.bus_of(b) for b in (1, 2, 4, 5, 50)] == [0, 1, 3, 0, 1]
    assert sum(len(fifty.buyers_on(bus, 50)) for bus in range(4)) == 50
    # the real-install policy's 5 s freshness: a round within 1.67 s needs two
    assert seller_plan(50, REAL_TERMS).count == 2


def test_a_slow_baud_needs_two_buses_for_two_buyers() -> None:
    # one SDM120 at 2400 baud reads in 0.45 s: two on one bus miss the demo's 0.5 s
    slow = seller_buses(2, baud=2400)
    assert (slow.count, slow.baud, slow.gap_ms) == (2, 2400, 20)
    assert slow.circuit_args(line_timing=True) == [
        "--seller-buses",
        "2",
        "--seller-baud",
        "2400",
    ]


def test_a_buyer_s_limits_make_room_for_the_terms() -> None:
    assert "max_payment_msat = 600" in buyer_limits(None)
    real = buyer_limits(REAL_TERMS)
    assert "max_payment_msat = 20000" in real
    assert "max_deposit_msat = 200000" in real
    assert "max_prepayment_s = 600" in real
