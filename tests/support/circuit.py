"""A buyer's circuit with several feeds (one per seller), in virtual time.

Each feed is a :class:`~tests.support.wire.Wire` with its own relay (its seller's) and
its seller's meter on it; the buyer's one meter (:class:`CircuitMeter`) sits behind all
of them and reads the sum. The circuit checks its own invariant and logs it: **never two
feeds closed at once**; every moment it was broken is kept in ``overlaps`` (a test
asserts it stays empty).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from gridnode.clock import Clock
from gridnode.hardware.errors import NoAnswerError
from gridnode.hardware.sample import MeterSample
from tests.support.wire import Wire

log = logging.getLogger("tests.circuit")


@dataclass
class Circuit:
    clock: Clock
    load_mw: int = 2_000_000
    feeds: dict[str, Wire] = field(default_factory=dict)
    #: (monotonic s, the feeds closed) whenever more than one feed was closed
    overlaps: list[tuple[float, tuple[str, ...]]] = field(default_factory=list)
    #: (monotonic s, feed, closed) for every switch of any feed
    switches: list[tuple[float, str, bool]] = field(default_factory=list)

    def feed(self, name: str) -> Wire:
        wire = Wire(self.clock, load_mw=self.load_mw)
        self.feeds[name] = wire
        return wire

    def relay(self, name: str) -> FeedRelay:
        return FeedRelay(self, name)

    def closed(self) -> tuple[str, ...]:
        return tuple(name for name, wire in self.feeds.items() if wire.relay_on)

    def set_feed(self, name: str, on: bool) -> None:
        wire = self.feeds[name]
        if on != wire.relay_on:
            self.switches.append((self.clock.monotonic(), name, on))
        wire.set_relay(on)
        closed = self.closed()
        if len(closed) > 1:
            log.error("circuit: two feeds closed at once: %s", ", ".join(closed))
            self.overlaps.append((self.clock.monotonic(), closed))

    def meter(self, meter_id: str) -> CircuitMeter:
        return CircuitMeter(self, meter_id)

    def gaps_s(self) -> list[float]:
        """Each time without a closed feed between one feed opening and another closing
        (a switch of sellers), in seconds."""
        gaps: list[float] = []
        closed: set[str] = set()
        opened: tuple[float, str] | None = None
        for at, name, on in self.switches:
            if on:
                if opened is not None and opened[1] != name and not closed:
                    gaps.append(at - opened[0])
                opened = None
                closed.add(name)
            else:
                closed.discard(name)
                if not closed:
                    opened = (at, name)
        return gaps


@dataclass
class FeedRelay:
    """A relay driver (:class:`gridnode.hardware.relay.RelayDriver`) of one feed."""

    circuit: Circuit
    name: str

    async def switch_on(self) -> None:
        self.circuit.set_feed(self.name, True)

    async def switch_off(self) -> None:
        self.circuit.set_feed(self.name, False)

    async def is_on(self) -> bool:
        return self.circuit.feeds[self.name].relay_on

    def off_now(self) -> None:
        self.circuit.set_feed(self.name, False)


@dataclass
class CircuitMeter:
    """The buyer's meter behind every feed: the sum of their energy; the voltage, power
    and current of the feed closed (none: 0 V, no current)."""

    circuit: Circuit
    meter_id: str
    failing: bool = False

    async def read(self) -> MeterSample:
        if self.failing:
            raise NoAnswerError(f"meter {self.meter_id} did not answer (test)")
        circuit = self.circuit
        energy = sum(wire.energy_mwh() for wire in circuit.feeds.values())
        closed = [circuit.feeds[name] for name in circuit.closed()]
        voltage = closed[0].voltage_mv if closed else 0
        power = circuit.load_mw if closed else 0
        return MeterSample(
            meter_id=self.meter_id,
            timestamp=datetime.fromtimestamp(circuit.clock.now_ms() / 1000, tz=UTC),
            voltage_mv=voltage,
            current_ma=power * 1000 // voltage if voltage else 0,
            power_mw=power,
            frequency_mhz=50_000,
            import_energy_mwh=int(energy),
            export_energy_mwh=0,
        )
