"""``gridnode buy``: a buyer that keeps one pinned link to its seller and pays ahead.

One :class:`BuyerSession` at a time answers the seller's offer and pays within the
limits; when a session ends a fresh one waits for the seller's next offer. The buyer's
own meter is polled into the session, which compares it with the seller's signed
readings and stops paying on a breach. After a breach the buyer holds off the seller for
``breach_hold_s`` ([limits]): every session started meanwhile refuses the seller's offer.
The hold is read from the ledger's breaches, so a restart does not clear it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from gridnode.clock import SYSTEM_CLOCK
from gridnode.errors import UsageError
from gridnode.hardware.meter import Meter
from gridnode.hardware.watchdog import run_watchdog
from gridnode.identity import NodeIdentity
from gridnode.ledger import Ledger
from gridnode.node import wiring
from gridnode.node.consumption import Consumption
from gridnode.node.evidence import (
    keep_late_reading,
    peer_ended,
    record_party_keys,
)
from gridnode.node.metering import MeterPoller
from gridnode.node.payments import PaymentOutcome
from gridnode.node.pruning import Pruner
from gridnode.node.readings import ClockGate, series_state, system_clock_status
from gridnode.node.reconcile import reconcile_buyer
from gridnode.node.routing import frame_session, unknown_session_frame
from gridnode.node.runner import Handled, PaymentPolicy, RunnerPorts, SessionRunner
from gridnode.node.settings import NodeSettings
from gridnode.node.settings_trade import breach_hold_ms
from gridnode.node.status_view import buyer_status
from gridnode.ocmf import ClockStatus, SeriesState
from gridnode.peer.client import BuyerClient
from gridnode.peer.link import LinkDown, LinkEvent, LinkExpired, LinkUp, Message
from gridnode.peer.tls import PinnedPeer
from gridnode.ratefeed.buyer import buyer_feed_state
from gridnode.ratefeed.publisher import RateFeed, RatePublisher
from gridnode.status.server import StatusServer
from gridnode.trade.buyer import BuyerSession
from gridnode.trade.evaluate import BreachHold
from gridnode.trade.events import ClockChecked, CloseRequested, FrameReceived, Start
from gridnode.trade.events import LinkDown as SessionLinkDown
from gridnode.trade.events import LinkUp as SessionLinkUp
from gridnode.trade.readings import OwnSeries
from gridnode.trade.signing import P256Signer
from gridnode.trade.terms import BuyerLimits
from gridnode.wallet.lnd import LndWallet

log = logging.getLogger("gridnode.node")


def clock_ms() -> int:
    return time.time_ns() // 1_000_000


async def latest_breach(ledger: Ledger) -> tuple[int, str] | None:
    """(at_ms, text) of the buyer's latest breach in the ledger. Every breach a buyer
    records is its seller's: the buyer detects it and stops paying."""
    found = await ledger.evidence.breaches()
    if not found:
        return None
    latest = max(found, key=lambda row: row.at_ms)
    return latest.at_ms, latest.text


def breach_hold(breach: tuple[int, str] | None, hold_ms: int) -> BreachHold | None:
    """The hold after ``breach`` (at_ms, text): until at_ms + ``hold_ms``; None when
    there was no breach or holding off is off (``hold_ms`` 0)."""
    if breach is None or hold_ms <= 0:
        return None
    at_ms, text = breach
    return BreachHold(until_ms=at_ms + hold_ms, cause=text)


@dataclass
class Rates:
    """The live rate, kept for the status socket; ``listener`` wakes the ZeroMQ rate
    feed (gridnode.ratefeed) on every change."""

    rate_msat_per_kwh: int | None = None
    at_ms: int = 0
    history: list[tuple[int, int]] = field(default_factory=list)
    listener: Callable[[], None] | None = None

    def publish(self, rate: int, at_ms: int) -> None:
        if rate != self.rate_msat_per_kwh:
            self.history.append((at_ms, rate))
            del self.history[:-500]
        self.rate_msat_per_kwh, self.at_ms = rate, at_ms
        if self.listener is not None:
            self.listener()


