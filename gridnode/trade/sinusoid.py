"""The day + year sinusoid rate profile.

price(t) = mean + day_amplitude * sin(2 pi (local_ms - day_phase_ms) / 1 day)
                + year_amplitude * sin(2 pi (t_ms - year_phase_ms) / 365.2425 days)

The daily term follows the local clock of ``zone_name``; the yearly term follows UTC
(a zone shift of hours is immaterial on a yearly curve, and UTC keeps it continuous).
Sines are computed in deterministic fixed point (:mod:`gridnode.trade._trig`), so both
nodes compute the same cost; integrals use the closed-form antiderivative.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import ClassVar

from gridnode.trade._localtime import offset_runs
from gridnode.trade._trig import cos_turns, sin_range_turns, sin_turns
from gridnode.trade.errors import ProfileError
from gridnode.trade.profiles import check_zone
from gridnode.trade.units import MS_PER_DAY, MsatPerKwh

#: The mean Gregorian year, in ms.
MS_PER_YEAR = 31_556_952_000
# 2 * pi as an exact fraction (60 digits; far below the trig error bound).
_TWO_PI = 2 * Fraction("3.141592653589793238462643383279502884197169399375105820974944")


@dataclass(frozen=True, slots=True)
class SineTerms:
    """The arithmetic of a sinusoid, without validation (differences may be negative)."""

    mean: int
    day_amplitude: int
    day_phase_ms: int
    year_amplitude: int
    year_phase_ms: int
    zone_name: str

    def value(self, t_ms: int, offset_ms: int) -> Fraction:
        day = sin_turns(Fraction(t_ms + offset_ms - self.day_phase_ms, MS_PER_DAY))
        year = sin_turns(Fraction(t_ms - self.year_phase_ms, MS_PER_YEAR))
        return self.mean + self.day_amplitude * day + self.year_amplitude * year

    def antiderivative(self, t_ms: int, offset_ms: int) -> Fraction:
        """F with F' = value, within a run of constant offset (units (msat/kWh)*ms)."""
        return _antiderivative(self, t_ms, offset_ms)

    def _antiderivative(self, t_ms: int, offset_ms: int) -> Fraction:
        day = cos_turns(Fraction(t_ms + offset_ms - self.day_phase_ms, MS_PER_DAY))
        year = cos_turns(Fraction(t_ms - self.year_phase_ms, MS_PER_YEAR))
        return (
            self.mean * t_ms
            - self.day_amplitude * MS_PER_DAY * day / _TWO_PI
            - self.year_amplitude * MS_PER_YEAR * year / _TWO_PI
        )

    def integral(self, start_ms: int, stop_ms: int) -> Fraction:
        total = Fraction(0)
        for a, b, offset in offset_runs(self.zone_name, start_ms, stop_ms):
            total += self.antiderivative(b, offset) - self.antiderivative(a, offset)
        return total

    def bounds(self, start_ms: int, stop_ms: int) -> tuple[Fraction, Fraction]:
        """Sound (low, high) over [start, stop], exact at crests and troughs."""
        low = high = Fraction(self.mean)
        for a, b, offset in offset_runs(self.zone_name, start_ms, max(stop_ms, start_ms + 1)):
            day = sin_range_turns(
                Fraction(a + offset - self.day_phase_ms, MS_PER_DAY),
                Fraction(b + offset - self.day_phase_ms, MS_PER_DAY),
            )
            year = sin_range_turns(
                Fraction(a - self.year_phase_ms, MS_PER_YEAR),
                Fraction(b - self.year_phase_ms, MS_PER_YEAR),
            )
            run_low, run_high = Fraction(self.mean), Fraction(self.mean)
            for amplitude, (s_low, s_high) in (
                (self.day_amplitude, day),
                (self.year_amplitude, year),
            ):
                if amplitude >= 0:
                    run_low += amplitude * s_low
                    run_high += amplitude * s_high
                else:
                    run_low += amplitude * s_high
                    run_high += amplitude * s_low
            if a == start_ms:
                low, high = run_low, run_high
            else:
                low, high = min(low, run_low), max(high, run_high)
        return low, high

    def minus(self, other: SineTerms) -> SineTerms:
        """self - other, for two sinusoids with the same zone and phases."""
        return SineTerms(
            self.mean - other.mean,
            self.day_amplitude - other.day_amplitude,
            self.day_phase_ms,
            self.year_amplitude - other.year_amplitude,
            self.year_phase_ms,
            self.zone_name,
        )

    def same_shape(self, other: SineTerms) -> bool:
        return (self.zone_name, self.day_phase_ms, self.year_phase_ms) == (
            other.zone_name,
            other.day_phase_ms,
            other.year_phase_ms,
        )


@dataclass(frozen=True, slots=True)
class SinusoidProfile:
    mean_msat_per_kwh: MsatPerKwh
    day_amplitude_msat_per_kwh: MsatPerKwh
    day_phase_ms: int
    year_amplitude_msat_per_kwh: MsatPerKwh
    year_phase_ms: int
    zone_name: str

    is_piecewise_linear: ClassVar[bool] = False

    def __post_init__(self) -> None:
        check_zone(self.zone_name)
        for name in (
            "mean_msat_per_kwh",
            "day_amplitude_msat_per_kwh",
            "year_amplitude_msat_per_kwh",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ProfileError(f"{name} must be a whole number >= 0; got {value!r}.")
        if (
            self.day_amplitude_msat_per_kwh + self.year_amplitude_msat_per_kwh
            > self.mean_msat_per_kwh
        ):
            raise ProfileError(
                "A sinusoid's amplitudes add up to more than its mean, so its price would go "
                "negative: lower the amplitudes or raise mean_msat_per_kwh."
            )

    @property
    def terms(self) -> SineTerms:
        return SineTerms(
            self.mean_msat_per_kwh,
            self.day_amplitude_msat_per_kwh,
            self.day_phase_ms,
            self.year_amplitude_msat_per_kwh,
            self.year_phase_ms,
            self.zone_name,
        )

    def price_at(self, t_ms: int) -> Fraction:
        return _price_at(self, t_ms)

    def integral(self, start_ms: int, stop_ms: int) -> Fraction:
        return self.terms.integral(start_ms, stop_ms)

    def breakpoints(self, start_ms: int, stop_ms: int) -> list[int]:
        return [a for a, _, _ in offset_runs(self.zone_name, start_ms, stop_ms)] + [stop_ms]

    def bounds(self, start_ms: int, stop_ms: int) -> tuple[Fraction, Fraction]:
        return self.terms.bounds(start_ms, stop_ms)

    def ends(self, start_ms: int, stop_ms: int) -> tuple[Fraction, Fraction]:
        raise TypeError("a sinusoid is not piecewise linear; use bounds()")


@lru_cache(maxsize=1024)
def _price_at(profile: SinusoidProfile, t_ms: int) -> Fraction:
    """Cached: both sessions ask for the price at the same instants several times."""
    ((_, _, offset),) = offset_runs(profile.zone_name, t_ms, t_ms + 1)
    return profile.terms.value(t_ms, offset)


@lru_cache(maxsize=1024)
def _antiderivative(terms: SineTerms, t_ms: int, offset_ms: int) -> Fraction:
    """Cached: each instant ends one increment and starts the next, on both nodes."""
    return terms._antiderivative(t_ms, offset_ms)
