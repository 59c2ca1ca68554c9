"""Fixtures for the hardware integration tier: a simulated bus on a real pty."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from gridnode.hardware.sim.serve import SimulatedBus, build

BusFactory = Callable[..., SimulatedBus]


@pytest.fixture
def sim_bus() -> Iterator[BusFactory]:
    """Start simulated buses; each is stopped at teardown."""
    started: list[SimulatedBus] = []

    def make(*args: object, **kwargs: object) -> SimulatedBus:
        sim = build(*args, **kwargs)  # type: ignore[arg-type]
        sim.slave.start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.slave.stop()
    failures = [f for sim in started for f in sim.slave.device_failures]
    assert not failures, f"the simulated slave failed while serving: {failures}"


@pytest.fixture
def second_bus() -> Iterator[Callable[..., SimulatedBus]]:
    """Attach more buses to an existing circuit; each is stopped at teardown."""
    from gridnode.hardware.sim.serve import attach_bus

    started: list[SimulatedBus] = []

    def make(*args: object, **kwargs: object) -> SimulatedBus:
        sim = attach_bus(*args, **kwargs)  # type: ignore[arg-type]
        sim.slave.start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.slave.stop()
    failures = [f for sim in started for f in sim.slave.device_failures]
    assert not failures, f"the simulated slave failed while serving: {failures}"
