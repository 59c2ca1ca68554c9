"""The drill's supply check maps the seller's stamps back to real time and prices energy
on the seller's clock (tests/support/drill/supply.py): found wrong by a drill of six
clock jumps, where credits stamped an hour ahead were taken as heard an hour later."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support.drill.supply import ClockShifts, _sessions

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


def test_stamps_written_in_order_after_a_jump_forward_are_placed_in_its_hour() -> None:
    """The full drill's session 144f2f6b: its switch-on, stamped an hour ahead during a
    jump forward, fitted the offset after the jump too once the run had gone on for an
    hour, and was taken as an hour later; the relay interval it opened went to the
    session before, whose credit did not cover it. In the ledger's own order, each stamp
    comes no earlier than the one before."""
    shifts = _jumped()
    read_at = 9_000.0  # the run went on long after the jump
    stamps = [990_000, 1_005_000 + HOUR_MS, 1_015_000 + HOUR_MS, 1_030_000]
    assert shifts.real_s(1_005_000 + HOUR_MS, read_at) == 1_005.0 + 3_600  # ambiguous alone
    assert shifts.real_times(stamps, read_at) == [990.0, 1_005.0, 1_015.0, 1_030.0]


def test_in_order_stamps_around_a_jump_back_are_placed_each_in_its_own_hour() -> None:
    shifts = ClockShifts()
    shifts.set(5_000.0, -HOUR_MS)  # every clock an hour behind from real 5,000 s
    # node 1,410 s fits real 1,410 s (before the jump) and real 5,010 s (after it)
    stamps = [1_400_000, 1_410_000, 4_990_000, 1_410_000]
    assert shifts.real_s(1_410_000, 9_000.0) == 5_010.0  # alone: the latest fit
    assert shifts.real_times(stamps, 9_000.0) == [1_400.0, 1_410.0, 4_990.0, 5_010.0]


def test_a_session_written_wholly_during_a_jump_is_placed_by_the_stamps_around_it(
    tmp_path: Path,
) -> None:
    """The full drill's c966d20d: a session opened, credited (a note carried in) and
    switched on while the seller's clock was an hour ahead, in a run that went on for
    hours. Its stamps alone fit both hours; the stamps written before and after it in
    the same tables place it in the hour it ran."""
    ledger = tmp_path / "ledger.sqlite"
    db = sqlite3.connect(ledger)
    db.executescript(
        """
        CREATE TABLE sessions (session_id TEXT PRIMARY KEY, peer_fingerprint TEXT,
            opened_at_ms INTEGER);
        CREATE TABLE journal (id INTEGER PRIMARY KEY, session_id TEXT, kind TEXT,
            at_ms INTEGER, amount_msat INTEGER);
        CREATE TABLE relay_switches (id INTEGER PRIMARY KEY, session_id TEXT,
            at_ms INTEGER, relay_on INTEGER);
        CREATE TABLE credit_notes (credit_msat INTEGER, state TEXT, carried_into TEXT);
        """
    )
    during = 1_005_000 + HOUR_MS  # the jump session's stamps: real 1,005 s
    db.executemany(
        "INSERT INTO sessions VALUES (?, 'b', ?)",
        [("before", 990_000), ("jumped", during), ("after", 1_030_000)],
    )
    db.executemany(
        "INSERT INTO journal (session_id, kind, at_ms, amount_msat) VALUES (?, ?, ?, ?)",
        [
            ("before", "payment_settled", 991_000, 400),
            ("jumped", "payment_settled", during + 2_000, 400),
            ("after", "payment_settled", 1_031_000, 400),
        ],
    )
    db.executemany(
        "INSERT INTO relay_switches (session_id, at_ms, relay_on) VALUES (?, ?, 1)",
        [("before", 991_500), ("jumped", during + 100), ("after", 1_031_500)],
    )
    db.execute("INSERT INTO credit_notes VALUES (700, 'carried', 'jumped')")
    db.commit()
    db.close()

    found = {s.session_id: s for s in _sessions(ledger, ["b"], _jumped(), until_s=9_000.0)}
    jumped = found["jumped"]
    assert jumped.switch_ons == [pytest.approx(1_005.1)]
    assert jumped.credit_times == pytest.approx([1_005.0, 1_007.0])  # its start, then paid
    assert jumped.credit_totals == [700, 1_100]
    assert found["after"].switch_ons == [pytest.approx(1_031.5)]
