"""evaluate(offer, limits): every violated term is listed, with its numbers."""

from __future__ import annotations

import dataclasses

import pytest

from gridnode.money import Msat
from gridnode.trade.errors import TermsError
from gridnode.trade.evaluate import Acceptance, BreachHold, Rejection, Term, evaluate
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.terms import ElectricalGuarantees, MeteringTolerance, PaymentTerms
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
            3, MilliVolt(190_000), MilliVolt(245_000), MilliVolt(270_000), MilliAmp(6_000)
        ),
        meter_id="other-meter",
        tolerance=MeteringTolerance(share_ppm=50_000, fixed_mwh=Mwh(5)),
    )
    limits = demo_limits(max_period_cost=Msat(1_000), min_unpaid_ms=DurationMs(2_000))
    hold = BreachHold(T0 + 300 * MINUTE, "the seller's last breach")
    result = evaluate(offer, limits, T0 + 200 * MINUTE, hold=hold)
    assert set(_terms(result)) == set(Term) - {Term.RENEWAL}


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
