"""The load agent's plan, sent back to the buyer over the feed's own connection: pure.

A buyer that pins several sellers scores each offer against the power it expects to draw
over the coming market period (docs/market.md). When a smart load agent runs, it knows
that better than the buyer's recent load: it planned which loads run when. So the agent
sends its plan upstream over the connection it reads the rate on (its SUB side is an
XSUB socket, the buyer's PUB side an XPUB, which hands it what subscribers send). Wire
form: two frames, the topic ``plan`` and a UTF-8 JSON object::

    {"v": 1, "seq": 4, "time": "2026-11-23T20:30:00.250Z",
     "until": "2026-11-23T21:00:00.000Z",
     "steps": [["2026-11-23T20:30:00.250Z", 3500000], ["2026-11-23T20:45:00.000Z", 500000]]}

``steps`` give the planned power (mW) from each time until the next step, the last one
until ``until``. A buyer that does not read plans drops them (a PUB socket ignores what
a subscriber sends), and an agent that sends none leaves the buyer on its recent load.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from gridnode.ratefeed.message import MalformedRateMessageError, iso_utc, parse_iso_ms

PLAN_TOPIC = b"plan"
PLAN_VERSION = 1
#: A plan heard longer ago than this is not used (the agent sends one at least every
#: 5 s, with the feed's re-send bound).
PLAN_FRESH_MS = 20_000

Step = tuple[int, int]  # (time ms since the epoch, planned power mW)


@dataclass(frozen=True, slots=True)
class PlanMessage:
    seq: int
    at_ms: int
    #: Planned power from each time on, in time order (the first at or before ``at_ms``).
    steps: tuple[Step, ...]
    #: The plan's end: after it, nothing is planned.
    until_ms: int

    def encode(self) -> list[bytes]:
        doc: dict[str, Any] = {
            "v": PLAN_VERSION,
            "seq": self.seq,
            "time": iso_utc(self.at_ms),
            "until": iso_utc(self.until_ms),
            "steps": [[iso_utc(t), p] for t, p in self.steps],
        }
        return [PLAN_TOPIC, json.dumps(doc, separators=(",", ":")).encode()]

    def mean_power_mw(self, start_ms: int, stop_ms: int) -> int | None:
        """The plan's mean power over [start, stop], rounded down. The first step's
        power stands for the time before it too (a period that began a moment before
        the plan was made, or a clock a little ahead), the last one's past ``until``.
        None when the plan has no steps or the span is empty."""
        if not self.steps or stop_ms <= start_ms:
            return None
        begins = [min(start_ms, self.steps[0][0])] + [t for t, _ in self.steps[1:]]
        ends = [*begins[1:], max(self.until_ms, stop_ms)]
        total = 0
        for (_, power), at, end in zip(self.steps, begins, ends, strict=True):
            lo, hi = max(at, start_ms), min(end, stop_ms)
            if hi > lo:
                total += power * (hi - lo)
        return total // (stop_ms - start_ms)


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedRateMessageError(f"{what} must be a whole number >= 0, not {value!r}")
    return value


def decode_plan(frames: list[bytes]) -> PlanMessage:
    """The plan in ``frames``; raises :class:`MalformedRateMessageError` naming what is wrong."""
    if len(frames) != 2 or frames[0] != PLAN_TOPIC:
        raise MalformedRateMessageError(f"expected two frames, topic {PLAN_TOPIC!r}")
    try:
        doc = json.loads(frames[1])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedRateMessageError(f"the plan is not JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise MalformedRateMessageError("the plan is not a JSON object")
    if doc.get("v") != PLAN_VERSION:
        raise MalformedRateMessageError(f"unknown plan version {doc.get('v')!r} (this reads 1)")
    raw = doc.get("steps")
    if not isinstance(raw, list) or not raw:
        raise MalformedRateMessageError("steps must be a list of [time, power_mw]")
    steps: list[Step] = []
    for item in raw:
        if not isinstance(item, list) or len(item) != 2:
            raise MalformedRateMessageError(f"a step must be [time, power_mw], not {item!r}")
        steps.append((parse_iso_ms(item[0]), _whole(item[1], "a step's power_mw")))
    if any(b[0] < a[0] for a, b in itertools.pairwise(steps)):
        raise MalformedRateMessageError("step times must not go back")
    return PlanMessage(
        seq=_whole(doc.get("seq"), "seq"),
        at_ms=parse_iso_ms(doc.get("time")),
        steps=tuple(steps),
        until_ms=parse_iso_ms(doc.get("until")),
    )


class PlannedPower:
    """The latest plan the buyer heard, and when (the node's clock)."""

    def __init__(self, fresh_ms: int = PLAN_FRESH_MS) -> None:
        self.fresh_ms = fresh_ms
        self.latest: PlanMessage | None = None
        self.heard_ms = 0

    def heard(self, plan: PlanMessage, now_ms: int) -> None:
        self.latest, self.heard_ms = plan, now_ms

    def power_mw(self, start_ms: int, stop_ms: int, now_ms: int) -> int | None:
        """The planned mean power over [start, stop] when the plan is fresh; None
        otherwise (the buyer then uses its recent load)."""
        plan = self.latest
        if plan is None or not 0 <= now_ms - self.heard_ms <= self.fresh_ms:
            return None
        return plan.mean_power_mw(start_ms, stop_ms)
