"""``evaluate(offer, limits)``: accept, or reject listing every violated term.

Each rule reports the number offered and the limit, so a person (or a counter-offer) can
see by how much a term missed. The same rules apply to renewals, which additionally must
carry no deposit and continue the sale without a gap. A buyer holding off a seller that
breached (:class:`BreachHold`) refuses its new offers until the hold ends.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime

from gridnode.money import Msat
from gridnode.trade.cadence import ahead_floor
from gridnode.trade.ceiling import check_ceiling
from gridnode.trade.profiles import cost
from gridnode.trade.terms import BuyerLimits, Offer
from gridnode.trade.units import energy_at_power_mwh

#: Profile checks run for periods up to this many times the buyer's longest.
PROFILE_CHECK_FACTOR = 10


class Term(enum.IntEnum):
    """The terms a rejection can name (the numbers are the wire codes)."""

    PERIOD_LENGTH = 1
    PERIOD_OVER = 2
    RATE_ABOVE_CEILING = 3
    PAYMENT_SIZE = 4
    PREPAYMENT = 5
    PREPAYMENT_TIME = 6
    DEPOSIT = 7
    VOLTAGE_RANGE = 8
    NOMINAL_VOLTAGE = 9
    PHASES = 10
    CURRENT = 11
    METER_ID = 12
    TOLERANCE = 13
    PERIOD_COST = 14
    RENEWAL = 15
    UNPAID_TIME = 16
    BREACH_HOLD = 17


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
class Reason:
    """One violated term: what was offered, what the limit is, and a sentence."""

    term: Term
    offered: int
    limit: int
    text: str


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
    need(
        limits.voltage_min_mv <= elec.voltage_min_mv
        and elec.voltage_max_mv <= limits.voltage_max_mv,
        Term.VOLTAGE_RANGE,
        elec.voltage_min_mv if elec.voltage_min_mv < limits.voltage_min_mv else elec.voltage_max_mv,
        limits.voltage_min_mv
        if elec.voltage_min_mv < limits.voltage_min_mv
        else limits.voltage_max_mv,
        f"guaranteed voltage {elec.voltage_min_mv}..{elec.voltage_max_mv} mV is not inside "
        f"{limits.voltage_min_mv}..{limits.voltage_max_mv} mV",
    )
    need(
        limits.nominal_min_mv <= elec.voltage_nominal_mv <= limits.nominal_max_mv,
        Term.NOMINAL_VOLTAGE,
        elec.voltage_nominal_mv,
        limits.nominal_min_mv
        if elec.voltage_nominal_mv < limits.nominal_min_mv
        else limits.nominal_max_mv,
        f"nominal voltage {elec.voltage_nominal_mv} mV is outside "
        f"{limits.nominal_min_mv}..{limits.nominal_max_mv} mV",
    )
    need(
        elec.phases == limits.phases,
        Term.PHASES,
        elec.phases,
        limits.phases,
        f"the supply has {elec.phases} phase(s); the buyer needs {limits.phases}",
    )
    need(
        elec.current_max_ma >= limits.current_needed_ma,
        Term.CURRENT,
        elec.current_max_ma,
        limits.current_needed_ma,
        f"maximum current {elec.current_max_ma} mA is below the {limits.current_needed_ma} mA "
        "the buyer needs",
    )
    need(
        offer.meter_id == limits.expected_meter_id,
        Term.METER_ID,
        0,
        0,
        f"energy is sold from meter {offer.meter_id!r}, not the expected "
        f"{limits.expected_meter_id!r}",
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
