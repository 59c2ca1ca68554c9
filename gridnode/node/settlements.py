"""The seller's one stream of settled invoices, credited once and routed to sessions.

The wallet streams settlements after the settle index stored in the ledger; each one is
credited in the ledger (the invoice and the cursor in one transaction) before the
session that issued the invoice hears of it. A settlement the ledger has already
credited (a replay after a restart) changes nothing and reaches no session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from gridnode.clock import Clock
from gridnode.ledger import Ledger
from gridnode.observe import NO_OBSERVER, InvoiceOutcome, Observer
from gridnode.trade.events import Event, InvoiceSettled
from gridnode.wallet.port import InvoiceStatus, Wallet

log = logging.getLogger("gridnode.node")


class Postable(Protocol):
    def post(self, event: Event) -> None: ...


class SettlementRouter:
    def __init__(
        self,
        wallet: Wallet,
        ledger: Ledger,
        clock_ms: Callable[[], int],
        *,
        clock: Clock | None = None,
        observer: Observer = NO_OBSERVER,
    ) -> None:
        """``observer`` hears of each credit and how long it took from the stream's report
        (timed on ``clock``'s monotonic seconds; not timed without one)."""
        self.wallet = wallet
        self.ledger = ledger
        self.clock_ms = clock_ms
        self.clock = clock
        self.observer = observer
        self._routes: dict[bytes, Postable] = {}
        self.credited = 0
        #: a new prepayment invoice may still go to a buyer; False once the seller stops
        #: (:meth:`stop_issuing`)
        self.issuing = True

    def stop_issuing(self) -> None:
        """From now on no new prepayment invoice reaches a buyer: one created from here on
        is cancelled by its effect instead of sent. A stopping seller calls this before it
        lists its open invoices to cancel them, so every invoice a buyer can still pay is
        in that list, and its statement counts every payment LND settled."""
        self.issuing = False

    def register(self, payment_hash: bytes, session: Postable) -> None:
        self._routes[payment_hash] = session

    def forget(self, session: Postable) -> None:
        """``session`` ended: drop its routes. An invoice of it settled later is still
        credited (the ledger first), and no ended session is held in memory by the
        invoices it left unpaid (a deposit returned, a prepayment expired or cancelled:
        every session leaves some, and a seller runs for years)."""
        self._routes = {h: s for h, s in self._routes.items() if s is not session}

    @property
    def routes(self) -> int:
        """How many invoices are routed to a live session."""
        return len(self._routes)

    async def run(self) -> None:
        start = await self.ledger.invoices.settle_index()
        async for invoice in self.wallet.settled_invoices(start):
            await self.credit(invoice)

    async def credit(self, invoice: InvoiceStatus, *, advance_cursor: bool = True) -> None:
        """Record a settled invoice once and tell its live session. The stream calls it, and
        so does a seller's shutdown for an invoice LND settled that the stream has not
        reported yet (``advance_cursor`` False: the stream's own cursor stays where it is),
        so the session's closing statement counts it: each settlement counts once."""
        reported_s = self.clock.monotonic() if self.clock is not None else None
        reported_ms = self.clock_ms()  # next to the credit's own time, for latency
        preimage = invoice.preimage.value if invoice.preimage else None
        new = await self.ledger.invoices.settled(
            invoice.payment_hash.value,
            invoice.settle_index,
            invoice.amount_paid,
            preimage,
            self.clock_ms(),
            reported_at_ms=reported_ms,
            advance_cursor=advance_cursor,
        )
        if not new:
            return
        self.credited += 1
        self.observer.invoice(InvoiceOutcome.SETTLED)
        if self.clock is not None and reported_s is not None:
            self.observer.settlement_credited(self.clock.monotonic() - reported_s)
        session = self._routes.pop(invoice.payment_hash.value, None)
        if session is None:
            # its session ended (a kept deposit, a payment after the statement) or ran
            # before a restart: the ledger has it, which is what the receipt reads
            log.info("settled invoice %s credited; no live session to tell", invoice.payment_hash)
            return
        session.post(InvoiceSettled(invoice.payment_hash.value, invoice.amount_paid))
