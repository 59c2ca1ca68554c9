"""A deposit the session keeps for a default, whose payment the wallet can no longer
claim (its channel force-closed under the hold: the full drill's fd3b8a23), is let go:
the invoice is cancelled, the session is told why, and nothing is settled."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from gridnode.ledger import InvoicePurpose, InvoiceState
from gridnode.money import Msat
from gridnode.node.effects import Effects
from gridnode.node.runner_ports import PaymentPolicy, RunnerPorts
from gridnode.trade.events import Effect, EffectFailed, Event
from gridnode.wallet.port import HeldPaymentLostError, PaymentHash, Preimage
from tests.support.clock import VirtualClock
from tests.support.ledger import open_ledger
from tests.support.wallet import FakeLightning, FakeWallet

PREIMAGE = bytes(range(32))
PAYMENT_HASH = hashlib.sha256(PREIMAGE).digest()


class ChannelClosedUnderTheHold(FakeWallet):
    """LND's adapter found the deposit's HTLC on a channel no longer open."""

    settles = 0

    async def settle_hold_invoice(self, preimage: Preimage) -> None:
        self.settles += 1
        raise HeldPaymentLostError(
            "the payment held by invoice ... is on channel(s) 118747255865345, closed since",
            PaymentHash(hashlib.sha256(preimage.value).digest()),
        )


class Owner:
    session_id = "s1"
    payments = PaymentPolicy()

    def __init__(self) -> None:
        self.events: list[Event] = []

    def post(self, event: Event) -> None:
        self.events.append(event)


async def test_a_deposit_on_a_closed_channel_is_let_go_not_settled(tmp_path: Path) -> None:
    clock = VirtualClock()
    wallet = ChannelClosedUnderTheHold(FakeLightning(), "seller", clock=clock)
    ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    try:
        await ledger.sessions.open("s1", "f" * 64, "meter", 0)
        amount = Msat(50_000)
        await ledger.invoices.hold_planned(
            "s1", PAYMENT_HASH, PREIMAGE, amount, InvoicePurpose.DEPOSIT, 0
        )
        await wallet.create_hold_invoice(PaymentHash(PAYMENT_HASH), amount, "deposit", 600, 40)
        owner = Owner()
        ports = RunnerPorts(
            ledger=ledger,
            wallet=wallet,
            send=lambda frame: None,
            relay=None,
            publish_rate=lambda price, at: None,
            clock=clock,
        )
        log = logging.LoggerAdapter(logging.getLogger("test"), {})
        effects = Effects(owner, ports, lambda work, effect, h: None, log)

        await effects.settle_hold(PAYMENT_HASH)

        assert wallet.settles == 1  # refused once, not retried
        status = await wallet.lookup_invoice(PaymentHash(PAYMENT_HASH))
        assert status.state is InvoiceState.CANCELED
        (told,) = owner.events
        assert isinstance(told, EffectFailed)
        assert (told.effect, told.payment_hash, told.retrying) == (
            Effect.SETTLE_DEPOSIT,
            PAYMENT_HASH,
            False,
        )
        assert "closed since" in told.reason
    finally:
        await ledger.close()
