"""The ledger on disk: money rules, versions, roles, and durability across kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gridnode.ledger import (
    DuplicatePaymentError,
    InvoicePurpose,
    InvoiceState,
    LedgerError,
    LedgerRoleError,
    LedgerStore,
    LedgerVersionError,
    PaymentStatus,
)
from gridnode.money import Msat

H1, H2 = b"\x01" * 32, b"\x02" * 32
PRE = b"\xaa" * 32


DEPOSIT, PREPAYMENT = InvoicePurpose.DEPOSIT, InvoicePurpose.PREPAYMENT


@pytest.fixture
def buyer(tmp_path: Path) -> LedgerStore:
    ledger = LedgerStore.open(tmp_path / "buyer.sqlite", "buyer")
    ledger.sessions.open("s1", "f" * 64, "meter-1", 0)
    return ledger


@pytest.fixture
def seller(tmp_path: Path) -> LedgerStore:
    ledger = LedgerStore.open(tmp_path / "seller.sqlite", "seller")
    ledger.sessions.open("s1", "b" * 64, "meter-1", 0)
    return ledger


def test_ledger_runs_in_wal_with_full_sync(tmp_path: Path) -> None:
    ledger = LedgerStore.open(tmp_path / "l.sqlite", "seller")
    db = sqlite3.connect(tmp_path / "l.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    ledger.close()


def test_a_payment_is_written_before_it_is_attempted_and_never_attempted_twice(
    buyer: LedgerStore,
) -> None:
    buyer.payments.started("s1", H1, "lnbcrt1...", Msat(5_000), at_ms=10)
    assert [p.status for p in buyer.payments.find()] == [PaymentStatus.IN_FLIGHT]
    with pytest.raises(DuplicatePaymentError, match="never paid twice"):
        buyer.payments.started("s1", H1, "lnbcrt1...", Msat(5_000), at_ms=11)
    buyer.payments.succeeded(H1, at_ms=12, preimage=PRE, fee=Msat(0))
    with pytest.raises(DuplicatePaymentError):  # not after it succeeded either
        buyer.payments.started("s1", H1, "lnbcrt1...", Msat(5_000), at_ms=13)
    (row,) = buyer.payments.find(status=PaymentStatus.SUCCEEDED)
    assert row.preimage == PRE
    assert row.amount == Msat(5_000)


def test_a_succeeded_payment_without_its_preimage_is_refused(buyer: LedgerStore) -> None:
    buyer.payments.started("s1", H2, "lnbcrt1...", Msat(1), at_ms=1)
    with pytest.raises(LedgerError, match="breaks its rules"):
        buyer.payments.succeeded(H2, at_ms=2, preimage=b"", fee=Msat(0))
    # nothing half-written
    assert buyer.payments.find()[0].status is PaymentStatus.IN_FLIGHT


def test_a_settlement_is_credited_once_and_moves_the_cursor(seller: LedgerStore) -> None:
    invoices = seller.invoices
    invoices.created("s1", H1, "lnbcrt1...", Msat(7_000), PREPAYMENT, False, at_ms=1)
    assert invoices.settled(H1, 41, Msat(7_000), PRE, at_ms=2) is True
    assert invoices.settled(H1, 41, Msat(7_000), PRE, at_ms=3) is False  # replayed
    assert invoices.settle_index() == 41
    # a settlement of an invoice this ledger never issued still moves the cursor on
    assert invoices.settled(H2, 42, Msat(1), None, at_ms=4) is False
    assert invoices.settle_index() == 42
    assert invoices.settled(H1, 40, Msat(7_000), PRE, at_ms=5) is False
    assert invoices.settle_index() == 42  # never moves back
    (row,) = invoices.find(state=InvoiceState.SETTLED)
    assert (row.settle_index, row.preimage) == (41, PRE)


def test_a_cancelled_invoice_never_overrides_a_settled_one(seller: LedgerStore) -> None:
    seller.invoices.created("s1", H1, "lnbcrt1...", Msat(7_000), DEPOSIT, True, at_ms=1)
    seller.invoices.set_state(H1, InvoiceState.ACCEPTED)
    seller.invoices.settled(H1, 5, Msat(7_000), PRE, at_ms=2)
    seller.invoices.set_state(H1, InvoiceState.CANCELED)
    assert seller.invoices.find()[0].state is InvoiceState.SETTLED


def test_ocmf_pagination_never_repeats_across_reopen(tmp_path: Path) -> None:
    ledger = LedgerStore.open(tmp_path / "l.sqlite", "seller")
    pages = [ledger.evidence.next_ocmf_page("m1") for _ in range(3)]
    ledger.close()
    ledger = LedgerStore.open(tmp_path / "l.sqlite", "seller")
    pages += [ledger.evidence.next_ocmf_page("m1"), ledger.evidence.next_ocmf_page("m2")]
    assert pages == [1, 2, 3, 4, 1]


def test_a_ledger_of_the_other_role_is_refused(tmp_path: Path) -> None:
    LedgerStore.open(tmp_path / "l.sqlite", "seller").close()
    with pytest.raises(LedgerRoleError, match="belongs to a seller") as caught:
        LedgerStore.open(tmp_path / "l.sqlite", "buyer")
    assert caught.value.exit_code == 2


def test_a_ledger_from_a_newer_gridnode_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    LedgerStore.open(path, "seller").close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 999")
    db.close()
    before = path.read_bytes()
    with pytest.raises(LedgerVersionError, match="newer gridnode"):
        LedgerStore.open(path, "seller")
    with pytest.raises(LedgerVersionError, match="newer gridnode"):
        LedgerStore.open_readonly(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_ledger_is_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LedgerError, match="is not a gridnode ledger"):
        LedgerStore.open(path, "seller")


WRITER = textwrap.dedent(
    """
    import sys
    from gridnode.ledger import LedgerStore
    from gridnode.money import Msat
    ledger = LedgerStore.open(sys.argv[1], "buyer")
    ledger.sessions.open("s", "f" * 64, "m", 0)
    n = 0
    while True:
        n += 1
        h = n.to_bytes(32, "big")
        ledger.payments.started("s", h, "lnbcrt", Msat(n), n)
        ledger.payments.succeeded(h, n, preimage=h, fee=Msat(0))
        print(n, flush=True)  # only after both commits returned
    """
)


def test_every_committed_payment_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    committed = 0
    deadline = time.monotonic() + 30
    while committed < 200 and time.monotonic() < deadline:
        committed = int(writer.stdout.readline())
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert committed >= 200

    ledger = LedgerStore.open(path, "buyer")
    rows = ledger.payments.find()
    succeeded = [r for r in rows if r.status is PaymentStatus.SUCCEEDED]
    assert len(succeeded) >= committed  # nothing acknowledged was lost
    assert all(r.preimage == r.payment_hash for r in succeeded)
    assert len(rows) - len(succeeded) <= 1  # at most the one attempt cut short, in flight
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_hold_invoice_keeps_its_preimage_before_the_wallet_knows_it(
    seller: LedgerStore,
) -> None:
    invoices = seller.invoices
    invoices.hold_planned("s1", H1, PRE, Msat(100_000), DEPOSIT, at_ms=1)
    assert invoices.hold_preimage(H1) == PRE
    invoices.created("s1", H1, "lnbcrt1hold", Msat(100_000), DEPOSIT, True, at_ms=2)
    (row,) = invoices.find()
    assert (row.bolt11, row.hold, row.state) == ("lnbcrt1hold", True, InvoiceState.OPEN)
    assert invoices.session_of(H1) == "s1"
    assert invoices.hold_preimage(H2) is None


def test_a_settlement_found_out_of_order_does_not_move_the_cursor(seller: LedgerStore) -> None:
    invoices = seller.invoices
    invoices.created("s1", H1, "lnbcrt1a", Msat(1_000), PREPAYMENT, False, at_ms=1)
    invoices.created("s1", H2, "lnbcrt1b", Msat(1_000), PREPAYMENT, False, at_ms=1)
    assert invoices.settled(H2, 11, Msat(1_000), PRE, at_ms=2, advance_cursor=False)
    assert invoices.settle_index() == 0  # the stream still replays 10 and 11 at the next start
    assert invoices.settled(H1, 10, Msat(1_000), PRE, at_ms=3) is True
    assert invoices.settled(H2, 11, Msat(1_000), PRE, at_ms=3) is False  # once only
    assert invoices.settle_index() == 11
