"""A simulated circuit: a supply, loads, the seller's relay, and the meters on it.

Energy flows (and integrates) only while the relay is on. Every meter measures the same
circuit with its own error: a fixed gain (its accuracy class, drawn once, plus a bias to
play a miscalibrated or dishonest meter) and noise on the instantaneous values. Time is
simulated: :class:`SimClock` runs ``time_scale`` times faster than the wall clock, so the
demo can run a day in minutes; tests step it by hand.

The relay lives here, in the circuit's process, not in the seller's: when the seller
dies the relay stays as it was until the simulated watchdog, no longer kicked, drops it.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gridnode.hardware.sim.loads import Load

#: mW x ms in one mWh.
MW_MS_PER_MWH = 3_600_000


class SimClock:
    """Simulated seconds since start: wall time times ``time_scale``, or stepped by hand.

    ``monotonic`` is the wall clock it scales (a test passes one it steps)."""

    def __init__(
        self,
        time_scale: float = 1.0,
        *,
        manual: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.time_scale = time_scale
        self.manual = manual
        self._monotonic = monotonic
        self._origin = monotonic()
        self._manual_s = 0.0

    def now_s(self) -> float:
        if self.manual:
            return self._manual_s
        return (self._monotonic() - self._origin) * self.time_scale

    def advance(self, seconds: float) -> None:
        """Step a manual clock (tests)."""
        if not self.manual:
            raise RuntimeError("only a manual SimClock is stepped by hand")
        self._manual_s += seconds


#: A sag or swell: (start_s, end_s, factor) on every phase, or (start_s, end_s, factor,
#: phase) on one (1 to 3).
VoltageEvent = tuple[float, float, float] | tuple[float, float, float, int]


@dataclass
class Supply:
    """The grid side: nominal voltage with noise, and sags or swells at given times."""

    nominal_v: float = 230.0
    noise_v: float = 0.0
    frequency_hz: float = 50.0
    #: Between start and end the voltage (of every phase, or of the one named) is
    #: multiplied by factor.
    events: list[VoltageEvent] = field(default_factory=list)

    def voltage(self, t_s: float, rng: random.Random, phase: int = 1) -> float:
        factor = 1.0
        for event in self.events:
            start, end, f = event[0], event[1], event[2]
            if start <= t_s < end and (len(event) < 4 or event[-1] == phase):
                factor = f
        noise = rng.gauss(0.0, self.noise_v) if self.noise_v > 0 else 0.0
        return max(0.0, self.nominal_v * factor + noise)


class SimWatchdog:
    """An external watchdog: drops the relay if not kicked for ``timeout_s`` wall seconds
    (read from ``monotonic``; a test passes one it steps)."""

    def __init__(
        self, timeout_s: float | None, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.timeout_s = timeout_s
        self._monotonic = monotonic
        self._last_kick = monotonic()

    def kick(self) -> None:
        self._last_kick = self._monotonic()

    def expired(self) -> bool:
        return self.expired_for_s() > 0

    def expired_for_s(self) -> float:
        """How long ago (wall s) the watchdog expired; not positive while it has not."""
        if self.timeout_s is None:
            return -math.inf
        return self._monotonic() - self._last_kick - self.timeout_s


@dataclass(frozen=True, slots=True)
class TrueReading:
    """The circuit's own values at one moment (no meter error)."""

    t_s: float
    voltages_v: tuple[float, ...]
    currents_a: tuple[float, ...]
    powers_w: tuple[float, ...]
    frequency_hz: float
    import_mwh: int
    export_mwh: int
    relay_on: bool
    #: Energy imported on each phase (mWh), L1 first.
    phase_import_mwh: tuple[int, ...] = ()


