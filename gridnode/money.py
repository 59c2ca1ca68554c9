"""Money as an integer value type: millisatoshi, never float.

This module imports no I/O library; the pure session core depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import SupportsIndex

MSAT_PER_SAT = 1_000


@dataclass(frozen=True, order=True, slots=True)
class Msat:
    """An amount of bitcoin in millisatoshi (1/1000 of a satoshi).

    Arithmetic with another :class:`Msat` gives an :class:`Msat`; multiplying or
    floor-dividing by an ``int`` scales it. Floats and bools are refused everywhere, so a
    rounding error can never sneak into an amount: convert at the display edge only.
    """

    msat: int

    def __post_init__(self) -> None:
        if isinstance(self.msat, bool) or not isinstance(self.msat, int):
            raise TypeError(f"Msat needs an int number of millisatoshi, got {self.msat!r}")

    # -- construction -------------------------------------------------------------
    @classmethod
    def from_sat(cls, sat: int) -> Msat:
        """An amount of whole satoshi."""
        return cls(_as_int(sat, "sat") * MSAT_PER_SAT)

    # -- views ----------------------------------------------------------------------
    @property
    def sat_floor(self) -> int:
        """Whole satoshi, rounded down (what an on-chain output could carry)."""
        return self.msat // MSAT_PER_SAT

    @property
    def sat_ceil(self) -> int:
        """Whole satoshi, rounded up (what must be invoiced to cover this amount)."""
        return -(-self.msat // MSAT_PER_SAT)

    @property
    def is_whole_sat(self) -> bool:
        return self.msat % MSAT_PER_SAT == 0

    # -- arithmetic -----------------------------------------------------------------
    def __add__(self, other: Msat) -> Msat:
        if not isinstance(other, Msat):
            return NotImplemented
        return Msat(self.msat + other.msat)

    def __sub__(self, other: Msat) -> Msat:
        if not isinstance(other, Msat):
            return NotImplemented
        return Msat(self.msat - other.msat)

    def __mul__(self, factor: SupportsIndex) -> Msat:
        if isinstance(factor, bool | float):
            return NotImplemented
        return Msat(self.msat * factor.__index__())

    __rmul__ = __mul__

    def __floordiv__(self, divisor: SupportsIndex) -> Msat:
        if isinstance(divisor, bool | float):
            return NotImplemented
        return Msat(self.msat // divisor.__index__())

    def __neg__(self) -> Msat:
        return Msat(-self.msat)

    def __abs__(self) -> Msat:
        return Msat(abs(self.msat))

    def __bool__(self) -> bool:
        return self.msat != 0

    # -- display --------------------------------------------------------------------
    def __str__(self) -> str:
        if self.is_whole_sat:
            return f"{self.sat_floor:,} sat"
        sign = "-" if self.msat < 0 else ""
        whole, frac = divmod(abs(self.msat), MSAT_PER_SAT)
        return f"{sign}{whole:,}.{frac:03d} sat"


def _as_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    return value
