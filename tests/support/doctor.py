"""Fakes of the doctor's ports: a circuit whose relay, meter and watchdog behave like
the installation's (or are miswired on purpose), LND with its channels, and the rest.

Time is the fake's own: :meth:`FakeHardware.sleep` advances it, so the click-test and
the watchdog's drop run without waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from gridnode.config.settings import AnySettings
from gridnode.doctor.ports import MeterAnswer, RunningNode, RunningSession
from gridnode.doctor.run import DoctorPorts
from gridnode.hardware.config import HardwareConfig, MeterConfig, RelayConfig
from gridnode.hardware.errors import MeterUnreachableError, NoAnswerError
from gridnode.hardware.sample import MeterSample
from gridnode.money import Msat
from gridnode.ocmf import ClockStatus
from gridnode.wallet.port import ChannelInfo, NodeInfo, WalletUnreachableError
from tests.support.macaroons import bake_for

BUYER_NODE = "03" + "bb" * 32
SELLER_NODE = "02" + "aa" * 32


@dataclass
class FakeHardware:
    """One circuit per relay; the meter reads the load's current while its relay is on."""

    serial_number: int | None = 12345678
    voltage_mv: int = 230_000
    frequency_mhz: int = 50_000
    load_ma: int = 10_000
    #: The relay switches something else: the meter sees the load whatever the relay does.
    miswired: bool = False
    #: Seconds without a kick before the watchdog drops the relays; None: not wired.
    watchdog_timeout_s: float | None = 3.0
    silent_meters: set[str] = field(default_factory=set)
    now_s: float = 0.0
    last_kick_s: float = 0.0
    relays: dict[RelayConfig, bool] = field(default_factory=dict)
    switches: list[tuple[RelayConfig, bool]] = field(default_factory=list)
    kicks: int = 0
    closed: bool = False

    def opener(self, config: HardwareConfig) -> FakeHardware:
        return self

    def _expire(self) -> None:
        timeout = self.watchdog_timeout_s
        if timeout is not None and self.now_s - self.last_kick_s > timeout:
            self.relays = dict.fromkeys(self.relays, False)

    async def read_meter(self, meter: MeterConfig) -> MeterAnswer:
        if meter.id in self.silent_meters:
            raise NoAnswerError(f"No answer from slave {meter.address} within 0.5 s.")
        self._expire()
        flowing = self.miswired or any(self.relays.values())
        current = self.load_ma if flowing else 0
        sample = MeterSample(
            meter_id=meter.id,
            timestamp=datetime(2026, 11, 5, tzinfo=UTC),
            voltage_mv=self.voltage_mv,
            current_ma=current,
            power_mw=current * self.voltage_mv // 1000,
            frequency_mhz=self.frequency_mhz,
            import_energy_mwh=1_000_000,
            export_energy_mwh=0,
        )
        return MeterAnswer(self.serial_number, sample)

    async def switch(self, relay: RelayConfig, on: bool) -> None:
        self._expire()
        self.relays[relay] = on
        self.switches.append((relay, on))

    async def kick_watchdog(self) -> None:
        self._expire()
        self.last_kick_s = self.now_s
        self.kicks += 1

    def close(self) -> None:
        self.relays = dict.fromkeys(self.relays, False)
        self.closed = True

    async def sleep(self, seconds: float) -> None:
        self.now_s += seconds


def channel(node: str, **changes: object) -> ChannelInfo:
    """An active direct channel with room both ways and 1 msat minimum HTLCs."""
    base = ChannelInfo(
        remote_pubkey=node,
        active=True,
        capacity=Msat.from_sat(1_000_000),
        local=Msat.from_sat(500_000),
        remote=Msat.from_sat(500_000),
        local_min_htlc=Msat(1),
        remote_min_htlc=Msat(1),
        local_reserve=Msat.from_sat(10_000),
        remote_reserve=Msat.from_sat(10_000),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@dataclass
class FakeLightning:
    channel_list: tuple[ChannelInfo, ...] = ()
    synced: bool = True
    reachable: bool = True
    closed: bool = False

    async def node_info(self) -> NodeInfo:
        if not self.reachable:
            raise WalletUnreachableError("LND at 127.0.0.1:10009 is not reachable.")
        return NodeInfo(SELLER_NODE, "alice", "0.19.0-beta commit=x", 800, self.synced, True, 1)

    async def channels(self) -> tuple[ChannelInfo, ...]:
        return self.channel_list

    async def close(self) -> None:
        self.closed = True


@dataclass
class FakeDisk:
    free_bytes: int = 100_000_000_000
    used_bytes: int = 5_000_000
    asked: list[Path] = field(default_factory=list)

    def __call__(self, paths: Sequence[Path]) -> tuple[int, int]:
        self.asked += paths
        return self.used_bytes, self.free_bytes


def running(sessions: Sequence[RunningSession], at_ms: int = 1_000_000) -> RunningNode:
    return RunningNode("seller", "f" * 64, at_ms, True, tuple(sessions), ())


def session(fingerprint: str, meter_id: str = "tenant-1", **changes: object) -> RunningSession:
    base = RunningSession(
        peer_name="tenant-1",
        peer_fingerprint=fingerprint,
        peer_connected=True,
        meter_id=meter_id,
        state="delivering",
        relay_on=True,
        voltage_mv=231_000,
        current_ma=9_000,
        reading_at_ms=999_000,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def ports(
    settings: AnySettings,
    *,
    hardware: FakeHardware | None = None,
    lightning: FakeLightning | None = None,
    node: RunningNode | None = None,
    clock: ClockStatus = ClockStatus.SYNCHRONIZED,
    disk: FakeDisk | None = None,
    presented: str | None = None,
    macaroon: bytes | None = None,
) -> DoctorPorts:
    """The doctor's ports for ``settings``, healthy unless told otherwise."""
    hw = hardware or FakeHardware()
    wallet = lightning or FakeLightning((channel(BUYER_NODE),))

    async def probe(address: str) -> str:
        if presented is None:
            raise MeterUnreachableError("unused")  # never a seller's
        if presented == "":
            raise ConnectionRefusedError(111, "Connection refused")
        return presented

    return DoctorPorts(
        open_hardware=hw.opener,
        lightning=lambda: wallet,
        macaroon=lambda: macaroon if macaroon is not None else bake_for(settings.role),
        running=node,
        probe_peer=probe,
        clock=lambda: clock,
        measure=disk or FakeDisk(),
        sleep=hw.sleep,
    )
