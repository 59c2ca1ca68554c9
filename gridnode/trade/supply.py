"""Contactor care, warnings and payment windows: rules of the seller's control step.

:class:`Supply` decides when the relay switches: off at once when anything forbids it;
on only when nothing does, credit is at or above the restore threshold, the contactor
has rested its minimum off time, and the hourly switch cap is not used up. A cut by the
electrical protection (voltage, frequency, current, imbalance, neutral) is journalled as
a fault too; the relay comes back under the same rules once the fault has cleared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.trade.actions import Action, LedgerKind, Notify, Record, SwitchRelay
from gridnode.trade.events import MeterSample
from gridnode.trade.messages import Cause, CreditWarning, Resume, Suspend
from gridnode.trade.profiles import floor_msat
from gridnode.trade.protection import Problem, draw_problem
from gridnode.trade.terms import Offer, SupplyPolicy
from gridnode.trade.units import MS_PER_HOUR

#: Bitcoin's target block interval, for sizing a hold invoice's CLTV delta.
_MS_PER_BLOCK = 600_000
#: Blocks added to the period so the deposit outlives it with room to settle.
_CLTV_MARGIN_BLOCKS = 40
#: Cuts by the electrical protection: each is also journalled as a fault.
ELECTRICAL_CAUSES = frozenset(
    {Cause.VOLTAGE, Cause.FREQUENCY, Cause.OVERCURRENT, Cause.IMBALANCE, Cause.NEUTRAL_CURRENT}
)


def cltv_blocks(offer: Offer) -> int:
    """A deposit hold invoice's CLTV delta: the sale period in blocks plus a margin."""
    return -(-offer.period_ms // _MS_PER_BLOCK) + _CLTV_MARGIN_BLOCKS


def fault(
    offer: Offer,
    deposit_locked: bool,
    sample: MeterSample | None,
    now_ms: int,
    supply: Problem | None = None,
) -> Problem | None:
    """Why the relay must be off, credit aside (DESIGN.md invariant 1); None when
    nothing forbids it. ``supply`` is the seller's watch on voltage and frequency once
    its grace ran out (:class:`~gridnode.trade.protection.RangeWatch`); the draw (each
    phase's current, the imbalance, the neutral) is judged on the latest sample at once."""
    if not deposit_locked:
        return Cause.DEPOSIT, "the deposit is not locked"
    if not offer.start_ms <= now_ms < offer.stop_ms:
        return Cause.PERIOD_END, "outside the sale period"
    if sample is None or now_ms - sample.at_ms > offer.policy.reading_max_age_ms:
        return Cause.STALE_READING, "no fresh meter reading"
    if sample.at_ms > now_ms:
        return Cause.STALE_READING, "the meter reading is from the future (clock jump)"
    draw = draw_problem(offer.electrical, sample)
    if draw is not None:
        return draw
    return supply


@dataclass(slots=True)
class Supply:
    policy: SupplyPolicy
    relay_on: bool = False
    off_since_ms: int | None = None
    on_times_ms: list[int] = field(default_factory=list)
    suspended_cause: Cause | None = None
    warned: bool = False

    def notices(
        self, switch: SwitchRelay | None, credit: Fraction, unpaid_msat: int = 0
    ) -> list[Suspend | Resume | CreditWarning]:
        """What to tell the buyer about this control step: Suspend / Resume with the
        cause, and one CreditWarning each time credit dips under the warning threshold
        (both thresholds lowered by the unpaid budget the seller allows now)."""
        found: list[Suspend | Resume | CreditWarning] = []
        if switch is not None and not switch.on and switch.cause is not None:
            self.suspended_cause = switch.cause
            found.append(Suspend(switch.cause, switch.text))
        elif switch is not None and switch.on and self.suspended_cause is not None:
            found.append(Resume(self.suspended_cause))
            self.suspended_cause = None
        policy = self.policy
        if credit >= policy.restore.msat:
            self.warned = False
        elif self.relay_on and credit < policy.warn.msat - unpaid_msat and not self.warned:
            self.warned = True
            left, cutoff = floor_msat(credit).msat, policy.cutoff.msat - unpaid_msat
            text = f"credit {left} msat: power goes off at {cutoff} msat"
            found.append(CreditWarning(left, cutoff, text))
        return found

    def decide(
        self,
        now_ms: int,
        fault: tuple[Cause, str] | None,
        credit_ok: bool,
        credit: Fraction,
        out: list[Action],
    ) -> SwitchRelay | None:
        if self.relay_on:
            if fault is not None:
                return self.force_off(now_ms, fault[0], fault[1], out)
            if not credit_ok:
                return self.force_off(now_ms, Cause.CREDIT, "credit at or below the cut-off", out)
            return None
        if fault is not None or not credit_ok or credit < self.policy.restore.msat:
            return None
        if self.off_since_ms is not None and not (
            now_ms - self.off_since_ms >= 0 and now_ms - self.off_since_ms >= self.policy.min_off_ms
        ):
            return None
        self.on_times_ms = [t for t in self.on_times_ms if 0 <= now_ms - t < MS_PER_HOUR]
        if len(self.on_times_ms) >= self.policy.max_switches_per_hour:
            return None
        self.relay_on = True
        self.on_times_ms.append(now_ms)
        out.append(Record(LedgerKind.RELAY, now_ms, "relay on"))
        return SwitchRelay(True, None, "supply conditions hold")

    def force_off(
        self, now_ms: int, cause: Cause, text: str, out: list[Action]
    ) -> SwitchRelay | None:
        if not self.relay_on:
            return None
        self.relay_on = False
        self.off_since_ms = now_ms
        if cause in ELECTRICAL_CAUSES:  # protection tripped: a fault, for the operator too
            out.extend([Record(LedgerKind.FAULT, now_ms, f"supply cut: {text}"), Notify(text)])
        out.append(Record(LedgerKind.RELAY, now_ms, f"relay off: {text}"))
        return SwitchRelay(False, cause, text)


@dataclass(slots=True)
class CreditDeadline:
    """When a buyer's credit ran past the seller's cut line, for the latency figures.

    Credit moves only with the seller's meter and the buyer's payments, so the line is
    crossed between the last moment credit moved while it held (``held``) and the first
    moment it did not: the deadline is interpolated linearly between the two. A relay
    cut for credit is journalled with it (a ``state`` record: the deadline and when the
    seller saw it missed), so the time from a missed deadline to the relay opening is
    read from the ledger, not estimated."""

    #: (ms, margin above the cut line) when credit last moved while it held
    last: tuple[int, Fraction] | None = None

    def held(self, at_ms: int, margin: Fraction) -> None:
        if self.last is None or self.last[1] != margin:
            self.last = (at_ms, margin)

    def missed(self, at_ms: int, margin: Fraction, now_ms: int) -> Record:
        deadline = at_ms
        if self.last is not None and self.last[1] > 0 >= margin and self.last[0] < at_ms:
            t0, m0 = self.last
            step = (at_ms - t0) * m0 / (m0 - margin)
            deadline = t0 + step.numerator // step.denominator
        self.last = None
        data = json.dumps({"deadline_ms": deadline, "seen_ms": now_ms}).encode()
        text = f"credit ran past the cut line at {deadline} ms, seen at {now_ms} ms"
        return Record(LedgerKind.STATE, now_ms, text, data=data)
