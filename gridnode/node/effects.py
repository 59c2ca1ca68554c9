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

import hashlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol, TypeVar

from gridnode.ledger import DuplicatePaymentError, InvoicePurpose
from gridnode.node.payments import Payment, PaymentTracker
from gridnode.node.runner_ports import PaymentPolicy, RunnerPorts
from gridnode.observe import InvoiceOutcome
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
from gridnode.trade.messages import InvoicePurpose as TradePurpose
from gridnode.wallet.port import (
    HeldPaymentLostError,
    InvoiceNotFoundError,
    InvoiceState,
    PaymentHash,
    Preimage,
    WalletError,
    WalletUnreachableError,
)

T = TypeVar("T")

#: What the ledger calls the purpose of each invoice the session asks for.
_PURPOSES = {
    TradePurpose.DEPOSIT: InvoicePurpose.DEPOSIT,
    TradePurpose.PREPAYMENT: InvoicePurpose.PREPAYMENT,
}

#: The first pause before a retry, and the longest.
FIRST_RETRY_S = 0.5
LONGEST_RETRY_S = 60.0


class Owner(Protocol):
    """What the effects need of the session runner they belong to (typed here, so that
    this module does not import the runner, which imports it)."""

    @property
    def session_id(self) -> str: ...

    @property
    def payments(self) -> PaymentPolicy: ...

    def post(self, event: Event) -> None:
        """Hand the session an event (the result of an effect)."""
        ...


