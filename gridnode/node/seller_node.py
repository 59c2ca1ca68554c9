"""``gridnode sell``: one seller, many buyers, each with its own meter, relay and session.

Every configured buyer gets a slot: its pinned peer link, its meter poller, its relay and,
while the buyer is connected and trading, a :class:`SessionRunner` for a
:class:`SellerSession`. Slots share nothing but the wallet and the ledger, whose calls
never block a runner's control tick. All relays start off and are switched off first on
SIGTERM; then sessions close cleanly (the deposit is refunded) within a grace period.
A buyer that rejects the offer is offered again after a quiet time that doubles with each
rejection in a row (a buyer holding off this seller after a breach refuses every offer).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import time
from dataclasses import dataclass, field

from gridnode.errors import UsageError
from gridnode.hardware.meter import Meter
from gridnode.hardware.ports import HardwarePorts
from gridnode.hardware.relay import FailSafeRelay
from gridnode.hardware.watchdog import run_watchdog
from gridnode.identity import NodeIdentity
from gridnode.ledger import Ledger
from gridnode.money import Msat
from gridnode.node import wiring
from gridnode.node.consumption import Consumption
from gridnode.node.evidence import (
    keep_late_reading,
    peer_ended,
    record_party_keys,
)
from gridnode.node.metering import MeterPoller
from gridnode.node.pruning import Pruner
from gridnode.node.readings import ClockGate, series_state, system_clock_status
from gridnode.node.reconcile import reconcile_seller, sweep_open_invoices
from gridnode.node.routing import frame_session
from gridnode.node.runner import RunnerPorts, SessionRunner
from gridnode.node.settings import BuyerEntry, NodeSettings
from gridnode.node.settings_trade import OfferTemplate
from gridnode.node.settlements import SettlementRouter
from gridnode.node.status_view import seller_status
from gridnode.ocmf import ClockStatus
from gridnode.peer.link import LinkDown, LinkEvent, LinkExpired, LinkUp, Message, PeerLink
from gridnode.peer.server import SellerServer
from gridnode.peer.tls import PinnedPeer
from gridnode.status.server import StatusServer
from gridnode.trade.cadence import BYTES_PER_PAYMENT, min_interval_ms
from gridnode.trade.events import ClockChecked, CloseRequested, FrameReceived, Start
from gridnode.trade.events import LinkDown as SessionLinkDown
from gridnode.trade.events import LinkUp as SessionLinkUp
from gridnode.trade.messages import Cause
from gridnode.trade.seller import SellerSession
from gridnode.trade.signing import P256Signer
from gridnode.trade.states import SellerState
from gridnode.trade.terms import Offer
from gridnode.wallet.lnd import LndWallet

log = logging.getLogger("gridnode.node")


def clock_ms() -> int:
    return time.time_ns() // 1_000_000


#: The longest quiet time after rejected offers before the next offer.
MAX_QUIET_AFTER_REJECTION_MS = 600_000


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


@dataclass
class BuyerSlot:
    entry: BuyerEntry
    peer: PinnedPeer
    link: PeerLink
    meter: Meter
    relay: FailSafeRelay
    poller: MeterPoller
    runner: SessionRunner | None = None
    session: SellerSession | None = None
    session_id: bytes = b""
    sessions_started: int = 0
    quiet_until_ms: int = 0
    #: offers the buyer rejected in a row (the quiet time doubles with each)
    rejections: int = 0
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    #: tells the link which of the buyer's messages are durably handled
    consumption: Consumption = field(init=False)

    def __post_init__(self) -> None:
        self.consumption = Consumption(self.link.consumed)


class SellerNode:
    def __init__(
        self,
        settings: NodeSettings,
        *,
        allow_control: bool = False,
        tick_ms: int = 250,
        retry_after_close_s: float = 10.0,
        close_grace_s: float = 10.0,
        peer_end_grace_s: float = 3.0,
    ) -> None:
        assert settings.terms is not None
        assert settings.listen is not None
        self.settings = settings
        self.terms: OfferTemplate = settings.terms
        self.listen: str = settings.listen
        self.allow_control = allow_control
        self.tick_ms = tick_ms
        self.retry_after_close_ms = int(retry_after_close_s * 1000)
        self.close_grace_s = close_grace_s
        self.peer_end_grace_s = peer_end_grace_s
        self.slots: dict[str, BuyerSlot] = {}
        self.ready = asyncio.Event()
        self.address: tuple[str, int] | None = None
        self.pruner: Pruner | None = None  # storage hygiene and its warnings
        #: no session starts while the system clock is not synchronised (its warning)
        self.clock_gate = ClockGate(settings.require_clock_sync)
        self.clock_gate.on_status = self._clock_checked

    # -- lifecycle ------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        settings = self.settings
        identity, signer = wiring.open_identity(settings)
        hardware_config = wiring.read_hardware(settings)
        wiring.require_watchdog(hardware_config)
        wiring.require_fresh_readings(hardware_config, self.terms.policy)
        ledger = await wiring.open_ledger(settings)
        wallet = await wiring.open_wallet(settings)
        # every offer names this node's Lightning key: the buyer pays no invoice payable
        # to another, and a receipt's invoices are bound to the seller's signature
        payee = (await wallet.node_info()).pubkey
        self.terms = dataclasses.replace(self.terms, payee_node_id=payee)
        ports = wiring.open_node_hardware(hardware_config)
        await reconcile_seller(ledger, wallet, clock_ms)
        poll_s = ports.budget.poll_period_s if ports.budget else 1.0
        peers = [
            PinnedPeer.from_files(b.name, b.fingerprint, b.certificate) for b in settings.buyers
        ]
        # a buyer's message stays on disk until its ledger record is committed, and is
        # handed up again after a crash before that (docs/node.md)
        link_settings = dataclasses.replace(settings.link, keep_until_consumed=True)
        server = SellerServer(
            identity, peers, wiring.private_dir(settings.base / "links"), link_settings
        )
        router = SettlementRouter(wallet, ledger, clock_ms)
        status = StatusServer(
            settings.status_socket,
            lambda: seller_status(self, identity),
            allow_control=self.allow_control,
            stop_session=self.stop_session,
        )
        background: list[asyncio.Task[None]] = []
        try:
            for entry, peer in zip(settings.buyers, peers, strict=True):
                self.slots[entry.name] = self._slot(
                    entry, peer, server.link(peer.fingerprint), ports, poll_s
                )
            host, port = self.listen.rsplit(":", 1)
            self.address = await server.start(host, int(port))
            await status.start()
            self.pruner = Pruner.for_node(settings, ledger, wallet)
            background = [
                asyncio.create_task(router.run(), name="settled invoices"),
                asyncio.create_task(self.pruner.run(), name="pruning"),
                asyncio.create_task(self.clock_gate.run(), name="clock gate"),
                asyncio.create_task(run_watchdog(ports.watchdog, self.healthy), name="watchdog"),
            ]
            for slot in self.slots.values():
                slot.tasks = [
                    asyncio.create_task(slot.poller.run(), name=f"meter {slot.entry.name}"),
                    asyncio.create_task(
                        self._serve_slot(slot, signer, identity, ledger, wallet, router, status),
                        name=f"slot {slot.entry.name}",
                    ),
                ]
            self.ready.set()
            log.info("seller ready on %s:%d with %d buyers", *self.address, len(self.slots))
            await stop.wait()
            log.info("shutting down: relays off, then closing sessions")
        finally:
            for slot in self.slots.values():
                slot.relay.driver.off_now()
            await self._close_sessions(ledger)
            with contextlib.suppress(Exception):  # best effort: the next start replays anyway
                await asyncio.wait_for(sweep_open_invoices(ledger, wallet, clock_ms), 5.0)
            for slot in self.slots.values():
                for task in slot.tasks:
                    task.cancel()
            for task in background:
                task.cancel()
            await asyncio.gather(
                *background,
                *(t for s in self.slots.values() for t in s.tasks),
                return_exceptions=True,
            )
            await status.close()
            await server.close()
            await wallet.close()
            ports.close()
            await ledger.close()

    def _slot(
        self,
        entry: BuyerEntry,
        peer: PinnedPeer,
        link: PeerLink,
        ports: HardwarePorts,
        poll_s: float,
    ) -> BuyerSlot:
        meter = ports.meters.get(entry.meter)
        if meter is None:
            raise UsageError(
                f"buyers entry {entry.name!r} names meter {entry.meter!r}, which is not in "
                "[[hardware.meters]]; add it there or fix the name."
            )
        relay = wiring.relay_for(ports, entry.relay, f"buyers[{entry.name}].relay", entry.name)
        slot = BuyerSlot(
            entry,
            peer,
            link,
            meter,
            relay,
            MeterPoller(
                meter,
                lambda _e: None,
                period_s=poll_s,
                name=entry.meter,
                register_step_mwh=self.settings.register_step_mwh,
            ),
        )
        slot.poller.sink = lambda event: slot.runner.post(event) if slot.runner else None
        return slot

    def _clock_checked(self, status: ClockStatus) -> None:
        for slot in self.slots.values():
            if slot.runner is not None and not slot.runner.closed.is_set():
                slot.runner.post(ClockChecked(status))

    def healthy(self) -> bool:
        """The external watchdog is kicked only while this holds: the event loop runs (or
        this would not be called) and every meter answered its last poll."""
        return all(s.poller.last_error is None for s in self.slots.values())

    async def stop_session(self, session_id: str, reason: str) -> str | None:
        for slot in self.slots.values():
            if slot.runner is not None and slot.runner.session_id == session_id:
                slot.runner.post(CloseRequested(reason))
                return None
        return f"no live session {session_id}"

    async def _close_sessions(self, ledger: Ledger) -> None:
        closing = [s for s in self.slots.values() if s.runner and not s.runner.closed.is_set()]
        for slot in closing:
            assert slot.runner is not None
            slot.runner.post(CloseRequested("the seller is shutting down"))
        if not closing:
            return
        await asyncio.wait(
            [asyncio.create_task(s.runner.closed.wait()) for s in closing if s.runner],
            timeout=self.close_grace_s,
        )
        # the buyer answers the close with its End reading, which makes this ledger's
        # receipt complete: wait a moment for it (the slot loops are still running)
        deadline = asyncio.get_running_loop().time() + self.peer_end_grace_s
        waiting = [s for s in closing if s.link.up and s.session_id]
        while waiting and asyncio.get_running_loop().time() < deadline:
            waiting = [
                s for s in waiting if s.link.up and not await peer_ended(ledger, s.session_id.hex())
            ]
            if waiting:
                await asyncio.sleep(0.1)
        for slot in waiting:
            log.info("shutting down without the buyer's End of session %s", slot.session_id.hex())

    # -- one buyer ---------------------------------------------------------------------------
    async def _serve_slot(
        self,
        slot: BuyerSlot,
        signer: P256Signer,
        identity: NodeIdentity,
        ledger: Ledger,
        wallet: LndWallet,
        router: SettlementRouter,
        status: StatusServer,
    ) -> None:
        while True:
            try:
                event: LinkEvent | None = await asyncio.wait_for(slot.link.next_event(), 1.0)
            except TimeoutError:
                event = None
            if slot.runner is not None and slot.runner.closed.is_set():
                slot.runner = None
                slot.rejections = rejections_after(slot.session, slot.rejections)
                quiet_ms = quiet_after_close_ms(self.retry_after_close_ms, slot.rejections)
                if slot.rejections:
                    log.info(
                        "%s rejected %d offer(s) in a row: next offer in %d s",
                        slot.entry.name,
                        slot.rejections,
                        quiet_ms // 1000,
                    )
                slot.quiet_until_ms = clock_ms() + quiet_ms
            if slot.link.up and self._may_start(slot):
                await self._start_session(slot, signer, ledger, wallet, router)
            runner = slot.runner
            if isinstance(event, Message):
                await route_message(slot, event, ledger)
            if runner is None or event is None:
                continue
            match event:
                case LinkUp():
                    runner.post(SessionLinkUp())
                case LinkDown():
                    runner.post(SessionLinkDown())
                case LinkExpired():
                    runner.post(CloseRequested("the buyer stayed away too long"))
            await status.changed()

    def _may_start(self, slot: BuyerSlot) -> bool:
        return slot.runner is None and clock_ms() >= slot.quiet_until_ms and self.clock_gate.is_open

    async def _start_session(
        self,
        slot: BuyerSlot,
        signer: P256Signer,
        ledger: Ledger,
        wallet: LndWallet,
        router: SettlementRouter,
    ) -> None:
        now = clock_ms()
        session_id = os.urandom(16)
        meter_id = slot.entry.meter
        offer = self.terms.offer(now, meter_id)

        def renewal(current: Offer) -> Offer | None:
            return self.terms.offer(current.stop_ms, meter_id, renewal=True)

        clock = system_clock_status()
        session = SellerSession(
            offer,
            session_id=session_id,
            signer=signer,
            buyer=wiring.verifier_of(slot.peer.certificate),
            register_step_mwh=self.settings.register_step_mwh,
            renewal=renewal,
            series=await series_state(ledger, signer, meter_id, clock, now),
            clock_status=clock,
            min_interval_ms=min_interval_ms(
                self.settings.storage_budget_mb_per_day, BYTES_PER_PAYMENT
            ),
        )
        await ledger.sessions.open(session_id.hex(), slot.peer.fingerprint, meter_id, now)
        await record_party_keys(
            ledger,
            session_id.hex(),
            seller_der=signer.public_key_der,
            buyer_der=wiring.verifier_of(slot.peer.certificate).public_key_der,
            at_ms=now,
        )
        runner = SessionRunner(
            session_id.hex(),
            session,
            RunnerPorts(
                ledger=ledger,
                wallet=wallet,
                send=slot.link.send,
                relay=slot.relay,
                publish_rate=lambda price, at: None,
                clock_ms=clock_ms,
                register_invoice=router.register,
            ),
            tick_ms=self.tick_ms,
        )
        slot.session, slot.runner, slot.session_id = session, runner, session_id
        slot.sessions_started += 1
        runner.post(Start())
        log.info("session %s with %s: offer sent", session_id.hex(), slot.entry.name)
        task = asyncio.create_task(runner.run(), name=f"session {session_id.hex()}")
        task.add_done_callback(lambda t: _session_ended(slot, t))
        slot.tasks.append(task)

    @property
    def live_states(self) -> dict[str, SellerState]:
        return {n: s.session.state for n, s in self.slots.items() if s.session is not None}


async def route_message(slot: BuyerSlot, message: Message, ledger: Ledger) -> None:
    """Route one of the buyer's messages, and mark it consumed once it is handled:
    by its session's runner after the frame's ledger record, or here when the node
    drops or stores it itself (or the link would hand it up after every restart)."""
    handled = slot.consumption.taken(message.seq)
    runner = slot.runner
    peek = frame_session(message.payload)
    if message.redelivered and await ledger.sessions.has_received_frame(message.payload):
        log.info("skipping buyer message %d: recorded before the restart", message.seq)
    elif runner is None:
        if slot.session_id:  # the buyer's last reading of a session that closed here first
            await keep_late_reading(
                ledger,
                slot.session_id.hex(),
                slot.session_id,
                message.payload,
                wiring.verifier_of(slot.peer.certificate),
                clock_ms(),
            )
    elif peek is not None and peek.is_unknown_session:
        if slot.session_id == peek.session_id:
            runner.post(CloseRequested("the buyer lost this session (restarted)"))
    elif peek is not None and slot.session_id != peek.session_id:
        log.info("dropping a frame of session %s, which is over", peek.session_id.hex())
    else:
        runner.post(FrameReceived(message.payload), handled)
        return
    handled()


def _session_ended(slot: BuyerSlot, task: asyncio.Task[None]) -> None:
    slot.relay.driver.off_now()  # whatever ended the session, the supply is cut
    if not task.cancelled() and task.exception() is not None:
        log.error("session with %s failed: %r", slot.entry.name, task.exception())


def run_seller(settings: NodeSettings, *, allow_control: bool) -> None:
    """Run until SIGTERM or SIGINT."""
    import signal

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await SellerNode(settings, allow_control=allow_control).run(stop)

    asyncio.run(main())
