"""The seller's watch on its own meter: a seller whose energy counter is stuck cannot
bill, so it must not supply (issue 16).

The seller bills by its own meter: the fine estimate of energy, bounded by the register
(:class:`~gridnode.trade.metering.EnergyReconciler`). When the register sticks, billing
stops one register step above it while power goes on flowing; the buyer's credit then
stays where it was, no invoice falls due, and a drill saw the relay stay on 6-12 s past
the cut-off line on energy nobody billed. So the seller watches its counter as the buyer
watches its own (:class:`~gridnode.trade.own_meter.CounterWatch`):

- **Exposure**: the energy its meter measured since the register last stepped, beyond the
  one step the billing counts, is supplied but not billed; the control step counts its
  cost against the buyer's credit, so the relay goes off within one tick of that credit
  passing the cut-off line (less the unpaid budget), as for billed energy.
- **Stuck counter**: more than two register steps flowing without a step is a meter
  fault: the seller cuts the supply (cause: no trustworthy reading), journals the fault
  and says so; the fault lasts until the register steps again (a stuck register shows
  what flowed meanwhile when it counts again, even with the supply off).
- **What its readings back**: the energy the register shows when it counts again flowed
  while it was stuck, at moments no reading tells; it is billed (the register backs it)
  over the time since the seller's last signed reading, and a reading is signed at once,
  so the seller's statement and its signed readings price it alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from gridnode.ocmf import SeriesState
from gridnode.trade.actions import Action, LedgerKind, Notify, Record
from gridnode.trade.events import MeterSample
from gridnode.trade.messages import Cause
from gridnode.trade.metering import CostMeter
from gridnode.trade.own_meter import CounterWatch
from gridnode.trade.terms import Offer
from gridnode.trade.units import MWH_PER_KWH


@dataclass(slots=True)
class SellerMeterWatch:
    """Whether the seller's own meter counts what it supplies, and what it has not."""

    counter: CounterWatch
    #: why the counter is stuck now (power flows, the register does not step); None else
    stuck: str | None = None
    #: the stuck spell reported (why, as first seen): it lasts until the register steps
    spell: str | None = None

    @classmethod
    def with_step(cls, register_step_mwh: int) -> SellerMeterWatch:
        return cls(CounterWatch(register_step_mwh))

    def see(self, sample: MeterSample, fresh_ms: int) -> bool:
        """Take a reading of the seller's meter. True when its register steps again after
        a reported stuck spell: what it shows now includes what flowed while it was
        stuck, which no reading of the spell dates."""
        before = self.counter.register_mwh
        self.stuck = self.counter.see(sample, fresh_ms)
        return self.spell is not None and sample.register_mwh != before

    def bill(
        self, sample: MeterSample, meter: CostMeter, offer: Offer, signed: SeriesState
    ) -> bool:
        """Bill a reading of the seller's meter into ``meter``; True when its register
        steps again after a stuck spell (:meth:`see`): what it shows then is priced over
        the time since the last reading the seller signed (``signed``, its series), as
        the readings will price it."""
        resumed = self.see(sample, offer.policy.reading_max_age_ms)
        since_ms = signed.last_unix_ms if resumed else None
        profile = offer.profile
        meter.add(sample.at_ms, sample.register_mwh, sample.integrated_mwh, profile, since_ms)
        return resumed

    def unbilled_msat(self, offer: Offer, now_ms: int) -> Fraction:
        """The cost, at the rate now, of the energy measured since the register last
        stepped beyond the step the billing counts: supplied and not billed."""
        return Fraction(self.counter.lag_mwh) * offer.profile.price_at(now_ms) / MWH_PER_KWH

    @property
    def fault(self) -> tuple[Cause, str] | None:
        """Why the relay must be off for this meter; None while it counts."""
        if self.spell is None:
            return None
        return Cause.STALE_READING, f"the seller's meter is faulty ({self.spell})"

    def report(self, resumed: bool, now_ms: int, out: list[Action]) -> None:
        """Journal and show a change: the spell when it starts, its end when the register
        steps again (``resumed``, from :meth:`see`)."""
        if resumed:
            self.spell = None
            text = "this seller's meter counts again: supply may resume"
            out.extend([Record(LedgerKind.STATE, now_ms, text), Notify(text)])
        if self.stuck is not None and self.spell is None:
            self.spell = self.stuck
            text = (
                f"this seller's meter is faulty ({self.stuck}): it cannot bill, so the "
                "supply stops until it counts again"
            )
            out.extend([Record(LedgerKind.FAULT, now_ms, text), Notify(text)])
