"""Dual-metering tolerances against the meters' register step: a fixed part below one
step would report an honest seller for over-billing (docs/trade.md, "Metering"), so the
settings refuse it with a sentence naming both keys and the minimum."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from gridnode.config.limits import read_limits
from gridnode.config.reader import Problems, Table
from gridnode.config.trade import read_terms

STEP = 10_000  # an SDM120's 0.01 kWh


def example_table(role: str, key: str) -> dict[str, object]:
    text = resources.files("gridnode.config.examples").joinpath(f"{role}.toml").read_text()
    table = tomllib.loads(text)[key]
    assert isinstance(table, dict)
    return table


def limits_problems(step: int | None = STEP, **changes: object) -> list[str]:
    doc = {**example_table("buyer", "limits"), **changes}
    problems = Problems("buyer.toml")
    read_limits(Table(doc, "limits", problems), register_step_mwh=step)
    return problems.items


def terms_problems(step: int | None = STEP, **changes: object) -> list[str]:
    doc = {**example_table("seller", "terms"), **changes}
    problems = Problems("seller.toml")
    read_terms(Table(doc, "terms", problems), register_step_mwh=step)
    return problems.items


def test_the_example_tolerances_cover_one_register_step() -> None:
    assert limits_problems() == []
    assert terms_problems() == []


def test_a_buyer_own_tolerance_below_one_register_step_is_refused_naming_both_keys() -> None:
    (problem,) = limits_problems(own_tolerance_fixed_mwh=10)
    assert problem.startswith("limits.own_tolerance_fixed_mwh = 10 is below register_step_mwh")
    assert "set own_tolerance_fixed_mwh to at least 10000" in problem


def test_a_seller_tolerance_below_one_register_step_is_refused_naming_both_keys() -> None:
    (problem,) = terms_problems(tolerance_fixed_mwh=50)
    assert problem.startswith("terms.tolerance_fixed_mwh = 50 is below register_step_mwh = 10000")
    assert "at least 10000" in problem


@pytest.mark.parametrize("step", [1_000, 10_000])
def test_a_fixed_part_of_exactly_one_step_is_enough(step: int) -> None:
    assert limits_problems(step, own_tolerance_fixed_mwh=step) == []
    assert terms_problems(step, tolerance_fixed_mwh=step) == []


def test_a_finer_register_allows_a_smaller_fixed_part() -> None:
    assert limits_problems(100, own_tolerance_fixed_mwh=100) == []
    assert limits_problems(101, own_tolerance_fixed_mwh=100) != []


def test_without_a_register_step_the_fixed_part_is_not_checked() -> None:
    assert limits_problems(None, own_tolerance_fixed_mwh=10) == []
    assert terms_problems(None, tolerance_fixed_mwh=10) == []


def test_a_loosest_tolerance_tighter_than_the_buyers_own_is_refused() -> None:
    (problem,) = limits_problems(max_tolerance_fixed_mwh=5_000)
    assert "limits.max_tolerance (2 % + 5000 mWh) is tighter than" in problem
    assert "limits.own_tolerance (1 % + 10000 mWh)" in problem
    (problem,) = limits_problems(max_tolerance_percent="0.5")
    assert "every offer would be refused" in problem
