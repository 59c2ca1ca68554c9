"""Deterministic fixed-point sine and cosine, in turns.

Both nodes must compute the same cost to the millisatoshi, so the sinusoid profile does
not use ``math.sin`` (libm results may differ in the last bit between platforms). Angles
are exact fractions of a turn; the result is an exact :class:`~fractions.Fraction` with
denominator ``2**PRECISION_BITS`` whose error is below :data:`TRIG_ERROR`.
"""

from __future__ import annotations

from fractions import Fraction

PRECISION_BITS = 128
_ONE = 1 << PRECISION_BITS
# 60 digits of pi; the error this leaves is far below TRIG_ERROR.
_PI = Fraction("3.141592653589793238462643383279502884197169399375105820974944")
PI_FIXED = _PI.numerator * _ONE // _PI.denominator
#: A safe bound on |computed - true| for sin_turns and cos_turns.
TRIG_ERROR = Fraction(1, 1 << (PRECISION_BITS - 16))


def sin_turns(turns: Fraction) -> Fraction:
    """sin(2 pi * turns), exact to within :data:`TRIG_ERROR`."""
    reduced = turns - (turns.numerator // turns.denominator)  # in [0, 1)
    # Fold into [-1/4, 1/4] turn, where the Taylor series converges fast.
    sign = 1
    if reduced >= Fraction(1, 2):
        reduced -= 1  # now in [-1/2, 1/2)
    if reduced > Fraction(1, 4):
        reduced = Fraction(1, 2) - reduced
    elif reduced < Fraction(-1, 4):
        reduced = Fraction(-1, 2) - reduced
    if reduced < 0:
        sign, reduced = -1, -reduced
    # x in radians, fixed point, 0 <= x <= pi/2
    x = 2 * PI_FIXED * reduced.numerator // reduced.denominator
    term = x
    total = 0
    n = 1
    while term:
        total += term
        term = -term * x // _ONE * x // _ONE // ((n + 1) * (n + 2))
        n += 2
    return Fraction(sign * total, _ONE)


def cos_turns(turns: Fraction) -> Fraction:
    """cos(2 pi * turns) = sin(2 pi * (turns + 1/4))."""
    return sin_turns(turns + Fraction(1, 4))


def sin_range_turns(start: Fraction, stop: Fraction) -> tuple[Fraction, Fraction]:
    """Sound bounds (low, high) of sin(2 pi x) for x in [start, stop].

    Exact at the extrema: high is 1 when the arc passes a crest (1/4 + k), low is -1 when
    it passes a trough (3/4 + k); otherwise the endpoint values widened by the error.
    """
    end_values = (sin_turns(start), sin_turns(stop))
    low = min(end_values) - TRIG_ERROR
    high = max(end_values) + TRIG_ERROR
    if _passes(start, stop, Fraction(1, 4)):
        high = Fraction(1)
    if _passes(start, stop, Fraction(3, 4)):
        low = Fraction(-1)
    return max(low, Fraction(-1)), min(high, Fraction(1))


def _passes(start: Fraction, stop: Fraction, phase: Fraction) -> bool:
    """Whether some x = phase + k (k integer) lies in [start, stop]."""
    first = start - phase
    k = -(-first.numerator // first.denominator)
    return phase + k <= stop
