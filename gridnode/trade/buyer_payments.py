"""The buyer's money book: which of the seller's invoices it may pay, when, and what it
has committed (DESIGN.md invariant 4; docs/trade.md, "Buyer rules").

It holds the limits agreed with the first offer and the invoices seen, waiting, and in
flight. A repeated payment hash is refused and never paid again; a deposit is paid at
once if it is within the agreed amount and count (one per session, one per renewal); a
prepayment within the agreed size waits until the ahead budget has room; a payment that
fails or is refunded no longer counts. These rules are about money only, so they live
apart from :mod:`gridnode.trade.buyer`, which owns the book, decides states and
breaches, and hands in what the book cannot know (the payee the offer names, the
allowance for the energy used, the ahead budget).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.money import Msat
from gridnode.trade.actions import Action, LedgerKind, Notify, PayInvoice, Record
from gridnode.trade.closing import describe, statement_problem
from gridnode.trade.events import PaymentFailed, PaymentSucceeded
from gridnode.trade.invoice_check import bolt11_problem, read_bolt11
from gridnode.trade.messages import (
    CarriedCredit,
    Cause,
    ClosingStatement,
    InvoiceMessage,
    InvoicePurpose,
    PaymentFailure,
)
from gridnode.trade.terms import Offer

#: How many payment hashes a session remembers. The oldest has long expired: a
#: prepayment invoice is payable for 30 s, a deposit's for 120 s, and this many invoices
#: span over an hour even at one a second. LND refuses to pay an expired or an already
#: paid invoice in any case, so forgetting one risks no money.
SEEN_HASHES_KEPT = 4096

_NOTHING = Msat(0)

#: A prepayment still in flight this long after its invoice expired is counted as paid
#: ahead no more: the seller's LND refuses a payment to an expired invoice, so it can
#: only have succeeded if it arrived before the expiry, and the seller gave up on the
#: invoice a second after it (its session then sends the next one).
STALE_AFTER_EXPIRY_MS = 10_000
#: How a payment to a hold invoice that its payee cancelled ends (LND's failure reason,
#: gridnode.wallet.port.PaymentFailure): for the deposit, the seller released it.
RELEASED = "incorrect_payment_details"

#: Why an invoice breaks the agreed terms: the cause and the sentence sent with the Close.
Breach = tuple[Cause, str]


@dataclass(slots=True)
class BuyerPayments:
    """What the buyer may still pay, and what it has paid."""

    #: The largest prepayment invoice, agreed with the first offer.
    payment_size: Msat = _NOTHING
    #: Prepayments succeeded or in flight, and a credit note carried in.
    committed: Msat = _NOTHING
    #: Prepayments that succeeded (what the seller's closing statement must count).
    succeeded_prepaid: Msat = _NOTHING
    #: The buyer's own credit note with this seller, from an earlier session (the node
    #: reads it from the ledger), and whether this session's offer carried it in.
    note: CarriedCredit | None = None
    carried: CarriedCredit | None = None
    #: The deposit agreed with the first offer; renewals carry none.
    deposit: Msat = _NOTHING
    deposits_paid: int = 0
    #: One deposit per session, plus one per renewal (which may need a replacement
    #: when it outlives the first deposit's time lock).
    deposits_allowed: int = 1
    #: The payment hashes of the latest invoices taken, oldest first (a dict as an
    #: ordered set), so a repeated one is never paid twice; bounded, as a session renewed
    #: for years takes millions.
    seen_hashes: dict[bytes, None] = field(default_factory=dict)
    in_flight: dict[bytes, tuple[Msat, InvoicePurpose]] = field(default_factory=dict)
    #: Prepayment invoices waiting for room in the ahead budget, oldest first.
    deferred: list[InvoiceMessage] = field(default_factory=list)
    #: Refusals the session has yet to send to the seller.
    refused: list[PaymentFailure] = field(default_factory=list)
    #: When each prepayment in flight stops being payable (its BOLT11's expiry).
    expires_ms: dict[bytes, int] = field(default_factory=dict)
    #: Prepayments in flight long past their invoice's expiry, no longer in ``committed``
    #: (LND lost track of them: a restart mid-payment can leave one in flight for good).
    stale: set[bytes] = field(default_factory=set)

    def prepaying(self) -> bool:
        """A prepayment is in flight."""
        return any(p is InvoicePurpose.PREPAYMENT for _, p in self.in_flight.values())

    def agree(
        self,
        offer: Offer,
        payment_size: Msat,
        carried: CarriedCredit | None,
        now_ms: int,
        out: list[Action],
    ) -> None:
        """The first offer is accepted: its payment size and deposit are the limits. A
        credit note it carries counts as paid ahead when it is exactly the buyer's own
        (recorded, so the node marks the note carried); any other is not counted."""
        self.payment_size = payment_size
        self.deposit = offer.payments.initial_deposit
        if carried is None:
            return
        if carried != self.note:
            text = (
                f"the offer carries a credit of {carried.credit} this buyer does not hold "
                "a note for: not counted"
            )
            out.extend([Record(LedgerKind.STATE, now_ms, text), Notify(text)])
            return
        self.carried = carried
        self.committed += carried.credit
        text = f"credit note of session {carried.from_session_id.hex()} carried in"
        out.append(
            Record(
                LedgerKind.CREDIT_CARRIED,
                now_ms,
                text,
                data=carried.from_session_id,
                amount=carried.credit,
            )
        )

    def take_statement(
        self,
        statement: ClosingStatement,
        frame: bytes,
        allowance_msat: Fraction,
        now_ms: int,
        out: list[Action],
    ) -> None:
        """The seller's closing statement: checked against the buyer's own books and
        meter, recorded whatever the check says (the note is the seller's word, signed),
        and any difference recorded and shown."""
        out.append(
            Record(
                LedgerKind.CLOSING_STATEMENT,
                now_ms,
                describe(statement),
                data=frame,
                amount=statement.credit,
            )
        )
        problem = statement_problem(
            statement,
            paid=self.succeeded_prepaid,
            carried=self.carried,
            allowance_msat=allowance_msat,
        )
        if problem is not None:
            out.extend([Record(LedgerKind.FAULT, now_ms, problem), Notify(problem)])

    def allow_renewal_deposit(self) -> None:
        """A renewal is accepted: it may need a replacement deposit."""
        self.deposits_allowed += 1

    def take(
        self, invoice: InvoiceMessage, offer: Offer, now_ms: int, out: list[Action]
    ) -> Breach | None:
        """Take an invoice the seller sent: refuse a repeated payment hash (recorded, not
        paid again) and a prepayment below the agreed minimum payment (recorded and told
        to the seller), pay a deposit within the agreed amount and count, keep a
        prepayment within the agreed size for :meth:`pay_due`. Returns the breach when
        the invoice breaks the terms; nothing is paid then."""
        if invoice.payment_hash in self.seen_hashes:
            text = "an invoice repeats a payment hash already seen: not paid again"
            out.extend([Record(LedgerKind.REFUSAL, now_ms, text), Notify(text)])
            return None
        self.seen_hashes[invoice.payment_hash] = None
        if len(self.seen_hashes) > SEEN_HASHES_KEPT:
            del self.seen_hashes[next(iter(self.seen_hashes))]
        # the wallet pays the BOLT11, not the message: it must say exactly the same, and be
        # payable to the Lightning node the signed offer names
        problem = bolt11_problem(
            invoice.bolt11, invoice.payment_hash, invoice.amount, offer.payee_node_id
        )
        if problem is not None:
            return Cause.PROTOCOL, f"invoice refused: {problem}"
        if invoice.purpose is InvoicePurpose.DEPOSIT:
            if self.deposits_paid >= self.deposits_allowed or invoice.amount > self.deposit:
                text = f"deposit invoice of {invoice.amount} refused (agreed {self.deposit})"
                return Cause.OVER_INVOICED, text
            self.deposits_paid += 1
            self._pay(invoice, now_ms, out)
            return None
        if invoice.amount > self.payment_size:
            text = (
                f"prepayment invoice of {invoice.amount} refused: agreed size {self.payment_size}"
            )
            return Cause.OVER_INVOICED, text
        smallest = offer.payments.min_payment
        if invoice.amount < smallest:
            # dust: each payment costs fees and storage on both sides; never paid, but no
            # breach (it cheats nobody): the seller hears why and may invoice properly
            reason = f"below the agreed minimum payment {smallest}"
            text = f"prepayment invoice of {invoice.amount} refused: {reason}"
            record = Record(LedgerKind.REFUSAL, now_ms, text, payment_hash=invoice.payment_hash)
            out.extend([record, Notify(text)])
            self.refused.append(PaymentFailure(invoice.payment_hash, reason, refused=True))
            return None
        # The seller has one prepayment invoice open at a time: a new one supersedes any
        # still waiting here (it expired or was cancelled on the seller's side).
        self.deferred = [invoice]
        return None

    def pay_due(self, allowance: Fraction, budget: Msat, now_ms: int, out: list[Action]) -> None:
        """Pay deferred invoices, oldest first, while each keeps paid-ahead (committed
        less the ``allowance`` for the energy used, msat) within the ahead ``budget``."""
        self._drop_stale(now_ms, out)
        while self.deferred:
            invoice = self.deferred[0]
            ahead = self.committed.msat - allowance + invoice.amount.msat
            if ahead > budget.msat:
                return
            self.deferred.pop(0)
            self.committed += invoice.amount
            self._pay(invoice, now_ms, out)

    def succeeded(
        self, event: PaymentSucceeded, now_ms: int, out: list[Action]
    ) -> tuple[Msat, InvoicePurpose]:
        """A payment in flight succeeded: recorded with its preimage, the proof of payment.
        Returns the invoice's amount and purpose."""
        amount, purpose = self.in_flight.pop(event.payment_hash)
        if purpose is InvoicePurpose.PREPAYMENT:
            self.succeeded_prepaid += amount
        self.expires_ms.pop(event.payment_hash, None)
        if event.payment_hash in self.stale:  # it went through after all: it counts
            self.stale.discard(event.payment_hash)
            self.committed += amount
        out.append(
            Record(
                LedgerKind.PAYMENT_MADE,
                now_ms,
                f"{purpose.name.lower()} paid",
                data=event.preimage,
                amount=event.amount,
                payment_hash=event.payment_hash,
            )
        )
        return amount, purpose

    def failed(self, event: PaymentFailed, now_ms: int) -> tuple[InvoicePurpose, Record]:
        """A payment in flight failed or was refunded: a prepayment no longer counts as
        committed. Returns its purpose and the ledger entry saying so."""
        amount, purpose = self.in_flight.pop(event.payment_hash)
        self.expires_ms.pop(event.payment_hash, None)
        if event.payment_hash in self.stale:
            self.stale.discard(event.payment_hash)
        elif purpose is InvoicePurpose.PREPAYMENT:
            self.committed -= amount
        if purpose is InvoicePurpose.DEPOSIT and event.reason == RELEASED:
            text = f"deposit returned: the seller released its hold of {amount.msat} msat"
        else:
            text = f"{purpose.name.lower()} payment failed: {event.reason}"
        return purpose, Record(
            LedgerKind.PAYMENT_MADE, now_ms, text, payment_hash=event.payment_hash
        )

    def _drop_stale(self, now_ms: int, out: list[Action]) -> None:
        """Stop counting prepayments in flight long past their invoice's expiry.

        Without this, a payment LND never resolves (an LND restart mid-payment can leave
        one in flight, lnd#9340) counts as paid ahead for ever: the buyer pays no more
        invoices while the seller, which never got it, waits for payment with the supply
        off. If it does succeed later it counts again; the most the buyer can then be
        ahead beyond its budget is that one payment."""
        for payment_hash, expires_ms in self.expires_ms.items():
            if payment_hash in self.stale or now_ms < expires_ms + STALE_AFTER_EXPIRY_MS:
                continue
            self.stale.add(payment_hash)
            self.committed -= self.in_flight[payment_hash][0]
            text = (
                f"payment {payment_hash.hex()[:16]} still in flight "
                f"{(now_ms - expires_ms) // 1000} s after its invoice expired: no longer "
                "counted as paid ahead (still followed until LND says how it ended)"
            )
            out.extend([Record(LedgerKind.STATE, now_ms, text), Notify(text)])

    def _pay(self, invoice: InvoiceMessage, now_ms: int, out: list[Action]) -> None:
        self.in_flight[invoice.payment_hash] = (invoice.amount, invoice.purpose)
        facts = read_bolt11(invoice.bolt11)
        if invoice.purpose is InvoicePurpose.PREPAYMENT and not isinstance(facts, str):
            self.expires_ms[invoice.payment_hash] = facts.expires_at_ms
        out.append(
            Record(
                LedgerKind.INVOICE,
                now_ms,
                f"paying {invoice.purpose.name.lower()}",
                amount=invoice.amount,
                payment_hash=invoice.payment_hash,
            )
        )
        out.append(PayInvoice(invoice.bolt11, invoice.payment_hash, invoice.amount))
