"""Polls one meter and turns its samples into the session's ``MeterSample`` events.

The energy register of an SDM meter is a float32 in kWh with a coarse step, too coarse
for seconds of exposure (REFERENCE.md, "Meter resolution"). The poller integrates active
power between samples (trapezoid rule, exact integer arithmetic in mW x ms) and passes
both the register and the integral; the session reconciles the two.

A failed read is logged and retried on the next poll; the session sees no fresh reading
and switches the relay off once its freshness limit passes (invariant 1).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from gridnode.errors import GridnodeError
from gridnode.hardware.meter import Meter
from gridnode.hardware.sample import MeterSample as HardwareSample
from gridnode.trade.events import MeterSample

log = logging.getLogger("gridnode.node")

_MW_MS_PER_MWH = 3_600_000  # 1 mWh = 1 mW for 3,600,000 ms


@dataclass
class Integrator:
    """The running integral of active power, exact in mW x ms."""

    total_mw_ms: int = 0
    last_power_mw: int | None = None
    last_at_ms: int | None = None

    def add(self, at_ms: int, power_mw: int) -> int:
        """Take a sample; returns the integral so far in whole mWh (rounded down)."""
        if (
            self.last_at_ms is not None
            and self.last_power_mw is not None
            and at_ms > self.last_at_ms
        ):
            dt = at_ms - self.last_at_ms
            self.total_mw_ms += (self.last_power_mw + power_mw) * dt // 2
        if self.last_at_ms is None or at_ms > self.last_at_ms:
            self.last_at_ms, self.last_power_mw = at_ms, max(power_mw, 0)
        return self.total_mw_ms // _MW_MS_PER_MWH


def to_event(sample: HardwareSample, integrated_mwh: int) -> MeterSample:
    at_ms = int(sample.timestamp.timestamp() * 1000)
    if sample.phases:
        voltages = tuple(p.voltage_mv for p in sample.phases)
        currents = tuple(p.current_ma for p in sample.phases)
    else:
        voltages, currents = (sample.voltage_mv,), (sample.current_ma,)
    return MeterSample(
        at_ms=at_ms,
        register_mwh=sample.import_energy_mwh,
        integrated_mwh=integrated_mwh,
        power_mw=sample.power_mw,
        voltages_mv=voltages,
        currents_ma=currents,
    )


class MeterPoller:
    """Reads ``meter`` every ``period_s`` and hands each sample to ``sink``."""

    def __init__(
        self,
        meter: Meter,
        sink: Callable[[MeterSample], None],
        *,
        period_s: float,
        name: str,
    ) -> None:
        self.meter = meter
        self.sink = sink
        self.period_s = period_s
        self.name = name
        self.integrator = Integrator()
        self.last: HardwareSample | None = None
        self.failures = 0
        self.last_error: str | None = None

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            try:
                sample = await asyncio.wait_for(self.meter.read(), self.period_s * 4 + 2)
            except (GridnodeError, TimeoutError) as exc:
                self.failures += 1
                self.last_error = str(exc) or "no answer in time"
                log.warning("meter %s: %s", self.name, self.last_error)
            else:
                self.last = sample
                self.last_error = None
                event = to_event(sample, 0)
                integrated = self.integrator.add(event.at_ms, sample.power_mw)
                self.sink(to_event(sample, integrated))
            await asyncio.sleep(max(0.0, self.period_s - (loop.time() - started)))
