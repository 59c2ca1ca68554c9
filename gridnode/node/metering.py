"""Polls one meter and turns its samples into the session's ``MeterSample`` events.

The energy register of an SDM meter is a float32 in kWh with a coarse step, too coarse
for seconds of exposure (REFERENCE.md, "Meter resolution"). The poller adds active power
integrated between register steps (:class:`gridnode.hardware.counters.PowerIntegrator`,
trapezoids, reconciled to the register at each step) and passes both the register and
that fine estimate; the session bills by the fine one and checks it against the register.

A failed read is logged and retried on the next poll; the session sees no fresh reading
and switches the relay off once its freshness limit passes (invariant 1).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from gridnode.clock import SYSTEM_CLOCK, Clock, wait_for
from gridnode.errors import GridnodeError
from gridnode.hardware.counters import PowerIntegrator
from gridnode.hardware.errors import (
    CrcError,
    ImplausibleReadingError,
    MalformedAnswerError,
    MeterProtocolError,
    NoAnswerError,
)
from gridnode.hardware.meter import Meter
from gridnode.hardware.sample import MeterSample as HardwareSample
from gridnode.observe import NO_OBSERVER, MeterErrorKind, Observer
from gridnode.trade.events import MeterSample

log = logging.getLogger("gridnode.node")


def to_event(sample: HardwareSample, integrated_mwh: int) -> MeterSample:
    """The session's view of a sample: per phase where the meter has phases (and each
    phase's own import register where it has those too)."""
    at_ms = int(sample.timestamp.timestamp() * 1000)
    registers: tuple[int, ...] = ()
    if sample.phases:
        voltages = tuple(p.voltage_mv for p in sample.phases)
        currents = tuple(p.current_ma for p in sample.phases)
        each = [p.import_energy_mwh for p in sample.phases]
        registers = tuple(e for e in each if e is not None) if None not in each else ()
    else:
        voltages, currents = (sample.voltage_mv,), (sample.current_ma,)
    return MeterSample(
        at_ms=at_ms,
        register_mwh=sample.import_energy_mwh,
        integrated_mwh=integrated_mwh,
        power_mw=sample.power_mw,
        voltages_mv=voltages,
        currents_ma=currents,
        frequency_mhz=sample.frequency_mhz,
        neutral_ma=sample.neutral_current_ma,
        phase_registers_mwh=registers,
    )


#: The kind of each meter fault, most specific first (an operator acts on the kind).
_ERROR_KINDS: tuple[tuple[type[BaseException], MeterErrorKind], ...] = (
    (NoAnswerError, MeterErrorKind.NO_ANSWER),
    (CrcError, MeterErrorKind.CRC),
    (MalformedAnswerError, MeterErrorKind.MALFORMED),
    (MeterProtocolError, MeterErrorKind.PROTOCOL),
    (ImplausibleReadingError, MeterErrorKind.IMPLAUSIBLE),
    (TimeoutError, MeterErrorKind.TIMEOUT),
)


def error_kind(error: BaseException) -> MeterErrorKind:
    """What kind of meter fault ``error`` is, for the metrics."""
    for kind_of, kind in _ERROR_KINDS:
        if isinstance(error, kind_of):
            return kind
    return MeterErrorKind.OTHER


class MeterPoller:
    """Reads ``meter`` every ``period_s`` and hands each sample to ``sink``."""

    def __init__(
        self,
        meter: Meter,
        sink: Callable[[MeterSample], None],
        *,
        period_s: float,
        name: str,
        register_step_mwh: int = 10_000,
        clock: Clock = SYSTEM_CLOCK,
        observer: Observer = NO_OBSERVER,
    ) -> None:
        self.meter = meter
        self.observer = observer
        self.clock = clock
        self.sink = sink
        self.period_s = period_s
        self.name = name
        self.integrator = PowerIntegrator(register_step_mwh)
        self.last: HardwareSample | None = None
        self.failures = 0
        self.last_error: str | None = None
        #: Since when (the clock's monotonic seconds) the meter has not answered; None
        #: while it answers.
        self.silent_since: float | None = None
        #: The last failure was silence (no answer: a meter powered from the circuit it
        #: measures is dark while the supply is off), not a broken port or answer.
        self.dark = False

    async def run(self) -> None:
        clock = self.clock
        while True:
            started = clock.monotonic()
            try:
                sample = await wait_for(clock, self.meter.read(), self.period_s * 4 + 2)
            except (GridnodeError, TimeoutError) as exc:
                self.failures += 1
                self.last_error = str(exc) or "no answer in time"
                self.dark = isinstance(exc, NoAnswerError | TimeoutError)
                if self.silent_since is None:
                    self.silent_since = started
                log.warning("meter %s: %s", self.name, self.last_error)
                self.observer.meter_read_failed(self.name, error_kind(exc))
            else:
                self.last = sample
                self.last_error = None
                self.silent_since = None
                self.dark = False
                fine = self.integrator.feed(sample)
                self.sink(to_event(sample, fine.fine_mwh))
            await clock.sleep(self.period_s - (clock.monotonic() - started))
