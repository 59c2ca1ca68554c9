"""The payment cadence: how much each side may be exposed, and how big each payment is.

Sale terms bound the exposure both ways (docs/cadence.md):

- *ahead*: the most the buyer has paid for energy it has not yet used;
- *unpaid*: the most the seller has delivered that is not yet paid for.

Each is bounded in msat and in seconds of energy at the current power. **The current
power is the mean power over the budget's own length, as this node's meter measured it**
(capped at the contracted maximum power), so "T seconds of energy at the current power"
is the cost, at the current price, of the energy delivered over the last T seconds:

- *ahead*, T seconds: what the buyer has paid ahead would last about T seconds if it
  kept drawing what it drew over the last T seconds;
- *unpaid*, T seconds: the seller waits for payment of energy for at most T seconds (a
  buyer who stops paying is cut once the energy of the last T seconds is unpaid; a
  fall in power does not cut a buyer that is paying on time, since the window still
  holds the energy it was billed for).

Since power above the maximum is cut at once (overcurrent), T seconds at the current
power is never more than T seconds at maximum power: that, and the msat cap, bound the
exposure however the power jumps. The ahead budget never falls below the restore
threshold plus the smallest payment, so a supply that is off can be paid on again.

The step is the largest payment that keeps within both budgets: the seller invoices when
paying keeps the buyer within its ahead budget, and the energy used while the payment is
under way (``lead``) must fit in the unpaid budget. A quiet house thus pays rarely (its
msat caps allow many seconds) and a charging car often. Everything here is pure.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.money import Msat
from gridnode.trade.profiles import floor_msat
from gridnode.trade.terms import Offer
from gridnode.trade.units import MS_PER_DAY, MS_PER_HOUR, MWH_PER_KWH, energy_at_power_mwh

#: The time allowed from asking for an invoice to its settlement: LND makes the invoice,
#: the peer link carries it, the buyer's LND pays it (under a second on a direct
#: channel; a routed payment may take longer, and the unpaid budget absorbs the rest).
PAYMENT_LEAD_MS = 2_000

#: What one payment adds to a node's storage, in bytes, as the cadence plans it:
#: scripts/bench_storage.py (docs/bench_storage.json: 2,000 payments of 20 sat, LND 0.21)
#: reads LND's channel.db with ``bbolt stats`` and finds 14.5 KB of pages allocated per
#: payment on the payee and 13.6 KB on the payer before compaction (holding 3.0 and
#: 2.1 KB of data: a running LND's B+tree pages are about a fifth full), plus about
#: 0.5 KB of ledger rows. Not the file's growth, which goes in doublings (256 KB to 32 MB
#: over those payments, 16.7 KB each) and is at most one doubling ahead of its pages.
#: Settled invoices cannot be deleted and compaction only runs at start-up, so the
#: uncompacted pages are planned for: a node may run for weeks between restarts.
BYTES_PER_PAYMENT = 15_000


def min_interval_ms(storage_budget_mb_per_day: int, bytes_per_payment: int) -> int:
    """The shortest time between payments that keeps a node within its storage budget
    (rounded up to a whole ms)."""
    if storage_budget_mb_per_day <= 0 or bytes_per_payment <= 0:
        raise ValueError("a storage budget and the bytes per payment must be positive")
    return -(-MS_PER_DAY * bytes_per_payment // (storage_budget_mb_per_day * 1_000_000))


def msat_per_ms(power_mw: int, price_msat_per_kwh: Fraction) -> Fraction:
    """What energy costs per ms at ``power_mw`` and the given price (exact)."""
    return Fraction(power_mw) * price_msat_per_kwh / (MWH_PER_KWH * MS_PER_HOUR)


@dataclass(slots=True)
class PowerWindow:
    """The energy this node's meter billed over the recent past: (time, energy) points
    going back at least ``span_ms``, so a budget in seconds can be priced."""

    span_ms: int
    points: deque[tuple[int, int]] = field(default_factory=deque)

    def add(self, at_ms: int, energy_mwh: int) -> None:
        """A reading: the session's billed energy at ``at_ms``. Readings from the past
        (a clock step) are ignored."""
        if self.points and at_ms <= self.points[-1][0]:
            return
        self.points.append((at_ms, energy_mwh))
        # keep one point at or before the start of the span, for interpolation
        while len(self.points) > 2 and self.points[1][0] <= at_ms - self.span_ms:
            self.points.popleft()

    def energy_in_last(self, now_ms: int, window_ms: int) -> int:
        """Energy (mWh) billed over [now - window, now]; before the first reading counts
        as nothing, so a budget starts small and grows with the use it sees."""
        if not self.points or window_ms <= 0:
            return 0
        last_energy = self.points[-1][1]
        return max(0, last_energy - self._energy_at(now_ms - window_ms))

    def _energy_at(self, t_ms: int) -> int:
        first_at, first_energy = self.points[0]
        if t_ms <= first_at:
            return first_energy
        before = self.points[0]
        for at_ms, energy in self.points:
            if at_ms >= t_ms:
                b_at, b_energy = before
                return b_energy + (energy - b_energy) * (t_ms - b_at) // (at_ms - b_at)
            before = (at_ms, energy)
        return self.points[-1][1]


@dataclass(frozen=True, slots=True)
class Budgets:
    """The exposure each side may carry at one moment."""

    #: The most the buyer may have paid ahead of its use.
    ahead: Msat
    #: The most the seller may have delivered unpaid.
    unpaid: Msat


def window_budget(
    cap: Msat, window_ms: int, energy_mwh: int, max_power_mw: int, price: Fraction
) -> Msat:
    """The lesser of ``cap`` and the cost at ``price`` of the energy of the last
    ``window_ms`` (itself at most that window at maximum power)."""
    bounded = min(energy_mwh, energy_at_power_mwh(max_power_mw, window_ms))
    return min(cap, floor_msat(bounded * price / MWH_PER_KWH))


def budgets(offer: Offer, window: PowerWindow, now_ms: int) -> Budgets:
    """Both budgets at ``now_ms``, from this node's own power window."""
    pay, max_power = offer.payments, offer.electrical.max_power_mw
    price = offer.profile.price_at(now_ms)
    by_time = window_budget(
        pay.prepayment,
        pay.prepayment_ms,
        window.energy_in_last(now_ms, pay.prepayment_ms),
        max_power,
        price,
    )
    ahead = min(max(by_time, ahead_floor(offer)), pay.prepayment)
    unpaid = window_budget(
        pay.unpaid,
        pay.unpaid_ms,
        window.energy_in_last(now_ms, pay.unpaid_ms),
        max_power,
        price,
    )
    return Budgets(ahead, unpaid)


