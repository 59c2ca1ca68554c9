"""The many-tenant demo's settings: payers, bus speed, terms and the buyers' limits."""

from __future__ import annotations

from gridnode.config.trade import REAL_INSTALL_PAYMENTS
from gridnode.demo.tenants import (
    REAL_TERMS,
    TARGET_ROUND_S,
    buyer_limits,
    payer_of,
    seller_bus,
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
    assert seller_bus(1)[:2] == (9600, 20)  # today's demo
    assert seller_bus(3)[:2] == (9600, 20)
    baud, _, round_s = seller_bus(10)
    assert baud == 38_400
    assert round_s <= TARGET_ROUND_S
    assert seller_bus(50)[1] == 2  # the shortest gap, and still longer than the target
    assert seller_bus(50)[2] > TARGET_ROUND_S


def test_a_buyer_s_limits_make_room_for_the_terms() -> None:
    assert "max_payment_msat = 600" in buyer_limits(None)
    real = buyer_limits(REAL_TERMS)
    assert "max_payment_msat = 20000" in real
    assert "max_deposit_msat = 200000" in real
    assert "max_prepayment_s = 600" in real
