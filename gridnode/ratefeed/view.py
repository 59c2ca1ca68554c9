"""What the rate feed publishes, read from the node's snapshot (no node class here)."""

from __future__ import annotations

from gridnode.ratefeed.state import FeedState, NextBestState
from gridnode.snapshot import NodeSnapshot, SessionView

#: Session states in which no price applies (the sale is over or not agreed).
_NO_PRICE_STATES = frozenset({"closed"})
#: The place the estate market gives the seller it would buy from next (node/estate.py).
NEXT_BEST = "next best"


def feed_state(snapshot: NodeSnapshot) -> FeedState:
    """The price situation of the session the node buys through now: the first one with
    agreed terms that is not over, else the first partner (state ``none`` when it has no
    session yet)."""
    if not snapshot.sessions:
        return FeedState(None, "none", "")
    view = _buying_session(snapshot.sessions)
    nxt = next_best(snapshot.sessions)
    if not view.session_id:
        return FeedState(None, "none", view.peer_fingerprint, next_best=nxt)
    if view.terms is None or view.state in _NO_PRICE_STATES:
        return FeedState(None, view.state, view.peer_fingerprint, next_best=nxt)
    return FeedState(
        view.rate_msat_per_kwh,
        view.state,
        view.peer_fingerprint,
        view.terms.profile,
        view.terms.period_stop_ms,
        nxt,
    )


def next_best(sessions: tuple[SessionView, ...]) -> NextBestState | None:
    """The estate market's next best seller and the offer it was scored on (None with
    one seller, or when no other seller's offer is acceptable)."""
    for view in sessions:
        offer = view.market_offer
        if view.market == NEXT_BEST and offer is not None:
            return NextBestState(
                view.peer_name,
                view.peer_fingerprint,
                view.market_score_msat,
                offer.profile,
                offer.period_stop_ms,
            )
    return None


def _buying_session(sessions: tuple[SessionView, ...]) -> SessionView:
    for view in sessions:
        if view.terms is not None and view.state not in _NO_PRICE_STATES:
            return view
    return sessions[0]
