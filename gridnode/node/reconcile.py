"""Start-up reconciliation with LND: what happened while the node was down.

- Buyer: a payment the ledger holds as in flight is followed by the payment tracker
  (:mod:`gridnode.node.payments`, the one the session runner pays with) until LND says
  how it ended, and written so; it is never paid again.
- Seller: sessions do not survive a restart (their state was in memory), so a deposit
  still held for one is released (the hold invoice cancelled: the buyer is refunded) and
  the session is marked closed. Settlements made while the node was down arrive through
  the settled-invoice stream from the ledger's cursor, credited once.

The relay stays off throughout: a new session must lock a new deposit and be paid ahead
before it switches on (DESIGN.md invariant 3).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from gridnode.clock import Clock
from gridnode.ledger import InvoiceState, Ledger, PaymentRow, PaymentStatus
from gridnode.node.payments import PaymentOutcome, PaymentTracker
from gridnode.node.story import msat_text
from gridnode.trade.actions import LedgerKind
from gridnode.trade.buyer_payments import RELEASED
from gridnode.wallet.port import InvoiceNotFoundError, PaymentHash, Wallet, WalletError

log = logging.getLogger("gridnode.node")

#: The closing cause of a seller's session that did not survive a restart.
RESTARTED = "the node restarted"


async def reconcile_buyer(
    ledger: Ledger, wallet: Wallet, clock: Clock, session_id: str | None = None
) -> list[PaymentOutcome]:
    """Follow every payment left in flight (at start-up; or of ``session_id``, a session
    that ended with one under way) until LND says how it ended; returns the outcomes,
    each written to the ledger. Nothing is paid again."""
    tracker = PaymentTracker(ledger, wallet, clock)
    when = "before the restart" if session_id is None else f"in session {session_id}"

    async def follow(payment: PaymentRow) -> PaymentOutcome:
        outcome = await tracker.follow(payment.payment_hash, payment.amount, payment.bolt11)
        if await _released_deposit(ledger, payment.session_id, outcome):
            # a hold the seller cancelled: the deposit came back, nothing failed
            log.info(
                "deposit of %s returned by the seller (hold released; paid %s)",
                msat_text(payment.amount.msat),
                when,
            )
        else:
            log.info(
                "payment %s made %s: %s%s",
                payment.payment_hash.hex(),
                when,
                outcome.status.value,
                f" ({outcome.failure})" if outcome.failure else "",
            )
        return outcome

    # all at once: a payment LND never resolves (lnd#9340) must not keep the others
    # unwritten (the short drill found a deposit the seller kept, behind such a one)
    in_flight = await ledger.payments.find(session_id, PaymentStatus.IN_FLIGHT)
    return list(await asyncio.gather(*(follow(payment) for payment in in_flight)))


async def _released_deposit(ledger: Ledger, session_id: str, outcome: PaymentOutcome) -> bool:
    """The payment was the session's deposit (a hold invoice) and it ended as a hold the
    seller cancelled: the buyer's money is back."""
    if outcome.failure != RELEASED:
        return False
    for entry in await ledger.sessions.entries(session_id, (LedgerKind.INVOICE.value,)):
        if entry.payment_hash == outcome.payment_hash and entry.text == "paying deposit":
            return True
    return False


async def reconcile_seller(ledger: Ledger, wallet: Wallet, clock_ms: Callable[[], int]) -> int:
    """Release deposits held for sessions that did not survive; returns how many."""
    released = await release_deposits(ledger, wallet)
    for session_id in await ledger.sessions.open_ids():
        await ledger.sessions.close(session_id, clock_ms(), RESTARTED)
    return released


async def release_deposits(ledger: Ledger, wallet: Wallet, session_id: str | None = None) -> int:
    """Cancel the deposits still held (hold invoices open or accepted) of every session,
    or of ``session_id`` (one that failed and can no longer decide: the buyer is
    refunded now, not when the hold expires or the node restarts); returns how many."""
    released = 0
    for invoice in await ledger.invoices.find(session_id):
        if not invoice.hold or invoice.state not in (InvoiceState.OPEN, InvoiceState.ACCEPTED):
            continue
        payment_hash = PaymentHash(invoice.payment_hash)
        try:
            status = await wallet.lookup_invoice(payment_hash)
            if status.state in (InvoiceState.OPEN, InvoiceState.ACCEPTED):
                await wallet.cancel_invoice(payment_hash)
        except InvoiceNotFoundError:
            pass
        await ledger.invoices.set_state(invoice.payment_hash, InvoiceState.CANCELED)
        released += 1
        log.info(
            "released the deposit %s of session %s, which ended without deciding it",
            payment_hash,
            invoice.session_id,
        )
    return released


async def sweep_open_invoices(ledger: Ledger, wallet: Wallet, clock_ms: Callable[[], int]) -> int:
    """At shutdown: close every invoice the ledger still holds open, so nothing the seller
    issued can be paid once it has stopped. A prepayment invoice is cancelled (it asked for
    energy this seller will not deliver now); one LND settled before the cancel reached it
    is credited, the same as the settled stream would do at the next start. A deposit (a
    hold invoice) is left to the start-up reconciliation, which knows its session. Returns
    how many were credited."""
    credited = 0
    for invoice in await ledger.invoices.find(state=InvoiceState.OPEN):
        if not invoice.bolt11:
            continue
        payment_hash = PaymentHash(invoice.payment_hash)
        if not invoice.hold:
            try:
                await wallet.cancel_invoice(payment_hash)
            except WalletError as exc:  # most likely settled a moment ago: look it up
                log.info("invoice %s was not cancelled: %s", invoice.payment_hash.hex(), exc)
        try:
            status = await wallet.lookup_invoice(payment_hash)
        except WalletError as exc:
            log.warning(
                "could not look up invoice %s at shutdown: %s", invoice.payment_hash.hex(), exc
            )
            continue
        if status.state is InvoiceState.CANCELED:
            await ledger.invoices.set_state(invoice.payment_hash, InvoiceState.CANCELED)
        elif status.state is InvoiceState.SETTLED:
            preimage = status.preimage.value if status.preimage else None
            new = await ledger.invoices.settled(
                invoice.payment_hash,
                status.settle_index,
                status.amount_paid,
                preimage,
                clock_ms(),
                advance_cursor=False,
            )
            credited += int(new)
    return credited
