"""The runner drives a real seller and a real buyer session end to end in one process:
fake wallets on a fake Lightning network, an in-memory link, a memory relay, a simple
circuit, and real ledgers on disk, all in virtual time (the inline ledger offloader, a
clock the test steps). Checks the order of effects and the money trail."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gridnode.ledger import InvoicePurpose, InvoiceState, Ledger, PaymentStatus
from gridnode.money import Msat
from gridnode.node.runner import RunnerPorts, Session, SessionRunner
from gridnode.node.settlements import SettlementRouter
from gridnode.trade.actions import Action
from gridnode.trade.events import Event, FrameReceived, MeterSample, Start, Tick
from gridnode.trade.signing import P256Signer
from gridnode.wallet.port import CreatedInvoice, PaymentHash, Wallet
from tests.support.clock import VirtualClock
from tests.support.ledger import open_ledger
from tests.support.relay import MemoryRelay
from tests.support.terms import demo_limits, demo_offer
from tests.support.trade.worlds import buyer_session, seller_session
from tests.support.wallet import FakeLightning, FakeWallet

POWER_MW = 3_680_000
STEP_MWH = 10_000


@dataclass
class Circuit:
    """A constant 3.68 kW through the relay, metered by both sides every 200 ms."""

    clock: VirtualClock
    relay: MemoryRelay
    runners: list[SessionRunner] = field(default_factory=list)

    async def run(self) -> None:
        energy = 0.0
        last = self.clock.now_ms()
        while True:
            await self.clock.sleep(0.2)
            t = self.clock.now_ms()
            on = self.relay.on
            if on:
                energy += POWER_MW * (t - last) / 3_600_000
            last = t
            fine = int(energy)
            for runner in self.runners:
                runner.post(
                    MeterSample(
                        at_ms=t,
                        register_mwh=fine - fine % STEP_MWH,
                        integrated_mwh=fine,
                        power_mw=POWER_MW if on else 0,
                        voltages_mv=(230_000,),
                        currents_ma=(16_000 if on else 0,),
                    )
                )


async def test_a_seller_and_a_buyer_trade_through_their_runners(tmp_path: Path) -> None:
    clock = VirtualClock()
    lightning = FakeLightning()
    seller_wallet = FakeWallet(lightning, "seller", clock=clock)
    buyer_wallet = FakeWallet(lightning, "buyer", clock=clock)
    seller_ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    buyer_ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    relay = MemoryRelay()
    start = clock.now_ms()
    for ledger in (seller_ledger, buyer_ledger):
        await ledger.sessions.open("s1", "f" * 64, "SDM120-0042", start)
    router = SettlementRouter(seller_wallet, seller_ledger, clock.now_ms)
    runners: dict[str, SessionRunner] = {}
    seller = runners["seller"] = SessionRunner(
        "s1",
        seller_session(demo_offer(start=start, minutes=10), session_id=b"s" * 16),
        RunnerPorts(
            ledger=seller_ledger,
            wallet=seller_wallet,
            send=lambda frame: runners["buyer"].post(FrameReceived(frame)),
            relay=relay,
            publish_rate=lambda price, at: None,
            clock=clock,
            register_invoice=router.register,
            forget_invoices=router.forget,
        ),
    )
    rates: list[int] = []
    buyer = runners["buyer"] = SessionRunner(
        "s1",
        buyer_session(),
        RunnerPorts(
            ledger=buyer_ledger,
            wallet=buyer_wallet,
            send=lambda frame: runners["seller"].post(FrameReceived(frame)),
            relay=None,
            publish_rate=lambda price, at: rates.append(price),
            clock=clock,
        ),
    )

    circuit = Circuit(clock, relay, [seller, buyer])
    seller.post(Start())
    buyer.post(Start())
    tasks = [
        asyncio.create_task(t) for t in (seller.run(), buyer.run(), router.run(), circuit.run())
    ]
    await clock.advance(6)
    assert router.routes >= 1  # the deposit, held, at least
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    # the ended session's unsettled invoices no longer hold it in memory
    assert router.routes == 0

    # Power went on, and only after the deposit was locked.
    assert relay.switches
    assert relay.switches[0] is True
    switches = await seller_ledger.evidence.relay_switches("s1")
    assert switches[0].on is True
    invoices = await seller_ledger.invoices.find()
    deposit = [i for i in invoices if i.purpose is InvoicePurpose.DEPOSIT]
    assert len(deposit) == 1
    assert deposit[0].hold

    # Every payment the buyer made is in its ledger with a preimage that hashes right,
    # and the seller credited each one exactly once.
    paid = await buyer_ledger.payments.find(status=PaymentStatus.SUCCEEDED)
    assert len(paid) >= 5
    for payment in paid:
        assert payment.preimage is not None
        assert hashlib.sha256(payment.preimage).digest() == payment.payment_hash
        assert payment.amount <= Msat(600)  # never above the agreed payment size
    settled = {
        i.payment_hash for i in await seller_ledger.invoices.find(state=InvoiceState.SETTLED)
    }
    prepaid = {p.payment_hash for p in paid if p.amount <= Msat(600)}
    assert prepaid <= settled
    assert router.credited == len(settled)
    assert await seller_ledger.invoices.settle_index() == lightning.settle_index
    assert rates  # the buyer published the live rate
    # the latest money records are kept for the status socket, newest last
    assert {r.kind.value for r in seller.recent} >= {"invoice", "payment_settled"}
    assert "payment_made" in {r.kind.value for r in buyer.recent}
    assert seller.breaches == []
    for ledger in (seller_ledger, buyer_ledger):
        await ledger.close()


class StallingWallet:
    """One session's view of the seller's one wallet: once ``stalled``, creating an
    invoice never returns (a call stuck on a slow LND); every other call goes through to
    the shared wallet, so its settled stream still carries this session's invoices."""

    def __init__(self, inner: FakeWallet) -> None:
        self.inner = inner
        self.stalled = False
        self.hung = 0  # calls now hanging

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def _maybe_hang(self) -> None:
        if self.stalled:
            self.hung += 1
            await asyncio.Event().wait()  # never set: cancelled when the runner ends

    async def create_invoice(self, amount: Msat, memo: str, expiry_s: int) -> CreatedInvoice:
        await self._maybe_hang()
        return await self.inner.create_invoice(amount, memo, expiry_s)

    async def create_hold_invoice(
        self, payment_hash: PaymentHash, amount: Msat, memo: str, expiry_s: int, cltv_expiry: int
    ) -> CreatedInvoice:
        await self._maybe_hang()
        return await self.inner.create_hold_invoice(
            payment_hash, amount, memo, expiry_s, cltv_expiry
        )


