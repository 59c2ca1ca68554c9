"""One payment tracker: pay, or follow, a payment until LND gives its final word.

The buyer's session runner pays an invoice with it (:meth:`PaymentTracker.start`, then
:meth:`PaymentTracker.pay`), and start-up reconciliation follows the payments a crash or
an ended session left in flight (:meth:`PaymentTracker.follow`). Either way the rules of
the wallet port hold (DESIGN.md invariant 4):

- the attempt is in the ledger before the wallet sees it, and a payment hash is
  attempted once only (the ledger refuses a second attempt). A pay call that never
  reached LND (no connection could be made, or LND was still starting) is made again
  once LND takes calls, while its invoice is payable: LND never saw the first;
- a payment counts as made only when the wallet says it succeeded; its preimage and fee
  go into the ledger before anyone is told;
- a payment still in flight is never paid again and never given up on: it is tracked,
  with a backoff on the injected clock, until it succeeds or fails. One LND has no
  record of once its invoice has expired was never started (the node died between the
  ledger's write and the wallet's call): it failed, and says so. Before the expiry LND
  may yet start it (a call that reached LND as the node died), so it is asked again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from gridnode.clock import Clock
from gridnode.ledger import Ledger
from gridnode.money import Msat
from gridnode.observe import NO_OBSERVER, Observer
from gridnode.observe import PaymentOutcome as Outcome
from gridnode.trade.invoice_check import read_bolt11
from gridnode.wallet.port import (
    InvoiceNotFoundError,
    PaymentHash,
    PaymentResult,
    PaymentStatus,
    Wallet,
    WalletError,
    WalletNotConnectedError,
)

log = logging.getLogger("gridnode.node")

#: The failure written for a payment LND has no record of.
NEVER_STARTED = "never started by LND"

#: LND refuses to start paying an invoice past its expiry, so a payment it has no
#: record of this long after its invoice expired (a margin for the node's and LND's
#: clocks) was never started and never will be. Before that, a pay call that reached LND
#: as the node was killed may still be on its way in: the full drill found one written
#: failed by the restarted buyer a moment before LND paid it and the seller settled it.
NOT_FOUND_MARGIN_MS = 30_000

#: The failure written when LND says a payment failed without saying why.
NO_REASON = "failed"


@dataclass(frozen=True, slots=True)
class Payment:
    """An invoice to pay, and what it may cost."""

    payment_hash: bytes
    bolt11: str
    amount: Msat
    #: The most the payment may pay in routing fees.
    max_fee: Msat


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    """LND's final word on a payment, as the ledger now holds it."""

    payment_hash: bytes
    #: SUCCEEDED or FAILED, never IN_FLIGHT.
    status: PaymentStatus
    amount: Msat
    fee: Msat
    #: The proof, when it succeeded.
    preimage: bytes | None = None
    #: Why it failed (LND's reason, or :data:`NEVER_STARTED`).
    failure: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is PaymentStatus.SUCCEEDED


