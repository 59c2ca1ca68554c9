"""The buyer's refund desk for one seller: its unused credit back (issue 19).

The buyer asks for its credit notes back when it leaves the seller, or by hand
(``gridnode credit ask``): for each note it issues an invoice for exactly the credit,
writes it to the note and sends a signed RefundRequest (:mod:`gridnode.node.refunds`,
the seller's side, checks and pays it). A refund is not over until the seller's proof
(RefundPaid, its preimage) is in: until then the desk asks again, with a new invoice,
after a pause that doubles from :data:`RETRY_FIRST_S` to :data:`RETRY_MAX_S` (the
seller's payment failed, the request or the answer was lost, the buyer could not
invoice, the link was down), logged and shown in the node's warnings (status snapshot,
dashboard) with the next attempt's time. A seller that already paid answers any request
with its proof, which the desk takes for any invoice it issued for that note, so asking
again never pays twice (the seller pays a note once, whatever it is asked).

Giving a note up (``gridnode credit waive``) marks it waived here, tells the seller
(which marks it waived too, once any payment under way has failed) and ends the asking.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math

from gridnode.clock import wait_for
from gridnode.ledger import CreditNoteRow, CreditNoteState
from gridnode.money import Msat
from gridnode.node.context import NodeContext
from gridnode.node.refunds import (
    REFUND_EXPIRY_S,
    REFUND_MEMO,
    Send,
    journal_refund,
    read_refund,
    refund_frame,
)
from gridnode.peer.errors import PeerLinkError
from gridnode.trade.actions import LedgerKind
from gridnode.trade.messages import RefundPaid, RefundRequest
from gridnode.wallet.port import WalletError

log = logging.getLogger("gridnode.node")

#: The first pause before asking again for a refund not paid yet (s); it doubles.
RETRY_FIRST_S = 15.0
#: The longest pause between two asks (s).
RETRY_MAX_S = 600.0


class BuyerRefunds:
    """The buyer's side for one seller: asks for its credit notes back, until paid."""

    def __init__(self, ctx: NodeContext, peer_fingerprint: str, send: Send) -> None:
        self.ctx = ctx
        self.peer_fingerprint = peer_fingerprint
        self.send = send
        self.paid = asyncio.Event()
        #: why a note is not paid back yet, until it is (shown in the node's warnings)
        self.problems: dict[bytes, str] = {}
        #: open notes this buyer asked back and could not invoice yet (asked again)
        self.wanted: set[bytes] = set()
        #: the asking-again task, while there is something to ask for
        self.retrying: asyncio.Task[None] | None = None

    def warnings(self) -> list[str]:
        return [f"refund of credit note {n.hex()[:12]}: {p}" for n, p in self.problems.items()]

    async def open_note(self) -> CreditNoteRow | None:
        """The latest note the seller still owes (to be carried by an offer): open, or
        asked back and not paid yet (a seller that restarted may carry it instead)."""
        owed = await self._owed()
        return owed[-1] if owed else None

    async def _owed(self) -> list[CreditNoteRow]:
        """Notes the seller owes this buyer: open, or asked back and not paid yet."""
        return [
            n
            for n in await self.ctx.ledger.credit.find(self.peer_fingerprint)
            if n.state in (CreditNoteState.OPEN, CreditNoteState.REQUESTED) and n.credit > Msat(0)
        ]

    async def leave(self, grace_s: float) -> None:
        """The buyer leaves this seller: ask for every note it owes back, and wait up to
        ``grace_s`` for the proofs (asking goes on after, while the node runs)."""
        if not await self.ask_all():
            return
        try:
            await wait_for(self.ctx.clock, self._all_paid(), grace_s)
        except TimeoutError:
            log.warning("leaving with credit notes the seller has not paid back yet")

    async def ask_all(self) -> list[CreditNoteRow]:
        """Ask for every open note back; the notes asked, and those asked before and not
        paid yet (asked again, if need be, by :meth:`_ask_again`)."""
        notes = await self._owed()
        asked = [n for n in notes if n.state is CreditNoteState.OPEN and await self.request(n)]
        return asked + [n for n in notes if n.state is CreditNoteState.REQUESTED]

    async def ask(self) -> str:
        """``gridnode credit ask``: every note this seller owes asked back now; the
        sentence says what was asked."""
        notes = await self._owed()
        if not notes:
            return "owes no credit"
        asked = [n for n in notes if await self.request(n)]
        total = sum((n.credit for n in asked), Msat(0))
        text = f"asked for {len(asked)} of {len(notes)} credit notes back ({total})"
        if len(asked) < len(notes):
            text += "; the rest are asked again shortly (see the warnings)"
        return text

    async def waive(self) -> str:
        """``gridnode credit waive``: every note this seller owes given up, here and at
        the seller; no more asking."""
        ledger, now = self.ctx.ledger, self.ctx.clock.now_ms()
        waived = []
        for note in await self._owed():
            if not await ledger.credit.waived(note.note_id, now, also_requested=True):
                continue
            waived.append(note)
            self.problems.pop(note.note_id, None)
            self.wanted.discard(note.note_id)
            await journal_refund(
                ledger, note, now, "credit note waived by hand", amount=note.credit
            )
            self._send(note, RefundRequest("", b"", note.credit, waive=True))
        if not waived:
            return "owes no credit"
        total = sum((n.credit for n in waived), Msat(0))
        return f"waived {len(waived)} credit notes ({total}); the seller is told"

    async def _all_paid(self) -> None:
        while await self.ctx.ledger.credit.find(self.peer_fingerprint, CreditNoteState.REQUESTED):
            self.paid.clear()
            await self.paid.wait()

    async def request(self, note: CreditNoteRow) -> bool:
        """Invoice exactly the credit and ask the seller to pay it; False if it cannot
        (asked again later). A note asked before is asked again with a new invoice."""
        ledger = self.ctx.ledger
        self.wanted.add(note.note_id)
        self._keep_asking()
        try:
            created = await self.ctx.wallet.create_invoice(
                note.credit, REFUND_MEMO, REFUND_EXPIRY_S
            )
        except WalletError as exc:
            self.problems[note.note_id] = f"no refund invoice: {exc}"
            log.warning("could not invoice the refund of credit note %s: %s", note.note_id, exc)
            return False
        payment_hash = created.payment_hash.value
        if not await ledger.credit.requested(
            note.note_id, created.bolt11, payment_hash, again=True
        ):
            return False
        now = self.ctx.clock.now_ms()
        text = f"refund of {note.credit} requested"
        data = created.bolt11.encode()
        await journal_refund(ledger, note, now, text, data, note.credit, payment_hash)
        return self._send(note, RefundRequest(created.bolt11, payment_hash, note.credit))

    def _send(self, note: CreditNoteRow, body: RefundRequest) -> bool:
        """Hand a request to the link (kept and sent once it is up); False if it cannot
        take it now (its outbox is full: the seller has been away long)."""
        try:
            self.send(refund_frame(note.note_id, body, self.ctx))
        except PeerLinkError as exc:
            self.problems[note.note_id] = f"the request could not be sent: {exc}"
            log.warning("credit note %s: %s", note.note_id.hex()[:12], exc)
            return False
        return True

    def resume(self) -> None:
        """At start: notes asked back before a restart and not paid yet are asked again."""
        self._keep_asking()

    async def link_up(self) -> None:
        """The link to the seller is up again: a waive it may have missed is said again
        (the seller settles a note once, so saying it twice changes nothing)."""
        waived = CreditNoteState.WAIVED
        for note in await self.ctx.ledger.credit.find(self.peer_fingerprint, waived):
            self._send(note, RefundRequest("", b"", note.credit, waive=True))

    def _keep_asking(self) -> None:
        if self.retrying is None or self.retrying.done():
            self.retrying = self.ctx.tasks.spawn(
                self._ask_again(), name=f"refunds {self.peer_fingerprint[:12]}"
            )

    async def _ask_again(self) -> None:
        """Ask again for every note asked back and not paid, with a doubling pause, until
        none is left (paid, waived or carried)."""
        attempt = 0
        while True:
            await self.ctx.clock.sleep(_pause_s(attempt))
            pending = await self._pending()
            if not pending:
                return
            attempt += 1
            for note in pending:
                log.warning(
                    "credit note %s: %s not paid back yet%s; asking again (attempt %d)",
                    note.note_id.hex()[:12],
                    note.credit,
                    _why(note),
                    attempt + 1,
                )
                asked = await self.request(note)
                said = f"{note.credit} not paid back yet{_why(note)}: asked again"
                if not asked:
                    said = self.problems.get(note.note_id, said)
                self.problems[note.note_id] = (
                    f"{said} (attempt {attempt + 1}); next in {math.ceil(_pause_s(attempt))} s"
                )
            self.ctx.changed()

    async def _pending(self) -> list[CreditNoteRow]:
        """Notes asked back and not paid yet: requested, or open and wanted."""
        pending = []
        for note in await self._owed():
            if note.state is CreditNoteState.REQUESTED or note.note_id in self.wanted:
                pending.append(note)
            else:
                self.problems.pop(note.note_id, None)
        return pending

    async def on_paid(self, frame: bytes) -> None:
        """The seller's RefundPaid: its preimage must hash to an invoice this buyer issued
        for the note (the latest, or one asked before)."""
        received = read_refund(frame, None)
        if received is None or not isinstance(received.envelope.body, RefundPaid):
            return
        proof, note_id = received.envelope.body, received.envelope.session_id
        ledger = self.ctx.ledger
        note = await ledger.credit.get(note_id)
        bolt11 = None
        if note is not None and note.peer_fingerprint == self.peer_fingerprint:
            bolt11 = await self._invoice_of(note, proof.payment_hash)
        if bolt11 is None or hashlib.sha256(proof.preimage).digest() != proof.payment_hash:
            log.warning("a refund proof for credit note %s does not hold", note_id.hex())
            return
        assert note is not None
        if note.state is CreditNoteState.PAID:
            return
        now = self.ctx.clock.now_ms()
        await ledger.credit.paid(
            note_id, proof.preimage, now, bolt11=bolt11, payment_hash=proof.payment_hash
        )
        self.problems.pop(note_id, None)
        self.wanted.discard(note_id)
        text = f"refund of {proof.amount} paid"
        await journal_refund(
            ledger, note, now, text, proof.preimage, proof.amount, proof.payment_hash
        )
        log.info(
            "credit returned: %s paid back by the seller (credit note %s)",
            proof.amount,
            note_id.hex(),
        )
        self.paid.set()
        self.ctx.changed()

    async def _invoice_of(self, note: CreditNoteRow, payment_hash: bytes) -> str | None:
        """The BOLT11 this buyer issued for ``note`` with ``payment_hash``; None if none."""
        if note.payment_hash == payment_hash:
            return note.bolt11
        kinds = (LedgerKind.REFUND.value,)
        for entry in await self.ctx.ledger.sessions.entries(note.session_id, kinds):
            if entry.payment_hash == payment_hash and entry.text.endswith("requested"):
                return entry.data.decode()
        return None


def _pause_s(attempt: int) -> float:
    """The pause before asking again after ``attempt`` asks: doubling, capped."""
    return min(RETRY_FIRST_S * (1 << min(attempt, 32)), RETRY_MAX_S)


def _why(note: CreditNoteRow) -> str:
    return f" ({note.failure})" if note.failure else ""
