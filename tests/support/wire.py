"""One supply wire in virtual time: a relay, a load, and the meters on both ends.

For unit tests of the node runtime. Energy flows only while the seller's relay is on;
every meter on the wire reads the same energy, times its own gain (a ``gain`` of 1.05 is
a meter reading 5 % high), stamped with the node's clock (virtual in the unit tier). The
voltage can be set (a sag) and the meter can be made to fail (a bus fault).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction

from gridnode.clock import Clock
from gridnode.hardware.errors import NoAnswerError
from gridnode.hardware.sample import MeterSample

#: mW x ms in one mWh.
MW_MS_PER_MWH = 3_600_000


@dataclass
class Wire:
    clock: Clock
    #: The load's power while the relay is on.
    load_mw: int = 2_000_000
    voltage_mv: int = 230_000
    relay_on: bool = False
    #: (monotonic s, on) for every change of the relay.
    relay_log: list[tuple[float, bool]] = field(default_factory=list)
    _energy_mwh: Fraction = Fraction(0)
    _at_s: float = 0.0

    def _advance(self) -> None:
        now = self.clock.monotonic()
        if self.relay_on:
            self._energy_mwh += (
                Fraction(self.load_mw) * Fraction(now - self._at_s) * 1000 / (MW_MS_PER_MWH)
            )
        self._at_s = now

    def set_relay(self, on: bool) -> None:
        self._advance()
        if on != self.relay_on:
            self.relay_log.append((self.clock.monotonic(), on))
        self.relay_on = on

    def energy_mwh(self) -> Fraction:
        self._advance()
        return self._energy_mwh

    def meter(self, meter_id: str, *, gain: Fraction = Fraction(1)) -> WireMeter:
        return WireMeter(self, meter_id, gain)

    def relay(self) -> WireRelay:
        return WireRelay(self)


@dataclass
class WireMeter:
    """Satisfies :class:`gridnode.hardware.meter.Meter`."""

    wire: Wire
    meter_id: str
    gain: Fraction = Fraction(1)
    failing: bool = False
    reads: int = 0

    async def read(self) -> MeterSample:
        self.reads += 1
        if self.failing:
            raise NoAnswerError(f"meter {self.meter_id} did not answer (test)")
        wire = self.wire
        energy = int(wire.energy_mwh() * self.gain)
        on = wire.relay_on
        power = int(wire.load_mw * self.gain) if on else 0
        current = power * 1000 // wire.voltage_mv if on and wire.voltage_mv else 0
        return MeterSample(
            meter_id=self.meter_id,
            timestamp=datetime.fromtimestamp(wire.clock.now_ms() / 1000, tz=UTC),
            voltage_mv=wire.voltage_mv,
            current_ma=current,
            power_mw=power,
            frequency_mhz=50_000,
            import_energy_mwh=energy,
            export_energy_mwh=0,
        )


@dataclass
class WireRelay:
    """A relay driver (:class:`gridnode.hardware.relay.RelayDriver`) that switches the wire."""

    wire: Wire

    async def switch_on(self) -> None:
        self.wire.set_relay(True)

    async def switch_off(self) -> None:
        self.wire.set_relay(False)

    async def is_on(self) -> bool:
        return self.wire.relay_on

    def off_now(self) -> None:
        self.wire.set_relay(False)
