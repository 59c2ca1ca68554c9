"""Drives one pure trade session: feeds it events, carries out its actions.

One :class:`SessionRunner` per session, each its own asyncio task, so one slow wallet
call, meter or peer never holds up another session's control tick. Inside a runner:

- events arrive on a queue (peer messages, meter samples, wallet results) and a control
  tick is fed every ``tick_ms`` whatever else happens;
- a peer frame comes with a callback, called once the frame's own ledger record (its
  receipt or its refusal) is committed: the node then tells the peer link the message is
  consumed (:class:`~gridnode.node.consumption.Consumption`), so one that a crash cut
  short before its record is handed up again after the restart;
- actions run in the order the session returned them; ledger records are written before
  the action they back (DESIGN.md invariant 5), relay switches are written, then made;
- wallet calls never block the loop: each runs as its own task and comes back as an
  event (``InvoiceCreated``, ``PaymentSucceeded``, ...), so the relay can always be
  switched off within one tick (invariant 2).

Payments go through the node's one :class:`~gridnode.node.payments.PaymentTracker`: the
attempt is in the ledger before the wallet sees it, a hash is never attempted twice, and
a payment still in flight is tracked until LND says how it ended, never paid again.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import logging
import os
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from gridnode.clock import SYSTEM_CLOCK, Clock
from gridnode.hardware.relay import Relay
from gridnode.ledger import (
    DuplicatePaymentError,
    InvoicePurpose,
    JournalEntry,
    Ledger,
    ReadingRow,
    ReadingSide,
)
from gridnode.money import Msat
from gridnode.node.payments import Payment, PaymentTracker
from gridnode.ocmf import parse_record
from gridnode.trade.actions import (
    Action,
    CancelHoldInvoice,
    CloseSession,
    CreateInvoice,
    LedgerKind,
    Notify,
    PayInvoice,
    PublishRate,
    Record,
    SendMessage,
    SettleHoldInvoice,
    SwitchRelay,
)
from gridnode.trade.events import (
    Event,
    HoldInvoiceAccepted,
    InvoiceCanceled,
    InvoiceCreated,
    InvoiceCreateFailed,
    PaymentFailed,
    PaymentSucceeded,
    Tick,
)
from gridnode.trade.messages import InvoicePurpose as TradePurpose
from gridnode.wallet.port import InvoiceState, PaymentHash, Preimage, Wallet, WalletError

log = logging.getLogger("gridnode.node")

_MONEY_KINDS = frozenset(
    {LedgerKind.INVOICE, LedgerKind.PAYMENT_SETTLED, LedgerKind.PAYMENT_MADE, LedgerKind.DEPOSIT}
)

#: What the ledger calls the purpose of each invoice the session asks for.
_PURPOSES = {
    TradePurpose.DEPOSIT: InvoicePurpose.DEPOSIT,
    TradePurpose.PREPAYMENT: InvoicePurpose.PREPAYMENT,
}


class Session(Protocol):
    """The pure session the runner drives (SellerSession or BuyerSession)."""

    def handle(self, event: Event, now_ms: int) -> list[Action]: ...


@dataclass
class RunnerPorts:
    """Everything a runner touches, injected."""

    ledger: Ledger
    wallet: Wallet
    #: Hands an encoded frame to the peer link (which stores and delivers it).
    send: Callable[[bytes], object]
    #: The relay this session switches (a seller's buyer slot); None for a buyer.
    relay: Relay | None
    #: Publishes the live rate (msat per kWh, at ms) to the rate feed and status.
    publish_rate: Callable[[int, int], None]
    #: Milliseconds since the epoch.
    clock_ms: Callable[[], int]
    #: Routes a payment hash's wallet events to this runner (the node's settled stream).
    register_invoice: Callable[[bytes, SessionRunner], None] = lambda _h, _r: None
    #: What payments wait and back off on, and stamp their outcomes with.
    clock: Clock = SYSTEM_CLOCK


@dataclass(frozen=True)
class PaymentPolicy:
    #: The most a payment may pay in routing fees, as a share of its amount in parts per
    #: million (10_000 is 1 %); a direct channel to the seller costs none (docs/cadence.md).
    max_fee_ppm: int = 10_000
    #: How long one pay call waits before reporting the payment as in flight.
    timeout_s: float = 30.0

    def fee_limit(self, amount: Msat) -> Msat:
        """The routing fee limit for a payment of ``amount``: floor(amount * share)."""
        return Msat(amount.msat * self.max_fee_ppm // 1_000_000)


#: Called once a peer frame has been handled durably (see
#: :class:`gridnode.node.consumption.Consumption`).
Handled = Callable[[], None]


class SessionRunner:
    def __init__(
        self,
        session_id: str,
        session: Session,
        ports: RunnerPorts,
        *,
        tick_ms: int = 250,
        payments: PaymentPolicy | None = None,
    ) -> None:
        self.session_id = session_id
        self.session = session
        self.ports = ports
        self.tick_ms = tick_ms
        self.payments = payments or PaymentPolicy()
        self.events: asyncio.Queue[tuple[Event, Handled | None]] = asyncio.Queue()
        self.closed = asyncio.Event()
        self.notes: list[str] = []
        self.rate_msat_per_kwh: int | None = None
        self.relay_on = False
        #: the latest money records (invoices, payments, deposits) and every breach, kept
        #: for the status socket so a snapshot never reads the ledger
        self.recent: collections.deque[Record] = collections.deque(maxlen=20)
        self.breaches: list[Record] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._log = logging.LoggerAdapter(log, {"session_id": session_id})
        self._tracker = PaymentTracker(
            ports.ledger,
            ports.wallet,
            ports.clock,
            timeout_s=self.payments.timeout_s,
            logger=self._log,
        )

    def post(self, event: Event, handled: Handled | None = None) -> None:
        """Hand the session an event; it is handled in order on the runner's task.

        ``handled`` (with a peer frame) is called once the frame's own ledger record is
        committed; a frame that reaches a closed session is handled (dropped) at once."""
        if handled is not None and self.closed.is_set():
            handled()
            return
        self.events.put_nowait((event, handled))

    async def run(self) -> None:
        """Handle events and ticks until the session closes (or the task is cancelled)."""
        loop = asyncio.get_running_loop()
        next_tick = loop.time()
        try:
            while not self.closed.is_set():
                timeout = max(0.0, next_tick - loop.time())
                handled: Handled | None = None
                try:
                    event, handled = await asyncio.wait_for(self.events.get(), timeout)
                except TimeoutError:
                    event = Tick()
                    next_tick = loop.time() + self.tick_ms / 1000
                await self.step(event, handled)
            # The session is over: frames still queued reach no one (dropped on purpose).
            while not self.events.empty():
                _, handled = self.events.get_nowait()
                if handled is not None:
                    handled()
        finally:
            for task in self._tasks:
                task.cancel()

    async def step(self, event: Event, handled: Handled | None = None) -> None:
        """One event through the session, and its actions carried out in order.

        ``handled`` is called after the first ledger record the event produces (a frame's
        receipt or refusal comes before anything acts on it), or at the end if none; an
        exception or a cancellation before then leaves the frame unconsumed."""
        actions = self.session.handle(event, self.ports.clock_ms())
        for action in actions:
            await self._carry_out(action)
            if handled is not None and isinstance(action, Record):
                handled()
                handled = None
        if handled is not None:
            handled()

    # -- actions ---------------------------------------------------------------------------
    async def _carry_out(self, action: Action) -> None:
        match action:
            case Record():
                await self._record(action)
            case SendMessage():
                self.ports.send(action.frame)
            case SwitchRelay():
                await self._switch(action)
            case CreateInvoice():
                self._spawn(self._create_invoice(action))
            case SettleHoldInvoice():
                self._spawn(self._settle_hold(action.payment_hash))
            case CancelHoldInvoice():
                self._spawn(self._cancel_hold(action.payment_hash))
            case PayInvoice():
                await self._pay(action)
            case PublishRate():
                self.rate_msat_per_kwh = action.price_msat_per_kwh
                self.ports.publish_rate(action.price_msat_per_kwh, action.at_ms)
            case Notify():
                self.notes.append(action.text)
                self._log.info("%s", action.text)
            case CloseSession():
                await self.ports.ledger.sessions.close(self.session_id, self.ports.clock_ms())
                self._log.info("session closed: %s", action.cause.name.lower())
                self.closed.set()

    async def _record(self, record: Record) -> None:
        ledger = self.ports.ledger
        await ledger.sessions.journal(
            JournalEntry(
                self.session_id,
                record.kind.value,
                record.at_ms,
                record.text,
                record.data,
                record.amount,
                record.payment_hash,
            )
        )
        if record.kind in _MONEY_KINDS:
            self.recent.append(record)  # for the status socket: the latest money events
        if record.kind is LedgerKind.BREACH:
            self.breaches.append(record)
            await ledger.evidence.breach(self.session_id, "breach", record.text, record.at_ms)
        elif record.kind in (LedgerKind.READING, LedgerKind.PEER_READING):
            # An OCMF record: our own series by meter, the peer's by its key and meter.
            reading = parse_record(record.data)
            own = record.kind is LedgerKind.READING
            series = reading.payload.MS if own else f"{reading.payload.GS}:{reading.payload.MS}"
            side = ReadingSide.OWN if own else ReadingSide.PEER
            await ledger.evidence.reading(
                ReadingRow(self.session_id, side, series, reading.page, record.at_ms, reading.text)
            )

    async def _switch(self, action: SwitchRelay) -> None:
        cause = action.cause.name.lower() if action.cause else "supply conditions met"
        now = self.ports.clock_ms()
        await self.ports.ledger.evidence.relay_switch(self.session_id, action.on, cause, now)
        relay = self.ports.relay
        self.relay_on = action.on
        if relay is None:
            return
        if action.on:
            await relay.switch_on()
        else:
            await relay.switch_off()
        self._log.info("relay %s: %s", "on" if action.on else "off", action.text or cause)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- invoices (seller) ----------------------------------------------------------------------
    async def _create_invoice(self, action: CreateInvoice) -> None:
        ledger, wallet = self.ports.ledger, self.ports.wallet
        purpose = _PURPOSES[action.purpose]
        now = self.ports.clock_ms()
        try:
            if action.hold:
                preimage = os.urandom(32)
                payment_hash = hashlib.sha256(preimage).digest()
                await ledger.invoices.hold_planned(
                    self.session_id, payment_hash, preimage, action.amount, purpose, now
                )
                self.ports.register_invoice(payment_hash, self)
                created = await wallet.create_hold_invoice(
                    PaymentHash(payment_hash),
                    action.amount,
                    action.memo,
                    action.expiry_s,
                    action.cltv_expiry_delta,
                )
            else:
                created = await wallet.create_invoice(action.amount, action.memo, action.expiry_s)
                self.ports.register_invoice(created.payment_hash.value, self)
            await ledger.invoices.created(
                self.session_id,
                created.payment_hash.value,
                created.bolt11,
                action.amount,
                purpose,
                action.hold,
                now,
            )
        except WalletError as exc:
            self._log.warning("could not create an invoice: %s", exc)
            self.post(InvoiceCreateFailed(action.request_id, str(exc)))
            return
        self.post(InvoiceCreated(action.request_id, created.bolt11, created.payment_hash.value))
        if action.hold:
            self._spawn(self._watch_hold(created.payment_hash))
        else:
            self._spawn(self._expire(created.payment_hash, action.expiry_s))

    async def _watch_hold(self, payment_hash: PaymentHash) -> None:
        """A hold invoice's ACCEPTED and CANCELED states (the settled stream has neither)."""
        async for status in self.ports.wallet.invoice_updates(payment_hash):
            if status.state is InvoiceState.ACCEPTED:
                await self.ports.ledger.invoices.set_state(
                    payment_hash.value, InvoiceState.ACCEPTED
                )
                self.post(HoldInvoiceAccepted(payment_hash.value, status.amount_paid))
            elif status.state is InvoiceState.CANCELED:
                await self.ports.ledger.invoices.set_state(
                    payment_hash.value, InvoiceState.CANCELED
                )
                self.post(InvoiceCanceled(payment_hash.value))

    async def _expire(self, payment_hash: PaymentHash, expiry_s: int) -> None:
        """Tell the session when an invoice expired unpaid, so it stops counting on it."""
        await asyncio.sleep(expiry_s + 1)
        try:
            status = await self.ports.wallet.lookup_invoice(payment_hash)
        except WalletError as exc:
            self._log.warning("could not look up invoice %s: %s", payment_hash, exc)
            return
        if status.state in (InvoiceState.OPEN, InvoiceState.CANCELED):
            await self.ports.ledger.invoices.set_state(payment_hash.value, InvoiceState.CANCELED)
            self.post(InvoiceCanceled(payment_hash.value))

    async def _settle_hold(self, payment_hash: bytes) -> None:
        preimage = await self.ports.ledger.invoices.hold_preimage(payment_hash)
        if preimage is None:
            self._log.error("no preimage for hold invoice %s: cannot settle", payment_hash.hex())
            return
        try:
            await self.ports.wallet.settle_hold_invoice(Preimage(preimage))
        except WalletError as exc:
            self._log.error("could not settle hold invoice %s: %s", payment_hash.hex(), exc)

    async def _cancel_hold(self, payment_hash: bytes) -> None:
        try:
            await self.ports.wallet.cancel_invoice(PaymentHash(payment_hash))
        except WalletError as exc:
            self._log.error("could not cancel hold invoice %s: %s", payment_hash.hex(), exc)

    # -- payments (buyer) -----------------------------------------------------------------------
    async def _pay(self, action: PayInvoice) -> None:
        """The attempt goes into the ledger within this step; the wallet call runs on."""
        payment = Payment(
            action.payment_hash,
            action.bolt11,
            action.amount,
            self.payments.fee_limit(action.amount),
        )
        try:
            await self._tracker.start(self.session_id, payment)
        except DuplicatePaymentError as exc:
            self._log.error("%s", exc)
            self.post(PaymentFailed(action.payment_hash, str(exc)))
            return
        self._spawn(self._settle_payment(payment))

    async def _settle_payment(self, payment: Payment) -> None:
        outcome = await self._tracker.pay(payment)
        if outcome.succeeded:
            assert outcome.preimage is not None
            self.post(PaymentSucceeded(payment.payment_hash, outcome.preimage, outcome.amount))
        else:
            self.post(PaymentFailed(payment.payment_hash, outcome.failure or "failed"))
