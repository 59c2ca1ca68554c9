"""Samples are integer milli-units; physics rejects what no installation shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from gridnode.hardware.errors import ImplausibleReadingError
from gridnode.hardware.profile import Quantity
from gridnode.hardware.sample import MeterSample, build_sample

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _values(**overrides: int) -> dict[tuple[Quantity, int | None], int]:
    base = {
        "voltage": 230_000,
        "current": 10_000,
        "power": 2_300_000,
        "frequency": 50_000,
        "import_energy": 1_234_567,
        "export_energy": 0,
    }
    base.update(overrides)
    return {(Quantity(k), None): v for k, v in base.items()}


def test_json_field_names_carry_units_and_energy_stays_exact() -> None:
    sample = build_sample("m1", T0, _values(), phases=1)
    doc = json.loads(json.dumps(sample.to_json()))
    assert doc["voltage_v"] == 230.0
    assert doc["current_a"] == 10.0
    assert doc["power_w"] == 2300.0
    assert doc["frequency_hz"] == 50.0
    assert doc["import_energy_wh"] == 1234.567
    assert doc["import_energy_mwh"] == 1_234_567
    assert doc["export_energy_wh"] == 0.0
    assert "1234.567 Wh" in sample.describe()


def test_three_phase_totals_are_derived_when_not_mapped() -> None:
    values: dict[tuple[Quantity, int | None], int] = {
        (Quantity.FREQUENCY, None): 50_000,
        (Quantity.IMPORT_ENERGY, None): 0,
        (Quantity.EXPORT_ENERGY, None): 0,
        (Quantity.POWER, None): 3_000_000,
    }
    for n, (v, a, p) in enumerate([(230_000, 1_000, 1_000_000)] * 3, start=1):
        values[(Quantity.VOLTAGE, n)] = v + n
        values[(Quantity.CURRENT, n)] = a
        values[(Quantity.POWER, n)] = p
    sample = build_sample("m3", T0, values, phases=3)
    assert sample.voltage_mv == 230_002  # mean of 230.001, 230.002, 230.003 V
    assert sample.current_ma == 3_000
    assert sample.power_mw == 3_000_000
    assert [ph.phase for ph in sample.phases] == [1, 2, 3]
    assert sample.to_json()["l2_voltage_v"] == 230.002


@pytest.mark.parametrize(
    "overrides",
    [
        {"voltage": 600_000},
        {"voltage": -1},
        {"frequency": 10_000},
        {"current": 500_000},
        {"import_energy": -5},
    ],
)
def test_values_outside_physics_are_refused(overrides: dict[str, int]) -> None:
    with pytest.raises(ImplausibleReadingError):
        build_sample("m1", T0, _values(**overrides), phases=1)


def test_zero_volts_with_any_frequency_is_a_supply_that_is_off() -> None:
    sample = build_sample("m1", T0, _values(voltage=0, frequency=0), phases=1)
    assert isinstance(sample, MeterSample)


def test_an_overcurrent_still_reads_but_a_wild_current_does_not() -> None:
    from gridnode.hardware.profile import load_profile

    limit = load_profile("sdm120").max_current_ma
    assert limit == 90_000  # twice the SDM120's 45 A Imax
    sample = build_sample("m1", T0, _values(current=60_000), phases=1, max_current_ma=limit)
    assert sample.current_ma == 60_000  # over Imax: a real overcurrent the node must see
    with pytest.raises(ImplausibleReadingError, match="outside 0 to 90"):
        build_sample("m1", T0, _values(current=150_000), phases=1, max_current_ma=limit)
