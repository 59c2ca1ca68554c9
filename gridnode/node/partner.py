"""One pinned trading partner: its peer link, its live session, and the loop that drives them.

A seller has one partner per configured buyer, a buyer one per pinned seller; both are a
:class:`Partner` with the role's own rules on top (:mod:`gridnode.node.seller_role`,
:mod:`gridnode.node.buyer_role`). Everything that happens to a partner arrives as an event
on its queue and is handled in order by :meth:`Partner.serve`: what the peer link reports
(pumped from the link), the end of its session's runner (a done callback, never polled),
a quiet time running out, the clock gate opening. What both roles do alike lives here:

- a message the link hands up again after a restart that the journal already holds is
  skipped; every message is marked consumed once handled
  (:class:`~gridnode.node.consumption.Consumption`);
- link up, down and expiry reach the live session as its own events;
- a session is opened in the ledger with both parties' keys before its runner starts;
- at shutdown the session is asked to close and the peer's End reading is awaited, so
  this node's own ledger gives a complete receipt.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from gridnode.clock import wait_for
from gridnode.hardware.relay import Relay
from gridnode.node import wiring
from gridnode.node.clock_watch import ClockWatch
from gridnode.node.consumption import Consumption
from gridnode.node.context import NodeContext
from gridnode.node.evidence import keep_late_reading, peer_ended, record_party_keys
from gridnode.node.links import Link
from gridnode.node.routing import frame_session
from gridnode.node.runner import PaymentPolicy, RunnerPorts, Session, SessionRunner
from gridnode.node.settlements import Postable
from gridnode.peer.link import LinkDown, LinkEvent, LinkExpired, LinkUp, Message
from gridnode.peer.tls import PinnedPeer
from gridnode.trade.events import CloseRequested
from gridnode.trade.events import LinkDown as SessionLinkDown
from gridnode.trade.events import LinkUp as SessionLinkUp
from gridnode.trade.signing import P256Verifier

log = logging.getLogger("gridnode.node")


@dataclass(frozen=True, slots=True)
class SessionEnded:
    """The partner's session runner ended (closed, failed or cancelled)."""

    runner: SessionRunner


@dataclass(frozen=True, slots=True)
class QuietOver:
    """The quiet time after a session is over: the next offer may go out."""


@dataclass(frozen=True, slots=True)
class GateOpened:
    """The clock gate opened: sessions may start."""


@dataclass(frozen=True, slots=True)
class PauseChanged:
    """Buying was paused or resumed by hand (a buyer's partners only)."""

    paused: bool


PartnerEvent = LinkEvent | SessionEnded | QuietOver | GateOpened | PauseChanged


