"""The drill's supply check maps the seller's stamps back to real time and prices energy
on the seller's clock (tests/support/drill/supply.py): found wrong by a drill of six
clock jumps, where credits stamped an hour ahead were taken as heard an hour later."""

from __future__ import annotations

from tests.support.drill.supply import ClockShifts

HOUR_MS = 3_600_000


def _jumped() -> ClockShifts:
    shifts = ClockShifts()
    shifts.set(1_000.0, HOUR_MS)  # every clock an hour ahead at real 1,000 s
    shifts.set(1_020.0, 0)  # and back at 1,020 s
    return shifts


def test_a_stamp_an_hour_ahead_is_mapped_to_when_it_was_made_not_an_hour_later() -> None:
    shifts = _jumped()
    read_at = 2_000.0  # the check reads the ledger then
    assert shifts.real_s(1_010_000 + HOUR_MS, read_at) == 1_010.0
    assert shifts.real_s(1_030_000, read_at) == 1_030.0
    assert shifts.real_s(995_000, read_at) == 995.0


def test_the_node_clock_at_a_real_time_carries_the_shift_then_in_force() -> None:
    shifts = _jumped()
    assert shifts.node_ms(995.0) == 995_000
    assert shifts.node_ms(1_010.0) == 1_010_000 + HOUR_MS
    assert shifts.node_ms(1_030.0) == 1_030_000
    assert ClockShifts().node_ms(12.5) == 12_500
