"""A renewal's first reading: the tariff-change reading (T) that marks the renewed terms
is dated in their period, and the energy before it is billed under the old terms.

A receipt prices each step between two signed readings by the terms in force at the
step's start (:func:`gridnode.receipt.accounting.intervals`); a node bills each meter
increment into its running cost. The renewal begins when the period ends, by the
node's clock, but a reading is dated by the meter's latest sample, taken up to a poll
earlier. Signed at once, the T reading was dated before the renewed period: the receipt
priced the step after it at the old rate, the node at the new one (found by the estate
day: a battery whose price moved 6 % between periods, 23 msat apart on one session's
closing statement, a receipt that did not verify).

So the renewed terms rule the session from the period's end (supply, billing, the
window), while the meter increment that spans the end is billed under the terms in
force at its start, and the T reading waits for the first sample dated in the new
period. Both sides of a session do the same with their own meters.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.trade.events import MeterSample
from gridnode.trade.readings import tariff_text
from gridnode.trade.terms import Offer


@dataclass(slots=True)
class RollOver:
    """The terms a renewal replaced, until the meter's first sample in its period."""

    prior: Offer | None = None
    text: str = ""

    def begin(self, prior: Offer, renewal: Offer, sample: MeterSample | None, now_ms: int) -> str:
        """A renewal begins: the T reading's text when it may be signed now (no meter of
        this node's own, or a sample already in the period), "" when it waits."""
        text = tariff_text(renewal.profile, now_ms)
        if sample is None or sample.at_ms >= renewal.start_ms:
            self.prior, self.text = None, ""
            return text
        self.prior, self.text = prior, text
        return ""

    def billing(self, current: Offer, since_ms: int | None) -> Offer:
        """The terms an increment that starts at ``since_ms`` (the previous sample) is
        billed under: the replaced ones for the increment that spans the period end."""
        if self.prior is not None and since_ms is not None and since_ms < current.start_ms:
            return self.prior
        return current

    def due(self, current: Offer, sample: MeterSample) -> str:
        """After ``sample`` is billed: the T reading's text when it is the first sample
        dated in ``current``'s period, "" otherwise."""
        if self.prior is None or sample.at_ms < current.start_ms:
            return ""
        text, self.prior, self.text = self.text, None, ""
        return text