class Partner:
    """The state both roles keep for one pinned peer."""

    def __init__(
        self, ctx: NodeContext, name: str, peer: PinnedPeer, link: Link, peer_role: str
    ) -> None:
        self.ctx = ctx
        self.name = name
        self.peer = peer
        self.link = link
        #: what the peer is to this node: "buyer" or "seller"
        self.peer_role = peer_role
        self.verifier: P256Verifier = wiring.verifier_of(peer.certificate)
        #: tells the link which of the peer's messages are durably handled
        self.consumption = Consumption(link.consumed)
        self.events: asyncio.Queue[PartnerEvent] = asyncio.Queue()
        self.runner: SessionRunner | None = None
        self.sessions_started = 0
        #: set when the peer's End reading of the latest session came after it closed here
        self.late_end = asyncio.Event()
        #: the partner's long-lived tasks (cancelled when a seller lets a buyer go)
        self.tasks: list[asyncio.Task[object]] = []

    # -- the loop ----------------------------------------------------------------------------
    def post(self, event: PartnerEvent) -> None:
        self.events.put_nowait(event)

    def start(self) -> None:
        """Start pumping the link and serving events (both end when the node stops)."""
        tasks, sleep = self.ctx.tasks, self.ctx.clock.sleep
        self.tasks.append(tasks.keep_running(self._pump, name=f"link {self.name}", sleep=sleep))
        self.tasks.append(tasks.keep_running(self._serve, name=f"partner {self.name}", sleep=sleep))

    async def _pump(self) -> None:
        while True:
            self.post(await self.link.next_event())

    async def _serve(self) -> None:
        await self.resumed()
        while True:
            event = await self.events.get()
            await self.handle(event)
            self.ctx.changed()

    async def handle(self, event: PartnerEvent) -> None:
        """One event; the role decides (overridden)."""
        raise NotImplementedError

    async def resumed(self) -> None:
        """Called each time the event loop starts, and again after a failure stopped it:
        a role retries here what the failure left undone (no event may come to ask)."""

    # -- what both roles do alike ----------------------------------------------------------
    @property
    def live(self) -> SessionRunner | None:
        """The session runner while its session is not over."""
        runner = self.runner
        return runner if runner is not None and not runner.closed.is_set() else None

    def to_session(self, event: LinkUp | LinkDown | LinkExpired, expired_text: str) -> None:
        """Tell the live session what its link did."""
        runner = self.live
        if runner is None:
            return
        match event:
            case LinkUp():
                runner.post(SessionLinkUp())
            case LinkDown():
                runner.post(SessionLinkDown())
            case LinkExpired():
                runner.post(CloseRequested(expired_text))

    async def already_recorded(self, message: Message) -> bool:
        """A message handed up again after a restart whose frame the journal holds."""
        if not message.redelivered:
            return False
        if not await self.ctx.ledger.sessions.has_received_frame(message.payload):
            return False
        log.info("skipping %s message %d: recorded before the restart", self.name, message.seq)
        return True

    async def _keep_leftover(self, session_id: str, frame: bytes) -> bool:
        """A frame the session's runner had queued when it closed: its reading kept."""
        peek = frame_session(frame)
        return peek is not None and await self.keep_late(session_id, peek.session_id, frame)

    async def keep_late(self, session_id: str, protocol_id: bytes, frame: bytes) -> bool:
        """Store the peer's signed reading of a session that closed here first."""
        kept = await keep_late_reading(
            self.ctx.ledger,
            session_id,
            protocol_id,
            frame,
            self.verifier,
            self.ctx.clock.now_ms(),
        )
        if kept and await peer_ended(self.ctx.ledger, session_id):
            self.late_end.set()
        return kept

    async def open_in_ledger(
        self, session_id: str, meter_id: str, *, seller_der: bytes, buyer_der: bytes
    ) -> None:
        """The session's row and both parties' keys, before anything else of it."""
        now = self.ctx.clock.now_ms()
        ledger = self.ctx.ledger
        await ledger.sessions.open(session_id, self.peer.fingerprint, meter_id, now)
        await record_party_keys(
            ledger,
            session_id,
            seller_der=seller_der,
            buyer_der=buyer_der,
            at_ms=now,
            own_role="seller" if self.peer_role == "buyer" else "buyer",
        )

    def new_runner(
        self,
        session_id: str,
        session: Session,
        *,
        relay: Relay | None,
        publish_rate: Callable[[int, int], None],
        register_invoice: Callable[[bytes, Postable], None] | None = None,
        forget_invoices: Callable[[Postable], None] | None = None,
        issuing: Callable[[], bool] | None = None,
        payments: PaymentPolicy | None = None,
    ) -> SessionRunner:
        """A runner for this partner's next session, on the node's ports."""
        ctx = self.ctx
        ports = RunnerPorts(
            ledger=ctx.ledger,
            wallet=ctx.wallet,
            send=self.link.send,
            relay=relay,
            publish_rate=publish_rate,
            clock=ctx.clock,
            ids=ctx.ids,
            wallet_failed=ctx.health.failed,
            observer=ctx.observer,
            changed=ctx.changed,
        )
        if register_invoice is not None:
            ports.register_invoice = register_invoice
        if forget_invoices is not None:
            ports.forget_invoices = forget_invoices
        if issuing is not None:
            ports.issuing = issuing
        role = "seller" if self.peer_role == "buyer" else "buyer"
        every_ms = round(ctx.timings.summary_interval_s * 1000)
        return SessionRunner(
            session_id,
            session,
            ports,
            tick_ms=ctx.timings.tick_ms,
            payments=payments,
            story=(role, self.name, every_ms),
        )

    def run(self, runner: SessionRunner) -> None:
        """Run ``runner`` as the partner's session; its end comes back as an event."""
        self.runner = runner
        runner.late = lambda frame: self._keep_leftover(runner.session_id, frame)
        limit_ms = round(self.link.clock_skew_limit_s * 1000)
        runner.clock_watch = ClockWatch(limit_ms, self.link.drop)
        self.sessions_started += 1
        self.late_end.clear()
        self.ctx.tasks.spawn(
            runner.run(),
            name=f"session {runner.session_id}",
            on_done=lambda: self.post(SessionEnded(runner)),
        )

    # -- shutdown ---------------------------------------------------------------------------
    def request_close(self, text: str) -> SessionRunner | None:
        """Ask the live session to close; returns its runner (None when none runs)."""
        runner = self.live
        if runner is not None:
            runner.post(CloseRequested(text))
        return runner

    async def wait_closed(self, runner: SessionRunner, timeout_s: float) -> None:
        try:
            await wait_for(self.ctx.clock, runner.closed.wait(), timeout_s)
        except TimeoutError:
            log.warning("session %s did not close within %g s", runner.session_id, timeout_s)

    async def wait_peer_end(self, runner: SessionRunner, timeout_s: float) -> None:
        """Wait a moment for the peer's End reading of ``runner``'s session (while the
        link is up), so this ledger's receipt is complete."""
        if not self.link.up or await peer_ended(self.ctx.ledger, runner.session_id):
            return
        waits = [asyncio.ensure_future(e.wait()) for e in (runner.peer_ended, self.late_end)]
        try:
            await wait_for(
                self.ctx.clock,
                asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED),
                timeout_s,
            )
        except TimeoutError:
            log.info(
                "shutting down without the %s's End of session %s",
                self.peer_role,
                runner.session_id,
            )
        finally:
            for waiting in waits:
                waiting.cancel()
