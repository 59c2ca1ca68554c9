"""What the feed publishes, as plain values, and the message built from it (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.ratefeed.message import MAX_POINTS, NextBest, Point, RateMessage, forecast
from gridnode.trade.profiles import RateProfile


@dataclass(frozen=True, slots=True)
class NextBestState:
    """The estate market's next best seller: the offer it was scored on."""

    name: str
    #: The seller's key fingerprint.
    seller: str
    #: Its score over the market period in whole msat (None when not scored).
    score_msat: int | None
    profile: RateProfile
    period_end_ms: int


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
    #: The seller the buyer would buy from next (several pinned sellers only).
    next_best: NextBestState | None = None

    def key(self) -> tuple[object, ...]:
        """What makes a change worth publishing at once."""
        own = (self.rate_msat_per_kwh, self.session_state, self.seller, self.period_end_ms)
        nxt = self.next_best
        return own if nxt is None else (*own, nxt.name, nxt.score_msat, nxt.period_end_ms)


def build_message(
    seq: int,
    now_ms: int,
    state: FeedState,
    forecasts: Forecasts | None = None,
    next_forecasts: Forecasts | None = None,
) -> RateMessage:
    points: tuple[Point, ...] = ()
    if (
        state.profile is not None
        and state.period_end_ms is not None
        and state.rate_msat_per_kwh is not None
    ):
        if forecasts is None:
            points = tuple(forecast(state.profile, now_ms, state.period_end_ms))
        else:
            points = forecasts.points(state.profile, now_ms, state.period_end_ms)
    return RateMessage(
        seq=seq,
        at_ms=now_ms,
        rate_msat_per_kwh=state.rate_msat_per_kwh,
        session_state=state.session_state,
        seller=state.seller,
        period_end_ms=state.period_end_ms,
        forecast=points,
        next_best=_next_best(state.next_best, now_ms, next_forecasts),
    )


def _next_best(
    state: NextBestState | None, now_ms: int, forecasts: Forecasts | None
) -> NextBest | None:
    if state is None:
        return None
    price = state.profile.price_at(now_ms)  # rounded down, as the active rate is
    stop = state.period_end_ms
    if forecasts is None:
        points = tuple(forecast(state.profile, now_ms, stop))
    else:
        points = forecasts.points(state.profile, now_ms, stop)
    return NextBest(
        name=state.name,
        seller=state.seller,
        rate_msat_per_kwh=price.numerator // price.denominator,
        score_msat=state.score_msat,
        period_end_ms=stop,
        forecast=points,
    )


class Forecasts:
    """The forecast of the terms in force, built once when they change and cut to the
    moment of each later message (the feed re-sends every couple of seconds; a daily
    table over a long period has hundreds of points).

    For a piecewise-linear profile the cut forecast is exactly what :func:`forecast`
    would build at that moment: the price now, then every breakpoint after now. A
    continuous profile is sampled from the moment of the message, so it is built anew."""

    def __init__(self) -> None:
        self._profile: RateProfile | None = None
        self._stop_ms = 0
        self._points: tuple[Point, ...] = ()

    def points(self, profile: RateProfile, now_ms: int, stop_ms: int) -> tuple[Point, ...]:
        if not profile.is_piecewise_linear or stop_ms <= now_ms:
            return tuple(forecast(profile, now_ms, stop_ms))
        if profile is not self._profile or stop_ms != self._stop_ms:
            self._profile, self._stop_ms = profile, stop_ms
            self._points = tuple(forecast(profile, now_ms, stop_ms))
            return self._points
        if len(self._points) >= MAX_POINTS or self._points[0][0] > now_ms:
            return tuple(forecast(profile, now_ms, stop_ms))  # cut short, or older than now
        later = tuple(p for p in self._points if p[0] > now_ms)
        price = profile.price_at(now_ms)  # rounded down, as forecast() does
        return ((now_ms, price.numerator // price.denominator), *later)
