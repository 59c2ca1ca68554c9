"""The terms' freshness limit against what the meter bus can deliver.

A seller whose agreed ``reading_max_age`` is shorter than the bus's poll round cuts the
power for "stale readings" every round: the configuration is refused at load with that,
saying which numbers to change.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from gridnode.config import checks
from gridnode.config.reader import ConfigError, Problems
from gridnode.config.settings import load_settings
from gridnode.hardware.config import BusConfig, HardwareConfig, MeterConfig, WatchdogConfig
from gridnode.trade.terms import DEMO_POLICY, SupplyPolicy
from gridnode.trade.units import DurationMs
from tests.support.node_config import SELLER, write


def _bus(
    meters: int, *, model: str = "sdm120", baud: int = 9600, gap_ms: int = 100
) -> HardwareConfig:
    return HardwareConfig(
        (BusConfig("/dev/gridnode-rs485", baud, gap_ms),),
        tuple(MeterConfig(f"meter-{n}", model, n) for n in range(1, meters + 1)),
        None,
        WatchdogConfig("none"),
    )


def fresh(config: HardwareConfig, policy: SupplyPolicy) -> list[str]:
    """The problems of the freshness check."""
    problems = Problems("seller.toml")
    checks.require_fresh_readings(config, policy, problems)
    return problems.items


def _policy(max_age_ms: int) -> SupplyPolicy:
    return dataclasses.replace(SupplyPolicy(), reading_max_age_ms=DurationMs(max_age_ms))


def test_oldest_reading_worked_by_hand_for_one_sdm120_at_9600_baud() -> None:
    # Four queries (registers 0, 6, 12: two each; 70: six): 4 x 8 request bytes and
    # 9 + 9 + 9 + 17 answer bytes = 76 characters of 10 bits at 9600 baud = 79.17 ms,
    # 4 x 3.5 characters of silence = 14.58 ms, 4 x 100 ms gap: a round of 493.75 ms.
    # The previous sample is one round plus its own read old when the next one lands.
    budget = checks.hardware_budget(_bus(1))
    assert budget is not None
    assert budget.poll_period_s == pytest.approx(0.49375)
    assert checks.oldest_reading_ms(budget) == 988


def test_a_limit_shorter_than_the_poll_round_refuses_to_start_naming_both_numbers() -> None:
    # Eight SDM120 at 9600 baud, 20 ms gaps: a 1.39 s round, so a reading gets 1.564 s
    # old; the demo policy's 1.5 s would cut the power every round.
    (text,) = fresh(_bus(8, gap_ms=20), DEMO_POLICY)
    assert "reading_max_age_s is 1.5 s" in text
    assert "up to 1.564 s old" in text
    assert "8 meter(s) at 9600 baud, 20 ms between queries" in text
    for fix in ("reading_max_age_s to at least 4.2 s", "baud", "fewer meters", "gap_ms"):
        assert fix in text


def test_a_slow_three_phase_bus_refuses_a_tight_limit() -> None:
    # One SDM630 at 2400 baud: three queries with 100 ms gaps, a 0.72 s round.
    (text,) = fresh(_bus(1, model="sdm630", baud=2400), _policy(1_000))
    assert "at 2400 baud" in text


def test_a_limit_with_no_room_for_a_missed_read_starts_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # 3 SDM120 at 9600 baud, 20 ms: readings get 0.7 s old, three rounds are 1.56 s.
    with caplog.at_level(logging.WARNING, logger="gridnode.config"):
        assert fresh(_bus(3, gap_ms=20), DEMO_POLICY) == []
    assert "one missed read" in caplog.text
    assert "1.6 s (three poll rounds)" in caplog.text


def test_the_shipped_example_and_the_demo_start_quietly(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="gridnode.config"):
        assert fresh(_bus(1), SupplyPolicy()) == []  # examples/seller.toml: 5 s
        assert fresh(_bus(1, gap_ms=20), DEMO_POLICY) == []  # gridnode demo
        assert fresh(_bus(2, gap_ms=20), DEMO_POLICY) == []
    assert caplog.text == ""


def test_a_bus_without_meters_has_nothing_to_check() -> None:
    assert fresh(_bus(0), _policy(1)) == []


def test_the_seller_is_refused_at_load_naming_the_keys_exit_code_2(tmp_path: Path) -> None:
    text = SELLER.replace("[terms]\n", "[terms.policy]\nreading_max_age_s = 0.5\n\n[terms]\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    (problem,) = caught.value.problems
    assert problem.startswith("The terms' reading_max_age_s is 0.5 s, but the RS-485 bus")
    assert "Raise [terms.policy] reading_max_age_s to at least" in problem
    assert caught.value.exit_code == 2


def test_a_tight_limit_is_a_warning_when_the_settings_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = SELLER.replace("[terms]\n", "[terms.policy]\nreading_max_age_s = 1.2\n\n[terms]\n")
    with caplog.at_level(logging.WARNING, logger="gridnode.config"):
        load_settings(write(tmp_path, text), env={})
    assert "one missed read" in caplog.text
