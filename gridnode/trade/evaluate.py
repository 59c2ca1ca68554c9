"""``evaluate(offer, limits)``: accept, or reject listing every violated term.

Each rule reports the number offered and the limit, so a person (or a counter-offer) can
see by how much a term missed. The same rules apply to renewals, which additionally must
carry no deposit and continue the sale without a gap. A buyer holding off a seller that
breached (:class:`BreachHold`) refuses its new offers until the hold ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from gridnode.money import Msat
from gridnode.trade.cadence import ahead_floor
from gridnode.trade.ceiling import check_ceiling
from gridnode.trade.electrical_terms import electrical_reasons
from gridnode.trade.profiles import cost
from gridnode.trade.reasons import Reason, Term
from gridnode.trade.terms import BuyerLimits, Offer
from gridnode.trade.units import energy_at_power_mwh

__all__ = ["Acceptance", "BreachHold", "Reason", "Rejection", "Term", "evaluate"]

#: Profile checks run for periods up to this many times the buyer's longest.
PROFILE_CHECK_FACTOR = 10


#: A minute in ms: the hold's end is shown rounded up to the minute.
_MINUTE_MS = 60_000


@dataclass(frozen=True, slots=True)
class BreachHold:
    """The buyer holds off its seller until ``until_ms`` (Unix ms, UTC) because the
    seller breached; ``cause`` is the breach as the buyer recorded it."""

    until_ms: int
    cause: str

    def holds(self, now_ms: int) -> bool:
        return now_ms < self.until_ms

    def until_text(self) -> str:
        """The end as UTC time to the minute, rounded up (never before the real end)."""
        minute = -(-self.until_ms // _MINUTE_MS) * _MINUTE_MS
        moment = datetime.fromtimestamp(minute // 1000, tz=UTC)
        return moment.strftime("%Y-%m-%d %H:%M UTC")

    def describe(self) -> str:
        return (
            f"this buyer holds off this seller until {self.until_text()}: its last session "
            f"ended in a breach ({self.cause})"
        )


@dataclass(frozen=True, slots=True)
class Acceptance:
    """The offer is acceptable; invoices will be of ``payment_size`` (the buyer's desired
    size, clamped into the seller's range)."""

    payment_size: Msat


@dataclass(frozen=True, slots=True)
class Rejection:
    reasons: tuple[Reason, ...]

    def describe(self) -> str:
        return "; ".join(r.text for r in self.reasons)


def evaluate(
    offer: Offer,
    limits: BuyerLimits,
    now_ms: int,
    *,
    continues: Offer | None = None,
    hold: BreachHold | None = None,
) -> Acceptance | Rejection:
    """Check every term of ``offer`` against ``limits``; ``continues`` is the accepted
    offer that a renewal follows. A new offer (not a renewal: ``continues`` is None)
    made while ``hold`` holds is refused (``Term.BREACH_HOLD``)."""
    reasons: list[Reason] = []

    def need(ok: bool, term: Term, offered: int, limit: int, text: str) -> None:
        if not ok:
            reasons.append(Reason(term, offered, limit, text))

    if hold is not None and continues is None:
        need(not hold.holds(now_ms), Term.BREACH_HOLD, now_ms, hold.until_ms, hold.describe())

    pay, elec = offer.payments, offer.electrical
    need(
        limits.min_period_ms <= offer.period_ms <= limits.max_period_ms,
        Term.PERIOD_LENGTH,
        offer.period_ms,
        limits.max_period_ms if offer.period_ms > limits.max_period_ms else limits.min_period_ms,
        f"the sale period lasts {offer.period_ms} ms, outside {limits.min_period_ms}.."
        f"{limits.max_period_ms} ms",
    )
    need(
        offer.stop_ms > now_ms,
        Term.PERIOD_OVER,
        offer.stop_ms,
        now_ms,
        f"the sale period ended at {offer.stop_ms}, before now ({now_ms})",
    )
    # The profile checks walk the whole period: skipped for a period over ten times the
    # longest the buyer accepts (already a reason), so an absurd offer cannot make the
    # buyer compute for minutes.
    period_ok = offer.period_ms <= PROFILE_CHECK_FACTOR * limits.max_period_ms
    ceiling = (
        check_ceiling(offer.profile, limits.ceiling, offer.start_ms, offer.stop_ms)
        if period_ok
        else []
    )
    for violation in ceiling:
        need(
            False,
            Term.RATE_ABOVE_CEILING,
            int(violation.seller_msat_per_kwh),
            int(violation.ceiling_msat_per_kwh),
            violation.describe(),
        )
    low = max(pay.min_payment, limits.min_payment)
    high = min(pay.max_payment, limits.max_payment)
    need(
        low <= high,
        Term.PAYMENT_SIZE,
        pay.min_payment.msat if pay.min_payment > limits.max_payment else pay.max_payment.msat,
        limits.max_payment.msat
        if pay.min_payment > limits.max_payment
        else limits.min_payment.msat,
        f"payment sizes {pay.min_payment}..{pay.max_payment} do not overlap "
        f"{limits.min_payment}..{limits.max_payment}",
    )
    need(
        pay.prepayment <= limits.max_prepayment,
        Term.PREPAYMENT,
        pay.prepayment.msat,
        limits.max_prepayment.msat,
        f"prepayment {pay.prepayment} is above the limit {limits.max_prepayment}",
    )
    need(
        pay.prepayment_ms <= limits.max_prepayment_ms,
        Term.PREPAYMENT_TIME,
        pay.prepayment_ms,
        limits.max_prepayment_ms,
        f"prepayment window {pay.prepayment_ms} ms of energy is above "
        f"{limits.max_prepayment_ms} ms",
    )
    floor = ahead_floor(offer)
    need(
        floor <= limits.max_prepayment,
        Term.PREPAYMENT,
        floor.msat,
        limits.max_prepayment.msat,
        f"the buyer would always be {floor} ahead (the smallest payment or the restore "
        f"threshold), above the limit {limits.max_prepayment}",
    )
    need(
        pay.unpaid_ms >= limits.min_unpaid_ms,
        Term.UNPAID_TIME,
        pay.unpaid_ms,
        limits.min_unpaid_ms,
        f"the seller waits {pay.unpaid_ms} ms of energy for a payment, less than the "
        f"{limits.min_unpaid_ms} ms this buyer's payments need to arrive",
    )
    need(
        pay.initial_deposit <= limits.max_deposit,
        Term.DEPOSIT,
        pay.initial_deposit.msat,
        limits.max_deposit.msat,
        f"deposit {pay.initial_deposit} is above the limit {limits.max_deposit}",
    )
    reasons.extend(electrical_reasons(elec, limits))
    need(
        offer.meter_id == limits.expected_meter_id,
        Term.METER_ID,
        0,
        0,
        f"energy is sold from meter {offer.meter_id!r}, not the expected "
        f"{limits.expected_meter_id!r}",
    )
    need(
        offer.seller_metered == limits.seller_metered,
        Term.METERING,
        int(offer.seller_metered),
        int(limits.seller_metered),
        _metering_mismatch(limits.seller_metered),
    )
    tol = offer.tolerance
    need(
        limits.max_tolerance.covers(tol),
        Term.TOLERANCE,
        tol.share_ppm,
        limits.max_tolerance.share_ppm,
        f"metering tolerance {tol.share_ppm} ppm + {tol.fixed_mwh} mWh is looser than "
        f"{limits.max_tolerance.share_ppm} ppm + {limits.max_tolerance.fixed_mwh} mWh",
    )
    need(
        tol.covers(limits.own_tolerance),
        Term.TOLERANCE,
        tol.share_ppm,
        limits.own_tolerance.share_ppm,
        f"metering tolerance {tol.share_ppm} ppm + {tol.fixed_mwh} mWh is tighter than the "
        f"buyer's own meter ({limits.own_tolerance.share_ppm} ppm + "
        f"{limits.own_tolerance.fixed_mwh} mWh)",
    )
    energy = energy_at_power_mwh(elec.max_power_mw, offer.period_ms)
    full = cost(offer.profile, energy, offer.start_ms, offer.stop_ms) if period_ok else Msat(0)
    need(
        full <= limits.max_period_cost,
        Term.PERIOD_COST,
        full.msat,
        limits.max_period_cost.msat,
        f"a full period at maximum power costs {full}, above the limit {limits.max_period_cost}",
    )
    if offer.is_renewal or continues is not None:
        gap_ok = continues is not None and offer.start_ms == continues.stop_ms
        need(
            offer.is_renewal and gap_ok,
            Term.RENEWAL,
            offer.start_ms,
            continues.stop_ms if continues is not None else 0,
            "a renewal must start exactly when the current period stops and be marked renewal",
        )
    if reasons:
        return Rejection(tuple(reasons))
    size = min(max(limits.desired_payment, low), high)
    return Acceptance(payment_size=size)


def _metering_mismatch(seller_metered: bool) -> str:
    """Why the offer's metering is refused, with the fix on the seller's side."""
    if seller_metered:
        return (
            "this buyer has no meter of its own and buys only on the seller's meter alone, "
            'but the offer is dual-metered: set metering = "seller" in the seller\'s '
            "[[buyers]] entry for this buyer"
        )
    return (
        "the offer is metered by the seller alone, but this buyer has its own meter: "
        'remove metering = "seller" from the seller\'s [[buyers]] entry for this buyer'
    )
