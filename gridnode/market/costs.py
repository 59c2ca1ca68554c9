"""What a period with one seller costs the buyer, exactly: energy, fees, deposit, premium.

Every amount here is an exact :class:`~fractions.Fraction` of a millisatoshi, computed by
the same rule as billing (:mod:`gridnode.trade.profiles`): the profile's exact integral
over the period, times the expected power. Nothing is rounded until a person sees it.

**The deposit's lockup cost** (docs/market.md): locking a deposit means paying the
seller's hold invoice, which the buyer's payment policy lets routing fees take up to
``max_fee_ppm`` of. The lockup cost is that bound, rounded up to a whole msat:
``ceil(deposit_msat x max_fee_ppm / 1_000_000)``. It is what locking a new deposit may
cost at most (a cancelled hold invoice pays no fee; a settled one pays at most this), zero
on a direct channel with ``max_fee_ppm = 0``. A buyer that already holds a deposit with
a seller pays none to stay.
"""

from __future__ import annotations

from fractions import Fraction

from gridnode.money import Msat
from gridnode.trade.profiles import RateProfile
from gridnode.trade.units import MS_PER_HOUR, MWH_PER_KWH, PPM

__all__ = [
    "deposit_lockup_cost",
    "energy_cost_exact",
    "expected_energy_mwh",
    "fee_bound_exact",
    "premium_exact",
]


def deposit_lockup_cost(deposit: Msat, max_fee_ppm: int) -> Msat:
    """The most locking ``deposit`` may cost in routing fees (module docstring)."""
    return Msat(-(-deposit.msat * max_fee_ppm // PPM))


def expected_energy_mwh(power_mw: int, start_ms: int, stop_ms: int) -> Fraction:
    """The energy of ``power_mw`` held over [start_ms, stop_ms), exact (mW x ms / 3.6e6)."""
    return Fraction(power_mw * (stop_ms - start_ms), MS_PER_HOUR)


def energy_cost_exact(profile: RateProfile, power_mw: int, start_ms: int, stop_ms: int) -> Fraction:
    """The exact cost in msat of ``power_mw`` held over [start_ms, stop_ms) at ``profile``:
    the integral of price x power, with the profile's own exact integral."""
    if stop_ms <= start_ms or power_mw == 0:
        return Fraction(0)
    return power_mw * profile.integral(start_ms, stop_ms) / (MWH_PER_KWH * MS_PER_HOUR)


def fee_bound_exact(amount: Fraction, max_fee_ppm: int) -> Fraction:
    """The most routing fees may take when ``amount`` is paid (the buyer's fee bound)."""
    return amount * max_fee_ppm / PPM


def premium_exact(premium_msat_per_kwh: int, energy_mwh: Fraction) -> Fraction:
    """What the buyer gladly pays a seller above the others for ``energy_mwh``."""
    return premium_msat_per_kwh * energy_mwh / MWH_PER_KWH
