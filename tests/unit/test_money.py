"""The money type: integer msat, no floats, exact arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.money import Msat

amounts: st.SearchStrategy[int] = st.integers(min_value=-(10**15), max_value=10**15)


def test_from_sat_is_exact() -> None:
    assert Msat.from_sat(21) == Msat(21_000)
    assert Msat(1_500).sat_floor == 1
    assert Msat(1_500).sat_ceil == 2
    assert Msat(2_000).sat_ceil == 2


@pytest.mark.parametrize("bad", [1.0, True, "5", None])
def test_refuses_anything_but_int(bad: object) -> None:
    with pytest.raises(TypeError):
        Msat(bad)  # type: ignore[arg-type]  # deliberately not an int: refused at run time


def test_refuses_float_scaling() -> None:
    with pytest.raises(TypeError):
        Msat(10) * 1.5  # type: ignore[operator]  # deliberately a float: refused at run time
    with pytest.raises(TypeError):
        Msat(10) + 5  # type: ignore[operator]  # deliberately a bare int: refused at run time


@given(amounts, amounts)
def test_addition_and_subtraction_are_inverse(a: int, b: int) -> None:
    assert (Msat(a) + Msat(b)) - Msat(b) == Msat(a)


@given(amounts, st.integers(min_value=-1000, max_value=1000))
def test_scaling_matches_ints(a: int, k: int) -> None:
    assert (Msat(a) * k).msat == a * k
    assert (k * Msat(a)).msat == a * k


def test_display() -> None:
    assert str(Msat.from_sat(1234)) == "1,234 sat"
    assert str(Msat(1_234_567)) == "1,234.567 sat"
    assert str(Msat(-1_500)) == "-1.500 sat"


def test_ordering() -> None:
    assert Msat(1) < Msat(2)
    assert max(Msat(3), Msat(7)) == Msat(7)
