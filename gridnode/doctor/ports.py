"""What the doctor's checks look at, as ports a test fakes.

The real ones are in :mod:`gridnode.doctor.adapters`: the RS-485 bus and its relays
(:class:`DoctorHardware`), LND (:class:`LightningProbe`, which
:class:`~gridnode.wallet.lnd.LndWallet` is), a running node's status socket
(:class:`RunningNode`, read once), a TLS probe of the seller, the system clock and the
disk.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from gridnode.hardware.config import HardwareConfig, MeterConfig, RelayConfig
from gridnode.hardware.sample import MeterSample
from gridnode.ocmf import ClockStatus
from gridnode.wallet.port import ChannelInfo, NodeInfo


@dataclass(frozen=True, slots=True)
class MeterAnswer:
    """What a meter said when asked directly."""

    #: The serial number it reports; None when its profile maps none.
    serial_number: int | None
    sample: MeterSample


class DoctorHardware(Protocol):
    """The node's bus, opened by the doctor (only while the node is stopped: the port is
    exclusive). Raises :class:`~gridnode.hardware.errors.HardwareError`."""

    async def read_meter(self, meter: MeterConfig) -> MeterAnswer: ...

    async def switch(self, relay: RelayConfig, on: bool) -> None:
        """Switch a relay and read it back."""
        ...

    async def kick_watchdog(self) -> None:
        """One kick of the configured watchdog output."""
        ...

    def close(self) -> None:
        """Every relay off, the port released."""
        ...


#: Opens the bus of a ``[hardware]`` table; raises a HardwareError when it cannot.
OpenHardware = Callable[[HardwareConfig], DoctorHardware]


class LightningProbe(Protocol):
    """What the doctor asks of LND."""

    async def node_info(self) -> NodeInfo: ...

    async def channels(self) -> tuple[ChannelInfo, ...]: ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class RunningSession:
    """One partner of a running node, as its status socket shows it."""

    peer_name: str
    peer_fingerprint: str
    peer_connected: bool
    meter_id: str
    state: str
    relay_on: bool
    voltage_mv: int
    current_ma: int
    #: When the meter was last read (Unix ms); 0 when no reading is held.
    reading_at_ms: int


@dataclass(frozen=True, slots=True)
class RunningNode:
    """A running node's snapshot, read from its status socket."""

    role: str
    fingerprint: str
    at_ms: int
    lnd_reachable: bool
    sessions: tuple[RunningSession, ...]
    warnings: tuple[str, ...]


#: The fingerprint the seller at ``host:port`` presents (a TLS probe); raises OSError or
#: a GridnodeError when nothing answers.
ProbePeer = Callable[[str], Awaitable[str]]
#: Bytes used by the node's files and the free bytes under them.
MeasureDisk = Callable[[Sequence[Path]], tuple[int, int]]
#: The system clock's synchronisation.
ClockProbe = Callable[[], ClockStatus]
#: Waits so many seconds (the click test lets the meter see the switch).
Sleep = Callable[[float], Awaitable[None]]
