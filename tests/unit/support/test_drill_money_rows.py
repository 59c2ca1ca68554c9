"""The drill reads each ledger beside its running node: a ledger its node has created but
not yet given its schema has no rows (a drill on a busy machine once read one so, and
stopped with "no such table: payments" before its first fault)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gridnode.ledger import LedgerStore
from tests.support.drill.money import payments_succeeded, rows


def test_a_ledger_without_its_tables_yet_has_no_rows(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    assert payments_succeeded(ledger) == 0  # not there yet
    sqlite3.connect(ledger).close()  # created, no schema yet
    assert rows(ledger, "SELECT count(*) FROM payments") == []
    assert payments_succeeded(ledger) == 0


def test_a_ledger_with_its_schema_counts_and_other_errors_still_raise(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    LedgerStore.open(ledger, "buyer").close()
    assert payments_succeeded(ledger) == 0
    with pytest.raises(sqlite3.OperationalError, match="syntax"):
        rows(ledger, "SELEC nothing")
