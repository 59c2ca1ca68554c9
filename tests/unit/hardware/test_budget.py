"""The bus budget from baud, frames and gap (issue 7: ~1 s per SDM sample at 2400)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.hardware.budget import bus_budget, char_time_s, meter_budget
from gridnode.hardware.profile import load_profile

SDM120 = load_profile("sdm120")
SDM630 = load_profile("sdm630")


def test_sdm120_at_2400_baud_with_100_ms_gaps_takes_about_a_second() -> None:
    m = meter_budget(SDM120, 2400, 0.1)
    assert m.queries == 4
    # 4 requests of 8 bytes, answers of 9, 9, 9 and 17 bytes.
    assert m.bytes_on_wire == 4 * 8 + 9 * 3 + 17
    expected_wire = (76 + 4 * 2 * 3.5) * char_time_s(2400)
    assert m.wire_time_s == pytest.approx(expected_wire)
    assert m.sample_time_s == pytest.approx((76 + 4 * 3.5) * char_time_s(2400) + 4 * 0.1)
    assert 0.7 < m.sample_time_s < 1.1


def test_9600_baud_is_recommended_for_several_meters() -> None:
    slow = bus_budget([SDM120] * 4, 2400, 0.1)
    fast = bus_budget([SDM120] * 4, 9600, 0.1)
    assert fast.poll_period_s < slow.poll_period_s
    assert fast.line_rate_samples_per_s == pytest.approx(4 * slow.line_rate_samples_per_s)
    assert fast.freshness_limit_s == pytest.approx(3 * fast.poll_period_s)
    assert fast.to_json()["meters"][0]["model"] == "SDM120"


def test_above_19200_baud_the_silence_is_fixed() -> None:
    budget = meter_budget(SDM630, 38400, 0.0)
    assert budget.wire_time_s == pytest.approx(
        budget.bytes_on_wire * char_time_s(38400) + 2 * len(SDM630.blocks()) * 0.00175
    )


@given(st.sampled_from([1200, 2400, 4800, 9600, 19200]), st.floats(0, 0.5), st.integers(1, 8))
def test_the_poll_period_grows_with_meters_and_gap(baud: int, gap: float, meters: int) -> None:
    one = bus_budget([SDM120], baud, gap)
    many = bus_budget([SDM120] * meters, baud, gap)
    assert many.poll_period_s == pytest.approx(meters * one.poll_period_s)
    assert many.samples_per_s <= many.line_rate_samples_per_s


def test_an_empty_bus_has_no_budget() -> None:
    with pytest.raises(ValueError, match="at least one meter"):
        bus_budget([], 9600)
