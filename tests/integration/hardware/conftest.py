"""Fixtures for the hardware integration tier: a simulated bus on a real pty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gridnode.hardware.sim.serve import attach_bus, build
from tests.support.sim_bus import Buses, BusFactory


@pytest.fixture
def sim_bus() -> Iterator[BusFactory]:
    """Start simulated buses (:func:`build`); each is stopped at teardown."""
    buses = Buses()
    yield buses.starting(build)
    buses.stop_all()


@pytest.fixture
def second_bus() -> Iterator[BusFactory]:
    """Attach more buses to an existing circuit (:func:`attach_bus`); each is stopped at
    teardown."""
    buses = Buses()
    yield buses.starting(attach_bus)
    buses.stop_all()
