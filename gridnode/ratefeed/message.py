"""The rate feed's one message, its JSON form and its forecast: pure, no ZeroMQ.

Wire form: two frames, the topic ``rate`` and a UTF-8 JSON object::

    {"v": 1, "seq": 12, "time": "2026-11-23T20:30:00.250Z",
     "rate_msat_per_kwh": 150000, "session_state": "receiving",
     "seller": "ab12...", "period_end": "2026-11-23T20:31:00.000Z",
     "forecast": [["2026-11-23T20:30:00.250Z", 150000], ...]}

``rate_msat_per_kwh`` is null (and ``forecast`` empty) while no sale is agreed.
``forecast`` runs from ``time`` to the end of the sale period; the price is linear between
two consecutive points and a jump shows as two points at the same time (the price just
before, then the price from then on). For a piecewise-linear profile the points are its
breakpoints (exact); for a continuous one (the sinusoid) they are samples.
``seq`` grows by one with every message a publisher sends (re-sends included).

A buyer that pins several sellers (the estate market, docs/market.md) adds the next best
seller: the one it would buy from if the active one failed, with its rate now, its
forecast (to the end of the offer it was scored on) and its score over the market
period (msat, what the whole period would cost from it)::

    "next_best": {"name": "grid", "seller": "cd34...", "rate_msat_per_kwh": 180000,
                  "score_msat": 2712, "period_end": "...", "forecast": [...]}

The key is absent when there is none (one seller, or no other acceptable offer). Adding
a key keeps ``v`` at 1: a reader of version 1 ignores keys it does not know, so an older
load agent reads these messages as before; ``v`` changes only when a key it reads
changes meaning.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from gridnode.errors import GridnodeError
from gridnode.trade.profiles import RateProfile, linear_pieces

TOPIC = b"rate"
VERSION = 1
#: A continuous profile is sampled this often (and at most MAX_POINTS times).
SAMPLE_MS = 5 * 60_000
MAX_POINTS = 600

Point = tuple[int, int]  # (time ms since the epoch, msat per kWh)


class MalformedRateMessageError(GridnodeError):
    """A feed message that is not what this module writes (the agent logs and skips it)."""


@dataclass(frozen=True, slots=True)
class NextBest:
    """The estate market's next best seller (module docstring)."""

    name: str
    #: The seller's key fingerprint (64 hex digits).
    seller: str
    rate_msat_per_kwh: int
    #: Its score over the market period, whole msat (None when not scored; below 0
    #: when its premium outweighs its cost).
    score_msat: int | None
    period_end_ms: int
    forecast: tuple[Point, ...]

    def doc(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "seller": self.seller,
            "rate_msat_per_kwh": self.rate_msat_per_kwh,
            "score_msat": self.score_msat,
            "period_end": iso_utc(self.period_end_ms),
            "forecast": [[iso_utc(t), r] for t, r in self.forecast],
        }


@dataclass(frozen=True, slots=True)
class RateMessage:
    seq: int
    at_ms: int
    rate_msat_per_kwh: int | None
    session_state: str
    seller: str
    period_end_ms: int | None
    forecast: tuple[Point, ...]
    next_best: NextBest | None = None

    def encode(self) -> list[bytes]:
        doc: dict[str, Any] = {
            "v": VERSION,
            "seq": self.seq,
            "time": iso_utc(self.at_ms),
            "rate_msat_per_kwh": self.rate_msat_per_kwh,
            "session_state": self.session_state,
            "seller": self.seller,
            "period_end": None if self.period_end_ms is None else iso_utc(self.period_end_ms),
            "forecast": [[iso_utc(t), r] for t, r in self.forecast],
        }
        if self.next_best is not None:
            doc["next_best"] = self.next_best.doc()
        return [TOPIC, json.dumps(doc, separators=(",", ":")).encode()]


