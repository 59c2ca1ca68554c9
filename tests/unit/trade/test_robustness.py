"""Any event in any order at any time: a session never raises and never makes an
illegal transition (which would raise). Events come from a recorded session (valid
frames, real payment hashes) mixed with garbage, replays, unknown hashes and a clock
that jumps both ways."""

from __future__ import annotations

from functools import cache

import hypothesis
from hypothesis import given
from hypothesis import strategies as st

from gridnode.money import Msat
from gridnode.trade.actions import PayInvoice, SendMessage, SwitchRelay
from gridnode.trade.events import (
    CloseRequested,
    Event,
    FrameReceived,
    HoldInvoiceAccepted,
    InvoiceCanceled,
    InvoiceCreated,
    InvoiceCreateFailed,
    InvoiceSettled,
    LinkDown,
    LinkUp,
    MeterSample,
    PaymentFailed,
    PaymentSucceeded,
    Start,
    Tick,
)
from gridnode.trade.states import BuyerState, SellerState
from tests.support.terms import T0
from tests.support.trade.sim import BUYER, SELLER
from tests.support.trade.worlds import (
    buyer_session,
    make_world,
    seller_session,
)


@cache
def recorded() -> tuple[list[bytes], list[bytes], list[bytes]]:
    """Frames each side sent in a real minute of trading, and the payment hashes seen."""
    world = make_world(renewal=True)
    world.run(T0 + 60_000)
    to_seller = [a.frame for _, w, a in world.actions if w == BUYER and isinstance(a, SendMessage)]
    to_buyer = [a.frame for _, w, a in world.actions if w == SELLER and isinstance(a, SendMessage)]
    return to_seller, to_buyer, list(world.invoices)


def events(frames: list[bytes], hashes: list[bytes]) -> st.SearchStrategy[Event]:
    some_hash = st.one_of(st.sampled_from(hashes), st.binary(min_size=32, max_size=32))
    some_amount = st.integers(0, 100_000).map(Msat)
    return st.one_of(
        st.just(Start()),
        st.just(Tick()),
        st.just(LinkDown()),
        st.just(LinkUp()),
        st.just(CloseRequested()),
        st.builds(FrameReceived, st.sampled_from(frames)),
        st.builds(FrameReceived, st.binary(max_size=64)),
        st.builds(
            MeterSample,
            st.integers(T0 - 10_000, T0 + 200_000),
            st.integers(0, 10**7),
            st.integers(0, 10**7),
            st.integers(-1_000, 10**7),
            st.tuples(st.integers(0, 300_000)),
            st.tuples(st.integers(0, 40_000)),
        ),
        st.builds(InvoiceCreated, st.integers(0, 8), st.just("lnbcrt1"), some_hash),
        st.builds(InvoiceCreateFailed, st.integers(0, 8), st.just("wallet down")),
        st.builds(InvoiceSettled, some_hash, some_amount),
        st.builds(HoldInvoiceAccepted, some_hash, some_amount),
        st.builds(InvoiceCanceled, some_hash),
        st.builds(PaymentSucceeded, some_hash, st.binary(min_size=32, max_size=32), some_amount),
        st.builds(PaymentFailed, some_hash, st.just("no route")),
    )


@st.composite
def histories(draw: st.DrawFn, side: str) -> list[tuple[int, Event]]:
    to_seller, to_buyer, hashes = recorded()
    frames = to_seller if side == SELLER else to_buyer
    steps = draw(
        st.lists(st.tuples(st.integers(-5_000, 20_000), events(frames, hashes)), max_size=60)
    )
    # Start with an in-order prefix of the real conversation, so the session gets past
    # negotiation before the chaos begins.
    prefix = draw(st.integers(0, min(len(frames), 12)))
    opening: list[tuple[int, Event]] = [(0, Start()), (0, MeterSample(T0, 0, 0, 0, (0,), (0,)))]
    opening += [(20, FrameReceived(frame)) for frame in frames[:prefix]]
    if side == SELLER and draw(st.booleans()):
        # The wallet plays along: deposit locked, two prepayments settled, a fresh reading.
        h1, h2, h3 = (bytes([n]) * 32 for n in (1, 2, 3))
        opening += [
            (5, InvoiceCreated(1, "lnbcrt1", h1)),
            (5, HoldInvoiceAccepted(h1, Msat(50_000))),
            (5, InvoiceCreated(2, "lnbcrt2", h2)),
            (5, InvoiceSettled(h2, Msat(400))),
            (5, InvoiceCreated(3, "lnbcrt3", h3)),
            (5, InvoiceSettled(h3, Msat(400))),
            (5, MeterSample(T0 + 100, 0, 0, 1_000_000, (230_000,), (4_000,))),
        ]
    steps = opening + steps
    now, out = T0, []
    for delta, event in steps:
        now += delta
        out.append((now, event))
    return out


@given(histories(SELLER))
def test_the_seller_never_raises_and_only_powers_a_locked_deposit(
    history: list[tuple[int, Event]],
) -> None:
    seller = seller_session()
    relay_on = False
    for now, event in history:
        for action in seller.handle(event, now):
            if isinstance(action, SwitchRelay):
                relay_on = action.on
        assert isinstance(seller.state, SellerState)
        hypothesis.event(f"seller reached {seller.state.value}")
        if relay_on:
            assert seller.billing.deposit_holds(now)
            assert seller.credit > seller.offer.policy.cutoff.msat


@given(histories(BUYER))
def test_the_buyer_never_raises_and_never_pays_above_the_agreed_size(
    history: list[tuple[int, Event]],
) -> None:
    buyer = buyer_session()
    paid: set[bytes] = set()
    for now, event in history:
        for action in buyer.handle(event, now):
            if isinstance(action, PayInvoice):
                assert action.payment_hash not in paid
                paid.add(action.payment_hash)
                assert action.amount <= Msat(50_000)
        assert isinstance(buyer.state, BuyerState)
        hypothesis.event(f"buyer reached {buyer.state.value}")
