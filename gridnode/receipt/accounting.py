"""Energy and its cost from a signed series, with the trade engine's own cost function.

Between two consecutive readings of a meter the energy is the difference of their
register values, and its cost is :func:`gridnode.trade.profiles.cost_exact` under the
terms in force at the start of the interval: the same function, and the same rule for
which terms apply, as the sessions bill by (:class:`gridnode.trade.metering.CostMeter`).
The sessions bill every control tick and the readings come every payment step, so for a
price that changes within a step the two sums differ slightly; the verifier allows for
that within the agreed tolerance.

A step longer than :data:`MAX_PRICED_STEP_MS` is not priced: the cost of a step is
integrated over every piece of the profile it spans (a daily table's knots, every day),
so a reading dated years after the one before it, in a file anyone may have written,
would keep the verifier busy for hours. The readings come every payment step (seconds
to minutes apart); the money check reports such a gap instead (:func:`long_steps`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from gridnode.ocmf import OcmfError, OcmfRecord, parse_record
from gridnode.trade.profiles import cost_exact, mean_price
from gridnode.trade.terms import Offer
from gridnode.trade.units import MS_PER_DAY

#: The longest step between two readings that is priced: a week, far beyond any pause
#: of a real session, and short enough that pricing it takes milliseconds.
MAX_PRICED_STEP_MS = 7 * MS_PER_DAY


@dataclass(frozen=True, slots=True)
class Interval:
    """The energy between two consecutive readings of one meter and what it costs."""

    start_ms: int
    stop_ms: int
    start_page: int
    stop_page: int
    energy_mwh: int
    price_msat_per_kwh: Fraction
    cost_msat: Fraction


@dataclass(frozen=True, slots=True)
class Point:
    page: int
    at_ms: int
    register_mwh: int


def points(records: Sequence[str | OcmfRecord]) -> list[Point]:
    """The readable (page, time, register) of each record, in the order given; records
    that do not parse or carry no energy value are left out (the series check reports
    them)."""
    out: list[Point] = []
    for item in records:
        try:
            record = item if isinstance(item, OcmfRecord) else parse_record(item)
        except OcmfError:
            continue
        reading = record.payload.RD[-1]
        energy = reading.energy_mwh
        if energy is not None:
            out.append(Point(record.page, reading.TM.unix_ms, energy))
    return out


def offer_at(offers: Sequence[Offer], at_ms: int) -> Offer:
    """The accepted terms in force at ``at_ms``: the latest whose period has started
    (the first before any has)."""
    ordered = sorted(offers, key=lambda o: o.start_ms)
    current = ordered[0]
    for offer in ordered:
        if offer.start_ms <= at_ms:
            current = offer
    return current


def long_steps(records: Sequence[str | OcmfRecord]) -> list[tuple[Point, Point]]:
    """The steps of a series longer than :data:`MAX_PRICED_STEP_MS`, which
    :func:`intervals` leaves out."""
    series = points(records)
    return [
        (before, after)
        for before, after in itertools.pairwise(series)
        if after.at_ms - before.at_ms > MAX_PRICED_STEP_MS
    ]


def intervals(records: Sequence[str | OcmfRecord], offers: Sequence[Offer]) -> list[Interval]:
    """Each step of a series with its energy and exact cost; a step longer than
    :data:`MAX_PRICED_STEP_MS` is left out (see :func:`long_steps`)."""
    out: list[Interval] = []
    series = points(records)
    for before, after in itertools.pairwise(series):
        energy = max(0, after.register_mwh - before.register_mwh)
        start, stop = before.at_ms, max(after.at_ms, before.at_ms)
        if stop - start > MAX_PRICED_STEP_MS:
            continue
        profile = offer_at(offers, start).profile
        out.append(
            Interval(
                start,
                stop,
                before.page,
                after.page,
                energy,
                mean_price(profile, start, stop),
                cost_exact(profile, energy, start, stop),
            )
        )
    return out


def energy_mwh(records: Sequence[str | OcmfRecord]) -> int:
    """The series' energy: its last register value less its first."""
    series = points(records)
    return series[-1].register_mwh - series[0].register_mwh if series else 0


def energy_bracket(records: Sequence[str | OcmfRecord], at_ms: int) -> tuple[int, int] | None:
    """The series' energy since its first reading at ``at_ms``, as the range its readings
    allow: at least what its last reading at or before ``at_ms`` shows, at most what its
    first reading at or after it shows (energy only grows in between, at a rate the
    readings do not tell). None when the series does not reach ``at_ms``."""
    series = points(records)
    if not series or series[-1].at_ms < at_ms:
        return None
    base = series[0].register_mwh
    before = [p.register_mwh for p in series if p.at_ms <= at_ms]
    after = next(p.register_mwh for p in series if p.at_ms >= at_ms)
    low = (before[-1] if before else base) - base
    return low, after - base


def cost_msat(steps: Sequence[Interval]) -> Fraction:
    return sum((s.cost_msat for s in steps), Fraction(0))
