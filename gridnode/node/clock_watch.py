"""A clock that stepped since the hello: readings dated ahead, or the wall clock moved
against the monotonic one.

The hello checks the two clocks at each connection (:mod:`gridnode.peer.handshake`). A
clock that steps afterwards (NTP stepping a clock that drifted, a `date -s`, a Pi whose
clock was set wrong at boot) shows in the readings: each side's OCMF readings carry its
own clock's time, and within a transaction they never go back (a reading is held at the
last one's time, :class:`gridnode.trade.readings.OwnSeries`). So a reading dated ahead
of this node's clock by more than the link's skew limit means:

- the peer's reading: the two clocks disagree (the peer's is ahead, or this one went
  back);
- this node's own reading: this node's clock went back, and its readings stand still
  at the time before the step.

And before every event the session handles (a control tick at least every 250 ms) the
wall clock is held against the monotonic one, which never steps: a step beyond the limit
is this node's clock moving, whether or not the peer's moved with it. The meter samples
that come after it are not the session's: its End is signed from the samples before.

Either way the session's signed times no longer say when its energy flowed, and nobody
could compare the two meters at one instant any more: the session ends. For the peer's
reading or a step of its own clock, the link is dropped too, so the next hello holds
trading until the clocks agree again; the next session's series begins at the clock's
time as it is then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class ClockWatch:
    """Watches one session's readings, own and the peer's, and its wall clock; trips once."""

    #: the link's clock skew limit (ms)
    limit_ms: int
    #: what the partner does when the clocks may disagree: drop the link, with why
    disagree: Callable[[str], None]
    tripped: bool = False
    #: the wall clock less the monotonic one when the last event was handled (ms)
    offset_ms: int | None = None

    def stepped(self, now_ms: int, monotonic_s: float) -> str | None:
        """Why the session ends, the first time this node's wall clock stepped since
        the last event by more than the limit against its monotonic clock (which never
        steps); None otherwise. A step of every node at once shows in no reading's date
        against the other's, and both series would go on an hour off or stand still."""
        offset = now_ms - round(monotonic_s * 1000)
        last, self.offset_ms = self.offset_ms, offset
        if self.tripped or last is None or abs(offset - last) <= self.limit_ms:
            return None
        self.tripped = True
        step_ms = offset - last
        way = "forward" if step_ms > 0 else "back"
        return (
            f"this node's clock stepped {way} {abs(step_ms) / 1000:,.1f} s: the session "
            "ends, and the next one starts from the clock as it is now, once a hello "
            "found the two clocks agreeing"
        )

    def check(self, dated_ms: int, now_ms: int, own: bool) -> str | None:
        """Why the session ends, the first time a reading is dated too far ahead; None
        while the readings' times are fine (and after the first time)."""
        ahead_ms = dated_ms - now_ms
        if self.tripped or ahead_ms <= self.limit_ms:
            return None
        self.tripped = True
        ahead = f"{ahead_ms / 1000:,.1f} s"
        if own:
            return (
                f"this node's clock went back {ahead}: its signed readings cannot go back "
                "within a session, so the session ends and the next one starts from the "
                "clock as it is now"
            )
        return (
            f"the clocks disagree: the peer's reading is dated {ahead} ahead of this "
            f"node's clock (the limit is {self.limit_ms / 1000:g} s); the session ends "
            "and trading waits until the clocks agree"
        )
