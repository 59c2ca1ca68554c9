"""The fakes a link-loss test stands on behave as the real parts do: the fake wallet
refuses an invoice past its expiry (as LND does), and the in-process link cuts with one
end noticing and reports LinkExpired after its expiry (as PeerLink does)."""

from __future__ import annotations

from gridnode.money import Msat
from gridnode.peer.link import LinkDown, LinkExpired, LinkUp, Message
from gridnode.wallet.port import PaymentFailure, PaymentStatus
from tests.support.clock import VirtualClock
from tests.support.links import MemoryLink, link_pair
from tests.support.wallet import FakeLightning, FakeWallet


async def test_the_fake_wallet_refuses_an_invoice_past_its_expiry_as_lnd_does() -> None:
    clock = VirtualClock()
    network = FakeLightning()
    seller = FakeWallet(network, "seller", clock=clock)
    buyer = FakeWallet(network, "buyer", Msat(10**9), clock=clock)
    fresh = await seller.create_invoice(Msat(400), "prepayment", expiry_s=30)
    stale = await seller.create_invoice(Msat(400), "prepayment", expiry_s=30)
    await clock.advance(29)
    paid = await buyer.pay_invoice(fresh.bolt11, Msat(10), timeout_s=5)
    assert paid.status is PaymentStatus.SUCCEEDED
    await clock.advance(1)
    refused = await buyer.pay_invoice(stale.bolt11, Msat(10), timeout_s=5)
    assert refused.status is PaymentStatus.FAILED
    assert refused.failure is PaymentFailure.INCORRECT_PAYMENT_DETAILS
    assert buyer.local == Msat(10**9 - 400)  # the refused one cost nothing


def _drain(end: MemoryLink) -> list[object]:
    events: list[object] = []
    while not end.events.empty():
        events.append(type(end.events.get_nowait()))
    return events


async def test_a_cut_noticed_by_one_end_holds_both_ways_and_expires_per_end() -> None:
    clock = VirtualClock()
    links = link_pair(clock=clock, expiry_s=60)
    links.set_up(True)
    _drain(links.seller)
    _drain(links.buyer)
    links.cut("seller")
    assert _drain(links.seller) == [LinkDown]
    assert links.buyer.up  # the buyer has not noticed yet
    links.buyer.send(b"into the black hole")
    links.seller.send(b"waits in the outbox")
    assert _drain(links.seller) == []
    await clock.advance(3)
    links.notice("buyer")
    assert _drain(links.buyer) == [LinkDown]
    await clock.advance(57)
    assert _drain(links.seller) == [LinkExpired]
    assert _drain(links.buyer) == []  # its expiry runs from when it noticed
    await clock.advance(3)
    assert _drain(links.buyer) == [LinkExpired]
    links.set_up(True)
    assert _drain(links.seller) == [LinkUp, Message]
    assert _drain(links.buyer) == [LinkUp, Message]


async def test_a_link_back_before_its_expiry_reports_none() -> None:
    clock = VirtualClock()
    links = link_pair(clock=clock, expiry_s=60)
    links.set_up(True)
    links.set_up(False)
    await clock.advance(59)
    links.set_up(True)
    await clock.advance(60)
    assert LinkExpired not in _drain(links.seller) + _drain(links.buyer)
