"""The ledger on a full disk: SQLite's own SQLITE_FULL, not a mock.

``PRAGMA max_page_count`` makes SQLite answer exactly as it does on a full disk (the
pager cannot grow the file: SQLITE_FULL, "database or disk is full"). The drills fill a
real (tmpfs) disk under a running node (docs/drill.md); here the ledger's own promise is
checked: a write the disk refuses is a sentence that says what to do, nothing of it is
kept, and the next write once there is room starts afresh (a failed write never leaves a
transaction open behind it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.ledger import JournalEntry, LedgerStore, LedgerWriteError


def _entry(n: int) -> JournalEntry:
    return JournalEntry("s1", "frame_sent", n, f"frame {n}", bytes(4_000))


def _fill(ledger: LedgerStore) -> int:
    """Journal entries until the disk refuses one; how many were written."""
    for n in range(100):
        try:
            ledger.sessions.journal(_entry(n))
        except LedgerWriteError:
            return n
    raise AssertionError("the disk never filled")


def test_a_full_disk_is_refused_in_a_sentence_and_writes_resume_once_there_is_room(
    tmp_path: Path,
) -> None:
    ledger = LedgerStore.open(tmp_path / "seller.sqlite", "seller")
    ledger.sessions.open("s1", "f" * 64, "meter-1", 0)
    pages = ledger.db.query("PRAGMA page_count")[0][0]
    ledger.db.query(f"PRAGMA max_page_count = {pages + 2}")
    written = _fill(ledger)
    with pytest.raises(LedgerWriteError) as refused:
        ledger.sessions.journal(_entry(written))
    assert "is full" in str(refused.value)
    assert "Free space there" in str(refused.value)
    assert str(ledger.path) in str(refused.value)
    assert len(ledger.sessions.entries("s1")) == written  # nothing of the refused one
    ledger.db.query("PRAGMA max_page_count = 1000000")  # space returns
    ledger.sessions.journal(_entry(1_000))
    assert len(ledger.sessions.entries("s1")) == written + 1
    ledger.close()
