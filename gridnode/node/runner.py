"""Drives one pure trade session: feeds it events, carries out its actions.

One :class:`SessionRunner` per session, each its own asyncio task, so one slow wallet
call, meter or peer never holds up another session's control tick. Inside a runner:

- events arrive on a queue (peer messages, meter samples, wallet results) and a control
  tick is fed every ``tick_ms`` on the injected clock whatever else happens;
- a peer frame comes with a callback, called once the frame's own ledger record (its
  receipt or its refusal) is committed: the node then tells the peer link the message is
  consumed (:class:`~gridnode.node.consumption.Consumption`), so one that a crash cut
  short before its record is handed up again after the restart;
- actions run in the order the session returned them; ledger records are written before
  the action they back (DESIGN.md invariant 5), relay switches are written, then made;
- wallet calls never block the loop: each runs as its own task
  (:class:`~gridnode.node.effects.Effects`) and comes back as an event
  (``InvoiceCreated``, ``PaymentSucceeded``, ``EffectFailed`` ...), so the relay can always
  be switched off within one tick (invariant 2), and no failure is lost.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

from gridnode.ledger import JournalEntry, ReadingRow, ReadingSide
from gridnode.node.clock_watch import ClockWatch
from gridnode.node.effects import Effects
from gridnode.node.refunds import note_statement
from gridnode.node.runner_ports import PaymentPolicy as PaymentPolicy
from gridnode.node.runner_ports import RunnerPorts as RunnerPorts
from gridnode.node.story import SUMMARY_EVERY_MS, SessionStory
from gridnode.node.tick_lag import TickLag
from gridnode.ocmf import Transaction, parse_record
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
    CloseRequested,
    Effect,
    EffectFailed,
    Event,
    FrameReceived,
    MeterSample,
    Tick,
)
from gridnode.trade.messages import Cause

#: How many of a session's latest notes it keeps (a snapshot shows the last few).
NOTES_KEPT = 50

log = logging.getLogger("gridnode.node")

_MONEY_KINDS = frozenset(
    {LedgerKind.INVOICE, LedgerKind.PAYMENT_SETTLED, LedgerKind.PAYMENT_MADE, LedgerKind.DEPOSIT}
)


class Session(Protocol):
    """The pure session the runner drives (SellerSession or BuyerSession)."""

    def handle(self, event: Event, now_ms: int) -> list[Action]: ...


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
        story: tuple[str, str, int] | None = None,
    ) -> None:
        """``story``: (this node's role, the peer's name, ms between summaries) for the
        session's story in the log (:mod:`gridnode.node.story`)."""
        self.session_id = session_id
        self.session = session
        self.ports = ports
        self.tick_ms = tick_ms
        self.payments = payments or PaymentPolicy()
        self.events: asyncio.Queue[tuple[Event, Handled | None]] = asyncio.Queue()
        self.closed = asyncio.Event()
        #: why the session closed (set with ``closed``)
        self.close_cause: Cause | None = None
        #: the latest notes (warnings, refusals, faults) for the status socket; a session
        #: renewed for years keeps only the newest, and counts them all
        self.notes: collections.deque[str] = collections.deque(maxlen=NOTES_KEPT)
        self.notes_total = 0
        self.rate_msat_per_kwh: int | None = None
        self.relay_on = False
        #: the latest money records (invoices, payments, deposits) and every breach, kept
        #: for the status socket so a snapshot never reads the ledger
        self.recent: collections.deque[Record] = collections.deque(maxlen=20)
        self.breaches: list[Record] = []
        #: set once the peer's End reading of this session is in the ledger
        self.peer_ended = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._tick_due = False
        #: when the previous tick was handled (the clock's monotonic seconds)
        self._last_tick_s: float | None = None
        #: how late each control tick ran (ms past its period), logged when the runner ends
        self.tick_lag = TickLag()
        self._log = logging.LoggerAdapter(log, {"session_id": session_id})
        self.effects = Effects(self, ports, self._spawn, self._log)
        role, peer, every_ms = story or ("node", "the peer", SUMMARY_EVERY_MS)
        self.story = SessionStory(role, peer, self._log, every_ms)
        #: where a peer frame still queued when the session closed goes (the partner keeps
        #: the signed reading it carries as a late one); None: dropped
        self.late: Callable[[bytes], Awaitable[object]] | None = None
        #: ends the session when a reading is dated ahead of this node's clock (set by
        #: the partner, with the link's skew limit); None: not watched
        self.clock_watch: ClockWatch | None = None

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
        ticker = asyncio.create_task(self._tick())
        try:
            while not self.closed.is_set():
                event, handled = await self.events.get()
                if isinstance(event, Tick):
                    self._tick_due = False
                    self._ticked()
                    self.story.tick(self.ports.clock.now_ms())
                if self._clock_stepped(event):
                    continue  # a sample stamped on the stepped clock: not the session's
                await self.step(event, handled)
            # The session is over: frames still queued reach no session. The peer's signed
            # reading one carries is still evidence (a payment notice and the End that
            # crossed the seller's close at a period's end: the End was refused as a gap
            # while the notice's reading was dropped here), kept as a late one.
            while not self.events.empty():
                event, handled = self.events.get_nowait()
                if isinstance(event, FrameReceived) and self.late is not None:
                    await self.late(event.frame)
                if handled is not None:
                    handled()
        finally:
            ticker.cancel()
            for task in self._tasks:
                task.cancel()
            self.ports.forget_invoices(self)
            if self.tick_lag.count:
                self._log.info("%s", self.tick_lag.describe())

    async def _tick(self) -> None:
        """The control tick, every ``tick_ms`` on the clock, whatever else happens; a tick
        still waiting in the queue is not doubled."""
        while True:
            if not self._tick_due:
                self._tick_due = True
                self.events.put_nowait((Tick(), None))
            await self.ports.clock.sleep(self.tick_ms / 1000)

    def _ticked(self) -> None:
        """Tell the observer how long after the previous tick this one is handled."""
        now = self.ports.clock.monotonic()
        if self._last_tick_s is not None:
            self.ports.observer.control_tick(now - self._last_tick_s)
            self.tick_lag.add(round((now - self._last_tick_s) * 1000) - self.tick_ms)
        self._last_tick_s = now

    async def step(self, event: Event, handled: Handled | None = None) -> None:
        """One event through the session, and its actions carried out in order.

        ``handled`` is called once the first run of ledger records the event produces is
        written (a frame's receipt or refusal, and the signed reading it carries, come
        before anything acts on it), or at the end if none; an exception or a
        cancellation before then leaves the frame unconsumed, so the peer sends it again.
        (The full drill found a seller killed between a payment notice's receipt and its
        reading: the frame was consumed, the reading lost, the payment unbacked.)"""
        before = self._seen()
        actions = self.session.handle(event, self.ports.clock.now_ms())
        recorded = False
        for action in actions:
            if handled is not None and recorded and not isinstance(action, Record):
                handled()
                handled = None
            await self._carry_out(action)
            recorded = recorded or isinstance(action, Record)
        if handled is not None:
            handled()
        if self._seen() != before:
            self.ports.changed()

    def _seen(self) -> tuple[object, bool]:
        """What a person sees change in a session: its state and its relay."""
        return getattr(self.session, "state", None), self.relay_on

    # -- actions ---------------------------------------------------------------------------
    async def _carry_out(self, action: Action) -> None:
        effects = self.effects
        match action:
            case Record():
                await self._record(action)
            case SendMessage():
                self.ports.send(action.frame)
            case SwitchRelay():
                await self._switch(action)
            case CreateInvoice():
                self._spawn(effects.create_invoice(action), Effect.CREATE_INVOICE, b"")
            case SettleHoldInvoice():
                work = effects.settle_hold(action.payment_hash)
                self._spawn(work, Effect.SETTLE_DEPOSIT, action.payment_hash)
            case CancelHoldInvoice():
                work = effects.cancel_hold(action.payment_hash)
                self._spawn(work, Effect.RELEASE_DEPOSIT, action.payment_hash)
            case PayInvoice():
                await effects.pay(action)
            case PublishRate():
                self.rate_msat_per_kwh = action.price_msat_per_kwh
                self.ports.publish_rate(action.price_msat_per_kwh, action.at_ms)
            case Notify():
                self.notes.append(action.text)
                self.notes_total += 1
                self._log.info("%s", action.text)
            case CloseSession():
                await self.ports.ledger.sessions.close(self.session_id, self.ports.clock.now_ms())
                self.story.closed(action.cause.name.lower(), self.ports.clock.now_ms())
                self.close_cause = action.cause
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
        self.story.record(record)
        if record.kind in _MONEY_KINDS:
            self.recent.append(record)  # for the status socket: the latest money events
        if record.kind is LedgerKind.CLOSING_STATEMENT:
            await note_statement(ledger, self.session_id, record)  # the credit note
        elif record.kind is LedgerKind.CREDIT_CARRIED:  # an earlier note, honoured here
            await ledger.credit.carried(
                record.data, self.session_id, record.at_ms, also_requested=True
            )
        elif record.kind is LedgerKind.BREACH:
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
            if own:
                self.story.reading(reading)
            last = reading.payload.RD[-1] if reading.payload.RD else None
            if last is None or last.TX is not Transaction.END_ABORT:  # dated as it ended
                self._watch_clock(record.at_ms, own)
            if not own and last is not None and last.TX is not None and last.TX.is_end:
                self.peer_ended.set()

    def _clock_stepped(self, event: Event) -> bool:
        """Before each event, the wall clock held against the monotonic one; True for a
        meter sample once the session ends for its clock: the End is signed from the
        samples before the step, so the series does not straddle it."""
        watch = self.clock_watch
        if watch is None:
            return False
        clock = self.ports.clock
        why = watch.stepped(clock.now_ms(), clock.monotonic())
        if why is not None:
            self._end_for_clock(why, watch)
        return watch.tripped and isinstance(event, MeterSample)

    def _watch_clock(self, dated_ms: int, own: bool) -> None:
        watch = self.clock_watch
        why = None if watch is None else watch.check(dated_ms, self.ports.clock.now_ms(), own)
        if watch is not None and why is not None:
            self._end_for_clock(why, watch if not own else None)

    def _end_for_clock(self, why: str, drop: ClockWatch | None) -> None:
        """End the session for a clock that stepped; ``drop``: drop the link too."""
        self._log.warning("%s", why)
        self.post(CloseRequested(why))
        if drop is not None:
            drop.disagree(why)

    async def _switch(self, action: SwitchRelay) -> None:
        cause = action.cause.name.lower() if action.cause else "supply conditions met"
        now = self.ports.clock.now_ms()
        await self.ports.ledger.evidence.relay_switch(self.session_id, action.on, cause, now)
        relay = self.ports.relay
        self.relay_on = action.on
        if relay is None:
            return
        if action.on:
            await relay.switch_on()
        else:
            await relay.switch_off()
        # the observer's label is a word: the cause's name, or why the relay came on
        self.ports.observer.relay_switched(action.on, cause if action.cause else "conditions_met")
        self._log.info("relay %s: %s", "on" if action.on else "off", action.text or cause)

    def _spawn(self, work: Coroutine[Any, Any, None], effect: Effect, payment_hash: bytes) -> None:
        """Run an effect as a task of this runner; one that raises is reported to the
        session (never lost), one still running when the session ends is cancelled."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._effect_done(t, effect, payment_hash))

    def _effect_done(self, task: asyncio.Task[None], effect: Effect, payment_hash: bytes) -> None:
        self._tasks.discard(task)
        if task.cancelled() or (error := task.exception()) is None:
            return
        self._log.error("could not %s: %r", effect.value, error, exc_info=error)
        self.post(EffectFailed(effect, payment_hash, f"{type(error).__name__}: {error}", False))
