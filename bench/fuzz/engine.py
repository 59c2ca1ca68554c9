"""Running a target over inputs and tallying what came out.

:func:`check_one` runs one input under a CPU-time bound and files the outcome: ``ok``, a
documented typed error (by its class name), or a crash (any other exception, a broken
invariant, or an input that ran past the bound: a hang). :class:`Tally` keeps the
counts, the slowest input, the first few crashing inputs of each type (for regression
tests) and the process's peak resident memory. :func:`run_builtin` is the built-in
engine: seeded mutations of the target's seeds (:mod:`bench.fuzz.mutate`) and random
bytes.
"""

from __future__ import annotations

import contextlib
import random
import resource
import signal
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from bench.fuzz.mutate import RandomChoices, mutate_bytes, mutate_json_text
from bench.fuzz.targets import Target

#: Crashing inputs kept per exception type (hex, cut to this many bytes).
EXAMPLES_KEPT, EXAMPLE_BYTES = 3, 4096


class InputTimeout(BaseException):
    """One input used more CPU time than the bound: treated as a hang."""


@dataclass
class Tally:
    target: str
    engine: str
    time_bound_s: float
    inputs: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    crashes: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    slowest_s: float = 0.0
    seconds: float = 0.0
    rss_start_mb: float = 0.0
    rss_peak_mb: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "engine": self.engine,
            "inputs": self.inputs,
            "seconds": round(self.seconds, 1),
            "inputs_per_second": round(self.inputs / self.seconds) if self.seconds else None,
            "outcomes": dict(self.outcomes.most_common()),
            "crashes": dict(self.crashes.most_common()),
            "crash_examples": self.examples,
            "slowest_input_ms": round(self.slowest_s * 1000, 2),
            "time_bound_ms": round(self.time_bound_s * 1000),
            "rss_start_mb": round(self.rss_start_mb, 1),
            "rss_peak_mb": round(self.rss_peak_mb, 1),
        }


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def cpu_alarm() -> Iterator[None]:
    """SIGVTALRM raises :class:`InputTimeout` while this is open (CPU time, so it does
    not clash with pytest-timeout's SIGALRM)."""

    def fire(_signum: int, _frame: FrameType | None) -> None:
        raise InputTimeout()

    previous = signal.signal(signal.SIGVTALRM, fire)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def check_one(target: Target, data: bytes, tally: Tally) -> None:
    """Run ``data`` through ``target`` (inside :func:`cpu_alarm`) and file the outcome."""
    tally.inputs += 1
    started = time.perf_counter()
    signal.setitimer(signal.ITIMER_VIRTUAL, tally.time_bound_s)
    crash: BaseException | None = None
    try:
        target.run(data)
        outcome = "ok"
    except target.allowed as exc:
        outcome = type(exc).__name__
    except InputTimeout as exc:
        outcome, crash = "hang", exc
    except Exception as exc:  # every other exception is what the run looks for
        outcome, crash = type(exc).__name__, exc
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
    elapsed = time.perf_counter() - started
    tally.slowest_s = max(tally.slowest_s, elapsed)
    if crash is None:
        tally.outcomes[outcome] += 1
        return
    tally.crashes[outcome] += 1
    kept = tally.examples.setdefault(outcome, [])
    if len(kept) < EXAMPLES_KEPT:
        where = traceback.extract_tb(crash.__traceback__)[-1] if crash.__traceback__ else None
        kept.append(
            {
                "input_hex": data[:EXAMPLE_BYTES].hex(),
                "input_bytes": str(len(data)),
                "error": str(crash)[:300],
                "raised_at": f"{where.filename}:{where.lineno}" if where else "",
            }
        )


def builtin_inputs(target: Target, count: int, seed: int) -> Iterator[bytes]:
    """The seeds once each, then mutations: 10 % random bytes, 30 % JSON tree mutations
    (text targets), the rest byte mutations of a seed."""
    rng = random.Random(seed)
    choices = RandomChoices(rng)
    seeds = target.seeds
    for made in range(count):
        if made < len(seeds):
            yield seeds[made]
            continue
        roll = rng.random()
        base = seeds[rng.randrange(len(seeds))]
        if roll < 0.1:
            yield rng.randbytes(rng.randrange(min(target.max_len, 512)))
        elif target.json_text and roll < 0.4:
            yield mutate_json_text(base, choices, target.max_len)
        else:
            other = seeds[rng.randrange(len(seeds))]
            yield mutate_bytes(base, other, choices, target.max_len)


def run_builtin(
    target: Target, count: int, seed: int, time_bound_s: float, max_seconds: float = 0
) -> Tally:
    """``count`` inputs through ``target`` with the built-in mutator (fewer when
    ``max_seconds``, if set, runs out first)."""
    tally = Tally(target.name, "builtin", time_bound_s, rss_start_mb=peak_rss_mb())
    started = time.perf_counter()
    with cpu_alarm():
        for data in builtin_inputs(target, count, seed):
            check_one(target, data, tally)
            if max_seconds and time.perf_counter() - started > max_seconds:
                break
    tally.seconds = time.perf_counter() - started
    tally.rss_peak_mb = peak_rss_mb()
    return tally
