"""Which register of the PV's production meter counts what the PV made (issue 22): the
export register by default (the PV on the meter's load side), the import register where
the installer wired the meter the other way round (``[pv] production_register``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from gridnode.battery.prosumer import ProductionRegister, PvReading
from gridnode.hardware.sample import MeterSample as HardwareSample
from gridnode.node.prosumer_role import ProsumerRole
from gridnode.trade.events import MeterSample


class _Desk:
    """The desk as the household role feeds it: it keeps each reading."""

    def __init__(self) -> None:
        self.readings: list[PvReading] = []
        self.surplus = None
        self.fault = None

    def reading(self, reading: PvReading) -> None:
        self.readings.append(reading)


def _poller(name: str, import_mwh: int, export_mwh: int) -> Any:
    sample = HardwareSample(name, datetime.now(UTC), 230_000, 0, 0, 50_000, import_mwh, export_mwh)
    return type("Poller", (), {"name": name, "sink": None, "last": sample, "last_error": None})()


def _made(register: ProductionRegister | None) -> int:
    """What the role hands the desk as the PV's production, from a PV meter whose
    import register says 7 Wh and export register 900 Wh."""
    desk = _Desk()
    buyer: Any = type("Buyer", (), {"poller": _poller("grid", 3_000, 400_000)})()
    ctx: Any = type("Ctx", (), {"changed": staticmethod(lambda: None)})()
    desk_in: Any = desk
    production = _poller("pv", 7_000, 900_000)
    chosen = {} if register is None else {"production_register": register}
    role = ProsumerRole(ctx, desk_in, buyer, production, period_ms=60_000, **chosen)
    role.own_reading(MeterSample(60_000, 3_000, 3_000, 0, (230_000,), (0,)))
    (reading,) = desk.readings
    assert (reading.export_mwh, reading.import_mwh) == (400_000, 3_000)  # the connection's
    return reading.production_mwh


@pytest.mark.parametrize(
    ("register", "made_mwh"),
    [(None, 900_000), (ProductionRegister.EXPORT, 900_000), (ProductionRegister.IMPORT, 7_000)],
)
def test_the_role_reads_the_configured_production_register(
    register: ProductionRegister | None, made_mwh: int
) -> None:
    assert _made(register) == made_mwh
