"""The bus budget: how often each meter on an RS-485 bus can be read.

From the baud rate, the frames a sample needs (one query per block in the profile) and
the gap kept between queries, compute the time one full sample takes on the wire and
the poll period of the whole bus. The node derives its freshness limit and its invoice
step from ``poll_period_s``. A round too long for the terms needs more buses, each on its
own serial port and polled at the same time: :func:`buses_needed` says how many.

Timing of one query, Modbus over serial line V1.02, section 2.5.1.1: each frame is
preceded by a silence of 3.5 characters (1.75 ms fixed above 19200 baud), and each
character is start bit, 8 data bits, parity (if any) and stop bit(s). The gap between
queries includes the silence before a request (it is the longer of the two), so a gap
of 100 ms costs 100 ms per query, not 100 ms plus 3.5 characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from gridnode.hardware.codec import REQUEST_LENGTH, response_length
from gridnode.hardware.profile import Profile

T = TypeVar("T")


def char_time_s(baud: int, *, parity: bool = False, stopbits: int = 1) -> float:
    """Seconds one character takes on the wire."""
    return (1 + 8 + (1 if parity else 0) + stopbits) / baud


def silence_s(baud: int, *, parity: bool = False, stopbits: int = 1) -> float:
    """The inter-frame silence: 3.5 characters, or 1.75 ms above 19200 baud."""
    if baud > 19200:
        return 0.00175
    return 3.5 * char_time_s(baud, parity=parity, stopbits=stopbits)


def frame_bytes(profile: Profile) -> list[tuple[int, int]]:
    """(request bytes, answer bytes) of each query one sample of ``profile`` needs."""
    return [(REQUEST_LENGTH, response_length(b.function, b.count)) for b in profile.blocks()]


@dataclass(frozen=True, slots=True)
class MeterBudget:
    """One meter's share of the bus."""

    model: str
    queries: int
    bytes_on_wire: int
    wire_time_s: float
    sample_time_s: float


@dataclass(frozen=True, slots=True)
class BusBudget:
    """A bus's poll period and what follows from it."""

    baud: int
    gap_s: float
    meters: tuple[MeterBudget, ...]
    #: Time to read every meter on the bus once, gaps included.
    poll_period_s: float
    #: Full samples per second the line itself could carry with no gaps (all meters).
    line_rate_samples_per_s: float
    #: Samples per second with the gaps (all meters together).
    samples_per_s: float
    #: A reading older than this is stale: three poll periods.
    freshness_limit_s: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def meter_budget(
    profile: Profile, baud: int, gap_s: float, *, parity: bool = False, turnaround_s: float = 0.0
) -> MeterBudget:
    """Time one full sample of ``profile`` takes at ``baud`` with ``gap_s`` between queries.

    ``turnaround_s`` is the meter's own processing time before it answers, if known.
    """
    char = char_time_s(baud, parity=parity)
    silence = silence_s(baud, parity=parity)
    frames = frame_bytes(profile)
    nbytes = sum(req + ans for req, ans in frames)
    # Per query: request, silence, (turnaround), answer, then the quiet time before the
    # next request: the 3.5-character silence, or the gap when that is longer.
    on_wire = nbytes * char + (silence + turnaround_s) * len(frames)
    return MeterBudget(
        model=profile.model,
        queries=len(frames),
        bytes_on_wire=nbytes,
        wire_time_s=on_wire + silence * len(frames),
        sample_time_s=on_wire + max(gap_s, silence) * len(frames),
    )


def bus_budget(
    profiles: Sequence[Profile],
    baud: int,
    gap_s: float = 0.1,
    *,
    parity: bool = False,
    turnaround_s: float = 0.0,
) -> BusBudget:
    """The budget of a bus carrying one meter per profile in ``profiles``."""
    if not profiles:
        raise ValueError("a bus budget needs at least one meter")
    meters = tuple(
        meter_budget(p, baud, gap_s, parity=parity, turnaround_s=turnaround_s) for p in profiles
    )
    period = sum(m.sample_time_s for m in meters)
    wire = sum(m.wire_time_s for m in meters)
    return BusBudget(
        baud=baud,
        gap_s=gap_s,
        meters=meters,
        poll_period_s=period,
        line_rate_samples_per_s=len(meters) / wire,
        samples_per_s=len(meters) / period,
        freshness_limit_s=3 * period,
    )


def spread(items: Sequence[T], buses: int) -> list[list[T]]:
    """``items`` dealt over ``buses`` buses in turn (meter 1 on bus 1, meter 2 on bus 2,
    ...): the rounds differ by one meter at most."""
    return [list(items[i::buses]) for i in range(min(buses, len(items)))]


def buses_needed(
    profiles: Sequence[Profile],
    baud: int,
    gap_s: float,
    round_s: float,
    *,
    parity: bool = False,
    turnaround_s: float = 0.0,
) -> int | None:
    """The fewest buses (one serial port each, polled at once) that read every meter of
    ``profiles`` within ``round_s``, the meters dealt over them by :func:`spread`; None
    when one meter alone takes longer (a faster baud or a shorter gap is needed)."""
    for count in range(1, len(profiles) + 1):
        slowest = max(
            bus_budget(group, baud, gap_s, parity=parity, turnaround_s=turnaround_s).poll_period_s
            for group in spread(profiles, count)
        )
        if slowest <= round_s:
            return count
    return None