class BuyerNode:
    def __init__(self, settings: NodeSettings, *, tick_ms: int = 250) -> None:
        assert settings.limits is not None
        assert settings.seller_address is not None
        self.settings = settings
        self.limits: BuyerLimits = settings.limits
        self.seller_address: str = settings.seller_address
        self.tick_ms = tick_ms
        self.runner: SessionRunner | None = None
        self.session: BuyerSession | None = None
        self.sessions_started = 0
        self.rates = Rates()
        self.ready = asyncio.Event()
        self.client: BuyerClient | None = None
        self.poller: MeterPoller | None = None
        self.peer: PinnedPeer | None = None
        self._session_task: asyncio.Task[None] | None = None
        #: ended sessions' payments still in flight, followed until LND resolves them
        self._followups: set[asyncio.Task[list[PaymentOutcome]]] = set()
        self._stopping = False
        self.known_sessions: set[bytes] = set()
        self.pruner: Pruner | None = None  # storage hygiene and its warnings
        #: the link to the seller waits while the system clock is not synchronised
        self.clock_gate = ClockGate(settings.require_clock_sync)
        self.clock_gate.on_status = self._clock_checked
        #: the seller's id of the session the live runner serves (None until its hello)
        self.current_session_id: bytes | None = None
        #: the ledger's name of each session by its protocol id (for late readings)
        self.ledger_names: dict[bytes, str] = {}
        #: how long a node that shuts down waits for the seller's End reading
        self.peer_end_grace_s = 3.0
        #: the latest breach in the ledger (at_ms, text), read at start and per session
        self.last_breach: tuple[int, str] | None = None
        self.breach_hold_ms = breach_hold_ms(self.limits)

    async def run(self, stop: asyncio.Event) -> None:
        settings = self.settings
        identity, signer = wiring.open_identity(settings)
        hardware_config = wiring.read_hardware(settings)
        if len(hardware_config.meters) != 1:
            raise UsageError(
                "hardware.meters: a buyer reads exactly one meter (its own); "
                f"{len(hardware_config.meters)} are configured."
            )
        ledger = await wiring.open_ledger(settings)
        self.last_breach = await latest_breach(ledger)  # a restart does not clear a hold
        wallet = await wiring.open_wallet(settings)
        ports = wiring.open_node_hardware(hardware_config)
        meter_config = hardware_config.meters[0]
        meter: Meter = ports.meters[meter_config.id]
        assert settings.seller_fingerprint
        assert settings.seller_certificate
        self.peer = PinnedPeer.from_files(
            "seller", settings.seller_fingerprint, settings.seller_certificate
        )
        host, port = self.seller_address.rsplit(":", 1)
        client = self.client = BuyerClient(
            identity,
            self.peer,
            host,
            int(port),
            wiring.private_dir(settings.base / "links"),
            # a seller's message stays on disk until its ledger record is committed, and
            # is handed up again after a crash before that (docs/node.md)
            dataclasses.replace(settings.link, keep_until_consumed=True),
        )
        poll_s = ports.budget.poll_period_s if ports.budget else 1.0
        self.poller = MeterPoller(
            meter,
            lambda e: self.runner.post(e) if self.runner else None,
            period_s=poll_s,
            name=meter_config.id,
            register_step_mwh=settings.register_step_mwh,
        )
        status = StatusServer(settings.status_socket, lambda: buyer_status(self, identity))
        publisher = RatePublisher(settings.rate_feed, curve=settings.rate_feed_curve)
        feed = RateFeed(publisher, lambda: buyer_feed_state(self), clock_ms)
        tasks: list[asyncio.Task[object]] = []
        try:
            await status.start()
            publisher.start()
            self.rates.listener = feed.changed
            tasks.append(asyncio.create_task(feed.run(), name="rate feed"))
            self.pruner = Pruner.for_node(settings, ledger, wallet)
            tasks += [
                asyncio.create_task(self.clock_gate.run(), name="clock gate"),
                # no contactor to drop here: only systemd's READY=1 / WATCHDOG=1
                asyncio.create_task(run_watchdog(None, self.healthy), name="watchdog"),
                asyncio.create_task(
                    reconcile_buyer(ledger, wallet, SYSTEM_CLOCK), name="reconcile"
                ),
                asyncio.create_task(self.pruner.run(), name="pruning"),
                asyncio.create_task(self.poller.run(), name="meter"),
                asyncio.create_task(
                    self._serve(signer, identity, ledger, wallet, meter_config.id, status),
                    name="link",
                ),
            ]
            self.ready.set()
            log.info("buyer ready; connecting to the seller at %s", self.seller_address)
            await stop.wait()
            log.info("shutting down: closing the session")
        finally:
            await self._close_session(ledger)
            self._stopping = True
            for followup in self._followups:
                followup.cancel()
            await asyncio.gather(*self._followups, return_exceptions=True)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await client.close()
            await status.close()
            if publisher.socket is not None:
                await feed.farewell()
            publisher.close()
            await wallet.close()
            ports.close()
            await ledger.close()

    def hold(self) -> BreachHold | None:
        """The hold after the seller's latest breach: the ledger's, or the live
        session's if newer (the status shows it before the next session starts)."""
        latest = self.last_breach
        if self.runner is not None and self.runner.breaches:
            record = self.runner.breaches[-1]
            if latest is None or record.at_ms >= latest[0]:
                latest = (record.at_ms, record.text)
        return breach_hold(latest, self.breach_hold_ms)

    def _clock_checked(self, status: ClockStatus) -> None:
        if self.runner is not None and not self.runner.closed.is_set():
            self.runner.post(ClockChecked(status))

    def healthy(self) -> bool:
        """systemd's watchdog is told all is well only while this holds: the event loop
        runs (or this would not be called) and the meter answered its last poll."""
        return self.poller is not None and self.poller.last_error is None

    async def _close_session(self, ledger: Ledger) -> None:
        runner = self.runner
        if runner is None or runner.closed.is_set():
            return
        runner.post(CloseRequested("the buyer is shutting down"))
        await asyncio.wait([asyncio.create_task(runner.closed.wait())], timeout=10)
        # the seller answers the close with its End reading, which makes this ledger's
        # receipt complete: wait a moment for it (the link loop is still running)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.peer_end_grace_s
        while loop.time() < deadline and self.client is not None and self.client.link.up:
            if await peer_ended(ledger, runner.session_id):
                return
            await asyncio.sleep(0.1)
        if not await peer_ended(ledger, runner.session_id):
            log.info("shutting down without the seller's End of session %s", runner.session_id)

    async def _serve(
        self,
        signer: P256Signer,
        identity: NodeIdentity,
        ledger: Ledger,
        wallet: LndWallet,
        meter_id: str,
        status: StatusServer,
    ) -> None:
        assert self.client is not None
        # no session and no link (the seller would offer at once) until the clock is right
        await self.clock_gate.wait_open()
        self.client.start()
        link = self.client.link
        # every message is marked consumed once handled, dropped ones too, or the link
        # would hand them up again after every restart
        consumption = Consumption(link.consumed)
        await self._start_session(signer, ledger, wallet, meter_id)
        while True:
            event: LinkEvent = await link.next_event()
            runner = self.runner
            assert runner is not None
            live = not runner.closed.is_set()
            recorded = (
                isinstance(event, Message)
                and event.redelivered
                and await ledger.sessions.has_received_frame(event.payload)
            )
            match event:
                case Message() if recorded:
                    log.info("skipping seller message %d: recorded before the restart", event.seq)
                    consumption.taken(event.seq)()
                case Message():
                    handled = consumption.taken(event.seq)
                    await self._route(event.payload, signer, ledger, wallet, meter_id, handled)
                case LinkUp() if live:
                    runner.post(SessionLinkUp())
                case LinkDown() if live:
                    runner.post(SessionLinkDown())
                case LinkExpired() if live:
                    runner.post(CloseRequested("the seller stayed away too long"))
            await status.changed()

    async def _route(
        self,
        frame: bytes,
        signer: P256Signer,
        ledger: Ledger,
        wallet: LndWallet,
        meter_id: str,
        handled: Handled,
    ) -> None:
        """Hand a frame to the session it belongs to; a new hello starts a new session.

        ``handled`` marks the message consumed: the runner calls it after the frame's
        ledger record, this method when the node drops or stores the frame itself."""
        runner = self.runner
        assert runner is not None
        live = not runner.closed.is_set()
        peek = frame_session(frame)
        if peek is None or (live and self.current_session_id == peek.session_id):
            if live:
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
                assert self.client is not None
                self.client.link.send(unknown_session_frame(peek.session_id, signer))
            elif not await self._late_reading(peek.session_id, frame, ledger):
                log.info("dropping a frame of session %s, which is over", peek.session_id.hex())
            handled()
            return
        self.known_sessions.add(peek.session_id)
        if live and self.current_session_id is not None:
            runner.post(CloseRequested("the seller started a new session"))
        if not live or self.current_session_id is not None:
            await self._start_session(signer, ledger, wallet, meter_id)
        self.current_session_id = peek.session_id
        assert self.runner is not None
        self.ledger_names[peek.session_id] = self.runner.session_id
        self.runner.post(FrameReceived(frame), handled)

    async def _late_reading(self, protocol_id: bytes, frame: bytes, ledger: Ledger) -> bool:
        """Keep the seller's last signed reading of a session that closed here first."""
        name = self.ledger_names.get(protocol_id)
        if name is None or self.peer is None:
            return False
        verifier = wiring.verifier_of(self.peer.certificate)
        return await keep_late_reading(ledger, name, protocol_id, frame, verifier, clock_ms())

    async def _start_session(
        self, signer: P256Signer, ledger: Ledger, wallet: LndWallet, meter_id: str
    ) -> None:
        assert self.peer is not None
        assert self.client is not None
        clock = system_clock_status()
        previous = self.session
        if previous is not None and self.runner is not None and not self.runner.closed.is_set():
            series: SeriesState | OwnSeries | None = previous.readings.own  # still closing
        else:
            series = await series_state(ledger, signer, meter_id, clock, clock_ms())
        self.last_breach = await latest_breach(ledger)
        hold = breach_hold(self.last_breach, self.breach_hold_ms)
        if hold is not None and hold.holds(clock_ms()):
            log.info("holding off the seller: %s", hold.describe())
        session = BuyerSession(
            self.limits,
            signer=signer,
            seller=wiring.verifier_of(self.peer.certificate),
            register_step_mwh=self.settings.register_step_mwh,
            meter_id=meter_id,
            series=series,
            clock_status=clock,
            hold=hold,
        )
        self.sessions_started += 1
        session_id = f"buyer-{clock_ms()}-{self.sessions_started}"
        await ledger.sessions.open(session_id, self.peer.fingerprint, meter_id, clock_ms())
        await record_party_keys(
            ledger,
            session_id,
            seller_der=wiring.verifier_of(self.peer.certificate).public_key_der,
            buyer_der=signer.public_key_der,
            at_ms=clock_ms(),
        )
        runner = SessionRunner(
            session_id,
            session,
            RunnerPorts(
                ledger=ledger,
                wallet=wallet,
                send=self.client.link.send,
                relay=None,
                publish_rate=self.rates.publish,
                clock_ms=clock_ms,
            ),
            tick_ms=self.tick_ms,
            payments=PaymentPolicy(max_fee_ppm=self.limits.max_fee_ppm),
        )
        self.session, self.runner = session, runner
        self.current_session_id = None
        runner.post(Start())
        if self.client.link.up:
            runner.post(SessionLinkUp())
        self._session_task = asyncio.create_task(runner.run(), name=f"session {session_id}")
        self._session_task.add_done_callback(
            lambda _task: self._follow_payments(ledger, wallet, runner.session_id)
        )

    def _follow_payments(self, ledger: Ledger, wallet: LndWallet, session_id: str) -> None:
        """A session that ended with a payment under way (a deposit the seller has yet to
        release, a prepayment in flight) leaves it to this: LND's final word goes into the
        ledger now, not at the next start."""
        if self._stopping:
            return  # the next start reconciles it
        task = asyncio.create_task(
            reconcile_buyer(ledger, wallet, SYSTEM_CLOCK, session_id),
            name=f"payments {session_id}",
        )
        self._followups.add(task)
        task.add_done_callback(self._followups.discard)


def run_buyer(settings: NodeSettings) -> None:
    """Run until SIGTERM or SIGINT."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await BuyerNode(settings).run(stop)

    asyncio.run(main())
