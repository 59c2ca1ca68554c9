"""Is a seller's profile at or below a buyer's ceiling over the whole sale period?

One algorithm, exact rational arithmetic, sound by construction (it never accepts a
profile that exceeds the ceiling at any instant of [start, stop)):

1. Merge both profiles' breakpoints; between two consecutive ones each profile is
   continuous, and linear if it is a piecewise-linear kind.
2. Linear against linear: the difference is linear, so its minimum over [a, b) is at ``a``
   or in the limit just before ``b``; both are compared exactly.
3. Otherwise (a sinusoid on either side): the ceiling's lower bound is compared with the
   seller's upper bound over the piece (sine bounds are exact at crests and troughs). Two
   sinusoids with the same zone and phases are compared as their difference, which is
   again a sinusoid. When bounds do not decide, the piece is halved, down to one second;
   a piece still undecided there is reported as a violation ("could not show").
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from gridnode.trade.profiles import RateProfile
from gridnode.trade.sinusoid import SineTerms, SinusoidProfile

#: Pieces narrower than this are not split further.
MIN_PIECE_MS = 1_000
#: A cap on work per check; beyond it the remainder counts as "could not show".
MAX_STEPS = 20_000


@dataclass(frozen=True, slots=True)
class CeilingViolation:
    """The seller's price is (or could not be shown not to be) above the ceiling."""

    at_ms: int
    seller_msat_per_kwh: Fraction
    ceiling_msat_per_kwh: Fraction
    proven: bool

    def describe(self) -> str:
        verb = "is" if self.proven else "may be"
        return (
            f"at {self.at_ms} ms the seller's price {verb} above the ceiling: "
            f"{float(self.seller_msat_per_kwh):.3f} > {float(self.ceiling_msat_per_kwh):.3f} "
            "msat/kWh"
        )


def check_ceiling(
    seller: RateProfile, ceiling: RateProfile, start_ms: int, stop_ms: int
) -> list[CeilingViolation]:
    """Every piece of [start, stop) where the seller's price exceeds the ceiling; empty
    when the offer is at or below the ceiling everywhere."""
    if stop_ms <= start_ms:
        return []
    marks = sorted(
        set(seller.breakpoints(start_ms, stop_ms)) | set(ceiling.breakpoints(start_ms, stop_ms))
    )
    difference = _same_shape_difference(seller, ceiling)
    violations: list[CeilingViolation] = []
    budget = [MAX_STEPS]
    for a, b in itertools.pairwise(marks):
        if seller.is_piecewise_linear and ceiling.is_piecewise_linear:
            violation = _check_linear(seller, ceiling, a, b)
        else:
            violation = _check_by_bounds(seller, ceiling, difference, a, b, budget)
        if violation is not None:
            violations.append(violation)
    return violations


def _check_linear(
    seller: RateProfile, ceiling: RateProfile, a: int, b: int
) -> CeilingViolation | None:
    s_start, s_stop = seller.ends(a, b)
    c_start, c_stop = ceiling.ends(a, b)
    if s_start > c_start:
        return CeilingViolation(a, s_start, c_start, proven=True)
    if s_stop > c_stop:
        # Linear difference negative in the limit at b: it is negative just before b.
        return CeilingViolation(b - 1, seller.price_at(b - 1), ceiling.price_at(b - 1), True)
    return None


def _same_shape_difference(seller: RateProfile, ceiling: RateProfile) -> SineTerms | None:
    if (
        isinstance(seller, SinusoidProfile)
        and isinstance(ceiling, SinusoidProfile)
        and ceiling.terms.same_shape(seller.terms)
    ):
        return ceiling.terms.minus(seller.terms)
    return None


def _check_by_bounds(
    seller: RateProfile,
    ceiling: RateProfile,
    difference: SineTerms | None,
    a: int,
    b: int,
    budget: list[int],
) -> CeilingViolation | None:
    pending = [(a, b)]
    unproven: CeilingViolation | None = None
    while pending:
        lo, hi = pending.pop()
        budget[0] -= 1
        if difference is not None:
            margin_low = difference.bounds(lo, hi)[0]
        else:
            margin_low = ceiling.bounds(lo, hi)[0] - seller.bounds(lo, hi)[1]
        if margin_low >= 0:
            continue
        mid = (lo + hi) // 2
        for at in (lo, mid, hi - 1):
            s_here, c_here = seller.price_at(at), ceiling.price_at(at)
            if s_here > c_here:
                return CeilingViolation(at, s_here, c_here, proven=True)
        if hi - lo <= MIN_PIECE_MS or budget[0] <= 0:
            if unproven is None:
                unproven = CeilingViolation(lo, s_here, c_here, proven=False)
            if budget[0] <= 0:
                return unproven
            continue
        pending.extend(((mid, hi), (lo, mid)))
    return unproven