def window_span(offer: Offer) -> int:
    """How far back a power window must reach to price both of the offer's budgets."""
    return max(offer.payments.prepayment_ms, offer.payments.unpaid_ms)


def ahead_floor(offer: Offer) -> Msat:
    """The ahead budget never goes below the restore threshold plus one smallest payment,
    so a supply that is off (no power, no use to measure) can always be paid back on."""
    return offer.payments.min_payment + offer.policy.restore


def payment_step(*, ahead: Msat, unpaid: Msat, lead: Msat, smallest: Msat, largest: Msat) -> Msat:
    """The largest payment that keeps within both budgets.

    Invoiced when paying it keeps the buyer within ``ahead``, a payment of ``step``
    leaves the seller ``ahead - step`` of credit when it is asked for; ``lead`` is used
    before it settles, so ``ahead - step - lead >= -unpaid``. Never above ``largest``
    (the agreed size), never below ``smallest`` (no smaller invoice is agreed; when the
    budgets leave less than that, the buyer simply waits to pay it).
    """
    room = min(ahead, ahead + unpaid - lead)
    return max(smallest, min(largest, room))


@dataclass(frozen=True, slots=True)
class Cadence:
    step: Msat
    #: ms between payments at the current power; None while no energy flows.
    interval_ms: int | None
    #: False when, at this power, payments come more often than the storage budget's
    #: minimum interval (exposure is agreed and wins; the node warns).
    within_storage: bool


def cadence(
    *,
    power_mw: int,
    price_msat_per_kwh: Fraction,
    budgets: Budgets,
    smallest: Msat,
    largest: Msat,
    lead_ms: int = PAYMENT_LEAD_MS,
    min_interval_ms: int = 0,
) -> Cadence:
    """The step at ``power_mw`` and the given price, and how often it makes payments
    come. A pure function of power, rate, the two budgets, the payment sizes, the
    payment lead and the storage budget's minimum interval."""
    rate = msat_per_ms(max(0, power_mw), price_msat_per_kwh)
    lead = Msat(-(-(rate * lead_ms) // 1))  # rounded up: it is a bound
    step = payment_step(
        ahead=budgets.ahead, unpaid=budgets.unpaid, lead=lead, smallest=smallest, largest=largest
    )
    if not rate:
        return Cadence(step, None, True)
    interval = int(step.msat / rate)
    return Cadence(step, interval, interval >= min_interval_ms)
