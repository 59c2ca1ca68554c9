"""What the feed publishes, as plain values, and the message built from it (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.ratefeed.message import RateMessage, forecast
from gridnode.trade.profiles import RateProfile


@dataclass(frozen=True, slots=True)
class FeedState:
    """The buyer's price situation at one moment."""

    #: The whole-msat price last published by the session; None while no sale is agreed.
    rate_msat_per_kwh: int | None
    #: The buyer session's state (``receiving``, ``suspended``, ...; ``none`` before one).
    session_state: str
    #: The seller's key fingerprint (64 hex digits).
    seller: str
    #: The accepted offer's profile and the end of its sale period, when there is one.
    profile: RateProfile | None = None
    period_end_ms: int | None = None

    def key(self) -> tuple[int | None, str, str, int | None]:
        """What makes a change worth publishing at once."""
        return self.rate_msat_per_kwh, self.session_state, self.seller, self.period_end_ms


def build_message(seq: int, now_ms: int, state: FeedState) -> RateMessage:
    points: tuple[tuple[int, int], ...] = ()
    if (
        state.profile is not None
        and state.period_end_ms is not None
        and state.rate_msat_per_kwh is not None
    ):
        points = tuple(forecast(state.profile, now_ms, state.period_end_ms))
    return RateMessage(
        seq=seq,
        at_ms=now_ms,
        rate_msat_per_kwh=state.rate_msat_per_kwh,
        session_state=state.session_state,
        seller=state.seller,
        period_end_ms=state.period_end_ms,
        forecast=points,
    )
