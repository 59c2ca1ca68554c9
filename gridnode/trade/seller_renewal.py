"""The seller's renewal of a sale: proposing the next period's terms, the buyer's answer,
and which offer the session rolls into when the current period ends (docs/trade.md,
"Renewal").

It is a small lifecycle of its own inside a live session (nothing asked yet this period;
proposed, waiting for the answer; accepted) that meets the session at three points only:
the control step asks it to propose, the buyer's acceptance or rejection answers it, and
the period end asks what comes next. So it lives apart from
:mod:`gridnode.trade.seller`, which owns it and hands it the outbox and the current offer
on each call; it never sees the session itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gridnode.trade.actions import Action, LedgerKind, Notify, Record
from gridnode.trade.machine import Outbox
from gridnode.trade.messages import AcceptanceMessage, Received, RenewalMessage
from gridnode.trade.peer_io import digest_of_sent
from gridnode.trade.terms import Offer

#: Given the current offer, the renewal to propose (or None to let the period end).
RenewalPolicy = Callable[[Offer], Offer | None]


@dataclass(slots=True)
class SellerRenewal:
    """At most one renewal per sale period: the policy is asked once,
    ``renewal_lead_ms`` before the period ends; what it proposes is sent to the buyer;
    once accepted, the period rolls into it at the end. Without an accepted renewal the
    period end closes the session."""

    #: The injected policy; None: the seller never renews.
    policy: RenewalPolicy | None = None
    #: The renewal sent, with the digest of the message that carried it (an acceptance
    #: names that digest); None before one is sent, and once the buyer has answered.
    proposed: tuple[Offer, bytes] | None = None
    #: The renewal the buyer accepted: the session rolls into it at the period end.
    accepted: Offer | None = None
    #: The policy was asked this period (once, whatever it answered).
    asked: bool = False

    @property
    def pending(self) -> bool:
        """A renewal was proposed and not yet answered: a rejection now answers it."""
        return self.proposed is not None

    def propose(self, offer: Offer, outbox: Outbox, now_ms: int, out: list[Action]) -> None:
        """Once the period is within its renewal lead: ask the policy, and send the
        buyer what it proposes."""
        lead = offer.policy.renewal_lead_ms
        if self.asked or self.policy is None or now_ms < offer.stop_ms - lead:
            return
        self.asked = True
        proposal = self.policy(offer)
        if proposal is not None:
            sent = outbox.send(RenewalMessage(proposal), now_ms)
            self.proposed = (proposal, digest_of_sent(sent))
            out.extend(sent)

    def answered_by(self, acceptance: AcceptanceMessage) -> bool:
        """The acceptance names the renewal proposed (by its message digest)."""
        return self.proposed is not None and acceptance.offer_digest == self.proposed[1]

    def accept(self, received: Received, now_ms: int) -> Record:
        """The buyer accepted the proposal (:meth:`answered_by`): it is the next period.
        Returns the ledger entry keeping the buyer's signed acceptance."""
        if self.proposed is not None:
            # answered: a later rejection (or a second acceptance) answers nothing and is
            # refused as out of place; the buyer's signed acceptance stands
            self.accepted, self.proposed = self.proposed[0], None
        signed = received.frame_bytes
        return Record(LedgerKind.TERMS_ACCEPTED, now_ms, "renewal accepted", data=signed)

    def reject(self) -> Notify:
        """The buyer rejected the proposal: nothing is pending any more."""
        self.proposed = None
        return Notify("the buyer rejected the renewal; the sale ends with the period")

    def take(self, now_ms: int) -> Offer | None:
        """At the period end: the accepted renewal once it has begun (and the lifecycle
        starts over for the renewed period), or None when the sale ends."""
        renewal = self.accepted
        if renewal is None or renewal.start_ms > now_ms:
            return None
        self.proposed, self.accepted, self.asked = None, None, False
        return renewal
