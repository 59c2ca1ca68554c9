"""The buyer's runner never lets LND pay a routing fee above the configured share of a
payment: the fee limit it passes for each payment is floor(amount * max_fee_ppm / 1e6)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from gridnode.money import Msat
from gridnode.node.runner import PaymentPolicy, RunnerPorts, SessionRunner
from gridnode.trade.actions import Action, PayInvoice
from gridnode.trade.events import Event, PaymentSucceeded, Start
from gridnode.wallet.port import PaymentResult
from tests.support.clock import VirtualClock
from tests.support.ledger import open_ledger
from tests.support.wallet import FakeLightning, FakeWallet


class FeeRecordingWallet(FakeWallet):
    def __init__(self, lightning: FakeLightning, name: str, *, clock: VirtualClock) -> None:
        super().__init__(lightning, name, clock=clock)
        self.fee_limits: list[Msat] = []

    async def pay_invoice(self, bolt11: str, max_fee: Msat, timeout_s: float) -> PaymentResult:
        self.fee_limits.append(max_fee)
        return await super().pay_invoice(bolt11, max_fee, timeout_s)


class PayOnStart:
    """A session that pays the given invoices when started, and notes what succeeded."""

    def __init__(self, invoices: list[PayInvoice]) -> None:
        self.invoices = invoices
        self.succeeded: list[bytes] = []

    def handle(self, event: Event, now_ms: int) -> list[Action]:
        if isinstance(event, PaymentSucceeded):
            self.succeeded.append(event.payment_hash)
        return list(self.invoices) if isinstance(event, Start) else []


async def test_the_fee_limit_is_the_configured_share_of_each_payment(tmp_path: Path) -> None:
    clock = VirtualClock()
    lightning = FakeLightning()
    seller = FakeWallet(lightning, "seller", clock=clock)
    buyer = FeeRecordingWallet(lightning, "buyer", clock=clock)
    amounts = [Msat(20_000), Msat(1_234), Msat(99)]
    invoices = []
    for amount in amounts:
        created = await seller.create_invoice(amount, "step", 600)
        invoices.append(PayInvoice(created.bolt11, created.payment_hash.value, amount))
    ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    await ledger.sessions.open("s1", "f" * 64, "meter", clock.now_ms())
    session = PayOnStart(invoices)
    runner = SessionRunner(
        "s1",
        session,
        RunnerPorts(
            ledger=ledger,
            wallet=buyer,
            send=lambda frame: None,
            relay=None,
            publish_rate=lambda price, at: None,
            clock=clock,
        ),
        payments=PaymentPolicy(max_fee_ppm=5_000),  # 0.5 %
    )
    runner.post(Start())
    task = asyncio.create_task(runner.run())
    await clock.run_until(lambda: len(session.succeeded) == len(amounts), limit_s=2)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert sorted(buyer.fee_limits) == sorted([Msat(100), Msat(6), Msat(0)])
    assert len(session.succeeded) == len(amounts)
    await ledger.close()