class Circuit:
    """A supply, loads on one to three phases, one relay, energy counters in mWh."""

    def __init__(
        self,
        supply: Supply | None = None,
        loads: Sequence[Load] = (),
        *,
        phases: int = 1,
        clock: SimClock | None = None,
        watchdog_timeout_s: float | None = None,
        seed: int = 0,
    ) -> None:
        self.supply = supply or Supply()
        self.loads = list(loads)
        self.phases = phases
        self.clock = clock or SimClock()
        self.watchdog = SimWatchdog(watchdog_timeout_s)
        self.rng = random.Random(seed)
        self._lock = threading.RLock()
        self._relay_on = False
        self._t_s = self.clock.now_s()
        self._import_mw_ms = 0
        self._export_mw_ms = 0
        self._phase_import_mw_ms = [0] * phases
        #: The highest current each phase carried in any reading so far (A).
        self.peak_currents_a = [0.0] * phases
        #: Called with the new state after every switch (for a demo display).
        self.relay_listeners: list[Callable[[bool], None]] = []
        #: Called when the watchdog dropped the relay, with how long ago (wall s) it did:
        #: it drops at its timeout, whenever the circuit next looks.
        self.drop_listeners: list[Callable[[float], None]] = []

    # The relay: only the circuit's own process switches it; the seller asks over Modbus.
    @property
    def relay_on(self) -> bool:
        with self._lock:
            self._advance()
            return self._relay_on

    def set_relay(self, on: bool) -> None:
        with self._lock:
            self._advance()
            if on and self.watchdog.expired():
                self.watchdog.kick()  # a command is itself a sign of life
            self._relay_on = on
        for listener in self.relay_listeners:
            listener(on)

    def kick_watchdog(self) -> None:
        with self._lock:
            self._advance()
            self.watchdog.kick()

    def _net_powers_w(self, t_s: float) -> list[float]:
        per_phase = [0.0] * self.phases
        for load in self.loads:
            per_phase[(load.phase - 1) % self.phases] += load.power_w(t_s)
        return per_phase

    def _advance(self) -> None:
        """Integrate energy up to now (rectangles at the power of the interval's start);
        a relay the watchdog dropped carried energy only until the moment it dropped (the
        full drill counted the energy up to whenever the circuit looked next)."""
        now = self.clock.now_s()
        if self._relay_on and (ago_s := self.watchdog.expired_for_s()) > 0:
            self._integrate(max(self._t_s, now - ago_s * self.clock.time_scale))
            self._relay_on = False
            for listener in self.drop_listeners:
                listener(ago_s)
        self._integrate(now)

    def _integrate(self, now: float) -> None:
        if now <= self._t_s:
            return
        if self._relay_on:
            phase_mw = [round(p * 1000) for p in self._net_powers_w(self._t_s)]
            net_mw = sum(phase_mw)
            dt_ms = round((now - self._t_s) * 1000)
            if net_mw >= 0:
                self._import_mw_ms += net_mw * dt_ms
            else:
                self._export_mw_ms += -net_mw * dt_ms
            for i, mw in enumerate(phase_mw):
                self._phase_import_mw_ms[i] += max(0, mw) * dt_ms
        self._t_s = now

    def reading(self) -> TrueReading:
        with self._lock:
            self._advance()
            t = self._t_s
            volts = tuple(self.supply.voltage(t, self.rng, n) for n in range(1, self.phases + 1))
            if self._relay_on:
                powers = tuple(self._net_powers_w(t))
            else:
                powers = tuple(0.0 for _ in range(self.phases))
            currents = tuple(
                abs(p) / v if v > 1.0 else 0.0 for p, v in zip(powers, volts, strict=True)
            )
            self.peak_currents_a = [
                max(a, b) for a, b in zip(self.peak_currents_a, currents, strict=True)
            ]
            return TrueReading(
                t_s=t,
                voltages_v=volts,
                currents_a=currents,
                powers_w=powers,
                frequency_hz=self.supply.frequency_hz,
                import_mwh=self._import_mw_ms // MW_MS_PER_MWH,
                export_mwh=self._export_mw_ms // MW_MS_PER_MWH,
                relay_on=self._relay_on,
                phase_import_mwh=tuple(e // MW_MS_PER_MWH for e in self._phase_import_mw_ms),
            )


@dataclass
class MeterError:
    """How one meter gets the circuit wrong.

    ``accuracy_class`` is in percent (class 1 = within 1 %): a fixed gain error is drawn
    once from that band. ``bias`` is an extra fixed gain (0.05 reads 5 % high).
    ``noise`` is the relative noise on instantaneous values.
    """

    accuracy_class: float = 0.0
    bias: float = 0.0
    noise: float = 0.0


class SimMeter:
    """One meter's view of a circuit: its error, its counters, a serial number.

    A meter on the load side of the relay (the default: the buyer's meter, and where
    the seller's meter belongs, deploy/WIRING.md) reads 0 V while the relay is open.
    """

    def __init__(
        self,
        circuit: Circuit,
        error: MeterError | None = None,
        *,
        serial_number: int = 1,
        seed: int = 1,
        load_side: bool = True,
    ) -> None:
        self.circuit = circuit
        self.load_side = load_side
        self.error = error or MeterError()
        self.serial_number = serial_number
        self._rng = random.Random(seed)
        drawn = self._rng.uniform(-1.0, 1.0) * self.error.accuracy_class / 100
        self.gain = 1.0 + drawn + self.error.bias
        self._import_offset_mwh = 0
        self._export_offset_mwh = 0
        self._phase_offsets_mwh = [0, 0, 0]
        #: a stuck counter: (until, on time.monotonic; import and export kWh it shows)
        self._stuck: tuple[float, float, float] | None = None

    def stick_counters(self, seconds: float) -> None:
        """A stuck counter: the energy registers keep showing their present value for
        ``seconds`` of wall time while voltage, current and power go on as measured."""
        now = self.values()
        self._stuck = (
            time.monotonic() + seconds,
            now[("import_energy", None)],
            now[("export_energy", None)],
        )

    def reset_counters(self) -> None:
        """What a counter reset on the meter's keypad does: every counter restarts at 0."""
        now = self.circuit.reading()
        self._import_offset_mwh = round(now.import_mwh * self.gain)
        self._export_offset_mwh = round(now.export_mwh * self.gain)
        for i, mwh in enumerate(now.phase_import_mwh):
            self._phase_offsets_mwh[i] = round(mwh * self.gain)

    def _noisy(self, value: float) -> float:
        if self.error.noise <= 0:
            return value
        return value * (1.0 + self._rng.gauss(0.0, self.error.noise))

    def values(self) -> dict[tuple[str, int | None], float]:
        """Values by (quantity, phase) in the profile's units (V, A, W, Hz, kWh)."""
        r = self.circuit.reading()
        out: dict[tuple[str, int | None], float] = {}
        for n in range(1, 4):  # a phase the circuit lacks reads 0 V, as on a real meter
            i = n - 1
            v = r.voltages_v[i] if i < len(r.voltages_v) else 0.0
            if self.load_side and not r.relay_on:
                v = 0.0
            a = r.currents_a[i] if i < len(r.currents_a) else 0.0
            p = r.powers_w[i] if i < len(r.powers_w) else 0.0
            out[("voltage", n)] = self._noisy(v)
            out[("current", n)] = max(0.0, self._noisy(a * self.gain))
            out[("power", n)] = self._noisy(p * self.gain)
        phases = range(1, len(r.voltages_v) + 1)
        out[("voltage", None)] = math.fsum(out[("voltage", n)] for n in phases) / len(phases)
        out[("current", None)] = math.fsum(out[("current", n)] for n in phases)
        out[("power", None)] = math.fsum(out[("power", n)] for n in phases)
        out[("frequency", None)] = r.frequency_hz
        out[("import_energy", None)] = (
            round(r.import_mwh * self.gain) - self._import_offset_mwh
        ) / 1e6
        out[("export_energy", None)] = (
            round(r.export_mwh * self.gain) - self._export_offset_mwh
        ) / 1e6
        for n in range(1, 4):
            i = n - 1
            mwh = r.phase_import_mwh[i] if i < len(r.phase_import_mwh) else 0
            out[("import_energy", n)] = (round(mwh * self.gain) - self._phase_offsets_mwh[i]) / 1e6
        # the neutral carries the phasor sum: three currents 120 degrees apart
        a, b, c = (out[("current", n)] for n in range(1, 4))
        out[("neutral_current", None)] = math.sqrt(
            max(0.0, a * a + b * b + c * c - a * b - b * c - c * a)
        )
        if self._stuck is not None:
            until, imported, exported = self._stuck
            if time.monotonic() < until:
                out[("import_energy", None)] = imported
                out[("export_energy", None)] = exported
            else:
                self._stuck = None
        return out
