"""evaluate(offer, limits): every violated term is listed, with its numbers."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from gridnode.money import Msat
from gridnode.trade.errors import TermsError
from gridnode.trade.evaluate import Acceptance, BreachHold, Rejection, Term, evaluate
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.terms import (
    BuyerLimits,
    ElectricalGuarantees,
    MeteringTolerance,
    PaymentTerms,
)
from gridnode.trade.units import DurationMs, MilliAmp, MilliVolt, MsatPerKwh, Mwh
from tests.support.terms import ELECTRICAL, MINUTE, PAYMENTS, T0, demo_limits, demo_offer


def _terms(result: Acceptance | Rejection) -> list[Term]:
    assert isinstance(result, Rejection)
    return [r.term for r in result.reasons]


def test_demo_offer_is_accepted_at_the_buyers_desired_payment_size() -> None:
    assert evaluate(demo_offer(), demo_limits(), T0) == Acceptance(payment_size=Msat(400))


def test_payment_size_is_clamped_into_the_sellers_range() -> None:
    limits = demo_limits(desired_payment=Msat(50), min_payment=Msat(50))
    assert evaluate(demo_offer(), limits, T0) == Acceptance(payment_size=Msat(100))


def test_a_rejection_lists_every_violated_term_not_only_the_first() -> None:
    offer = demo_offer(
        minutes=120,
        profile=ConstantProfile(MsatPerKwh(300_000)),
        payments=PaymentTerms(Msat(600), Msat(900), Msat(2_000), DurationMs(9_000), Msat(200_000)),
        electrical=ElectricalGuarantees(
            3,
            MilliVolt(190_000),
            MilliVolt(245_000),
            MilliVolt(270_000),
            MilliAmp(6_000),
            imbalance_max_ma=MilliAmp(1_000),
            neutral_current_max_ma=MilliAmp(1_000),
            grace_ms=DurationMs(5_000),
        ),
        meter_id="other-meter",
        tolerance=MeteringTolerance(share_ppm=50_000, fixed_mwh=Mwh(5)),
        seller_metered=True,
    )
    limits = demo_limits(
        max_period_cost=Msat(1_000),
        min_unpaid_ms=DurationMs(2_000),
        imbalance_needed_ma=MilliAmp(16_000),
        neutral_needed_ma=MilliAmp(16_000),
        frequency_min_mhz=49_500,
        frequency_max_mhz=50_500,
    )
    hold = BreachHold(T0 + 300 * MINUTE, "the seller's last breach")
    result = evaluate(offer, limits, T0 + 200 * MINUTE, hold=hold)
    # PHASE_CURRENT replaces CURRENT where either side names currents per phase (below)
    assert set(_terms(result)) == set(Term) - {Term.RENEWAL, Term.PHASE_CURRENT}


THREE_PHASE = dataclasses.replace(
    ELECTRICAL,
    phases=3,
    current_max_ma=MilliAmp(32_000),
    phase_current_max_ma=(MilliAmp(32_000), MilliAmp(16_000), MilliAmp(10_000)),
    imbalance_max_ma=MilliAmp(20_000),
    neutral_current_max_ma=MilliAmp(25_000),
    frequency_min_mhz=49_500,
    frequency_max_mhz=50_500,
)


def _three_phase_limits(**changes: Any) -> BuyerLimits:
    return demo_limits(**{"phases": 3, "max_period_cost": Msat(10**9), **changes})


def test_per_phase_currents_give_one_reason_per_phase_short_of_the_buyers_need() -> None:
    offer = demo_offer(electrical=THREE_PHASE)
    assert isinstance(evaluate(offer, _three_phase_limits(), T0), Acceptance)
    needs = (MilliAmp(20_000), MilliAmp(20_000), MilliAmp(20_000))
    result = evaluate(offer, _three_phase_limits(phase_current_needed_ma=needs), T0)
    assert isinstance(result, Rejection)
    assert [(r.term, r.offered, r.limit) for r in result.reasons] == [
        (Term.PHASE_CURRENT, 16_000, 20_000),
        (Term.PHASE_CURRENT, 10_000, 20_000),
    ]
    assert "L3 allows 10000 mA, below the 20000 mA the buyer needs there" in result.describe()


def test_imbalance_neutral_frequency_and_grace_are_checked_against_the_buyers_needs() -> None:
    offer = demo_offer(electrical=THREE_PHASE)
    limits = _three_phase_limits(
        imbalance_needed_ma=MilliAmp(25_000),
        neutral_needed_ma=MilliAmp(30_000),
        frequency_min_mhz=49_800,
        frequency_max_mhz=50_200,
        voltage_grace_ms=DurationMs(500),
    )
    result = evaluate(offer, limits, T0)
    assert isinstance(result, Rejection)
    assert [(r.term, r.offered, r.limit) for r in result.reasons] == [
        (Term.IMBALANCE, 20_000, 25_000),
        (Term.NEUTRAL_CURRENT, 25_000, 30_000),
        (Term.FREQUENCY_RANGE, 49_500, 49_800),
        (Term.PROTECTION_GRACE, 1_000, 500),
    ]
    no_limits = dataclasses.replace(
        THREE_PHASE, imbalance_max_ma=MilliAmp(0), neutral_current_max_ma=MilliAmp(0)
    )
    unlimited = evaluate(demo_offer(electrical=no_limits), limits, T0)
    assert isinstance(unlimited, Rejection)
    assert Term.IMBALANCE not in _terms(unlimited)  # no limit allows any imbalance
    no_frequency = dataclasses.replace(THREE_PHASE, frequency_min_mhz=0, frequency_max_mhz=0)
    result = evaluate(
        demo_offer(electrical=no_frequency),
        _three_phase_limits(frequency_min_mhz=49_000, frequency_max_mhz=51_000),
        T0,
    )
    assert isinstance(result, Rejection)
    assert "guarantees no frequency" in result.describe()


def test_per_phase_terms_are_checked_on_construction() -> None:
    with pytest.raises(TermsError, match="one maximum per phase"):
        dataclasses.replace(THREE_PHASE, phase_current_max_ma=(MilliAmp(16_000),))
    with pytest.raises(TermsError, match="at most current_max_ma"):
        dataclasses.replace(THREE_PHASE, current_max_ma=MilliAmp(16_000))
    with pytest.raises(TermsError, match="frequency_min_mhz"):
        dataclasses.replace(THREE_PHASE, frequency_min_mhz=51_000)
    # the maximum power adds up each phase's own maximum at the nominal voltage
    assert THREE_PHASE.max_power_mw == 230_000 * (32_000 + 16_000 + 10_000) // 1_000


def test_reasons_carry_the_offered_number_and_the_limit() -> None:
    offer = demo_offer(payments=dataclasses.replace(PAYMENTS, initial_deposit=Msat(150_000)))
    result = evaluate(offer, demo_limits(), T0)
    assert isinstance(result, Rejection)
    (reason,) = result.reasons
    assert (reason.term, reason.offered, reason.limit) == (Term.DEPOSIT, 150_000, 100_000)
    assert "deposit 150 sat is above the limit 100 sat" in result.describe()


def test_a_rate_above_the_ceiling_is_rejected_with_the_instant() -> None:
    offer = demo_offer(profile=ConstantProfile(MsatPerKwh(250_001)))
    result = evaluate(offer, demo_limits(), T0)
    assert _terms(result) == [Term.RATE_ABOVE_CEILING]


def test_nominal_voltage_outside_the_buyers_range_is_rejected() -> None:
    electrical = dataclasses.replace(ELECTRICAL, voltage_nominal_mv=MilliVolt(250_000))
    assert _terms(evaluate(demo_offer(electrical=electrical), demo_limits(), T0)) == [
        Term.NOMINAL_VOLTAGE
    ]


def test_a_full_period_at_maximum_power_must_fit_the_budget() -> None:
    # 10 min at 3.68 kW = 613.334 Wh (rounded up to the mWh) at 200 sat/kWh.
    result = evaluate(demo_offer(), demo_limits(max_period_cost=Msat(122_665)), T0)
    assert isinstance(result, Rejection)
    assert result.reasons[0].offered == 122_666  # 122_666.8 rounded down


def test_a_renewal_must_follow_on_without_a_gap_and_carry_no_deposit() -> None:
    first = demo_offer()
    no_deposit = dataclasses.replace(PAYMENTS, initial_deposit=Msat(0))
    renewal = demo_offer(start=first.stop_ms, payments=no_deposit, is_renewal=True)
    assert isinstance(evaluate(renewal, demo_limits(), T0, continues=first), Acceptance)
    late = demo_offer(start=first.stop_ms + 1, payments=no_deposit, is_renewal=True)
    assert _terms(evaluate(late, demo_limits(), T0, continues=first)) == [Term.RENEWAL]
    with pytest.raises(TermsError, match="no new deposit"):
        demo_offer(start=first.stop_ms, is_renewal=True)


def test_inconsistent_terms_are_refused_with_the_field_named() -> None:
    with pytest.raises(TermsError, match="max_payment"):
        PaymentTerms(Msat(10), Msat(5), Msat(100), DurationMs(1), Msat(0))
    with pytest.raises(TermsError, match="voltage_nominal_mv"):
        dataclasses.replace(ELECTRICAL, voltage_nominal_mv=MilliVolt(300_000))
    with pytest.raises(TermsError, match="end after it starts"):
        demo_offer(minutes=0)


def test_a_century_long_offer_is_rejected_quickly_for_its_length() -> None:
    import time

    century = demo_offer(minutes=100 * 365 * 24 * 60)
    started = time.perf_counter()
    result = evaluate(century, demo_limits(), T0)
    assert time.perf_counter() - started < 0.5
    assert _terms(result) == [Term.PERIOD_LENGTH]
