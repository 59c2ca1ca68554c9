"""``gridnode ledger prune``'s library half: receipts first, rows after, then the space
back; never while a node has the ledger open, and nothing deleted when a receipt fails."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from gridnode.ledger import (
    ArchiveError,
    LedgerInUseError,
    LedgerMissingError,
    LedgerStore,
    PaymentStatus,
)
from gridnode.ledger.archive import ReceiptOf, default_archive_dir, prune_ledger, rows_receipt
from tests.support.ledger_sessions import DAY_MS, buyer_session, count


def _ledger_with_history(path: Path, sessions: int = 3, payments: int = 200) -> None:
    ledger = LedgerStore.open(path, "buyer")
    for n in range(sessions):
        hashes = buyer_session(ledger, f"s{n}", n * DAY_MS, payments=payments)
        ledger.payments.mark_pruned(hashes)
    buyer_session(ledger, "live", 9 * DAY_MS, closed=False)
    ledger.close()


def _receipt(ledger: LedgerStore, session_id: str) -> Mapping[str, object]:
    return {"session_id": session_id, "payments": len(ledger.payments.find(session_id))}


def test_closed_sessions_are_archived_as_receipts_then_deleted_and_the_file_shrinks(
    tmp_path: Path,
) -> None:
    path = tmp_path / "buyer.sqlite"
    # enough history that the schema's fixed pages (a table each) do not count
    _ledger_with_history(path, payments=250)
    report = prune_ledger(path, 2 * DAY_MS, _receipt, clock_ms=lambda: 10 * DAY_MS)
    assert report.archived == ["s0", "s1"]
    assert report.skipped == []
    folder = default_archive_dir(path)
    assert folder == tmp_path / "buyer-archive"
    assert json.loads((folder / "receipt-s0.json").read_text()) == {
        "session_id": "s0",
        "payments": 250,
    }
    assert report.bytes_after < report.bytes_before / 2
    ledger = LedgerStore.open(path, "buyer")
    assert count(ledger, "payments", "s0") == count(ledger, "payments", "s1") == 0
    assert count(ledger, "payments", "s2") == 250  # closed after the cut-off
    assert count(ledger, "payments", "live") == 3
    assert ledger.sessions.open_ids() == ["live"]
    assert all(p.status is PaymentStatus.SUCCEEDED for p in ledger.payments.find("s2"))
    ledger.close()
    again = prune_ledger(path, 2 * DAY_MS, _receipt, clock_ms=lambda: 10 * DAY_MS)
    assert again.archived == []


def test_the_prune_refuses_a_ledger_a_node_has_open_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "buyer.sqlite"
    _ledger_with_history(path, payments=3)
    node = LedgerStore.open(path, "buyer")  # a running node holds it
    before = path.read_bytes()
    with pytest.raises(LedgerInUseError, match="stop the node") as caught:
        prune_ledger(path, 9 * DAY_MS, _receipt)
    assert caught.value.exit_code == 2
    assert path.read_bytes() == before
    assert not default_archive_dir(path).exists()
    node.close()
    assert prune_ledger(path, 9 * DAY_MS, _receipt).archived == ["s0", "s1", "s2"]


def test_a_node_cannot_start_while_its_ledger_is_pruned(tmp_path: Path) -> None:
    path = tmp_path / "buyer.sqlite"
    _ledger_with_history(path, payments=3)
    seen: list[str] = []

    def receipt(ledger: LedgerStore, session_id: str) -> Mapping[str, object]:
        with pytest.raises(LedgerInUseError, match="being pruned"):
            _open_in_another_process(path)
        seen.append(session_id)
        return _receipt(ledger, session_id)

    prune_ledger(path, DAY_MS, receipt)
    assert seen == ["s0"]


def _open_in_another_process(path: Path) -> None:
    """Another process's open, as a node's: the lock is per open file, so a fresh
    descriptor of the lock file stands for it."""
    import fcntl
    import os

    from gridnode.ledger.lock import lock_path

    fd = os.open(lock_path(path), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        raise LedgerInUseError(f"ledger: {path} is being pruned") from None
    finally:
        os.close(fd)


def test_the_receipt_builder_may_open_the_ledger_it_is_archiving(tmp_path: Path) -> None:
    path = tmp_path / "buyer.sqlite"
    _ledger_with_history(path, payments=3)

    def receipt(_: LedgerStore, session_id: str) -> Mapping[str, object]:
        reader = LedgerStore.open_existing(path)  # by path, as a receipt builder may
        try:
            return rows_receipt(reader, session_id)
        finally:
            reader.close()

    assert prune_ledger(path, DAY_MS, receipt).archived == ["s0"]
    dump = json.loads((default_archive_dir(path) / "receipt-s0.json").read_text())
    assert len(dump["payments"]) == 3
    assert dump["payments"][0]["preimage"] == "aa" * 32
    assert len(dump["readings"]) == 3


@pytest.mark.parametrize(
    "receipt",
    [
        pytest.param(lambda ledger, s: {"bad": b"bytes are not JSON"}, id="not JSON"),
        pytest.param(lambda ledger, s: 1 / 0, id="the builder fails"),
    ],
)
def test_nothing_is_deleted_when_a_receipt_cannot_be_written(
    tmp_path: Path, receipt: ReceiptOf
) -> None:
    path = tmp_path / "buyer.sqlite"
    _ledger_with_history(path, payments=3)
    with pytest.raises((ArchiveError, ZeroDivisionError)):
        prune_ledger(path, 9 * DAY_MS, receipt)
    ledger = LedgerStore.open(path, "buyer")
    assert [count(ledger, "payments", f"s{n}") for n in range(3)] == [3, 3, 3]
    ledger.close()


def test_an_unwritable_archive_folder_is_a_sentence_and_deletes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "buyer.sqlite"
    _ledger_with_history(path, payments=3)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ArchiveError, match="othing was deleted"):
        prune_ledger(path, 9 * DAY_MS, _receipt, archive_dir=blocker / "sub")
    ledger = LedgerStore.open(path, "buyer")
    assert count(ledger, "payments", "s0") == 3
    ledger.close()


def test_a_missing_ledger_is_a_sentence_and_no_file_is_created(tmp_path: Path) -> None:
    path = tmp_path / "nope.sqlite"
    with pytest.raises(LedgerMissingError, match="does not exist") as caught:
        prune_ledger(path, DAY_MS, _receipt)
    assert caught.value.exit_code == 2
    assert list(tmp_path.iterdir()) == []