def iso_utc(ms: int) -> str:
    """ISO 8601 in UTC with milliseconds and a ``Z``."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_iso_ms(text: object) -> int:
    if not isinstance(text, str):
        raise MalformedRateMessageError(f"a time must be an ISO 8601 string, not {text!r}")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedRateMessageError(f"{text!r} is not an ISO 8601 time") from exc
    if moment.tzinfo is None:
        raise MalformedRateMessageError(f"{text!r} has no UTC offset")
    return round(moment.timestamp() * 1000)


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedRateMessageError(f"{what} must be a whole number >= 0, not {value!r}")
    return value


def _signed(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedRateMessageError(f"{what} must be a whole number, not {value!r}")
    return value


def decode(frames: list[bytes]) -> RateMessage:
    """The message in ``frames``; raises :class:`MalformedRateMessageError` naming what is wrong."""
    if len(frames) != 2 or frames[0] != TOPIC:
        raise MalformedRateMessageError(f"expected two frames, topic {TOPIC!r}; got {len(frames)}")
    try:
        doc = json.loads(frames[1])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedRateMessageError(f"the body is not JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise MalformedRateMessageError("the body is not a JSON object")
    if doc.get("v") != VERSION:
        raise MalformedRateMessageError(f"unknown version {doc.get('v')!r} (this agent reads 1)")
    rate = doc.get("rate_msat_per_kwh")
    points = _points(doc.get("forecast", []))
    state, seller = doc.get("session_state"), doc.get("seller")
    if not isinstance(state, str) or not isinstance(seller, str):
        raise MalformedRateMessageError("session_state and seller must be strings")
    end = doc.get("period_end")
    return RateMessage(
        seq=_whole(doc.get("seq"), "seq"),
        at_ms=parse_iso_ms(doc.get("time")),
        rate_msat_per_kwh=None if rate is None else _whole(rate, "rate_msat_per_kwh"),
        session_state=state,
        seller=seller,
        period_end_ms=None if end is None else parse_iso_ms(end),
        forecast=points,
        next_best=_next_best(doc.get("next_best")),
    )


def _points(forecast: object) -> tuple[Point, ...]:
    if not isinstance(forecast, list):
        raise MalformedRateMessageError("forecast must be a list of [time, rate]")
    points: list[Point] = []
    for item in forecast:
        if not isinstance(item, list) or len(item) != 2:
            raise MalformedRateMessageError(f"a forecast point must be [time, rate], not {item!r}")
        points.append((parse_iso_ms(item[0]), _whole(item[1], "a forecast rate")))
    if any(b[0] < a[0] for a, b in itertools.pairwise(points)):
        raise MalformedRateMessageError("forecast times must not go back")
    return tuple(points)


def _next_best(doc: object) -> NextBest | None:
    if doc is None:
        return None
    if not isinstance(doc, dict):
        raise MalformedRateMessageError("next_best must be an object")
    name, seller, score = doc.get("name"), doc.get("seller"), doc.get("score_msat")
    if not isinstance(name, str) or not isinstance(seller, str):
        raise MalformedRateMessageError("next_best's name and seller must be strings")
    return NextBest(
        name=name,
        seller=seller,
        rate_msat_per_kwh=_whole(doc.get("rate_msat_per_kwh"), "next_best's rate"),
        score_msat=None if score is None else _signed(score, "next_best's score_msat"),
        period_end_ms=parse_iso_ms(doc.get("period_end")),
        forecast=_points(doc.get("forecast", [])),
    )


def _floor(value: Fraction) -> int:
    return value.numerator // value.denominator


def forecast(profile: RateProfile, now_ms: int, stop_ms: int) -> list[Point]:
    """The price from ``now_ms`` to ``stop_ms`` as points (see the module docstring).

    Prices are rounded down to whole msat per kWh, as the published rate is.
    """
    if stop_ms <= now_ms:
        return [(now_ms, _floor(profile.price_at(now_ms)))]
    if not profile.is_piecewise_linear:
        step = max(SAMPLE_MS, -(-(stop_ms - now_ms) // (MAX_POINTS - 1)))
        times = [*range(now_ms, stop_ms, step), stop_ms]
        return [(t, _floor(profile.price_at(t))) for t in times]
    pieces = linear_pieces(profile, now_ms, stop_ms)
    assert pieces is not None  # every profile that is piecewise linear has its pieces
    points: list[Point] = []
    for piece in pieces:  # one pass, not one profile lookup per breakpoint (issue 17)
        a, begin, end = piece.start_ms, _floor(piece.price_start), _floor(piece.price_stop)
        if not points or points[-1] != (a, begin):
            points.append((a, begin))
        points.append((piece.stop_ms, end))
        if len(points) >= MAX_POINTS:
            break
    return points
