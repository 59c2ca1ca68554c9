"""A buyer's side of one pinned seller: its link, its sessions, and the hold after a breach.

One :class:`~gridnode.trade.buyer.BuyerSession` at a time answers the seller's offer and
pays within the limits; a new hello from the seller starts a new session (the one before
is asked to close). The link is started only once the clock gate opens: the seller would
offer at once, and a buyer whose clock is wrong must not sign readings with it.

After a breach the buyer holds off the seller for ``breach_hold_s`` ([limits]): every
session started meanwhile refuses the seller's offer. The hold is read from the ledger's
breaches, so a restart does not clear it.

Buying can be paused by hand (MQTT's switch): the live session is asked to close, the
seller's End reading awaited a moment, then the link is taken down, so the seller offers
nothing until buying resumes and the link comes up again (the seller offers at once).

With several sellers (the estate market) a new session's frames wait in the seller's
:class:`~gridnode.node.market_seat.MarketSeat` until the market chooses it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from gridnode.ledger import CircuitBusyError
from gridnode.node.breaches import breach_hold, latest_breach
from gridnode.node.context import NodeContext
from gridnode.node.evidence import keep_late_statement
from gridnode.node.links import Dialer
from gridnode.node.market_seat import MarketSeat
from gridnode.node.partner import (
    GateOpened,
    Partner,
    PartnerEvent,
    PauseChanged,
    QuietOver,
    SessionEnded,
)
from gridnode.node.readings import series_state
from gridnode.node.reconcile import reconcile_buyer
from gridnode.node.refunds import BuyerRefunds
from gridnode.node.routing import FrameSession, frame_session, unknown_session_frame
from gridnode.node.runner import Handled, PaymentPolicy, SessionRunner
from gridnode.ocmf import SeriesState
from gridnode.peer.link import LinkDown, LinkExpired, LinkUp, Message
from gridnode.peer.tls import PinnedPeer
from gridnode.trade.buyer import BuyerSession
from gridnode.trade.evaluate import BreachHold
from gridnode.trade.events import CloseRequested, FrameReceived, Start
from gridnode.trade.events import LinkUp as SessionLinkUp
from gridnode.trade.messages import CarriedCredit, Cause, MessageKind
from gridnode.trade.readings import OwnSeries
from gridnode.trade.states import BuyerState
from gridnode.trade.terms import BuyerLimits
from gridnode.wallet.port import WalletError

log = logging.getLogger("gridnode.node")

#: Why a paused buyer closes its session and takes its link down (the seller logs it).
PAUSED = "buying is paused by hand"


class SellerPartner(Partner):
    """One pinned seller of a buyer."""

    def __init__(
        self,
        ctx: NodeContext,
        name: str,
        peer: PinnedPeer,
        client: Dialer,
        *,
        limits: BuyerLimits,
        breach_hold_ms: int,
        meter_id: str,
    ) -> None:
        super().__init__(ctx, name, peer, client.link, "seller")
        self.client = client
        self.limits = limits
        self.breach_hold_ms = breach_hold_ms
        self.meter_id = meter_id
        self.session: BuyerSession | None = None
        #: the seller's id of the session the live runner serves (None until its hello)
        self.current_session_id: bytes | None = None
        #: every session id the seller used, and the ledger's name of each (late readings)
        self.known_sessions: set[bytes] = set()
        self.ledger_names: dict[bytes, str] = {}
        #: the latest breach in the ledger (at_ms, text), read at start and per session
        self.last_breach: tuple[int, str] | None = None
        #: no new follow-up of an ended session's payments once the node shuts down
        self.stopping = False
        self.rate_changed = ctx.changed
        #: buying is paused by hand; the link is down while ``link_paused``
        self.paused = False
        self.link_paused = False
        #: the clock gate opened and the link was started
        self.gate_open = False
        self.dialling = False
        #: asks the seller for this buyer's credit notes back when it leaves (issue 19)
        self.refunds = BuyerRefunds(ctx, peer.fingerprint, client.link.send)
        #: this buyer's Lightning node, named in each acceptance as the refunds' payee
        self.refund_node_id = ""
        #: why no session may start now (the channel cannot carry a period), or None;
        #: the buyer role sets it
        self.refuse: Callable[[], str | None] | None = None
        #: the latest refusal, shown as a warning until a session may start again
        self.refused: str | None = None
        #: this seller's seat in the estate market (None: the buyer pins one seller and
        #: answers its offers at once); the market sets ``market_changed``
        self.seat: MarketSeat | None = None
        self.market_changed: Callable[[], None] = lambda: None

    @property
    def receiving(self) -> bool:
        """The live session is receiving: the seller has not said the supply is off."""
        session = self.session
        return (
            self.live is not None
            and session is not None
            and (session.state is BuyerState.RECEIVING)
        )

    def hold(self) -> BreachHold | None:
        """The hold after the seller's latest breach: the ledger's, or the live session's
        if newer (the status shows it before the next session starts)."""
        latest = self.last_breach
        if self.runner is not None and self.runner.breaches:
            record = self.runner.breaches[-1]
            if latest is None or record.at_ms >= latest[0]:
                latest = (record.at_ms, record.text)
        return breach_hold(latest, self.breach_hold_ms)

    async def handle(self, event: PartnerEvent) -> None:
        match event:
            case Message():
                handled = self.consumption.taken(event.seq)
                if await self.already_recorded(event):
                    handled()
                else:
                    await self._route(event.payload, handled)
            case LinkUp() | LinkDown() | LinkExpired():
                self.to_session(event, "the seller stayed away too long")
            case GateOpened() if not self.gate_open:
                # no session and no link (the seller would offer at once) until the
                # clock is right; then the link starts, with a session awaiting the offer
                self.gate_open = True
                if not self.paused:
                    await self._dial()
            case PauseChanged(paused=paused):
                await self._pause(paused)
            case SessionEnded(runner=runner):
                self._follow_payments(runner.session_id)
                if runner.close_cause is Cause.REMOVED:  # the seller let this buyer go
                    self.ctx.tasks.spawn(self._removed(), name=f"leave {self.name}")
                if self.seat is not None:
                    self.market_changed()
                if self.paused and runner is self.runner:
                    self.ctx.tasks.spawn(self._link_down_after(runner), name=f"pause {self.name}")
            case GateOpened() | QuietOver():
                pass

    async def _dial(self) -> None:
        self.dialling = True
        self.client.start()
        if self.seat is None:  # in the market the held hello starts it, when chosen
            await self._start_session()

    async def _pause(self, paused: bool) -> None:
        """Pause: close the live session (the link goes down once it ended); resume:
        bring the link up again, and the seller offers."""
        if paused == self.paused:
            return
        self.paused = paused
        if paused:
            if self.request_close(PAUSED) is None:
                self._link_down()
        elif self.link_paused:
            self.link_paused = False
            self.client.resume()
        elif self.gate_open and not self.dialling:
            await self._dial()

    async def _link_down_after(self, runner: SessionRunner) -> None:
        """Once the paused session's End reading came (or a moment passed), take the link
        down, unless buying was resumed meanwhile."""
        await self.wait_peer_end(runner, self.ctx.timings.peer_end_grace_s)
        if self.paused:  # the buyer leaves: its credit back first (issue 19)
            await self.refunds.leave(self.ctx.timings.refund_grace_s)
        if self.paused:
            self._link_down()

    async def _removed(self) -> None:
        """The seller no longer sells to this buyer (issue 18): the buyer leaves it, asking
        its unused credit back (issue 19); the seller pays it, then lets the link go."""
        log.warning(
            "%s no longer sells to this node (removed from its configuration): asking the "
            "unused credit back",
            self.name,
        )
        await self.refunds.leave(self.ctx.timings.refund_grace_s)

    def _link_down(self) -> None:
        if self.dialling and not self.link_paused:
            self.link_paused = True
            self.client.pause(PAUSED)
            log.info("buying from %s paused: link down until resumed", self.name)

    async def _route(self, frame: bytes, handled: Handled, *, market: bool = True) -> None:
        """Hand a frame to the session it belongs to; a new hello starts a new session.

        ``handled`` marks the message consumed: the runner calls it after the frame's
        ledger record, this method when the node drops or stores the frame itself."""
        runner = self.live
        peek = frame_session(frame)
        if peek is not None and peek.kind is MessageKind.REFUND_PAID:
            await self.refunds.on_paid(frame)  # the note outlives its session
            handled()
            return
        if market and peek is not None and await self._market_holds(peek, frame, handled):
            return
        if peek is None or (runner is not None and self.current_session_id == peek.session_id):
            if runner is not None:
                runner.post(FrameReceived(frame), handled)
            else:
                handled()
            return
        if not peek.is_hello:
            if peek.session_id not in self.known_sessions:
                # a session this node lost (a restart): ask the seller to close it
                log.info(
                    "asking the seller to close session %s, which this node lost",
                    peek.session_id.hex(),
                )
                self.known_sessions.add(peek.session_id)
                self.link.send(unknown_session_frame(peek.session_id, self.ctx.signer))
            elif not await self._late_reading(peek.session_id, frame):
                log.info("dropping a frame of session %s, which is over", peek.session_id.hex())
            handled()
            return
        self.known_sessions.add(peek.session_id)
        if runner is not None and self.current_session_id is not None:
            runner.post(CloseRequested("the seller started a new session"))
        if runner is None or self.current_session_id is not None:
            await self._start_session()
        self.current_session_id = peek.session_id
        assert self.runner is not None
        self.ledger_names[peek.session_id] = self.runner.session_id
        self.runner.post(FrameReceived(frame), handled)
        if self.paused:  # an offer that crossed the pause: its session closes at once
            self.runner.post(CloseRequested(PAUSED))
        elif (reason := self._refused()) is not None:  # before its offer is accepted
            self.runner.post(CloseRequested(reason))

    # -- the estate market (docs/market.md) -------------------------------------------------
    async def _market_holds(self, peek: FrameSession, frame: bytes, handled: Handled) -> bool:
        """Hold a new session's frames until the market chooses this seller (a chosen
        seller's are released at once, once the ledger lets its session receive)."""
        seat = self.seat
        if seat is None or not seat.holds(peek):
            return False
        if peek.is_hello:
            self.known_sessions.add(peek.session_id)
        seat.hold(peek, frame, handled, self.verifier, self.ctx.clock.now_ms())
        if seat.chosen:
            await self.release_held()
        self.market_changed()
        return True

    async def choose(self) -> bool:
        """The market chose this seller: its held session starts (:meth:`release_held`)."""
        assert self.seat is not None
        self.seat.chosen = True
        return await self.release_held()

    async def release_held(self) -> bool:
        """Start the held session and hand it its frames once the ledger lets it receive
        (no other session of the circuit does); False when not yet (nothing held, or the
        circuit is busy: the market tries again)."""
        seat = self.seat
        if seat is None or not seat.held:
            return False
        first, handled = seat.held[0]
        peek = frame_session(first)
        busy = await self.ctx.ledger.sessions.receiving(self.meter_id)
        if busy and (self.live is None or busy != [self.live.session_id]):
            log.warning("%s: its offer waits: session %s receives", self.name, busy[0])
            return False  # no session starts while another receives on the circuit
        if peek is not None and peek.is_hello:  # the session starts, as on any hello
            seat.held.pop(0)
            await self._route(first, handled, market=False)
        runner = self.live
        if runner is None:
            return False
        try:
            await self.ctx.ledger.sessions.receive(runner.session_id)
        except CircuitBusyError as exc:
            log.warning("%s: its offer waits: %s", self.name, exc)
            return False
        for frame, done in seat.release():
            await self._route(frame, done, market=False)
        return True

    def _refused(self) -> str | None:
        """Why a new session may not start (its channel cannot carry a period), said
        once per change; None when it may."""
        reason = self.refuse() if self.refuse is not None else None
        if reason != self.refused:
            if reason is not None:
                log.warning("no session with %s: %s", self.name, reason, extra={"peer": self.name})
            else:
                log.info("the channel with %s can carry a period again", self.name)
            self.refused = reason
            self.ctx.changed()
        return reason

    async def _late_reading(self, protocol_id: bytes, frame: bytes) -> bool:
        """Keep the seller's last signed reading, or its closing statement (the credit
        note), of a session that closed here first."""
        name = self.ledger_names.get(protocol_id)
        if name is None:
            return False
        now, ledger = self.ctx.clock.now_ms(), self.ctx.ledger
        if await keep_late_statement(ledger, name, protocol_id, frame, self.verifier, now):
            return True
        return await self.keep_late(name, protocol_id, frame)

    async def _start_session(self) -> None:
        ctx = self.ctx
        now = ctx.clock.now_ms()
        clock_status = await ctx.gate.current()
        previous, live = self.session, self.live
        series: SeriesState | OwnSeries | None
        if previous is not None and live is not None:
            series = previous.readings.own  # still closing: the series goes on from it
        else:
            series = await series_state(ctx.ledger, ctx.signer, self.meter_id, clock_status, now)
        self.last_breach = await latest_breach(ctx.ledger)
        hold = breach_hold(self.last_breach, self.breach_hold_ms)
        note = await self.refunds.open_note()
        if not self.refund_node_id:
            try:
                self.refund_node_id = (await ctx.wallet.node_info()).pubkey
            except WalletError as exc:  # asked again at the next session
                log.warning("no refund node in this acceptance: LND did not answer (%s)", exc)
        if hold is not None and hold.holds(now):
            log.info("holding off the seller: %s", hold.describe())
        session = BuyerSession(
            self.limits,
            signer=ctx.signer,
            seller=self.verifier,
            register_step_mwh=ctx.register_step_mwh,
            meter_id=self.meter_id,
            series=series,
            clock_status=clock_status,
            hold=hold,
            note=None if note is None else CarriedCredit(note.note_id, note.credit),
            refund_node_id=self.refund_node_id,
        )
        # several sellers start sessions in the same millisecond: the name tells them apart
        who = f"{self.name}-" if self.seat is not None else ""
        session_id = f"buyer-{who}{now}-{self.sessions_started + 1}"
        await self.open_in_ledger(
            session_id,
            self.meter_id,
            seller_der=self.verifier.public_key_der,
            buyer_der=ctx.signer.public_key_der,
        )
        runner = self.new_runner(
            session_id,
            session,
            relay=None,
            publish_rate=lambda price, at: self.rate_changed(),
            payments=PaymentPolicy(max_fee_ppm=self.limits.max_fee_ppm),
        )
        self.session = session
        self.current_session_id = None
        runner.post(Start())
        if self.link.up:
            runner.post(SessionLinkUp())
        self.run(runner)

    def _follow_payments(self, session_id: str) -> None:
        """A session that ended with a payment under way (a deposit the seller has yet to
        release, a prepayment in flight) leaves it to this: LND's final word goes into the
        ledger now, not at the next start."""
        if self.stopping:
            return  # the next start reconciles it
        ctx = self.ctx
        self.ctx.tasks.spawn(
            reconcile_buyer(ctx.ledger, ctx.wallet, ctx.clock, session_id),
            name=f"payments {session_id}",
        )
