"""Simulated Modbus buses on real ptys for the hardware integration tier: the fixtures in
its conftest start them through :class:`Buses`, which stops each at teardown and fails
the test if a simulated slave failed while serving."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec

from gridnode.hardware.sim.serve import SimulatedBus

P = ParamSpec("P")

#: What the ``sim_bus`` and ``second_bus`` fixtures give a test: ``build`` or
#: ``attach_bus`` of :mod:`gridnode.hardware.sim.serve`, whose bus is started.
BusFactory = Callable[..., SimulatedBus]


class Buses:
    def __init__(self) -> None:
        self.started: list[SimulatedBus] = []

    def starting(self, make: Callable[P, SimulatedBus]) -> Callable[P, SimulatedBus]:
        """``make``, with each bus it makes started (and stopped at :meth:`stop_all`)."""

        def start(*args: P.args, **kwargs: P.kwargs) -> SimulatedBus:
            sim = make(*args, **kwargs)
            sim.slave.start()
            self.started.append(sim)
            return sim

        return start

    def stop_all(self) -> None:
        for sim in self.started:
            sim.slave.stop()
        failures = [f for sim in self.started for f in sim.slave.device_failures]
        assert not failures, f"the simulated slave failed while serving: {failures}"
