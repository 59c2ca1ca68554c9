"""A seller's slot for one buyer: its meter, relay and link, and a state machine that says
when the next session may start.

The slot's states are explicit (:class:`SlotState`, with a transition table that raises on
any other move) and change only on events: the buyer's link coming up, the session's
runner ending (a done callback, not something polled), the quiet time running out, the
clock gate opening, the node stopping. A buyer that rejects the offer is offered again
after a quiet time that doubles with each rejection in a row (a buyer holding off this
seller after a breach refuses every offer), up to ten minutes.

A buyer removed from the configuration (issue 18) is *retired*: its live session renews
no more and closes at the end of its period (``Cause.REMOVED``, so the buyer asks its
unused credit back), then the slot is ``leaving`` until the role lets it go.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable

from gridnode.hardware.meter import Meter
from gridnode.hardware.relay import FailSafeRelay
from gridnode.money import Msat
from gridnode.node.context import NodeContext
from gridnode.node.links import Link
from gridnode.node.metering import MeterPoller
from gridnode.node.partner import (
    GateOpened,
    Partner,
    PartnerEvent,
    PauseChanged,
    QuietOver,
    SessionEnded,
)
from gridnode.node.reconcile import release_deposits
from gridnode.node.refunds import SellerRefunds
from gridnode.node.routing import frame_session
from gridnode.node.runner import SessionRunner
from gridnode.peer.link import LinkDown, LinkExpired, LinkUp, Message
from gridnode.peer.tls import PinnedPeer
from gridnode.trade.events import CloseRequested, FrameReceived, MeterSample, Retire
from gridnode.trade.machine import StateMachine
from gridnode.trade.messages import Cause, MessageKind
from gridnode.trade.seller import SellerSession
from gridnode.trade.states import SellerState
from gridnode.trade.terms import OfferTemplate

log = logging.getLogger("gridnode.node")
_NEGOTIATING = SellerState.NEGOTIATING

#: The longest quiet time after rejected offers before the next offer.
MAX_QUIET_AFTER_REJECTION_MS = 600_000
#: The quiet time after a buyer holding an unanswered offer asked for a fresh one (an
#: estate market keeps a held offer fresh: it should not wait out the full quiet time).
FRESH_OFFER_QUIET_MS = 500


class SlotState(enum.Enum):
    IDLE = "idle"  # no session: one starts once the buyer's link is up and the gate open
    TRADING = "trading"  # a session runs (from the offer to its close)
    QUIET = "quiet"  # a session ended: the next offer waits out the quiet time
    LEAVING = "leaving"  # removed from the configuration: no session starts again; its
    # credit is paid back, then the role lets it go
    STOPPED = "stopped"  # the node is shutting down: no session starts again


_T = SlotState
SLOT_TRANSITIONS: dict[SlotState, frozenset[SlotState]] = {
    _T.IDLE: frozenset({_T.TRADING, _T.LEAVING, _T.STOPPED}),
    _T.TRADING: frozenset({_T.QUIET, _T.LEAVING, _T.STOPPED}),
    _T.QUIET: frozenset({_T.IDLE, _T.LEAVING, _T.STOPPED}),
    _T.LEAVING: frozenset({_T.STOPPED}),
    _T.STOPPED: frozenset(),
}


def quiet_after_close_ms(base_ms: int, rejections: int) -> int:
    """How long to wait after a session before offering again: ``base_ms``, doubled per
    rejected offer in a row, up to 10 minutes (never below ``base_ms``)."""
    if rejections <= 0:
        return base_ms
    doubled = base_ms << min(rejections, 32)
    return max(base_ms, min(doubled, MAX_QUIET_AFTER_REJECTION_MS))


def rejections_after(session: SellerSession | None, rejections: int) -> int:
    """Rejections in a row after ``session`` ended: one more if the buyer rejected its
    offer, none once a session was accepted, unchanged otherwise."""
    if session is None:
        return rejections
    if session.close_cause is Cause.REJECTED:
        return rejections + 1
    return 0 if session.billing.payment_size > Msat(0) else rejections


class BuyerSlot(Partner):
    """One configured buyer of a seller."""

    def __init__(
        self,
        ctx: NodeContext,
        name: str,
        peer: PinnedPeer,
        link: Link,
        *,
        meter: Meter,
        meter_id: str,
        relay: FailSafeRelay,
        poll_s: float,
        seller_metered: bool = False,
    ) -> None:
        super().__init__(ctx, name, peer, link, "buyer")
        self.meter_id = meter_id
        #: the buyer has no meter of its own: its offers say so (docs/trade.md)
        self.seller_metered = seller_metered
        self.relay = relay
        self.poller = MeterPoller(
            meter,
            self._sample,
            period_s=poll_s,
            name=meter_id,
            register_step_mwh=ctx.register_step_mwh,
            clock=ctx.clock,
            observer=ctx.observer,
        )
        self.machine = StateMachine(f"slot {name}", SlotState.IDLE, SLOT_TRANSITIONS)
        self.session: SellerSession | None = None
        #: the protocol id of the latest session (its ledger name is the hex of it)
        self.protocol_id = b""
        #: offers the buyer rejected in a row (the quiet time doubles with each)
        self.rejections = 0
        self.quiet_until_ms = 0
        #: the buyer asked for a fresh offer in place of one it held unanswered
        self.asked_afresh = False
        #: pays this buyer's credit notes back (issue 19)
        self.refunds = SellerRefunds(ctx, peer.fingerprint, self.verifier, link.send)
        #: starts a session; the seller role sets it (it knows the terms and the wallet)
        self.launch: Callable[[BuyerSlot], Awaitable[None]] | None = None
        #: why no session may start now (the channel cannot carry a period), or None;
        #: the seller role sets it
        self.refuse: Callable[[BuyerSlot], str | None] | None = None
        #: the latest refusal, shown as a warning until a session may start again
        self.refused: str | None = None
        self._recheck_pending = False
        #: this buyer's terms (its tariff); None: the role's default terms. A reload
        #: replaces them; the next offer or renewal uses them
        self.terms: OfferTemplate | None = None
        #: why this buyer is no longer sold to (removed from the configuration), or None
        self.removed: str | None = None
        #: told when the slot starts leaving (the role waits for the credit, then lets go)
        self.on_leaving: Callable[[BuyerSlot], None] | None = None

    @property
    def state(self) -> SlotState:
        return self.machine.state

    def _sample(self, event: MeterSample) -> None:
        runner = self.live
        if runner is not None:
            runner.post(event)

    async def handle(self, event: PartnerEvent) -> None:
        match event:
            case Message():
                await self._route(event)
            case LinkUp() | LinkDown() | LinkExpired():
                self.to_session(event, "the buyer stayed away too long")
            case SessionEnded(runner=runner) if runner is self.runner:
                self._ended(runner)
            case QuietOver() if self.state is SlotState.QUIET:
                self.machine.move(SlotState.IDLE)
            case SessionEnded() | QuietOver() | GateOpened() | PauseChanged():
                pass
        await self._maybe_start()

    async def resumed(self) -> None:
        # found by the fault drill: a session that could not be opened (the ledger's
        # disk full) failed the loop, and with the link up and no timer running no event
        # came to try again once there was room
        await self._maybe_start()

    def stop(self) -> None:
        """No session starts again (the node is shutting down)."""
        self.machine.move(SlotState.STOPPED)

    def retire(self, text: str) -> None:
        """This buyer was removed from the configuration: its live session closes at the
        end of its period (the terms both sides signed run to their end), none starts
        again, and the slot leaves once that session is over."""
        if self.removed is not None or self.state is SlotState.STOPPED:
            return
        self.removed = text
        log.info("%s was removed: %s", self.name, text, extra={"peer": self.name})
        if self.state is SlotState.TRADING:
            if (runner := self.live) is not None:
                runner.post(Retire(text))
            return  # the session's end moves the slot on (_ended)
        self._leave()

    def _leave(self) -> None:
        self.relay.driver.off_now()
        self.machine.move(SlotState.LEAVING)
        if self.on_leaving is not None:
            self.on_leaving(self)

    async def _maybe_start(self) -> None:
        if (
            self.state is SlotState.IDLE
            and self.link.up
            and self.ctx.gate.is_open
            and self.launch is not None
        ):
            if self._refused():
                return
            await self.launch(self)
            self.machine.move(SlotState.TRADING)

    def _refused(self) -> bool:
        """Whether the channel cannot carry a period now: said once per change, checked
        again after the quiet time (a new channel, a loop out or a splice may have
        added room)."""
        reason = self.refuse(self) if self.refuse is not None else None
        if reason != self.refused:
            if reason is not None:
                log.warning("no session with %s: %s", self.name, reason, extra={"peer": self.name})
            else:
                log.info("the channel with %s can carry a period again", self.name)
            self.refused = reason
            self.ctx.changed()
        if reason is not None and not self._recheck_pending:
            self._recheck_pending = True
            wait_s = self.ctx.timings.retry_after_close_s
            self.ctx.tasks.spawn(self._recheck(wait_s), name=f"liquidity {self.name}")
        return reason is not None

    async def _recheck(self, seconds: float) -> None:
        await self.ctx.clock.sleep(seconds)
        self._recheck_pending = False
        self.post(QuietOver())

    def _ended(self, runner: SessionRunner) -> None:
        self.relay.driver.off_now()  # whatever ended the session, the supply is cut
        if self.state is not SlotState.TRADING:
            return
        if not runner.closed.is_set():
            # the session failed (an exception, say the disk full) before it closed: it
            # can no longer keep or release the buyer's deposit, so it is released now
            # (found by the fault drill: it stayed locked until the next restart)
            release = release_deposits(self.ctx.ledger, self.ctx.wallet, runner.session_id)
            self.ctx.tasks.spawn(release, name=f"release the deposit of {runner.session_id}")
        if self.removed is not None:
            self._leave()
            return
        self.rejections = rejections_after(self.session, self.rejections)
        base_ms = round(self.ctx.timings.retry_after_close_s * 1000)
        quiet_ms = quiet_after_close_ms(base_ms, self.rejections)
        if self.asked_afresh:  # an estate market refreshes the offer it holds
            self.asked_afresh = False
            quiet_ms = min(quiet_ms, FRESH_OFFER_QUIET_MS)
        if self.rejections:
            log.info(
                "%s rejected %d offer(s) in a row: next offer in %d s",
                self.name,
                self.rejections,
                quiet_ms // 1000,
            )
        self.quiet_until_ms = self.ctx.clock.now_ms() + quiet_ms
        self.machine.move(SlotState.QUIET)
        self.ctx.tasks.spawn(self._quiet(quiet_ms / 1000), name=f"quiet {self.name}")

    async def _quiet(self, seconds: float) -> None:
        await self.ctx.clock.sleep(seconds)
        self.post(QuietOver())

    async def _route(self, message: Message) -> None:
        """Route one of the buyer's messages and mark it consumed once handled: by its
        session's runner after the frame's ledger record, or here when the node drops or
        stores it itself (or the link would hand it up after every restart)."""
        handled = self.consumption.taken(message.seq)
        if await self.already_recorded(message):
            handled()
            return
        runner = self.live
        peek = frame_session(message.payload)
        if peek is not None and peek.kind is MessageKind.REFUND_REQUEST:
            await self.refunds.on_request(message.payload)  # the note outlives its session
        elif runner is None:
            if self.protocol_id:  # the buyer's last reading of a session that closed here
                await self.keep_late(self.protocol_id.hex(), self.protocol_id, message.payload)
        elif peek is not None and peek.is_unknown_session:
            if self.protocol_id == peek.session_id:
                session = self.session
                self.asked_afresh = session is not None and session.state is _NEGOTIATING
                runner.post(CloseRequested("the buyer lost this session (restarted)"))
        elif peek is not None and self.protocol_id != peek.session_id:
            # an earlier session's last reading, sent by a buyer whose link was down past
            # the expiry, reaches this seller once the next session runs: still evidence
            if not await self._keep_earlier(peek.session_id, message.payload):
                log.info("dropping a frame of session %s, which is over", peek.session_id.hex())
        else:
            runner.post(FrameReceived(message.payload), handled)
            return
        handled()

    async def _keep_earlier(self, protocol_id: bytes, frame: bytes) -> bool:
        """Keep the buyer's signed reading of an earlier session of this slot."""
        name = protocol_id.hex()
        if await self.ctx.ledger.sessions.get(name) is None:
            return False
        return await self.keep_late(name, protocol_id, frame)
