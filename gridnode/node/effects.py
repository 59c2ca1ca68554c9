"""A session's wallet effects: invoices, deposits (hold invoices) and payments.

Each effect runs as a task of its runner, so no wallet call ever holds up the control tick
(DESIGN.md invariant 2), and comes back to the session as an event: the invoice created,
the deposit locked, the payment made. Every failure comes back too
(:class:`~gridnode.trade.events.EffectFailed`): what can be retried is retried on the
injected clock with a growing pause (releasing or settling a deposit, watching its
invoice, looking up an expired one, following a payment in flight) and the session
journals each failure, so nothing fails silently. A call that finds LND unreachable also
tells the node's health check at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from gridnode.trade.actions import CreateInvoice, PayInvoice
from gridnode.trade.events import (
    Effect,
    EffectFailed,
    Event,
    HoldInvoiceAccepted,
    InvoiceCanceled,
    InvoiceCreated,
    InvoiceCreateFailed,
    PaymentFailed,
    PaymentSucceeded,
)
from gridnode.wallet.port import (
    InvoiceNotFoundError,
    InvoiceState,
    PaymentHash,
    PaymentResult,
    PaymentStatus,
    Preimage,
    WalletError,
    WalletUnreachableError,
)

if TYPE_CHECKING:
    from gridnode.node.runner import RunnerPorts, SessionRunner

T = TypeVar("T")

#: The first pause before a retry, and the longest.
FIRST_RETRY_S = 0.5
LONGEST_RETRY_S = 60.0


class Effects:
    """The wallet side of one session runner."""

    def __init__(
        self,
        runner: SessionRunner,
        ports: RunnerPorts,
        spawn: Callable[[Coroutine[Any, Any, None], Effect, bytes], None],
        log: logging.LoggerAdapter[logging.Logger],
    ) -> None:
        self.runner = runner
        self.ports = ports
        self.spawn = spawn
        self.log = log

    def _post(self, event: Event) -> None:
        self.runner.post(event)

    def _failed(self, effect: Effect, payment_hash: bytes, exc: Exception, retrying: bool) -> None:
        if isinstance(exc, WalletUnreachableError):
            self.ports.wallet_failed(str(exc))
        self.log.warning(
            "could not %s %s: %s%s",
            effect.value,
            payment_hash.hex()[:16],
            exc,
            "; retrying" if retrying else "",
        )
        self._post(EffectFailed(effect, payment_hash, str(exc), retrying))

    async def _retrying(
        self, effect: Effect, payment_hash: bytes, call: Callable[[], Awaitable[T]]
    ) -> T:
        """``call()``'s result, retried after each wallet error (reported at the 1st, 2nd,
        4th, 8th ... failure, so a long outage journals a handful of lines, not one a
        minute) until it succeeds or the session ends."""
        pause, attempt = FIRST_RETRY_S, 0
        while True:
            try:
                return await call()
            except WalletError as exc:
                attempt += 1
                if attempt & (attempt - 1) == 0:
                    self._failed(effect, payment_hash, exc, retrying=True)
            await self.ports.clock.sleep(pause)
            pause = min(pause * 2, LONGEST_RETRY_S)

    # -- invoices (seller) ------------------------------------------------------------------
    async def create_invoice(self, action: CreateInvoice) -> None:
        ledger, wallet, runner = self.ports.ledger, self.ports.wallet, self.runner
        purpose = action.purpose.name.lower()
        now = self.ports.clock.now_ms()
        try:
            if action.hold:
                preimage = self.ports.ids.random_bytes(32)
                payment_hash = hashlib.sha256(preimage).digest()
                await asyncio.to_thread(
                    ledger.hold_invoice_planned,
                    runner.session_id,
                    payment_hash,
                    preimage,
                    action.amount,
                    purpose,
                    now,
                )
                self.ports.register_invoice(payment_hash, runner)
                created = await wallet.create_hold_invoice(
                    PaymentHash(payment_hash),
                    action.amount,
                    action.memo,
                    action.expiry_s,
                    action.cltv_expiry_delta,
                )
            else:
                created = await wallet.create_invoice(action.amount, action.memo, action.expiry_s)
                self.ports.register_invoice(created.payment_hash.value, runner)
            await asyncio.to_thread(
                ledger.invoice_created,
                runner.session_id,
                created.payment_hash.value,
                created.bolt11,
                action.amount,
                purpose,
                action.hold,
                now,
            )
        except WalletError as exc:
            if isinstance(exc, WalletUnreachableError):
                self.ports.wallet_failed(str(exc))
            self.log.warning("could not create an invoice: %s", exc)
            self._post(InvoiceCreateFailed(action.request_id, str(exc)))
            return
        self._post(InvoiceCreated(action.request_id, created.bolt11, created.payment_hash.value))
        if action.hold:
            self.spawn(
                self.watch_hold(created.payment_hash),
                Effect.WATCH_INVOICE,
                created.payment_hash.value,
            )
        else:
            self.spawn(
                self.expire(created.payment_hash, action.expiry_s),
                Effect.LOOK_UP_INVOICE,
                created.payment_hash.value,
            )

    async def watch_hold(self, payment_hash: PaymentHash) -> None:
        """A hold invoice's ACCEPTED and CANCELED states (the settled stream has neither);
        a watch that is lost is reported and started again."""
        pause = FIRST_RETRY_S
        while True:
            try:
                async for status in self.ports.wallet.invoice_updates(payment_hash):
                    pause = FIRST_RETRY_S
                    if status.state is InvoiceState.ACCEPTED:
                        await asyncio.to_thread(
                            self.ports.ledger.invoice_state, payment_hash.value, "accepted"
                        )
                        self._post(HoldInvoiceAccepted(payment_hash.value, status.amount_paid))
                    elif status.state is InvoiceState.CANCELED:
                        await asyncio.to_thread(
                            self.ports.ledger.invoice_state, payment_hash.value, "canceled"
                        )
                        self._post(InvoiceCanceled(payment_hash.value))
                    if status.state in (InvoiceState.SETTLED, InvoiceState.CANCELED):
                        return
                return
            except WalletError as exc:
                self._failed(Effect.WATCH_INVOICE, payment_hash.value, exc, retrying=True)
            await self.ports.clock.sleep(pause)
            pause = min(pause * 2, LONGEST_RETRY_S)

    async def expire(self, payment_hash: PaymentHash, expiry_s: int) -> None:
        """Tell the session when an invoice expired unpaid, so it stops counting on it."""
        await self.ports.clock.sleep(expiry_s + 1)
        status = await self._retrying(
            Effect.LOOK_UP_INVOICE,
            payment_hash.value,
            lambda: self.ports.wallet.lookup_invoice(payment_hash),
        )
        if status.state in (InvoiceState.OPEN, InvoiceState.CANCELED):
            await asyncio.to_thread(self.ports.ledger.invoice_state, payment_hash.value, "canceled")
            self._post(InvoiceCanceled(payment_hash.value))

    async def settle_hold(self, payment_hash: bytes) -> None:
        preimage = await asyncio.to_thread(self.ports.ledger.hold_preimage, payment_hash)
        if preimage is None:
            reason = "no preimage in the ledger"
            self.log.error("cannot settle hold invoice %s: %s", payment_hash.hex(), reason)
            self._post(EffectFailed(Effect.SETTLE_DEPOSIT, payment_hash, reason, False))
            return
        wallet = self.ports.wallet
        await self._retrying(
            Effect.SETTLE_DEPOSIT,
            payment_hash,
            lambda: wallet.settle_hold_invoice(Preimage(preimage)),
        )

    async def cancel_hold(self, payment_hash: bytes) -> None:
        wallet = self.ports.wallet
        try:
            await self._retrying(
                Effect.RELEASE_DEPOSIT,
                payment_hash,
                lambda: wallet.cancel_invoice(PaymentHash(payment_hash)),
            )
        except InvoiceNotFoundError as exc:
            self._failed(Effect.RELEASE_DEPOSIT, payment_hash, exc, retrying=False)

    # -- payments (buyer) -------------------------------------------------------------------
    async def settle_payment(self, action: PayInvoice) -> None:
        """Pay, then follow the payment until LND says how it ended (never pay again)."""
        wallet, payment_hash = self.ports.wallet, PaymentHash(action.payment_hash)
        policy = self.runner.payments
        result: PaymentResult | None = None
        try:
            result = await wallet.pay_invoice(
                action.bolt11, policy.fee_limit(action.amount), policy.timeout_s
            )
        except WalletError as exc:
            self._failed(Effect.FOLLOW_PAYMENT, action.payment_hash, exc, retrying=True)
        pause, attempt = FIRST_RETRY_S, 0
        while result is None or result.status is PaymentStatus.IN_FLIGHT:
            try:
                result = await wallet.track_payment(payment_hash, policy.timeout_s)
            except InvoiceNotFoundError:
                result = None  # LND never started it: it failed before any HTLC went out
                break
            except WalletError as exc:
                attempt += 1
                if attempt & (attempt - 1) == 0:
                    self._failed(Effect.FOLLOW_PAYMENT, action.payment_hash, exc, retrying=True)
                await self.ports.clock.sleep(pause)
                pause = min(pause * 2, 10.0)
        await self._resolved(action, result)

    async def _resolved(self, action: PayInvoice, result: PaymentResult | None) -> None:
        ledger, now = self.ports.ledger, self.ports.clock.now_ms()
        if result is not None and result.status is PaymentStatus.SUCCEEDED:
            assert result.preimage is not None
            await asyncio.to_thread(
                ledger.payment_resolved,
                action.payment_hash,
                "succeeded",
                now,
                result.preimage.value,
                result.fee,
            )
            self._post(PaymentSucceeded(action.payment_hash, result.preimage.value, result.amount))
            return
        reason = result.failure.value if result and result.failure else "not started by LND"
        await asyncio.to_thread(
            ledger.payment_resolved, action.payment_hash, "failed", now, None, None, reason
        )
        self._post(PaymentFailed(action.payment_hash, reason))
