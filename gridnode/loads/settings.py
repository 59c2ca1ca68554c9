"""The load agent's typed settings (loads.toml), read by :mod:`gridnode.config.loads`.

The reading, with every mistake one sentence (exit code 2), lives with the node's in the
one configuration package; this module holds only the values the agent runs on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gridnode.hardware.config import BusConfig, RelayConfig
from gridnode.loads.decide import LoadSpec
from gridnode.ratefeed.subscriber import CurveClient

#: The feed re-sends at least every 5 s: a shorter silence would trip on a healthy feed.
MIN_SILENCE_S = 6


@dataclass(frozen=True, slots=True)
class LoadEntry:
    """One switched load."""

    #: What the agent decides on: the price band, the daily need, the power.
    spec: LoadSpec
    #: None: a simulated relay (the demo, a dry run).
    relay: RelayConfig | None


@dataclass(frozen=True, slots=True)
class LoadsSettings:
    """The whole loads.toml."""

    #: The buyer's feed endpoint.
    endpoint: str
    #: Every load off when nothing was heard for this long.
    silence_ms: int
    #: CurveZMQ keys, when the buyer's feed uses them.
    curve: CurveClient | None
    #: The local zone of the daily needs' deadlines.
    zone: str
    #: Loads share this budget in priority order (None: no budget).
    max_power_w: int | None
    #: Planning slot length.
    slot_ms: int
    #: How often the agent decides.
    tick_ms: int
    #: The RS-485 bus, when a load is on a Modbus relay board.
    bus: BusConfig | None
    #: The loads, in the file's order.
    loads: tuple[LoadEntry, ...]
    #: Where run time toward the daily needs is kept across restarts (None: memory only).
    state_file: Path | None = None
    #: Sentences about the file that should be fixed (its secret key readable by others);
    #: logged when the agent starts.
    warnings: tuple[str, ...] = ()
