"""Check 5 of a receipt: the money against the energy.

By each meter, the energy at the agreed rates (:mod:`gridnode.receipt.accounting`) must
cost what was paid, within the agreed tolerance and the prepayment window; the two
meters must agree within the tolerance; the totals must be as stated.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from gridnode.receipt.accounting import (
    MAX_PRICED_STEP_MS,
    cost_msat,
    energy_mwh,
    intervals,
    long_steps,
)
from gridnode.receipt.checking import PARTIES, Context, as_list
from gridnode.trade.units import MS_PER_DAY


def check_money(ctx: Context) -> dict[str, Any]:
    """Check the money and the totals; what was found paid and measured, for the report
    (nothing without accepted terms)."""
    if not ctx.offers:
        return {}
    payments = [p for p in as_list(ctx.receipt.get("payments")) if isinstance(p, Mapping)]
    paid = sum(_whole(p.get("amount_msat")) for p in payments)
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
        if paid - cost > prepayment + slack:
            ctx.add(
                "overpaid",
                where,
                f"{energy / 1000:.3f} Wh at the agreed rates cost {_msat(cost)} msat, but "
                f"{paid} msat was paid: more than the prepayment window "
                f"({prepayment} msat) and the tolerance allow.",
            )
        if cost - paid > slack:
            ctx.add(
                "underpaid",
                where,
                f"{energy / 1000:.3f} Wh at the agreed rates cost {_msat(cost)} msat, but "
                f"only {paid} msat was paid.",
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
    if len(energies) == 2:
        seller, buyer = energies["seller"], energies["buyer"]
        allowed = tolerance.allowance_mwh(min(seller, buyer))
        if abs(seller - buyer) > allowed:
            ctx.add(
                "meters_disagree",
                "readings",
                f"the seller's meter measured {seller / 1000:.3f} Wh and the buyer's "
                f"{buyer / 1000:.3f} Wh: {abs(seller - buyer)} mWh apart, more than the "
                f"agreed {allowed} mWh.",
            )
    return {"paid_msat": paid, "energy_mwh": energies}


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
