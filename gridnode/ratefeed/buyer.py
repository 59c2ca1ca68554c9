"""What the buyer node publishes: its session's rate, state, seller and offer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gridnode.ratefeed.state import FeedState

if TYPE_CHECKING:
    from gridnode.node.buyer_node import BuyerNode


def buyer_feed_state(node: BuyerNode) -> FeedState:
    session = node.session
    seller = node.peer.fingerprint if node.peer is not None else ""
    if session is None:
        return FeedState(None, "none", seller)
    offer = session.offer
    state = session.state.value
    if offer is None or state == "closed":
        return FeedState(None, state, seller)
    return FeedState(node.rates.rate_msat_per_kwh, state, seller, offer.profile, offer.stop_ms)
