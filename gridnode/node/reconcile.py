"""Start-up reconciliation with LND: what happened while the node was down.

- Buyer: a payment the ledger holds as in flight is tracked until LND says how it
  ended, and written so; it is never paid again.
- Seller: sessions do not survive a restart (their state was in memory), so a deposit
  still held for one is released (the hold invoice cancelled: the buyer is refunded) and
  the session is marked closed. Settlements made while the node was down arrive through
  the settled-invoice stream from the ledger's cursor, credited once.

The relay stays off throughout: a new session must lock a new deposit and be paid ahead
before it switches on (DESIGN.md invariant 3).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable

from gridnode.ledger import Ledger
from gridnode.wallet.port import (
    InvoiceNotFoundError,
    InvoiceState,
    PaymentHash,
    PaymentStatus,
    Wallet,
    WalletError,
)

log = logging.getLogger("gridnode.node")


async def reconcile_buyer(
    ledger: Ledger, wallet: Wallet, clock_ms: Callable[[], int], session_id: str | None = None
) -> int:
    """Track every payment left in flight (at start-up; or of ``session_id``, a session
    that ended with one under way) until it resolves; returns how many resolved."""
    pending = await asyncio.to_thread(ledger.payments, session_id, "in_flight")
    resolved = 0
    for payment in pending:
        payment_hash = PaymentHash(payment.payment_hash)
        while True:
            try:
                result = await wallet.track_payment(payment_hash, timeout_s=30)
            except InvoiceNotFoundError:
                await asyncio.to_thread(
                    ledger.payment_resolved,
                    payment.payment_hash,
                    "failed",
                    clock_ms(),
                    None,
                    None,
                    "never started by LND",
                )
                break
            except WalletError as exc:
                log.warning("tracking payment %s: %s", payment_hash, exc)
                await asyncio.sleep(2)
                continue
            if result.status is PaymentStatus.SUCCEEDED:
                assert result.preimage is not None
                await asyncio.to_thread(
                    ledger.payment_resolved,
                    payment.payment_hash,
                    "succeeded",
                    clock_ms(),
                    result.preimage.value,
                    result.fee,
                )
            elif result.status is PaymentStatus.FAILED:
                reason = result.failure.value if result.failure else "failed"
                await asyncio.to_thread(
                    ledger.payment_resolved,
                    payment.payment_hash,
                    "failed",
                    clock_ms(),
                    None,
                    None,
                    reason,
                )
            else:
                continue  # still in flight (a held deposit): keep tracking
            resolved += 1
            when = "before the restart" if session_id is None else f"in session {session_id}"
            log.info("payment %s made %s: %s", payment_hash, when, result.status.value)
            break
    return resolved


async def reconcile_seller(ledger: Ledger, wallet: Wallet, clock_ms: Callable[[], int]) -> int:
    """Release deposits held for sessions that did not survive; returns how many."""
    released = 0
    for invoice in await asyncio.to_thread(ledger.invoices):
        if not invoice.hold or invoice.state not in ("open", "accepted"):
            continue
        payment_hash = PaymentHash(invoice.payment_hash)
        try:
            status = await wallet.lookup_invoice(payment_hash)
            if status.state in (InvoiceState.OPEN, InvoiceState.ACCEPTED):
                await wallet.cancel_invoice(payment_hash)
        except InvoiceNotFoundError:
            pass
        await asyncio.to_thread(ledger.invoice_state, invoice.payment_hash, "canceled")
        released += 1
        log.info(
            "released the deposit %s of session %s, which ended with the restart",
            payment_hash,
            invoice.session_id,
        )
    for session_id in await asyncio.to_thread(ledger.open_sessions):
        await asyncio.to_thread(
            ledger.session_state, session_id, "closed: the node restarted", clock_ms(), True
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
    for invoice in await asyncio.to_thread(ledger.invoices, None, "open"):
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
            await asyncio.to_thread(ledger.invoice_state, invoice.payment_hash, "canceled")
        elif status.state is InvoiceState.SETTLED:
            preimage = status.preimage.value if status.preimage else None
            credit = functools.partial(ledger.invoice_settled, advance_cursor=False)
            new = await asyncio.to_thread(
                credit,
                invoice.payment_hash,
                status.settle_index,
                status.amount_paid,
                preimage,
                clock_ms(),
            )
            credited += int(new)
    return credited
