"""The terms' freshness limit against what the meter bus can deliver.

A seller whose agreed ``reading_max_age`` is shorter than the bus's poll round cuts the
power for "stale readings" every round: the node refuses to start with that, and says
which numbers to change.
"""

from __future__ import annotations

import dataclasses
import logging

import pytest

from gridnode.errors import UsageError
from gridnode.hardware.config import HardwareConfig, parse_hardware
from gridnode.node import wiring
from gridnode.trade.terms import DEMO_POLICY, SupplyPolicy
from gridnode.trade.units import DurationMs


def _bus(
    meters: int, *, model: str = "sdm120", baud: int = 9600, gap_ms: int = 100
) -> HardwareConfig:
    return parse_hardware(
        {
            "bus": {"port": "/dev/gridnode-rs485", "baud": baud, "gap_ms": gap_ms},
            "meters": [
                {"id": f"meter-{n}", "model": model, "address": n} for n in range(1, meters + 1)
            ],
        }
    )


def _policy(max_age_ms: int) -> SupplyPolicy:
    return dataclasses.replace(SupplyPolicy(), reading_max_age_ms=DurationMs(max_age_ms))


def test_oldest_reading_worked_by_hand_for_one_sdm120_at_9600_baud() -> None:
    # Four queries (registers 0, 6, 12: two each; 70: six): 4 x 8 request bytes and
    # 9 + 9 + 9 + 17 answer bytes = 76 characters of 10 bits at 9600 baud = 79.17 ms,
    # 4 x 3.5 characters of silence = 14.58 ms, 4 x 100 ms gap: a round of 493.75 ms.
    # The previous sample is one round plus its own read old when the next one lands.
    budget = wiring.hardware_budget(_bus(1))
    assert budget is not None
    assert budget.poll_period_s == pytest.approx(0.49375)
    assert wiring.oldest_reading_ms(budget) == 988


def test_a_limit_shorter_than_the_poll_round_refuses_to_start_naming_both_numbers() -> None:
    # Eight SDM120 at 9600 baud, 20 ms gaps: a 1.39 s round, so a reading gets 1.564 s
    # old; the demo policy's 1.5 s would cut the power every round.
    with pytest.raises(UsageError) as caught:
        wiring.require_fresh_readings(_bus(8, gap_ms=20), DEMO_POLICY)
    text = str(caught.value)
    assert "reading_max_age_s is 1.5 s" in text
    assert "up to 1.564 s old" in text
    assert "8 meter(s) at 9600 baud, 20 ms between queries" in text
    for fix in ("reading_max_age_s to at least 4.2 s", "baud", "fewer meters", "gap_ms"):
        assert fix in text
    assert caught.value.exit_code == 2  # bad configuration


def test_a_slow_three_phase_bus_refuses_a_tight_limit() -> None:
    # One SDM630 at 2400 baud: three queries with 100 ms gaps, a 0.72 s round.
    with pytest.raises(UsageError, match="at 2400 baud"):
        wiring.require_fresh_readings(_bus(1, model="sdm630", baud=2400), _policy(1_000))


def test_a_limit_with_no_room_for_a_missed_read_starts_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # 3 SDM120 at 9600 baud, 20 ms: readings get 0.7 s old, three rounds are 1.56 s.
    with caplog.at_level(logging.WARNING, logger="gridnode.node"):
        wiring.require_fresh_readings(_bus(3, gap_ms=20), DEMO_POLICY)
    assert "one missed read" in caplog.text
    assert "1.6 s (three poll rounds)" in caplog.text


def test_the_shipped_example_and_the_demo_start_quietly(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="gridnode.node"):
        wiring.require_fresh_readings(_bus(1), SupplyPolicy())  # examples/seller.toml: 5 s
        wiring.require_fresh_readings(_bus(1, gap_ms=20), DEMO_POLICY)  # gridnode demo
        wiring.require_fresh_readings(_bus(2, gap_ms=20), DEMO_POLICY)
    assert caplog.text == ""


def test_a_bus_without_meters_has_nothing_to_check() -> None:
    wiring.require_fresh_readings(_bus(0), _policy(1))
