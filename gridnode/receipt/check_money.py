"""Check 5 of a receipt: the money against the energy.

By each meter, the energy at the agreed rates (:mod:`gridnode.receipt.accounting`) must
cost what was paid for it, within the agreed tolerance and the prepayment window (a
settled deposit is no payment for energy: it covers a default, which the seller's own
meter must show); the two
meters must agree within the tolerance, compared at the same instant; the totals must be
as stated.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from gridnode.receipt.accounting import (
    MAX_PRICED_STEP_MS,
    cost_msat,
    energy_bracket,
    energy_mwh,
    intervals,
    long_steps,
    points,
)
from gridnode.receipt.checking import PARTIES, Context, as_list
from gridnode.trade.terms import MeteringTolerance
from gridnode.trade.units import MS_PER_DAY


def check_money(ctx: Context) -> dict[str, Any]:
    """Check the money and the totals; what was found paid and measured, for the report
    (nothing without accepted terms)."""
    if not ctx.offers:
        return {}
    payments = [p for p in as_list(ctx.receipt.get("payments")) if isinstance(p, Mapping)]
    paid = sum(_whole(p.get("amount_msat")) for p in payments)
    # a settled deposit is no payment for energy: the seller keeps it for a default
    kept = sum(_whole(p.get("amount_msat")) for p in payments if p.get("purpose") == "deposit")
    # a credit note of an earlier session carried in was paid then (issue 19)
    carried_in = ctx.statements[-1].carried_in.msat if ctx.statements else 0
    paid_in = paid + carried_in
    for_energy = paid_in - kept
    tolerance = ctx.offers[0].tolerance
    prepayment = max(o.payments.prepayment.msat for o in ctx.offers)
    totals = ctx.receipt.get("totals")
    totals = totals if isinstance(totals, Mapping) else {}
    if totals.get("paid_msat") != paid:
        ctx.add(
            "totals_mismatch",
            "totals.paid_msat",
            f"says {totals.get('paid_msat')}; the payments add up to {paid}.",
        )
    energies: dict[str, int] = {}
    for party in PARTIES:
        records = ctx.readings.get(party, [])
        if not records:
            continue
        for before, after in long_steps(records):
            ctx.add(
                "unpriced_step",
                f"{party} readings T{before.page} to T{after.page}",
                f"are {(after.at_ms - before.at_ms) / MS_PER_DAY:,.1f} days apart, longer "
                f"than the {MAX_PRICED_STEP_MS // MS_PER_DAY} days a step may span; the "
                "energy between them is not priced (a reading's time is wrong or forged).",
            )
        steps = intervals(records, ctx.offers)
        energy = energy_mwh(records)
        energies[party] = energy
        cost = cost_msat(steps)
        highest = max((s.price_msat_per_kwh for s in steps), default=Fraction(0))
        # the tolerance in money: the energy the meters may differ by, at the highest
        # price of the session, plus one msat per step for rounding
        slack = tolerance.allowance_mwh(energy) * highest / 1_000_000 + len(steps)
        where = f"{party}'s meter"
        if for_energy - cost > prepayment + slack:
            ctx.add(
                "overpaid",
                where,
                f"{energy / 1000:.3f} Wh at the agreed rates cost {_msat(cost)} msat, but "
                f"{for_energy} msat was paid for it: more than the prepayment window "
                f"({prepayment} msat) and the tolerance allow.",
            )
        if cost - paid_in > slack:
            ctx.add(
                "underpaid",
                where,
                f"{energy / 1000:.3f} Wh at the agreed rates cost {_msat(cost)} msat, but "
                f"only {paid_in} msat was paid.",
            )
        if kept and party == "seller" and for_energy - cost > slack:
            ctx.add(
                "deposit_kept",
                "payments",
                f"the seller kept the {kept} msat deposit, but by its own meter the buyer "
                f"owed nothing: {energy / 1000:.3f} Wh cost {_msat(cost)} msat and "
                f"{for_energy} msat was paid for it.",
            )
        stated = _get(totals, "cost_msat", party)
        if stated is not None and stated != _msat(cost):
            ctx.add(
                "totals_mismatch",
                f"totals.cost_msat.{party}",
                f"says {stated}; the signed readings give {_msat(cost)}.",
            )
        stated = _get(totals, "energy_mwh", party)
        if stated is not None and stated != energy:
            ctx.add(
                "totals_mismatch",
                f"totals.energy_mwh.{party}",
                f"says {stated}; the signed readings give {energy}.",
            )
    if len(energies) == 2 and not ctx.seller_metered:  # single-metered: nothing to compare
        meters_agree(ctx, tolerance)
    return {"paid_msat": paid, "energy_mwh": energies}


def meters_agree(ctx: Context, tolerance: MeteringTolerance) -> None:
    """The two meters, compared at one instant: where the series that ends first ends.

    Each side signs its End from its own latest sample, so the two Ends are taken at
    different moments (up to a meter poll apart, or much more when one node stopped
    before its End): totals at different moments would differ by the energy between
    them. So the energy of the series that ends first is held against what the other
    series' readings allow at that instant (between its readings just before and just
    after it)."""
    series = {p: points(ctx.readings[p]) for p in PARTIES}
    if not all(series.values()):
        return  # nothing readable to compare (the series check says why)
    last = {p: series[p][-1].at_ms for p in PARTIES}
    first, other = sorted(PARTIES, key=lambda p: last[p])
    at_ms = last[first]
    measured = energy_mwh(ctx.readings[first])
    bracket = energy_bracket(ctx.readings[other], at_ms)
    if bracket is None:  # pragma: no cover - the other series ends at or after at_ms
        return
    low, high = bracket
    nearest = min(max(measured, low), high)
    allowed = tolerance.allowance_mwh(min(measured, nearest))
    if abs(measured - nearest) > allowed:
        ctx.add(
            "meters_disagree",
            "readings",
            f"at {_when(at_ms)} the {first}'s meter had measured {measured / 1000:.3f} Wh "
            f"and the {other}'s readings allow {low / 1000:.3f} to {high / 1000:.3f} Wh: "
            f"{abs(measured - nearest)} mWh apart, more than the agreed {allowed} mWh.",
        )


def _when(at_ms: int) -> str:
    return datetime.fromtimestamp(at_ms / 1000, UTC).isoformat(timespec="milliseconds")


def _msat(amount: Fraction) -> int:
    return amount.numerator // amount.denominator


def _get(mapping: Mapping[str, Any], key: str, inner: str) -> Any:
    value = mapping.get(key)
    return value.get(inner) if isinstance(value, Mapping) else None


def _whole(amount: object) -> int:
    """A payment's amount in msat; one that is not a whole number counts nothing here
    (check 4 reports it against its BOLT11). Found by fuzzing: ``int()`` of a list, an
    object or text escaped the verifier as a TypeError or ValueError."""
    return amount if isinstance(amount, int) and not isinstance(amount, bool) else 0
