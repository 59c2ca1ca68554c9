"""Current-transformer meters: a profile's CT ratio multiplies current, power and energy
exactly (never voltage or frequency), and a three-phase CT meter (the SDM630MCT) is read
per phase with its neutral."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

import pytest

from gridnode.hardware.codec import Request, decode_registers_response, float32_to_registers
from gridnode.hardware.errors import ProfileError
from gridnode.hardware.profile import (
    Profile,
    Quantity,
    decode_blocks,
    decode_register,
    load_profile,
)
from gridnode.hardware.sample import build_sample
from gridnode.hardware.sim.circuit import Circuit, SimClock, SimMeter
from gridnode.hardware.sim.loads import ConstantLoad
from gridnode.hardware.sim.slave import MeterDevice

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _read(
    device: MeterDevice, as_profile: Profile | None = None
) -> dict[tuple[Quantity, int | None], int]:
    """Every register the device serves, decoded with its profile (or ``as_profile``)."""
    answers = {}
    for block in device.profile.blocks():
        request = Request(1, block.function, block.address, block.count)
        answers[block] = decode_registers_response(device.handle(request), request)
    return decode_blocks(as_profile or device.profile, answers)


def _three_phase(watts: tuple[float, float, float]) -> Circuit:
    loads = [ConstantLoad(w, phase=n) for n, w in enumerate(watts, start=1)]
    circuit = Circuit(loads=loads, phases=3, clock=SimClock(manual=True))
    circuit.set_relay(True)
    return circuit


def test_the_sdm630mct_profile_is_the_sdm630_map_with_a_ct_ratio() -> None:
    mct, direct = load_profile("sdm630mct"), load_profile("sdm630")
    assert [(r.quantity, r.phase, r.address) for r in mct.registers] == [
        (r.quantity, r.phase, r.address) for r in direct.registers
    ]
    assert (mct.ct_primary_a, mct.ct_secondary_a) == (5, 5)  # set per installation
    assert mct.plausible_current_ma == 12_000  # twice 1.2 x 5 A at its terminals
    installed = mct.with_ct(200, 5)
    assert installed.ct_ratio == 40
    assert installed.plausible_current_ma == 480_000
    with pytest.raises(ProfileError, match="positive amperes"):
        mct.with_ct(0, 5)


def test_a_ct_ratio_scales_current_power_and_energy_but_not_voltage() -> None:
    """A 200/5 A CT meter: the simulated meter reports what its terminals see (the
    primary values over 40); the driver's decoding gives the primary values back."""
    circuit = _three_phase((9_200.0, 4_600.0, 0.0))  # 40 A, 20 A, 0 A at 230 V
    circuit.clock.advance(3_600)  # an hour: 9.2 kWh, 4.6 kWh, 0
    profile = load_profile("sdm630mct").with_ct(200, 5)
    device = MeterDevice(SimMeter(circuit), profile)
    raw, values = _read(device, load_profile("sdm630mct")), _read(device)
    assert raw[(Quantity.CURRENT, 1)] == pytest.approx(40_000 / 40, abs=1)
    assert values[(Quantity.CURRENT, 1)] == pytest.approx(40_000, abs=1)
    assert values[(Quantity.CURRENT, 2)] == pytest.approx(20_000, abs=1)
    assert values[(Quantity.POWER, 1)] == pytest.approx(9_200_000, abs=40)
    assert values[(Quantity.IMPORT_ENERGY, 1)] == pytest.approx(9_200_000, abs=40)
    assert values[(Quantity.IMPORT_ENERGY, None)] == pytest.approx(13_800_000, abs=40)
    assert values[(Quantity.VOLTAGE, 1)] == raw[(Quantity.VOLTAGE, 1)] == 230_000
    assert values[(Quantity.FREQUENCY, None)] == 50_000
    # |Ia + Ib + Ic| of 40 A and 20 A at 120 degrees: sqrt(1600 + 400 - 800) = 34.64 A
    assert values[(Quantity.NEUTRAL_CURRENT, None)] == pytest.approx(34_641, abs=2)
    sample = build_sample("mct", T0, values, 3, profile.plausible_current_ma)
    assert [p.current_ma for p in sample.phases] == [
        values[(Quantity.CURRENT, n)] for n in (1, 2, 3)
    ]
    assert sample.neutral_current_ma == values[(Quantity.NEUTRAL_CURRENT, None)]


def test_per_phase_import_registers_add_up_to_the_total() -> None:
    circuit = _three_phase((3_000.0, 1_000.0, 500.0))
    circuit.clock.advance(90)
    values = _read(MeterDevice(SimMeter(circuit), load_profile("sdm630")))
    phases = [values[(Quantity.IMPORT_ENERGY, n)] for n in (1, 2, 3)]
    assert phases == [75_000, 25_000, 12_500]
    assert sum(phases) == values[(Quantity.IMPORT_ENERGY, None)] == 112_500


def test_exact_ratios_round_once_half_even() -> None:
    """A ratio that is not a whole number (100/3 A) scales the exact register value and
    rounds once, half-even, to the milli-unit: no float arithmetic on the way."""
    spec = next(r for r in load_profile("sdm630").registers if r.quantity is Quantity.CURRENT)
    assert decode_register(spec, list(float32_to_registers(1.5)), Fraction(100, 3)) == 50_000
    assert decode_register(spec, list(float32_to_registers(0.25)), Fraction(1, 500)) == 0
    assert decode_register(spec, list(float32_to_registers(0.75)), Fraction(1, 500)) == 2
