"""Scenario tests: a seller and a buyer session wired in-process through their codec,
with a simulated circuit, two meters and a fake wallet. Each asserts energy, money and
the relay timeline."""

from __future__ import annotations

from gridnode.trade.buyer import BuyerSession
from gridnode.trade.seller import SellerSession, SellerState
from gridnode.trade.signing import P256Signer
from gridnode.trade.terms import Offer

from .fixtures import T0, demo_limits, demo_offer
from .sim import REGISTER_STEP_MWH, World

SELLER_KEY = P256Signer.generate()
BUYER_KEY = P256Signer.generate()
SESSION = b"S" * 16
#: Cost of one second at the contracted maximum power (3.68 kW at 200 sat/kWh), msat.
MSAT_PER_SECOND_AT_MAX = 204


def make_world(offer: Offer | None = None, **world: object) -> World:
    seller = SellerSession(
        offer or demo_offer(),
        session_id=SESSION,
        signer=SELLER_KEY,
        buyer=BUYER_KEY.verifier(),
        register_step_mwh=REGISTER_STEP_MWH,
    )
    buyer = BuyerSession(
        demo_limits(),
        signer=BUYER_KEY,
        seller=SELLER_KEY.verifier(),
        register_step_mwh=REGISTER_STEP_MWH,
        meter_id="buyer-meter",
    )
    return World(seller, buyer, start_ms=T0, **world)  # type: ignore[arg-type]


def test_a_full_period_supplies_and_bills_within_the_demo_exposure_targets() -> None:
    world = make_world()
    world.run(T0 + 11 * 60_000)
    assert world.seller.state is SellerState.CLOSED
    print(world.relay_timeline[:5], world.seller.billing.paid, world.seller.meter.energy_mwh)
    print(float(world.max_seller_unpaid_msat), float(world.max_buyer_ahead_msat))
