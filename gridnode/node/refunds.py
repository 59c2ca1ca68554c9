"""Unused credit goes back to the buyer (issue 19): the node's refund desks.

A session ends with the seller's signed closing statement; its credit is a credit note
both ledgers keep (:func:`note_statement`, called by the runner when it journals the
statement). What becomes of a note happens here, at the node, because it outlives the
session and survives restarts:

- the buyer's :class:`BuyerRefunds`, when the buyer leaves, issues an invoice for
  exactly the credit (its macaroon's AddInvoice), writes it to the note, and sends a
  signed RefundRequest in the envelope of the statement's session;
- the seller's :class:`SellerRefunds` checks it with the pure guard
  (:func:`gridnode.trade.closing.refund_problem`: payable to the refund node the buyer
  named in its signed acceptance, no more than the credit signed, never a note settled
  before), writes the request to the note before anything is paid, pays it through the
  payment tracker (its attempt in the ledger before LND sees it, attempted once), and
  answers with the preimage (RefundPaid). At start-up it finishes every refund a restart
  cut short (requested but not attempted, or attempted and still in flight), once.

A refund that fails puts the note back to open, shown in the node's warnings until the
buyer asks again (a new invoice: the buyer's desk, :mod:`gridnode.node.buyer_refunds`,
asks again with a growing pause until it is paid) and it is paid, or the buyer waives it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from gridnode.ledger import (
    CreditNoteRow,
    CreditNoteState,
    DuplicatePaymentError,
    JournalEntry,
    Ledger,
    PaymentStatus,
)
from gridnode.ledger.credit import SETTLED
from gridnode.money import Msat
from gridnode.node.context import NodeContext
from gridnode.node.payments import Payment, PaymentOutcome, PaymentTracker
from gridnode.node.runner_ports import PaymentPolicy
from gridnode.trade import codec
from gridnode.trade.actions import LedgerKind, Record
from gridnode.trade.closing import refund_problem
from gridnode.trade.errors import DecodeError, SignatureError
from gridnode.trade.messages import (
    AcceptanceMessage,
    Body,
    CarriedCredit,
    ClosingStatement,
    Envelope,
    Received,
    RefundPaid,
    RefundRequest,
)
from gridnode.trade.signing import Verifier
from gridnode.wallet.port import InvoiceNotFoundError, PaymentHash, WalletError

log = logging.getLogger("gridnode.node")

REFUND_MEMO = "gridnode refund"
#: A refund invoice stays payable this long (the seller may be restarting meanwhile).
REFUND_EXPIRY_S = 3600

Send = Callable[[bytes], object]


async def note_statement(ledger: Ledger, session_id: str, record: Record) -> None:
    """The runner journalled a closing statement (sent or received): its credit note, and
    the note it carried in (of an earlier session) settled as carried."""
    received = codec.decode(record.data)
    statement = received.envelope.body
    assert isinstance(statement, ClosingStatement)
    row = await ledger.sessions.get(session_id)
    peer = row.peer_fingerprint if row is not None else ""
    note_id = received.envelope.session_id
    await ledger.credit.noted(
        note_id, session_id, peer, statement.credit, record.data, record.at_ms
    )
    if statement.carried_from_session_id:
        carried_from = statement.carried_from_session_id
        await ledger.credit.carried(carried_from, session_id, record.at_ms, also_requested=True)


async def carry_note(
    ledger: Ledger, peer_fingerprint: str, session_id: str, now_ms: int
) -> CarriedCredit | None:
    """The seller starts a session: the latest note it owes this buyer is carried into it
    (settled as carried before the offer states it, so it is never also paid back). A
    note the buyer asked back is not: it is paid back, even once its payment failed (the
    buyer asks again, and a buyer that paused may ask again only when its link returns,
    after this offer)."""
    notes = await ledger.credit.find(peer_fingerprint, CreditNoteState.OPEN)
    owed = [n for n in notes if n.credit > Msat(0) and n.payment_hash is None]
    if not owed or not await ledger.credit.carried(owed[-1].note_id, session_id, now_ms):
        return None
    return CarriedCredit(owed[-1].note_id, owed[-1].credit)


def refund_frame(note_id: bytes, body: Body, ctx: NodeContext) -> bytes:
    """A refund message in the envelope of the note's session, outside its numbering."""
    return codec.encode(Envelope(note_id, 1, body), ctx.signer)


