"""What the rate feed publishes, read from the node's snapshot (no node class here)."""

from __future__ import annotations

from gridnode.ratefeed.state import FeedState
from gridnode.snapshot import NodeSnapshot, SessionView

#: Session states in which no price applies (the sale is over or not agreed).
_NO_PRICE_STATES = frozenset({"closed"})


def feed_state(snapshot: NodeSnapshot) -> FeedState:
    """The price situation of the session the node buys through now: the first one with
    agreed terms that is not over, else the first partner (state ``none`` when it has no
    session yet)."""
    if not snapshot.sessions:
        return FeedState(None, "none", "")
    view = _buying_session(snapshot.sessions)
    if not view.session_id:
        return FeedState(None, "none", view.peer_fingerprint)
    if view.terms is None or view.state in _NO_PRICE_STATES:
        return FeedState(None, view.state, view.peer_fingerprint)
    return FeedState(
        view.rate_msat_per_kwh,
        view.state,
        view.peer_fingerprint,
        view.terms.profile,
        view.terms.period_stop_ms,
    )


def _buying_session(sessions: tuple[SessionView, ...]) -> SessionView:
    for view in sessions:
        if view.terms is not None and view.state not in _NO_PRICE_STATES:
            return view
    return sessions[0]