class TickLog:
    """A session that notes when each control tick reaches it (monotonic seconds)."""

    def __init__(self, session: Session, clock: VirtualClock) -> None:
        self.session = session
        self.clock = clock
        self.ticks: list[float] = []

    def handle(self, event: Event, now_ms: int) -> list[Action]:
        if isinstance(event, Tick):
            self.ticks.append(self.clock.monotonic())
        return self.session.handle(event, now_ms)


@dataclass
class Sale:
    """One seller session and its buyer, each driven by its own runner."""

    seller: SessionRunner
    buyer: SessionRunner
    relay: MemoryRelay
    buyer_ledger: Ledger
    ticks: TickLog
    circuit: Circuit


async def open_sale(
    session_id: str,
    tmp_path: Path,
    clock: VirtualClock,
    lightning: FakeLightning,
    seller_wallet: Wallet,
    seller_ledger: Ledger,
    router: SettlementRouter,
) -> Sale:
    """A sale on a seller node shared with other sales: its key, wallet, ledger and
    settled stream are the node's; the buyer is a node of its own."""
    buyer_key = P256Signer.generate()
    buyer_wallet = FakeWallet(lightning, f"buyer-{session_id}", clock=clock)
    buyer_ledger = await open_ledger(tmp_path / f"buyer-{session_id}.sqlite", "buyer")
    start = clock.now_ms()
    meter_id = f"SDM120-{session_id}"  # each sale has a meter of its own on the seller's bus
    for ledger in (seller_ledger, buyer_ledger):
        await ledger.sessions.open(session_id, "f" * 64, meter_id, start)
    ticks = TickLog(
        seller_session(
            demo_offer(start=start, minutes=10, meter_id=meter_id),
            session_id=session_id.encode().ljust(16, b"-"),
            buyer_key=buyer_key,
        ),
        clock,
    )
    relay = MemoryRelay()
    runners: dict[str, SessionRunner] = {}
    runners["seller"] = SessionRunner(
        session_id,
        ticks,
        RunnerPorts(
            ledger=seller_ledger,
            wallet=seller_wallet,
            send=lambda frame: runners["buyer"].post(FrameReceived(frame)),
            relay=relay,
            publish_rate=lambda price, at: None,
            clock=clock,
            register_invoice=router.register,
        ),
    )
    runners["buyer"] = SessionRunner(
        session_id,
        buyer_session(limits=demo_limits(expected_meter_id=meter_id), key=buyer_key),
        RunnerPorts(
            ledger=buyer_ledger,
            wallet=buyer_wallet,
            send=lambda frame: runners["seller"].post(FrameReceived(frame)),
            relay=None,
            publish_rate=lambda price, at: None,
            clock=clock,
        ),
    )
    seller, buyer = runners["seller"], runners["buyer"]
    circuit = Circuit(clock, relay, [seller, buyer])
    return Sale(seller, buyer, relay, buyer_ledger, ticks, circuit)