class Effects:
    """The wallet side of one session runner."""

    def __init__(
        self,
        runner: Owner,
        ports: RunnerPorts,
        spawn: Callable[[Coroutine[Any, Any, None], Effect, bytes], None],
        log: logging.LoggerAdapter[logging.Logger],
    ) -> None:
        self.runner = runner
        self.ports = ports
        self.spawn = spawn
        self.log = log
        self.tracker = PaymentTracker(
            ports.ledger,
            ports.wallet,
            ports.clock,
            timeout_s=runner.payments.timeout_s,
            logger=log,
            on_error=self._payment_error,
            observer=ports.observer,
        )

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
        self,
        effect: Effect,
        payment_hash: bytes,
        call: Callable[[], Awaitable[T]],
        *,
        final: tuple[type[WalletError], ...] = (),
    ) -> T:
        """``call()``'s result, retried after each wallet error but the ``final`` ones
        (reported at the 1st, 2nd, 4th, 8th ... failure, so a long outage journals a
        handful of lines, not one a minute) until it succeeds or the session ends."""
        pause, attempt = FIRST_RETRY_S, 0
        while True:
            try:
                return await call()
            except final:
                raise
            except WalletError as exc:
                attempt += 1
                if attempt & (attempt - 1) == 0:
                    self._failed(effect, payment_hash, exc, retrying=True)
            await self.ports.clock.sleep(pause)
            pause = min(pause * 2, LONGEST_RETRY_S)

    # -- invoices (seller) ------------------------------------------------------------------
    async def create_invoice(self, action: CreateInvoice) -> None:
        ledger, wallet, runner = self.ports.ledger, self.ports.wallet, self.runner
        purpose = _PURPOSES[action.purpose]
        now = self.ports.clock.now_ms()
        try:
            if action.hold:
                preimage = self.ports.ids.random_bytes(32)
                payment_hash = hashlib.sha256(preimage).digest()
                await ledger.invoices.hold_planned(
                    runner.session_id, payment_hash, preimage, action.amount, purpose, now
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
            await ledger.invoices.created(
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
            self.ports.observer.invoice(InvoiceOutcome.CREATE_FAILED)
            self._post(InvoiceCreateFailed(action.request_id, str(exc)))
            return
        except Exception as exc:  # a bug: the session still learns it has no invoice
            self.ports.observer.invoice(InvoiceOutcome.CREATE_FAILED)
            self._post(InvoiceCreateFailed(action.request_id, f"{type(exc).__name__}: {exc}"))
            raise  # and the runner reports it (EffectFailed, with the traceback in the log)
        if not action.hold and not self.ports.issuing():  # checked right before it is sent
            await self._withdraw(created.payment_hash, action.request_id)
            return
        self.ports.observer.invoice(InvoiceOutcome.CREATED)
        self._post(InvoiceCreated(action.request_id, created.bolt11, created.payment_hash.value))
        made = created.payment_hash
        if action.hold:
            self.spawn(self.watch_hold(made), Effect.WATCH_INVOICE, made.value)
        else:
            self.spawn(self.expire(made, action.expiry_s), Effect.LOOK_UP_INVOICE, made.value)

    async def _withdraw(self, payment_hash: PaymentHash, request_id: int) -> None:
        """A prepayment invoice LND created as the seller stops: cancelled, never sent.
        The shutdown has listed the open invoices to cancel them before the statements
        (it may have missed this one), so a buyer must not get the chance to pay it."""
        try:
            await self.ports.wallet.cancel_invoice(payment_hash)
            await self.ports.ledger.invoices.set_state(payment_hash.value, InvoiceState.CANCELED)
        except WalletError as exc:  # unsent, so unpaid: the final sweep cancels it
            self.log.warning("could not cancel invoice %s: %s", payment_hash, exc)
        self._post(InvoiceCreateFailed(request_id, "the seller is stopping: no new invoice"))

    async def watch_hold(self, payment_hash: PaymentHash) -> None:
        """A hold invoice's ACCEPTED and CANCELED states (the settled stream has neither);
        a watch that is lost is reported and started again."""
        invoices = self.ports.ledger.invoices
        pause = FIRST_RETRY_S
        while True:
            try:
                async for status in self.ports.wallet.invoice_updates(payment_hash):
                    pause = FIRST_RETRY_S
                    if status.state is InvoiceState.ACCEPTED:
                        await invoices.set_state(payment_hash.value, InvoiceState.ACCEPTED)
                        self._post(HoldInvoiceAccepted(payment_hash.value, status.amount_paid))
                    elif status.state is InvoiceState.CANCELED:
                        await invoices.set_state(payment_hash.value, InvoiceState.CANCELED)
                        self.ports.observer.invoice(InvoiceOutcome.CANCELED)
                        self._post(InvoiceCanceled(payment_hash.value))
                return
            except WalletError as exc:
                self._failed(Effect.WATCH_INVOICE, payment_hash.value, exc, retrying=True)
            await self.ports.clock.sleep(pause)
            pause = min(pause * 2, LONGEST_RETRY_S)

    async def expire(self, payment_hash: PaymentHash, expiry_s: int) -> None:
        """Tell the session when an invoice expired unpaid, so it stops counting on it."""
        await self.ports.clock.sleep(expiry_s + 1)
        wallet = self.ports.wallet
        status = await self._retrying(
            Effect.LOOK_UP_INVOICE, payment_hash.value, lambda: wallet.lookup_invoice(payment_hash)
        )
        if status.state in (InvoiceState.OPEN, InvoiceState.CANCELED):
            await self.ports.ledger.invoices.set_state(payment_hash.value, InvoiceState.CANCELED)
            self.ports.observer.invoice(InvoiceOutcome.EXPIRED)
            self._post(InvoiceCanceled(payment_hash.value))

    async def settle_hold(self, payment_hash: bytes) -> None:
        preimage = await self.ports.ledger.invoices.hold_preimage(payment_hash)
        if preimage is None:
            reason = "no preimage in the ledger"
            self.log.error("cannot settle hold invoice %s: %s", payment_hash.hex(), reason)
            self._post(EffectFailed(Effect.SETTLE_DEPOSIT, payment_hash, reason, False))
            return
        wallet = self.ports.wallet
        try:
            await self._retrying(
                Effect.SETTLE_DEPOSIT,
                payment_hash,
                lambda: wallet.settle_hold_invoice(Preimage(preimage)),
                final=(HeldPaymentLostError,),
            )
        except HeldPaymentLostError as exc:
            # the deposit cannot be kept: its payment is let go, as the buyer's LND will
            # (the session hears of the cancel and closes on it; nothing is credited)
            self._failed(Effect.SETTLE_DEPOSIT, payment_hash, exc, retrying=False)
            await self.cancel_hold(payment_hash)

    async def cancel_hold(self, payment_hash: bytes) -> None:
        wallet = self.ports.wallet
        try:
            await self._retrying(
                Effect.RELEASE_DEPOSIT,
                payment_hash,
                lambda: wallet.cancel_invoice(PaymentHash(payment_hash)),
                final=(InvoiceNotFoundError,),
            )
        except InvoiceNotFoundError as exc:
            self._failed(Effect.RELEASE_DEPOSIT, payment_hash, exc, retrying=False)

    # -- payments (buyer) -------------------------------------------------------------------
    async def pay(self, action: PayInvoice) -> None:
        """The attempt goes into the ledger within this step; the wallet call runs on."""
        payment = Payment(
            action.payment_hash,
            action.bolt11,
            action.amount,
            self.runner.payments.fee_limit(action.amount),
        )
        try:
            await self.tracker.start(self.runner.session_id, payment)
        except DuplicatePaymentError as exc:
            self.log.error("%s", exc)
            self._post(PaymentFailed(action.payment_hash, str(exc)))
            return
        self.spawn(self._settle_payment(payment), Effect.FOLLOW_PAYMENT, action.payment_hash)

    async def _settle_payment(self, payment: Payment) -> None:
        outcome = await self.tracker.pay(payment)
        if outcome.succeeded:
            assert outcome.preimage is not None
            self._post(PaymentSucceeded(payment.payment_hash, outcome.preimage, outcome.amount))
        else:
            self._post(PaymentFailed(payment.payment_hash, outcome.failure or "failed"))

    def _payment_error(self, payment_hash: bytes, error: WalletError, attempt: int) -> None:
        """A wallet error while paying or following a payment: its fate is unknown until
        LND answers (reported at the 1st, 2nd, 4th ... error)."""
        if attempt & (attempt - 1) == 0:
            self._failed(Effect.FOLLOW_PAYMENT, payment_hash, error, retrying=True)
