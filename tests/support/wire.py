"""One supply wire in virtual time: a relay, a load, and the meters on both ends.

For unit tests of the node runtime. Energy flows only while the seller's relay is on;
every meter on the wire reads the same energy, times its own gain (a ``gain`` of 1.05 is
a meter reading 5 % high), stamped with the node's clock (virtual in the unit tier).
Meters sit on the load side of the relay (an auxiliary-powered meter there,
hardware/deploy/WIRING.md): 0 V while it is open. The voltage can be set (a sag) and
the meter can be made to fail (a bus fault). With ``phases=3`` the load splits over
three phases by ``split`` and each phase has its own voltage (``phase_voltages_mv``); a
meter powered from the wire itself (``self_powered``, like an SDM meter on the load
side) does not answer while the relay is open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction

from gridnode.clock import Clock
from gridnode.hardware.errors import MeterUnreachableError, NoAnswerError
from gridnode.hardware.sample import MeterSample, PhaseSample

#: mW x ms in one mWh.
MW_MS_PER_MWH = 3_600_000


@dataclass
class Wire:
    clock: Clock
    #: The load's power while the relay is on.
    load_mw: int = 2_000_000
    voltage_mv: int = 230_000
    relay_on: bool = False
    phases: int = 1
    #: Each phase's voltage (three phases); None: ``voltage_mv`` on every phase.
    phase_voltages_mv: list[int] | None = None
    #: How the load splits over the phases (weights, L1 first).
    split: tuple[int, ...] = (1, 1, 1)
    frequency_mhz: int = 50_000
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

    def meter(
        self, meter_id: str, *, gain: Fraction = Fraction(1), self_powered: bool = False
    ) -> WireMeter:
        return WireMeter(self, meter_id, gain, self_powered=self_powered)

    def relay(self) -> WireRelay:
        return WireRelay(self)


@dataclass
class WireMeter:
    """Satisfies :class:`gridnode.hardware.meter.Meter`."""

    wire: Wire
    meter_id: str
    gain: Fraction = Fraction(1)
    #: The meter does not answer (dark, or its bus cut).
    failing: bool = False
    #: The adapter's port fails (unplugged): an error other than silence.
    broken: bool = False
    reads: int = 0
    #: Powered from the wire it measures: dark (no answer) while the relay is open.
    self_powered: bool = False
    #: On the supply side of the relay (a seller's self-powered SDM, WIRING.md): it reads
    #: the supply's voltage, and no current, while the relay is open.
    supply_side: bool = False
    #: A stuck counter: the energy registers show this (mWh) while power goes on.
    stuck_at_mwh: int | None = None

    async def read(self) -> MeterSample:
        self.reads += 1
        wire = self.wire
        if self.broken:
            raise MeterUnreachableError(f"the port of meter {self.meter_id} failed (test)")
        if self.failing or (self.self_powered and not wire.relay_on):
            raise NoAnswerError(f"meter {self.meter_id} did not answer (test)")
        energy = int(wire.energy_mwh() * self.gain)
        if self.stuck_at_mwh is not None:
            energy = self.stuck_at_mwh
        on = wire.relay_on
        power = int(wire.load_mw * self.gain) if on else 0
        current = power * 1000 // wire.voltage_mv if on and wire.voltage_mv else 0
        seen = on or self.supply_side  # the voltage the meter's terminals see
        timestamp = datetime.fromtimestamp(wire.clock.now_ms() / 1000, tz=UTC)
        if wire.phases == 1:
            return MeterSample(
                meter_id=self.meter_id,
                timestamp=timestamp,
                voltage_mv=wire.voltage_mv if seen else 0,
                current_ma=current,
                power_mw=power,
                frequency_mhz=wire.frequency_mhz,
                import_energy_mwh=energy,
                export_energy_mwh=0,
            )
        volts = wire.phase_voltages_mv or [wire.voltage_mv] * wire.phases
        volts = volts if seen else [0] * wire.phases
        weights = sum(wire.split)
        phases = tuple(
            PhaseSample(
                phase=n + 1,
                voltage_mv=v,
                current_ma=power * w * 1000 // (weights * v) if on and v else 0,
                power_mw=power * w // weights,
                import_energy_mwh=energy * w // weights,
            )
            for n, (v, w) in enumerate(zip(volts, wire.split, strict=True))
        )
        return MeterSample(
            meter_id=self.meter_id,
            timestamp=timestamp,
            voltage_mv=sum(volts) // len(volts),
            current_ma=sum(p.current_ma for p in phases),
            power_mw=power,
            frequency_mhz=wire.frequency_mhz,
            import_energy_mwh=energy,
            export_energy_mwh=0,
            phases=phases,
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
