"""The buyer's watch on its own meter: a stuck energy counter or a meter gone stale is
a fault of the buyer's, never evidence against the seller (issue 16).

The buyer judges the seller's claims by its own meter. When that meter fails, the
claims run ahead of what it counted through no fault of the seller's, and a buyer that
judged by it would record a breach and hold an honest seller off for an hour (a drill
saw "the seller claims 2,237 mWh but the buyer's meter saw 10 mWh" after the buyer's
own counter stuck). So a failing meter is the buyer's own fault: it stops paying (it
cannot tell what it is paying for), says so, records no breach and holds nobody off;
when the meter reads again, paying resumes.

- **Stuck counter**: the energy register keeps its value while the meter measures
  power: more than :data:`STUCK_STEPS` register steps of energy (the lower of two
  readings' powers over the time between them) without one step of the register. A
  working register steps at least once per step of energy; the margin covers the first
  step after a change and the power reading's own error. The fault lasts while power
  flows: with the supply off (the seller cut it, as it will once the buyer stops paying)
  the buyer may pay again, so a counter that was repaired meanwhile can count again
  (one that is still stuck is a fault again as soon as power flows: the buyer pays at
  most its ahead budget each time).
- **Stale**: no fresh reading to judge a claim by
  (:attr:`~gridnode.trade.buyer_checks.Finding.OWN_METER_STALE`); cleared by the next
  fresh reading. A meter dark while the supply is off is no fault: the seller then
  claims nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.trade.actions import Action, LedgerKind, Notify, Record
from gridnode.trade.buyer_checks import Finding, MeterComparison, power_bound_mw
from gridnode.trade.events import MeterSample
from gridnode.trade.terms import Offer

#: mW x ms in one mWh.
_MW_MS_PER_MWH = 3_600_000
#: Register steps of measured energy with no step of the register: a stuck counter.
STUCK_STEPS = 2


@dataclass(slots=True)
class CounterWatch:
    """Energy measured since the register last changed: where the fine estimate put
    the energy within the register's step then (the poller's integral knows it from
    the step before), plus active power over time since, counted twice: at the lower of
    two readings' powers (the least that flowed: it calls a counter stuck, so a load
    switched on or off between two readings is never taken for one) and at the higher
    (the most that may have flowed: what the seller's claims are allowed)."""

    register_step_mwh: int
    register_mwh: int | None = None
    last: MeterSample | None = None
    uncounted_mw_ms: int = 0
    most_uncounted_mw_ms: int = 0

    @property
    def lag_mwh(self) -> int:
        """The most energy measured since the register last changed beyond the one step
        the fine estimate fills in between the register's steps (hardware.counters
        PowerIntegrator caps it there): what the meter may not have counted yet."""
        return max(0, self.most_uncounted_mw_ms // _MW_MS_PER_MWH - self.register_step_mwh)

    def see(self, sample: MeterSample, fresh_ms: int) -> str | None:
        """Why the counter is stuck after ``sample``, or None while it counts."""
        last, self.last = self.last, sample
        if last is None or sample.register_mwh != self.register_mwh:
            self.register_mwh = sample.register_mwh
            within = min(
                max(sample.integrated_mwh - sample.register_mwh, 0), self.register_step_mwh
            )
            self.uncounted_mw_ms = self.most_uncounted_mw_ms = within * _MW_MS_PER_MWH
            return None
        gap_ms = sample.at_ms - last.at_ms
        if 0 < gap_ms <= fresh_ms:  # across a gap the power in between is a guess
            low_mw, high_mw = sorted((max(last.power_mw, 0), max(sample.power_mw, 0)))
            self.uncounted_mw_ms += low_mw * gap_ms
            # the load may have switched either way between readings: the allowance errs
            # on the seller's side, never the buyer's
            self.most_uncounted_mw_ms += high_mw * gap_ms
        uncounted_mwh = self.uncounted_mw_ms // _MW_MS_PER_MWH
        if uncounted_mwh <= STUCK_STEPS * self.register_step_mwh or sample.power_mw <= 0:
            # no power now (the supply is off): nothing more goes uncounted, and the buyer
            # must be able to pay for the supply to come back (or a repaired counter
            # could never count again); while power flows, a stuck counter is a fault
            return None
        return (
            f"its energy counter stays at {sample.register_mwh} mWh while it measures "
            f"{uncounted_mwh} mWh flowing ({sample.power_mw} mW now)"
        )


@dataclass(slots=True)
class OwnMeter:
    """Whether the buyer's own meter may be trusted now, and what was said about it."""

    counter: CounterWatch
    stuck: str | None = None
    stale: str | None = None
    #: the kind of fault last recorded, "stuck" or "stale" (None: the meter was fine)
    reported: str | None = None

    @classmethod
    def with_step(cls, register_step_mwh: int) -> OwnMeter:
        return cls(CounterWatch(register_step_mwh))

    @property
    def fault(self) -> str | None:
        """Why the buyer's meter is not to be trusted now; None when it is."""
        return self.stuck or self.stale

    def see(self, sample: MeterSample, fresh: bool, fresh_ms: int) -> None:
        """A reading of the buyer's meter; ``fresh``: no older than the terms allow."""
        self.stuck = self.counter.see(sample, fresh_ms)
        if fresh:
            self.stale = None

    def report(self, now_ms: int, out: list[Action]) -> bool:
        """Record and show a change: the fault when it starts, the recovery when it
        ends. True when a fault has just started or changed (what the meter read is no
        evidence)."""
        fault = self.fault
        kind = "stuck" if self.stuck else "stale" if self.stale else None
        if kind == self.reported:  # the same fault goes on (its numbers grow)
            return False
        self.reported = kind
        if fault is None:
            text = "this buyer's meter reads again: paying resumes"
            out.extend([Record(LedgerKind.STATE, now_ms, text), Notify(text)])
            return False
        text = (
            f"this buyer's meter is faulty ({fault}): this buyer stops paying until it "
            "reads again; no breach of the seller's"
        )
        out.extend([Record(LedgerKind.FAULT, now_ms, text), Notify(text)])
        return True


@dataclass(slots=True)
class ClaimJudge:
    """The seller's claims judged by the buyer's own meter while that meter is sound
    (:class:`~gridnode.trade.buyer_checks.MeterComparison`): what the session asks."""

    comparison: MeterComparison
    own: OwnMeter

    @classmethod
    def with_step(cls, register_step_mwh: int) -> ClaimJudge:
        return cls(MeterComparison(), OwnMeter.with_step(register_step_mwh))

    @property
    def fault(self) -> str | None:
        """Why the buyer's own meter is not to be trusted now (it then pays nothing)."""
        return self.own.fault

    def reading(self, sample: MeterSample, energy_mwh: int, offer: Offer, now_ms: int) -> None:
        """A reading of the buyer's meter, ``energy_mwh`` since the session began."""
        fresh_ms = offer.policy.reading_max_age_ms
        fresh = 0 <= now_ms - sample.at_ms <= fresh_ms
        self.own.see(sample, fresh, fresh_ms)
        if fresh and self.own.fault is None:  # plus what its register has not counted yet
            self.comparison.add_own(sample.at_ms, energy_mwh + self.own.counter.lag_mwh)

    def claim(self, energy_mwh: int, now_ms: int) -> None:
        """A claim of the seller's, judged as of its arrival (by the buyer's clock)."""
        if self.own.fault is None:
            self.comparison.add_claim(now_ms, energy_mwh)

    def judge(self, offer: Offer, now_ms: int, out: list[Action]) -> str | None:
        """The seller's breach (an over-claim), or None; a fault of the buyer's own meter
        is recorded and shown here, once when it starts and once when it ends."""
        if self.own.fault is None:
            power_mw = power_bound_mw(offer.electrical)
            fresh_ms = offer.policy.reading_max_age_ms
            found = self.comparison.check(offer.tolerance, power_mw, fresh_ms, now_ms)
            if found is not None and found.finding is Finding.OVER_CLAIM:
                return found.text
            if found is not None:
                self.own.stale = found.text
        if self.own.report(now_ms, out):
            self.comparison.reset()  # what the faulty meter read is no evidence
        return None
