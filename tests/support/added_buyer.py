"""A second buyer for a running :class:`~tests.support.node.Pair` (issue 18): what a
seller's reload adds without a restart, a slot on a circuit of its own, and the buyer's
runtime that connects to it, on the pair's clock and Lightning network."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from gridnode.hardware.relay import FailSafeRelay
from gridnode.identity import Role
from gridnode.money import Msat
from gridnode.node.buyer_role import BuyerRole
from gridnode.node.metering import MeterPoller
from gridnode.node.runtime import NodeRuntime
from gridnode.node.seller_partner import SellerPartner
from gridnode.node.seller_slot import BuyerSlot
from gridnode.peer.tls import PinnedPeer
from tests.support.clock import VirtualClock
from tests.support.links import LinkPair, MemoryDialer, link_pair
from tests.support.node import Pair
from tests.support.node_parts import REGISTER_STEP_MWH, harness_limits, node_context, runtime
from tests.support.wallet import FakeWallet
from tests.support.wire import Wire

#: The added buyer's name, and the id of the seller's meter on its circuit.
NAME = "buyer-2"
METER_ID = "seller-meter-2"


@dataclass
class AddedBuyer:
    slot: BuyerSlot
    buyer: NodeRuntime
    partner: SellerPartner
    wire: Wire
    links: LinkPair


async def added_buyer(pair: Pair[VirtualClock], folder: Path) -> AddedBuyer:
    """A buyer the pair's seller does not know yet: its node (not running) and the slot a
    reload would make for it (on its own circuit, not started)."""
    clock, seller_ctx = pair.clock, pair.seller.ctx
    wallet = FakeWallet(pair.network, NAME, Msat(10**9), clock=clock)
    ctx = await node_context(folder, Role.BUYER, clock, wallet, timings=pair.buyer.ctx.timings)
    wire = Wire(clock)
    links = link_pair()
    buyer_peer = PinnedPeer.of(NAME, ctx.identity.certificate, ctx.identity.fingerprint)
    seller_identity = seller_ctx.identity
    seller_peer = PinnedPeer.of("seller", seller_identity.certificate, seller_identity.fingerprint)
    slot = BuyerSlot(
        seller_ctx,
        NAME,
        buyer_peer,
        links.seller,
        meter=wire.meter(METER_ID),
        meter_id=METER_ID,
        relay=FailSafeRelay(wire.relay(), name=f"relay of {NAME}"),
        poll_s=1.0,
    )
    partner = SellerPartner(
        ctx,
        "seller",
        seller_peer,
        MemoryDialer(links),
        limits=dataclasses.replace(harness_limits(), expected_meter_id=METER_ID),
        breach_hold_ms=3_600_000,
        meter_id="buyer-meter-2",
    )
    poller = MeterPoller(
        wire.meter("buyer-meter-2"),
        lambda _sample: None,
        period_s=1.0,
        name="buyer-meter-2",
        register_step_mwh=REGISTER_STEP_MWH,
        clock=clock,
    )
    role = BuyerRole(ctx, partners=[partner], poller=poller)
    return AddedBuyer(slot, runtime(ctx, role), partner, wire, links)