class PaymentTracker:
    """Pays and follows payments for one node, writing each outcome to its ledger."""

    def __init__(
        self,
        ledger: Ledger,
        wallet: Wallet,
        clock: Clock,
        *,
        timeout_s: float = 30.0,
        first_backoff_s: float = 0.5,
        max_backoff_s: float = 10.0,
        logger: logging.Logger | logging.LoggerAdapter[logging.Logger] = log,
        on_error: Callable[[bytes, WalletError, int], None] | None = None,
        observer: Observer = NO_OBSERVER,
    ) -> None:
        """``on_error(payment_hash, error, attempt)`` hears of every wallet error while
        paying or following (attempt 1 is the pay call itself), so the session can show
        that a payment's fate is unknown while it is tracked. ``observer`` hears how each
        payment paid here ended and how long it took."""
        self.ledger = ledger
        self.wallet = wallet
        self.clock = clock
        #: How long one wallet call waits for the payment to resolve.
        self.timeout_s = timeout_s
        self.first_backoff_s = first_backoff_s
        self.max_backoff_s = max_backoff_s
        self._log = logger
        self._on_error = on_error
        self._observer = observer

    async def start(self, session_id: str, payment: Payment) -> None:
        """Write the attempt, before the wallet sees it. A payment hash attempted before
        is refused (:class:`~gridnode.ledger.DuplicatePaymentError`): never paid twice."""
        await self.ledger.payments.started(
            session_id, payment.payment_hash, payment.bolt11, payment.amount, self.clock.now_ms()
        )

    async def pay(self, payment: Payment) -> PaymentOutcome:
        """Pay a payment whose attempt is written (:meth:`start`), then follow it until
        it resolves; its outcome is in the ledger when this returns."""
        started = self.clock.monotonic()
        outcome = await self._pay(payment)
        seconds = self.clock.monotonic() - started
        self._observer.payment_resolved(
            Outcome.SUCCEEDED if outcome.succeeded else Outcome.FAILED, seconds
        )
        return outcome

    async def _pay(self, payment: Payment) -> PaymentOutcome:
        delay, attempt = self.first_backoff_s, 1
        payable_until_ms = _payable_until_ms(payment.bolt11)
        while True:
            try:
                result = await self.wallet.pay_invoice(
                    payment.bolt11, payment.max_fee, self.timeout_s
                )
            except WalletNotConnectedError as exc:
                # the call never reached LND: made again once LND takes calls (the full
                # drill found a deposit waited on until its invoice expired instead)
                self._error(payment.payment_hash, exc, attempt)
                if attempt == 1:
                    self._log.warning(
                        "pay %s: %s; paying once LND takes calls", payment.payment_hash.hex(), exc
                    )
                attempt += 1
                await self.clock.sleep(delay)
                delay = min(delay * 2, self.max_backoff_s)
                if self.clock.now_ms() < payable_until_ms:  # LND would refuse it after
                    continue
            except WalletError as exc:  # the wallet may have started it all the same
                self._log.warning("pay %s: %s; tracking it", payment.payment_hash.hex(), exc)
                self._error(payment.payment_hash, exc, attempt)
            else:
                if result.status is not PaymentStatus.IN_FLIGHT:
                    return await self._resolved(payment.payment_hash, payment.amount, result)
            return await self.follow(payment.payment_hash, payment.amount, payment.bolt11)

    async def follow(self, payment_hash: bytes, amount: Msat, bolt11: str) -> PaymentOutcome:
        """Track a payment already attempted (``bolt11`` is what was paid) until LND
        says how it ended (it is never paid again); its outcome is in the ledger when
        this returns."""
        delay, attempt = self.first_backoff_s, 1
        final_ms = _payable_until_ms(bolt11) + NOT_FOUND_MARGIN_MS
        waited = False
        while True:
            try:
                result = await self.wallet.track_payment(PaymentHash(payment_hash), self.timeout_s)
            except InvoiceNotFoundError:
                if self.clock.now_ms() >= final_ms:
                    # LND never started it and no longer can: no HTLC ever went out
                    return await self._failed(payment_hash, amount, NEVER_STARTED)
                if not waited:
                    waited = True
                    self._log.info(
                        "LND has no record of payment %s yet; asking again until its "
                        "invoice expires",
                        payment_hash.hex(),
                    )
            except WalletError as exc:
                self._log.warning("track %s: %s", payment_hash.hex(), exc)
                attempt += 1
                self._error(payment_hash, exc, attempt)
            else:
                if result.status is not PaymentStatus.IN_FLIGHT:
                    return await self._resolved(payment_hash, amount, result)
            await self.clock.sleep(delay)
            delay = min(delay * 2, self.max_backoff_s)

    def _error(self, payment_hash: bytes, error: WalletError, attempt: int) -> None:
        if self._on_error is not None:
            self._on_error(payment_hash, error, attempt)

    async def _resolved(
        self, payment_hash: bytes, amount: Msat, result: PaymentResult
    ) -> PaymentOutcome:
        if result.status is PaymentStatus.SUCCEEDED:
            assert result.preimage is not None  # the wallet port's promise
            preimage = result.preimage.value
            await self.ledger.payments.succeeded(
                payment_hash,
                self.clock.now_ms(),
                preimage,
                result.fee,
                lnd_resolved_at_ms=result.resolved_at_ms,
            )
            return PaymentOutcome(
                payment_hash, PaymentStatus.SUCCEEDED, result.amount, result.fee, preimage
            )
        reason = result.failure.value if result.failure is not None else NO_REASON
        return await self._failed(payment_hash, amount, reason)

    async def _failed(self, payment_hash: bytes, amount: Msat, reason: str) -> PaymentOutcome:
        await self.ledger.payments.failed(payment_hash, self.clock.now_ms(), reason)
        return PaymentOutcome(payment_hash, PaymentStatus.FAILED, amount, Msat(0), failure=reason)


def _payable_until_ms(bolt11: str) -> int:
    """When LND stops taking a payment of ``bolt11`` (0: it never would, undecodable)."""
    facts = read_bolt11(bolt11)
    return 0 if isinstance(facts, str) else facts.expires_at_ms
