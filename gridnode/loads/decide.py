"""The load agent's decisions: pure, the clock passed in, no I/O.

Each :meth:`Core.tick` returns the switches to make, each with the reason and the price
that caused it. The rules, in order:

1. Fail-safe: when the feed has been silent longer than ``silence_ms``, when it carries no
   agreed price, or when the buyer's session is not one that buys, every load is switched
   off at once (minimum on times do not hold a load on against this).
2. Hysteresis: a load off turns on when the price is at or below ``on_below``; a load on
   turns off when the price is above ``off_above``; in between it stays as it is.
3. A daily need (run time, or energy at the load's power) is met in the cheapest slots the
   forecast shows before the deadline (:mod:`gridnode.loads.plan`); a load whose plan
   says "now" wants to be on whatever the thresholds say.
4. Minimum times: a load stays on for ``min_on_ms`` and off for ``min_off_ms`` after a
   switch (the fail-safe aside), so it never flaps.
5. Priority: with a power budget (``max_power_w``), loads that want to be on get it in
   priority order (1 first); the others wait (or are shed, after their minimum on time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from gridnode.loads.plan import run_now
from gridnode.ratefeed.message import RateMessage

#: Session states in which the published price is the price being paid.
BUYING_STATES = frozenset({"awaiting_deposit", "receiving", "suspended"})


@dataclass(frozen=True, slots=True)
class LoadSpec:
    name: str
    #: 1 is served first when the power budget is short.
    priority: int = 1
    #: Switch on at or below this price (msat per kWh); None: only the need switches on.
    on_below: int | None = None
    #: Switch off above this price; None with on_below None.
    off_above: int | None = None
    min_on_ms: int = 0
    min_off_ms: int = 0
    #: Power drawn when on, watts (for the budget and an energy need).
    power_w: int = 0
    #: Run time needed per day (an energy need is converted with power_w).
    need_ms: int = 0
    #: The need is met by this local time of day (minutes; 1440 is midnight).
    need_by_minute: int = 1440


@dataclass
class LoadState:
    on: bool = False
    #: when the load was last switched (None: not since start, no minimum time holds)
    changed_ms: int | None = None
    #: run time counted toward the current need period
    run_ms: int = 0
    #: the end of the current need period
    deadline_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    load: str
    on: bool
    reason: str
    #: the price that caused it (None when there was none: fail-safe)
    price_msat_per_kwh: int | None
    at_ms: int


@dataclass
class Core:
    loads: tuple[LoadSpec, ...]
    silence_ms: int
    zone: str = "UTC"
    max_power_w: int | None = None
    slot_ms: int = 15 * 60_000
    states: dict[str, LoadState] = field(default_factory=dict)
    latest: RateMessage | None = None
    heard_ms: int | None = None
    started_ms: int | None = None
    last_tick_ms: int | None = None

    def __post_init__(self) -> None:
        for load in self.loads:
            self.states.setdefault(load.name, LoadState())

    # -- inputs ------------------------------------------------------------------------
    def heard(self, message: RateMessage, now_ms: int) -> None:
        """A well-formed feed message arrived at ``now_ms`` (one publisher's messages
        arrive in order over its one connection, so the newest is the latest)."""
        self.latest, self.heard_ms = message, now_ms

    def switch_failed(self, name: str, now_ms: int) -> None:
        """The relay did not switch: it is off (fail-safe) and rests its minimum off time."""
        state = self.states[name]
        state.on, state.changed_ms = False, now_ms

    def needs(self) -> dict[str, tuple[int, int]]:
        """Run time counted toward each need and its deadline, to keep across restarts."""
        return {
            name: (state.run_ms, state.deadline_ms)
            for name, state in self.states.items()
            if state.deadline_ms is not None
        }

    def restore_needs(self, saved: dict[str, tuple[int, int]], now_ms: int) -> None:
        """Take back run time saved before a restart, for needs whose deadline is ahead."""
        for load in self.loads:
            if load.need_ms and load.name in saved:
                run_ms, deadline_ms = saved[load.name]
                if now_ms < deadline_ms <= now_ms + 2 * 86_400_000 and run_ms >= 0:
                    state = self.states[load.name]
                    state.run_ms, state.deadline_ms = run_ms, deadline_ms

    # -- the decision ----------------------------------------------------------------
    def tick(self, now_ms: int) -> list[Decision]:
        if self.started_ms is None:
            self.started_ms = now_ms
        self._account(now_ms)
        stop = self._fail_safe(now_ms)
        if stop is not None:
            return [self._set(load, False, stop, None, now_ms) for load in self._on_loads()]
        assert self.latest is not None and self.latest.rate_msat_per_kwh is not None
        price = self.latest.rate_msat_per_kwh
        wants = {load.name: self._wants(load, price, now_ms) for load in self.loads}
        out: list[Decision] = []
        budget = self.max_power_w
        for load in sorted(self.loads, key=lambda spec: (spec.priority, spec.name)):
            state = self.states[load.name]
            want_on, why = wants[load.name]
            if want_on and budget is not None and load.power_w > budget:
                want_on, why = False, f"power budget used by higher priorities ({budget} W left)"
            held = self._held(load, state, now_ms)
            if want_on != state.on and held:
                want_on = state.on
            if want_on and budget is not None:
                budget -= load.power_w
            if want_on != state.on:
                out.append(self._set(load, want_on, why, price, now_ms))
        return out

    def fail_safe(self, now_ms: int) -> str | None:
        """Why every load is held off now; None while the price may be followed."""
        return self._fail_safe(now_ms)

    def _fail_safe(self, now_ms: int) -> str | None:
        if self.heard_ms is not None and now_ms < self.heard_ms:
            # the wall clock went back: count the silence from now, so the fail-safe is
            # late by at most one silence time instead of blind until the clock catches up
            self.heard_ms = now_ms
        if self.latest is None or self.heard_ms is None:
            waited = now_ms - (self.started_ms or now_ms)
            return f"no rate heard yet ({waited / 1000:.0f} s)"
        silent = now_ms - self.heard_ms
        if silent > self.silence_ms:
            return f"fail-safe: the feed has been silent for {silent / 1000:.1f} s"
        if self.latest.rate_msat_per_kwh is None:
            return f"no agreed price (session {self.latest.session_state})"
        if self.latest.session_state not in BUYING_STATES:
            return f"the buyer is not buying (session {self.latest.session_state})"
        return None

    def _wants(self, load: LoadSpec, price: int, now_ms: int) -> tuple[bool, str]:
        state = self.states[load.name]
        if load.need_ms and state.deadline_ms is not None:
            left = load.need_ms - state.run_ms
            if left > 0:
                assert self.latest is not None
                unseen = Fraction(
                    load.off_above
                    if load.off_above is not None
                    else max([price, *(r for _, r in self.latest.forecast)])
                )
                points = list(self.latest.forecast)
                if not points or points[0][0] > now_ms:  # the price now starts the forecast
                    points.insert(0, (now_ms, price))
                if run_now(points, now_ms, state.deadline_ms, left, self.slot_ms, unseen):
                    return True, f"cheapest time for the daily need ({left // 60_000} min left)"
        if load.on_below is None or load.off_above is None:
            return False, "need met or not due now"
        if price <= load.on_below:
            return True, f"price at or below {load.on_below}"
        if price > load.off_above:
            return False, f"price above {load.off_above}"
        return state.on, "within the hysteresis band"

    def _held(self, load: LoadSpec, state: LoadState, now_ms: int) -> bool:
        """Whether a minimum on or off time forbids switching now."""
        if state.changed_ms is None:
            return False
        rest = load.min_on_ms if state.on else load.min_off_ms
        return now_ms - state.changed_ms < rest

    def _set(
        self, load: LoadSpec, on: bool, reason: str, price: int | None, now_ms: int
    ) -> Decision:
        state = self.states[load.name]
        state.on, state.changed_ms = on, now_ms
        return Decision(load.name, on, reason, price, now_ms)

    def _on_loads(self) -> list[LoadSpec]:
        return [load for load in self.loads if self.states[load.name].on]

    def _account(self, now_ms: int) -> None:
        """Count run time toward each need and roll need periods at their deadlines."""
        elapsed = 0 if self.last_tick_ms is None else max(0, now_ms - self.last_tick_ms)
        self.last_tick_ms = now_ms
        for load in self.loads:
            if not load.need_ms:
                continue
            state = self.states[load.name]
            if state.on:
                state.run_ms += elapsed
            if state.deadline_ms is None or now_ms >= state.deadline_ms:
                state.deadline_ms = next_deadline(now_ms, load.need_by_minute, self.zone)
                state.run_ms = 0


def next_deadline(now_ms: int, minute_of_day: int, zone: str) -> int:
    """The first local ``minute_of_day`` (1440: midnight) after ``now_ms``, in ms."""
    tz = ZoneInfo(zone)
    local = datetime.fromtimestamp(now_ms / 1000, tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for days in range(3):
        day = (midnight + timedelta(days=days)).replace(tzinfo=None)
        candidate = (day + timedelta(minutes=minute_of_day)).replace(tzinfo=tz)
        at = int(candidate.timestamp() * 1000)
        if at > now_ms:
            return at
    raise AssertionError("unreachable: a deadline falls within two days")
