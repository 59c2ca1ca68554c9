"""The runner drives a real seller and a real buyer session end to end in one process:
fake wallets on a fake Lightning network, an in-memory link, a memory relay, a simple
circuit, and real ledgers on disk. Checks the order of effects and the money trail."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from pathlib import Path

from gridnode.hardware.relay import MemoryRelay
from gridnode.ledger import Ledger
from gridnode.money import Msat
from gridnode.node.runner import RunnerPorts, SessionRunner
from gridnode.node.settlements import SettlementRouter
from gridnode.trade.buyer import BuyerSession
from gridnode.trade.events import FrameReceived, MeterSample, Start
from gridnode.trade.seller import SellerSession
from gridnode.trade.signing import P256Signer
from tests.fakes.wallet import FakeLightning, FakeWallet
from tests.unit.trade.fixtures import demo_limits, demo_offer

POWER_MW = 3_680_000
STEP_MWH = 10_000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


async def test_a_seller_and_a_buyer_trade_through_their_runners(tmp_path: Path) -> None:
    seller_key, buyer_key = P256Signer.generate(), P256Signer.generate()
    lightning = FakeLightning()
    seller_wallet, buyer_wallet = FakeWallet(lightning, "seller"), FakeWallet(lightning, "buyer")
    seller_ledger = Ledger.open(tmp_path / "seller.sqlite", "seller")
    buyer_ledger = Ledger.open(tmp_path / "buyer.sqlite", "buyer")
    relay = MemoryRelay()
    start = now_ms()
    seller_session = SellerSession(
        demo_offer(start=start, minutes=10),
        session_id=b"s" * 16,
        signer=seller_key,
        buyer=buyer_key.verifier(),
        register_step_mwh=STEP_MWH,
    )
    buyer_session = BuyerSession(
        demo_limits(),
        signer=buyer_key,
        seller=seller_key.verifier(),
        register_step_mwh=STEP_MWH,
        meter_id="buyer-meter",
    )
    for ledger in (seller_ledger, buyer_ledger):
        ledger.open_session("s1", "f" * 64, "SDM120-0042", start)
    router = SettlementRouter(seller_wallet, seller_ledger, now_ms)
    runners: dict[str, SessionRunner] = {}
    seller = runners["seller"] = SessionRunner(
        "s1",
        seller_session,
        RunnerPorts(
            ledger=seller_ledger,
            wallet=seller_wallet,
            send=lambda frame: runners["buyer"].post(FrameReceived(frame)),
            relay=relay,
            publish_rate=lambda price, at: None,
            clock_ms=now_ms,
            register_invoice=router.register,
        ),
    )
    rates: list[int] = []
    buyer = runners["buyer"] = SessionRunner(
        "s1",
        buyer_session,
        RunnerPorts(
            ledger=buyer_ledger,
            wallet=buyer_wallet,
            send=lambda frame: runners["seller"].post(FrameReceived(frame)),
            relay=None,
            publish_rate=lambda price, at: rates.append(price),
            clock_ms=now_ms,
        ),
    )

    async def circuit() -> None:
        energy = 0.0
        last = now_ms()
        while True:
            await asyncio.sleep(0.2)
            t = now_ms()
            if relay.on:
                energy += POWER_MW * (t - last) / 3_600_000
            last = t
            fine = int(energy)
            for runner in (seller, buyer):
                runner.post(
                    MeterSample(
                        at_ms=t,
                        register_mwh=fine - fine % STEP_MWH,
                        integrated_mwh=fine,
                        power_mw=POWER_MW if relay.on else 0,
                        voltages_mv=(230_000,),
                        currents_ma=(16_000 if relay.on else 0,),
                    )
                )

    seller.post(Start())
    buyer.post(Start())
    tasks = [asyncio.create_task(t) for t in (seller.run(), buyer.run(), router.run(), circuit())]
    await asyncio.sleep(6)
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task

    # Power went on, and only after the deposit was locked.
    assert relay.switches
    assert relay.switches[0] is True
    switches = seller_ledger.relay_switches("s1")
    assert switches[0][0] is True
    deposit = [i for i in seller_ledger.invoices() if i.purpose == "deposit"]
    assert len(deposit) == 1
    assert deposit[0].hold

    # Every payment the buyer made is in its ledger with a preimage that hashes right,
    # and the seller credited each one exactly once.
    paid = buyer_ledger.payments(status="succeeded")
    assert len(paid) >= 5
    for payment in paid:
        assert payment.preimage is not None
        assert hashlib.sha256(payment.preimage).digest() == payment.payment_hash
        assert payment.amount <= Msat(600)  # never above the agreed payment size
    settled = {i.payment_hash for i in seller_ledger.invoices(state="settled")}
    prepaid = {p.payment_hash for p in paid if p.amount <= Msat(600)}
    assert prepaid <= settled
    assert router.credited == len(settled)
    assert seller_ledger.settle_index() == lightning.settle_index
    assert rates  # the buyer published the live rate
    # the latest money records are kept for the status socket, newest last
    assert {r.kind.value for r in seller.recent} >= {"invoice", "payment_settled"}
    assert "payment_made" in {r.kind.value for r in buyer.recent}
    assert seller.breaches == []
