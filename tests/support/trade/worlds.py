"""A seller and a buyer session in one :class:`~tests.support.trade.sim.World`, with the
demo terms and fixed keys, and what the trade tests read out of it.

Shared by the trade core's tests (scenarios, the seller's and the buyer's rules, the
cadence, the OCMF readings, the receipts); each test module builds its worlds here.
"""

from __future__ import annotations

import dataclasses
import hashlib
from fractions import Fraction
from typing import Any, TypeVar

from gridnode.money import Msat
from gridnode.ocmf import ClockStatus, SeriesState, Transaction
from gridnode.trade import codec
from gridnode.trade.actions import Action, PayInvoice, Record, SendMessage
from gridnode.trade.buyer import BuyerSession
from gridnode.trade.evaluate import BreachHold
from gridnode.trade.events import FrameReceived
from gridnode.trade.messages import (
    Body,
    CarriedCredit,
    ErrorMessage,
    InvoiceMessage,
    InvoicePurpose,
    MeterReadingMessage,
)
from gridnode.trade.seller import SellerSession
from gridnode.trade.signing import P256Signer
from gridnode.trade.states import BuyerState
from gridnode.trade.terms import BuyerLimits, Offer
from tests.support.bolt11s import make_bolt11
from tests.support.terms import T0, demo_limits, demo_offer
from tests.support.trade.sim import REGISTER_STEP_MWH, World

SELLER_KEY = P256Signer.generate()
BUYER_KEY = P256Signer.generate()
SESSION = b"S" * 16
MINUTE = 60_000
#: Cost of one second at the contracted maximum power (3.68 kW at 200 sat/kWh), msat.
MSAT_PER_SECOND_AT_MAX = Fraction(3_680_000 * 1_000 * 200_000, 3_600_000 * 1_000_000)


def renew(offer: Offer) -> Offer | None:
    """Renew once: the first period is followed by one more of the same length."""
    if offer.is_renewal:
        return None
    no_deposit = dataclasses.replace(offer.payments, initial_deposit=Msat(0))
    length = offer.stop_ms - offer.start_ms
    return dataclasses.replace(
        offer,
        start_ms=offer.stop_ms,
        stop_ms=offer.stop_ms + length,
        payments=no_deposit,
        is_renewal=True,
    )


def seller_session(
    offer: Offer | None = None,
    *,
    session_id: bytes = SESSION,
    renewal: bool = False,
    series: SeriesState | None = None,
    clock_status: ClockStatus = ClockStatus.UNKNOWN,
    buyer_key: P256Signer = BUYER_KEY,
    carried: CarriedCredit | None = None,
    register_step_mwh: int = REGISTER_STEP_MWH,
) -> SellerSession:
    """The seller's side: the demo offer (or ``offer``), signed with :data:`SELLER_KEY`
    for the buyer holding ``buyer_key``; ``renewal`` renews once (:func:`renew`)."""
    return SellerSession(
        offer or demo_offer(),
        session_id=session_id,
        signer=SELLER_KEY,
        buyer=buyer_key.verifier(),
        register_step_mwh=register_step_mwh,
        renewal=renew if renewal else None,
        series=series,
        clock_status=clock_status,
        carried=carried,
    )


def buyer_session(
    *,
    limits: BuyerLimits | None = None,
    series: SeriesState | None = None,
    hold: BreachHold | None = None,
    key: P256Signer = BUYER_KEY,
    note: CarriedCredit | None = None,
    refund_node_id: str = "",
    register_step_mwh: int = REGISTER_STEP_MWH,
) -> BuyerSession:
    """The buyer's side: the demo limits (or ``limits``), signed with ``key``, buying from
    the seller holding :data:`SELLER_KEY`."""
    return BuyerSession(
        limits or demo_limits(),
        signer=key,
        seller=SELLER_KEY.verifier(),
        register_step_mwh=register_step_mwh,
        meter_id="buyer-meter",
        series=series,
        hold=hold,
        note=note,
        refund_node_id=refund_node_id,
    )


def make_world(
    offer: Offer | None = None,
    *,
    renewal: bool = False,
    start_ms: int = T0,
    seller: SellerSession | None = None,
    buyer: BuyerSession | None = None,
    **world: Any,
) -> World:
    """The two sessions (by default :func:`seller_session` with ``offer`` and
    :func:`buyer_session`) in a :class:`World` from ``start_ms``; ``world`` sets its
    perturbations (load, voltage, meter error, payment outcomes ...)."""
    return World(
        seller or seller_session(offer, renewal=renewal),
        buyer or buyer_session(),
        start_ms=start_ms,
        **world,
    )


A = TypeVar("A", bound=Action)


def actions_of(world: World, who: str, kind: type[A]) -> list[tuple[int, A]]:
    return [(t, a) for t, w, a in world.actions if w == who and isinstance(a, kind)]


def breaches(world: World, who: str) -> list[str]:
    return [a.text for _, a in actions_of(world, who, Record) if a.kind.value == "breach"]


def receiving_world(seconds: int = 10) -> World:
    """A world whose buyer has been receiving for ``seconds``."""
    world = make_world()
    world.run(T0 + seconds * 1000)
    assert world.buyer.state is BuyerState.RECEIVING
    return world


def from_seller(world: World, body: Body) -> bytes:
    """A frame from the seller, next in its sequence."""
    (frame,) = [
        a.frame for a in world.seller.outbox.send(body, world.now_ms) if isinstance(a, SendMessage)
    ]
    return frame


def invoice(
    world: World, n: int, amount: int, purpose: InvoicePurpose = InvoicePurpose.PREPAYMENT
) -> InvoiceMessage:
    """An invoice from the seller, backed by the seller's next signed OCMF reading."""
    payment_hash = hashlib.sha256(f"test invoice {n}".encode()).digest()
    seller = world.seller
    energy = seller.meter.energy_mwh
    if not seller.readings.own.open:  # the seller's Begin reaches the buyer first
        (begin,) = seller.readings.own.begin(seller.outbox.session_id.hex(), world.now_ms)
        frame = from_seller(world, MeterReadingMessage(begin))
        world.buyer.handle(FrameReceived(frame), world.now_ms)
    reading = seller.readings.own.sign(Transaction.CHARGING, world.now_ms, energy)
    bolt11 = make_bolt11(payment_hash, Msat(amount))
    return InvoiceMessage(bolt11, payment_hash, Msat(amount), purpose, 0, 0, reading)


def pays(out: list[Action]) -> list[PayInvoice]:
    return [a for a in out if isinstance(a, PayInvoice)]


def errors_in(out: list[Action]) -> list[ErrorMessage]:
    """The protocol errors a session sent back among ``out``."""
    found = []
    for action in out:
        if isinstance(action, SendMessage):
            body = codec.decode(action.frame).envelope.body
            if isinstance(body, ErrorMessage):
                found.append(body)
    return found
