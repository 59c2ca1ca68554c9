"""A buyer without a meter of its own (``metering = "seller"``, issue 18 §5).

Such a buyer pays against the seller's signed readings alone. They are still checked:
the signature against the pinned key and the series (one meter, Begin first, gap-free
pages, time and energy never going back: :class:`~gridnode.trade.readings.PeerSeries`),
and here their plausibility against the signed terms: between two readings the energy
may grow by no more than the contracted maximum power over the time between them, plus
the agreed metering tolerance; a reading may not be dated before the acceptance or after
the buyer's own clock (plus the allowed skew), which would stretch the time the bound
allows (the first may be as old as the agreed freshness of a reading, and the skew,
before the acceptance); and the energy claimed may not cost more than the buyer paid and
the agreed unpaid budget (the seller cuts the supply before that). A reading that passes
is the buyer's use: it feeds the buyer's cost meter and power window, so the buyer's books
(what it may pay ahead, the closing statement's check) follow the seller's meter as they
follow its own meter when it has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.trade.buyer_payments import BuyerPayments
from gridnode.trade.cadence import PowerWindow
from gridnode.trade.metering import CostMeter
from gridnode.trade.profiles import cost_exact
from gridnode.trade.terms import Offer
from gridnode.trade.units import MWH_PER_KWH

_MS_PER_HOUR = 3_600_000
#: The meter id a seller-metered buyer's own OCMF series names: it signs no meter of its
#: own, only the seller's energy it accepted (so its series mirrors the seller's).
SELLER_METERED_ID = "seller-metered"


def most_energy_mwh(offer: Offer, elapsed_ms: int) -> int:
    """The most energy the terms allow in ``elapsed_ms``: the contracted maximum power
    over that time (rounded up), widened by the agreed metering tolerance."""
    bound = -(-offer.electrical.max_power_mw * max(0, elapsed_ms) // _MS_PER_HOUR)
    return bound + offer.tolerance.allowance_mwh(bound)


@dataclass(slots=True)
class SellerMetered:
    """The seller's readings as the buyer's only meter: checked, then counted."""

    #: When the buyer accepted the offer: no reading of the session may be dated before.
    since_ms: int
    #: The buyer's books the readings feed: its cost meter and its power window.
    meter: CostMeter
    window: PowerWindow
    #: What the buyer has paid (and carried in): the seller may not claim energy that
    #: costs more than that and the agreed unpaid budget.
    payments: BuyerPayments
    #: How far the seller's clock may run ahead of the buyer's (as for dual metering).
    skew_ms: int = 1_000
    #: The latest plausible reading (time, energy since the Begin).
    last: tuple[int, int] | None = None

    def problem(self, offer: Offer, at_ms: int, energy_mwh: int, now_ms: int) -> str | None:
        """Why the reading (at ``at_ms``, ``energy_mwh`` since the Begin) is not
        plausible under ``offer``; None when it is."""
        if at_ms > now_ms + self.skew_ms:
            return f"reading is dated {at_ms - now_ms} ms ahead of the buyer's clock"
        # the seller's first reading comes from a sample up to its agreed freshness old
        oldest_ms = self.since_ms - self.skew_ms - offer.policy.reading_max_age_ms
        if at_ms < oldest_ms:
            return f"reading is dated {self.since_ms - at_ms} ms before the offer was accepted"
        before_ms, before_mwh = self.last if self.last is not None else (self.since_ms, 0)
        allowed = before_mwh + most_energy_mwh(offer, at_ms - before_ms)
        if energy_mwh > allowed:
            return (
                f"reading claims {energy_mwh} mWh, more than the contracted maximum power "
                f"({offer.electrical.max_power_mw} mW) allows in the "
                f"{max(0, at_ms - before_ms)} ms since {before_mwh} mWh: at most {allowed} "
                "mWh with the tolerance"
            )
        return self._unpaid_problem(offer, at_ms, energy_mwh)

    def _unpaid_problem(self, offer: Offer, at_ms: int, energy_mwh: int) -> str | None:
        """The seller cuts the supply once the buyer's credit is used up beyond the agreed
        unpaid budget (invariant 1), so energy that costs more than what was paid, that
        budget and the tolerance (and a second at the contracted power, for the cut's
        tick and the reading's age) was never delivered under these terms."""
        meter = self.meter
        added = energy_mwh - meter.energy_mwh
        cost = meter.cost_msat
        if added > 0 and meter.last_at_ms is not None and at_ms >= meter.last_at_ms:
            cost += cost_exact(offer.profile, added, meter.last_at_ms, at_ms)
        slack_mwh = offer.tolerance.allowance_mwh(energy_mwh) + most_energy_mwh(offer, 1_000)
        slack = slack_mwh * offer.profile.price_at(at_ms) / MWH_PER_KWH
        paid = self.payments.committed.msat
        limit = paid + offer.payments.unpaid.msat + slack
        if cost <= limit:
            return None
        return (
            f"reading claims {energy_mwh} mWh, which costs {int(cost)} msat: more than the "
            f"{paid} msat paid and the agreed unpaid budget of {offer.payments.unpaid.msat} "
            "msat allow (the seller cuts the supply before that)"
        )

    def take(
        self,
        offer: Offer | None,
        at_ms: int,
        energy_mwh: int,
        now_ms: int,
    ) -> str | None:
        """Check one reading; count a plausible one as the buyer's use (its cost at the
        agreed rates, its energy in the power window). A sentence when it is not."""
        if offer is None:  # pragma: no cover - readings come after the acceptance
            return None
        problem = self.problem(offer, at_ms, energy_mwh, now_ms)
        if problem is not None:
            return problem
        self.last = (max(at_ms, self.last[0]) if self.last else at_ms, energy_mwh)
        self.meter.add(at_ms, energy_mwh, energy_mwh, offer.profile)
        self.window.span_ms = offer.payments.prepayment_ms
        self.window.add(at_ms, self.meter.energy_mwh)
        return None