async def journal_refund(
    ledger: Ledger,
    note: CreditNoteRow,
    at_ms: int,
    text: str,
    data: bytes = b"",
    amount: Msat | None = None,
    payment_hash: bytes = b"",
) -> None:
    entry = JournalEntry(
        note.session_id, LedgerKind.REFUND.value, at_ms, text, data, amount, payment_hash
    )
    await ledger.sessions.journal(entry)


def read_refund(frame: bytes, verifier: Verifier | None) -> Received | None:
    try:
        received = codec.decode(frame)
        if verifier is not None:
            codec.verify(received, verifier)
    except (DecodeError, SignatureError) as exc:
        log.warning("refund message refused: %s", exc)
        return None
    return received


class SellerRefunds:
    """The seller's side for one buyer: pays its credit notes back, once each."""

    def __init__(
        self, ctx: NodeContext, peer_fingerprint: str, verifier: Verifier, send: Send
    ) -> None:
        self.ctx = ctx
        self.peer_fingerprint = peer_fingerprint
        self.verifier = verifier
        self.send = send
        self.policy = PaymentPolicy()
        self.tracker = PaymentTracker(
            ctx.ledger, ctx.wallet, ctx.clock, timeout_s=self.policy.timeout_s
        )
        #: why the latest refund of a note failed or was refused, until it is paid
        self.problems: dict[bytes, str] = {}
        #: notes the buyer waived while their refund was under way
        self.waive_after_failure: set[bytes] = set()

    def warnings(self) -> list[str]:
        return [f"refund of credit note {n.hex()[:12]}: {p}" for n, p in self.problems.items()]

    async def on_request(self, frame: bytes) -> None:
        """A buyer's RefundRequest: checked, written, then paid (in a task of the node)."""
        received = read_refund(frame, self.verifier)
        if received is None or not isinstance(received.envelope.body, RefundRequest):
            return
        request, note_id = received.envelope.body, received.envelope.session_id
        ledger, now = self.ctx.ledger, self.ctx.clock.now_ms()
        note = await ledger.credit.get(note_id)
        if note is None or note.peer_fingerprint != self.peer_fingerprint:
            log.warning("refund request for credit note %s, which is not this buyer's", note_id)
            return
        if request.waive:
            if note.state is CreditNoteState.REQUESTED:  # waived once its payment failed
                self.waive_after_failure.add(note_id)
            elif await ledger.credit.waived(note_id, now):
                self.problems.pop(note_id, None)
                await journal_refund(ledger, note, now, "the buyer waived the credit note")
            return
        if note.state is CreditNoteState.PAID:
            # its proof again: the first answer was lost, and the buyer (which asks again
            # with a new invoice until it hears) takes a proof of any invoice it issued
            self._answer(note, note.credit)
            return
        if note.state is CreditNoteState.REQUESTED:
            return  # under way: its outcome answers
        settled = note.state.value if note.state in SETTLED else None
        refund_node = await self._refund_node(note.session_id)
        problem = refund_problem(
            request, credit=note.credit, refund_node_id=refund_node, settled=settled
        )
        if problem is not None:
            log.warning("refund of credit note %s refused: %s", note_id.hex(), problem)
            if settled is None:  # a settled note is nothing to show: it is not owed
                self.problems[note_id] = f"refused: {problem}"
            await journal_refund(ledger, note, now, f"refund refused: {problem}")
            return
        if not await ledger.credit.requested(note_id, request.bolt11, request.payment_hash):
            return
        text = f"refund of {request.amount} requested"
        data = request.bolt11.encode()
        await journal_refund(ledger, note, now, text, data, request.amount, request.payment_hash)
        payment = self._payment(request.bolt11, request.payment_hash, request.amount)
        try:
            await self.tracker.start(note.session_id, payment)
        except DuplicatePaymentError as exc:
            await self._settled(
                note,
                PaymentOutcome(
                    payment.payment_hash,
                    PaymentStatus.FAILED,
                    payment.amount,
                    Msat(0),
                    failure=str(exc),
                ),
            )
            return
        self.ctx.tasks.spawn(self._pay(note, payment), name=f"refund {note_id.hex()[:12]}")

    async def resume(self) -> int:
        """At start-up: finish every refund a restart cut short, exactly once (a request
        not yet attempted is paid; an attempt still in flight is followed). Returns how
        many were finished."""
        ledger, finished = self.ctx.ledger, 0
        for note in await ledger.credit.find(self.peer_fingerprint, CreditNoteState.REQUESTED):
            if note.payment_hash is None:
                continue
            row = await ledger.payments.get(note.payment_hash)
            amount = Msat(0) if row is None else row.amount
            if row is None:
                bolt11_amount = await self._amount_of(note)
                payment = self._payment(note.bolt11, note.payment_hash, bolt11_amount)
                await self.tracker.start(note.session_id, payment)
                outcome = await self.tracker.pay(payment)
            elif row.status is PaymentStatus.IN_FLIGHT:
                payment = self._payment(note.bolt11, note.payment_hash, amount)
                outcome = await self._follow_or_pay(payment)
            else:
                outcome = PaymentOutcome(
                    row.payment_hash, row.status, row.amount, row.fee, row.preimage, row.failure
                )
            await self._settled(note, outcome)
            finished += 1
        return finished

    async def _follow_or_pay(self, payment: Payment) -> PaymentOutcome:
        """An attempt written before a restart: followed if LND knows it; paid now if LND
        never saw it (the node died between the ledger's write and the wallet's call),
        which is still once: LND refuses to pay a hash twice."""
        try:
            await self.ctx.wallet.track_payment(PaymentHash(payment.payment_hash), 1.0)
        except InvoiceNotFoundError:
            return await self.tracker.pay(payment)
        except WalletError as exc:
            log.info("following refund %s: %s", payment.payment_hash.hex(), exc)
        return await self.tracker.follow(payment.payment_hash, payment.amount, payment.bolt11)

    async def _amount_of(self, note: CreditNoteRow) -> Msat:
        entries = await self.ctx.ledger.sessions.entries(
            note.session_id, (LedgerKind.REFUND.value,)
        )
        for entry in reversed(entries):
            if entry.payment_hash == note.payment_hash and entry.amount is not None:
                return entry.amount
        return note.credit

    def _payment(self, bolt11: str, payment_hash: bytes, amount: Msat) -> Payment:
        return Payment(payment_hash, bolt11, amount, self.policy.fee_limit(amount))

    async def _pay(self, note: CreditNoteRow, payment: Payment) -> None:
        await self._settled(note, await self.tracker.pay(payment))

    async def _settled(self, note: CreditNoteRow, outcome: PaymentOutcome) -> None:
        ledger, now = self.ctx.ledger, self.ctx.clock.now_ms()
        if outcome.succeeded and outcome.preimage is not None:
            await ledger.credit.paid(note.note_id, outcome.preimage, now)
            self.problems.pop(note.note_id, None)
            text = f"refund of {outcome.amount} paid"
            await journal_refund(
                ledger, note, now, text, outcome.preimage, outcome.amount, outcome.payment_hash
            )
            log.info(
                "credit returned: %s paid back to the buyer (credit note %s)",
                outcome.amount,
                note.note_id.hex(),
            )
            paid = await ledger.credit.get(note.note_id)
            if paid is not None:
                self._answer(paid, outcome.amount)
            return
        reason = outcome.failure or "failed"
        await ledger.credit.failed(note.note_id, reason)
        if note.note_id in self.waive_after_failure and await ledger.credit.waived(
            note.note_id, now
        ):
            self.problems.pop(note.note_id, None)
            await journal_refund(ledger, note, now, "the buyer waived the credit note")
            return
        self.problems[note.note_id] = (
            f"the payment failed ({reason}); waiting for the buyer to ask again"
        )
        await journal_refund(
            ledger, note, now, f"refund failed: {reason}", b"", outcome.amount, outcome.payment_hash
        )
        log.warning("refund of credit note %s failed: %s", note.note_id.hex(), reason)

    def _answer(self, note: CreditNoteRow, amount: Msat) -> None:
        if note.payment_hash is None or note.preimage is None:
            return
        body = RefundPaid(note.payment_hash, note.preimage, amount)
        self.send(refund_frame(note.note_id, body, self.ctx))

    async def _refund_node(self, session_id: str) -> str:
        """The refund node the buyer named in its signed acceptance of the session."""
        kinds = (LedgerKind.TERMS_ACCEPTED.value,)
        for entry in await self.ctx.ledger.sessions.entries(session_id, kinds):
            try:
                body = codec.decode(entry.data).envelope.body
            except DecodeError:
                continue
            if isinstance(body, AcceptanceMessage):
                return body.refund_node_id
        return ""
