"""Electrical protection, the same rules on both sides: is the supply within the
guaranteed range, and is the draw within the agreed limits?

Both are judged per phase from one meter sample, by pure functions that say what is
wrong in a sentence (or None); :class:`RangeWatch` adds the grace a supply problem gets
before it counts. The seller opens its relay on either (the supply at the end of the
grace, the draw at once: DESIGN.md invariant 1); the buyer stops paying when the supply
stays out of range beyond its own grace, and notes its own draw over the limits.

A phase is *live* when its voltage is at least half the guaranteed minimum, or when it
carries current: below that voltage and without current the supply is simply off (the
relay is open, or the phase is lost upstream), which is no breach; but current drawn at
any voltage outside the range is, however deep the brown-out (a phase at 90 V feeding a
motor is the worst case, not a harmless one).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isqrt

from gridnode.trade.events import MeterSample
from gridnode.trade.messages import Cause
from gridnode.trade.terms import ElectricalGuarantees

#: A phase carrying at least this current (mA) is drawing from the supply, whatever its
#: voltage: above a meter's starting current and its noise at 0 A (tens of mA on an
#: SDM120), below any real appliance (0.1 A is 23 W at 230 V).
CURRENT_PRESENT_MA = 100

#: Supply problems and draw problems: a cause and the sentence that says why.
Problem = tuple[Cause, str]


def _phase(index: int) -> str:
    return f"L{index + 1}"


def supply_problem(electrical: ElectricalGuarantees, sample: MeterSample) -> Problem | None:
    """Voltage on a live phase outside the guaranteed range, or (with a frequency
    guarantee) the frequency outside its range while any phase is live; None when the
    supply is as agreed or off."""
    low, high = electrical.voltage_min_mv, electrical.voltage_max_mv
    live = False
    currents = sample.currents_ma
    for i, volts in enumerate(sample.voltages_mv):
        amps = currents[i] if i < len(currents) else 0
        drawing = amps >= CURRENT_PRESENT_MA
        if 2 * volts < low and not drawing:
            continue  # no supply on this phase: nothing delivered, nothing to judge
        live = True
        if not low <= volts <= high:
            load = f" while {amps} mA flow" if 2 * volts < low else ""
            return Cause.VOLTAGE, (
                f"{_phase(i)} at {volts} mV{load} is outside the guaranteed {low}..{high} mV"
            )
    freq = sample.frequency_mhz
    if live and electrical.guarantees_frequency and freq is not None:
        f_low, f_high = electrical.frequency_min_mhz, electrical.frequency_max_mhz
        if not f_low <= freq <= f_high:
            return Cause.FREQUENCY, (
                f"the frequency {freq} mHz is outside the guaranteed {f_low}..{f_high} mHz"
            )
    return None


def neutral_current_ma(sample: MeterSample) -> int:
    """The neutral's current: the meter's own measurement where it gives one; otherwise
    derived from the phase currents, as for three phases 120 degrees apart at the same
    power factor (|Ia + Ib + Ic|); one phase returns its own current on the neutral."""
    if sample.neutral_ma is not None:
        return sample.neutral_ma
    amps = sample.currents_ma
    if len(amps) != 3:
        return sum(amps)
    a, b, c = amps
    return isqrt(max(0, a * a + b * b + c * c - a * b - b * c - c * a))


def draw_problem(electrical: ElectricalGuarantees, sample: MeterSample) -> Problem | None:
    """A phase's current over its maximum, the phases apart by more than the imbalance
    limit, or the neutral over its limit; None when the draw keeps to the terms."""
    currents = sample.currents_ma
    limits = electrical.phase_limits_ma
    for i, amps in enumerate(currents):
        limit = limits[i] if i < len(limits) else electrical.current_max_ma
        if amps > limit:
            return Cause.OVERCURRENT, f"{_phase(i)} carries {amps} mA, over its {limit} mA"
    if electrical.imbalance_max_ma and len(currents) > 1:
        spread = max(currents) - min(currents)
        if spread > electrical.imbalance_max_ma:
            return Cause.IMBALANCE, (
                f"the phase currents differ by {spread} mA ({'/'.join(map(str, currents))} mA), "
                f"over the agreed {electrical.imbalance_max_ma} mA"
            )
    if electrical.neutral_current_max_ma:
        neutral = neutral_current_ma(sample)
        if neutral > electrical.neutral_current_max_ma:
            return Cause.NEUTRAL_CURRENT, (
                f"the neutral carries {neutral} mA, over the agreed "
                f"{electrical.neutral_current_max_ma} mA"
            )
    return None


@dataclass(slots=True)
class RangeWatch:
    """A supply problem counts once it has lasted longer than ``grace_ms``.

    Fed every sample (:meth:`see`): a sample in range clears it, the first one out of
    range starts the clock. Asked at any moment (:meth:`tripped`), so a tick with no new
    sample still trips it on time: within the grace plus one tick."""

    grace_ms: int
    since_ms: int | None = None
    problem: Problem | None = None

    def see(self, at_ms: int, problem: Problem | None) -> None:
        if problem is None:
            self.since_ms, self.problem = None, None
            return
        if self.since_ms is None or at_ms < self.since_ms:
            self.since_ms = at_ms
        self.problem = problem

    def tripped(self, now_ms: int) -> Problem | None:
        """The problem with how long it has lasted, once that is beyond the grace."""
        if self.since_ms is None or self.problem is None:
            return None
        lasted = now_ms - self.since_ms
        if lasted <= self.grace_ms:
            return None
        cause, text = self.problem
        return cause, f"{text} for {lasted} ms (grace {self.grace_ms} ms)"
