"""The last minutes of power and rate per session, for the live plot (pure)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from gridnode.status.pb import status_pb2 as pb
from gridnode.ui import view


@dataclass(frozen=True)
class Sample:
    at_ms: int
    power_mw: int
    rate_msat_per_kwh: int


@dataclass
class History:
    """Samples per session key, the oldest dropped after ``window_ms``."""

    window_ms: int = 5 * 60_000
    _series: dict[str, deque[Sample]] = field(default_factory=dict)

    def add(self, status: pb.NodeStatus) -> None:
        at_ms = status.at_ms
        if not at_ms:
            return  # a snapshot without a time cannot be placed on the plot
        for index, session in enumerate(status.sessions):
            series = self._series.setdefault(view.session_key(session, index), deque())
            if series and series[-1].at_ms >= at_ms:
                continue  # the same snapshot twice, or a clock step back: keep it monotonic
            series.append(Sample(at_ms, session.power_mw, session.rate_msat_per_kwh))
            while series and series[0].at_ms < at_ms - self.window_ms:
                series.popleft()

    def samples(self, key: str) -> list[Sample]:
        return list(self._series.get(key, ()))