#: How finely the test steps the clock while it waits for a condition (virtual seconds).
STEP_S = 0.01


async def polled(
    clock: VirtualClock, check: Callable[[], Awaitable[bool]], timeout_s: float
) -> None:
    """Step the clock until ``check()`` holds (state the runners keep, and their
    ledgers); fail after ``timeout_s`` virtual seconds."""
    waited = 0.0
    while not await check():
        assert waited < timeout_s, f"not within {timeout_s:g} virtual seconds"
        await clock.advance(STEP_S)
        waited += STEP_S


async def test_a_wallet_call_hanging_in_one_session_never_delays_another_sessions_tick(
    tmp_path: Path,
) -> None:
    """Issue 8: a seller runs many sessions at once, and one slow wallet call never holds
    up another session's control tick. Sale A's invoices hang in the seller's wallet: A
    keeps ticking and cuts its own supply once what A's buyer paid ahead runs out, while
    sale B, on the same loop, wallet, ledger and settled stream, ticks and trades on."""
    clock = VirtualClock()
    lightning = FakeLightning()
    seller_wallet = FakeWallet(lightning, "seller", clock=clock)
    seller_ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    router = SettlementRouter(seller_wallet, seller_ledger, clock.now_ms)
    stalling = StallingWallet(seller_wallet)
    a = await open_sale("sA", tmp_path, clock, lightning, stalling, seller_ledger, router)
    b = await open_sale("sB", tmp_path, clock, lightning, seller_wallet, seller_ledger, router)
    tick_s = a.seller.tick_ms / 1000
    # what A's buyer paid ahead covers at most prepayment_ms of energy; the demo offer
    # has no unpaid budget (the seller cuts at zero credit), then one tick to see it
    cut_bound_s = demo_offer().payments.prepayment_ms / 1000 + tick_s

    async def paid(sale: Sale) -> list[int]:
        succeeded = await sale.buyer_ledger.payments.find(status=PaymentStatus.SUCCEEDED)
        return [p.attempted_at_ms for p in succeeded]

    async def trading() -> bool:
        return all([s.relay.on and len(await paid(s)) >= 2 for s in (a, b)])

    async def a_cut() -> bool:
        return not a.relay.on

    for sale in (a, b):
        sale.seller.post(Start())
        sale.buyer.post(Start())
    work = [router.run()]
    for sale in (a, b):
        work += [sale.seller.run(), sale.buyer.run(), sale.circuit.run()]
    tasks = [asyncio.create_task(w) for w in work]
    try:
        # both sales trade: power on and a few prepayments paid
        await polled(clock, trading, 15)
        stalling.stalled = True
        stalled_at, stalled_ms = clock.monotonic(), clock.now_ms()
        await polled(clock, a_cut, cut_bound_s + 5)  # the bound is asserted below
        cut_after_s = clock.monotonic() - stalled_at
        await clock.advance(1.0)  # B trades on after A's cut
        ended_at = clock.monotonic()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    b_paid_late = [at for at in await paid(b) if at > stalled_ms]
    for ledger in (seller_ledger, a.buyer_ledger, b.buyer_ledger):
        await ledger.close()

    assert stalling.hung >= 1  # A's invoice request really hung
    # A's own tick went on around its hanging call, and cut its supply in time
    assert cut_after_s <= cut_bound_s
    assert a.relay.switches == [True, False]
    # B never lost power, kept paying, and its tick came every tick_ms throughout
    assert b.relay.switches == [True]
    assert len(b_paid_late) >= 2
    for sale in (a, b):
        during = [t for t in sale.ticks.ticks if stalled_at <= t <= ended_at]
        gaps = [later - earlier for earlier, later in itertools.pairwise(during)]
        assert during[0] - stalled_at <= tick_s
        assert ended_at - during[-1] <= tick_s
        assert max(gaps) <= tick_s, (sale.seller.session_id, max(gaps))
