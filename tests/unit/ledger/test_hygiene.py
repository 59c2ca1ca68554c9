"""The ledger stays compact without losing proof: the raw window deletes only what no
receipt needs; archiving deletes only sessions that are closed and fully resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.ledger import ArchiveError, Ledger
from gridnode.money import Msat

from .sessions import DAY_MS, PRE, buyer_session, count, hash_of


@pytest.fixture
def buyer(tmp_path: Path) -> Ledger:
    return Ledger.open(tmp_path / "buyer.sqlite", "buyer")


def _kinds(ledger: Ledger, session_id: str) -> list[str]:
    return [text.split(" #")[0] for _, _, text, _ in ledger.journal_entries(session_id)]


def test_the_raw_window_deletes_only_old_heartbeat_and_meter_reading_frames(
    buyer: Ledger,
) -> None:
    buyer_session(buyer, "old", 0)
    buyer_session(buyer, "new", 10 * DAY_MS, closed=False)
    assert buyer.prune_raw(before_ms=5 * DAY_MS) == 9  # 3 steps x (2 heartbeats + 1 reading)
    assert _kinds(buyer, "old") == [
        "received offer",
        "sent acceptance",
        "sent payment_notice",
        "sent payment_notice",
        "sent payment_notice",
    ]
    assert "sent heartbeat" in _kinds(buyer, "new")  # inside the window: kept
    assert count(buyer, "readings", "old") == 3  # signed readings are evidence: kept
    assert count(buyer, "payments", "old") == 3
    assert buyer.prune_raw(before_ms=5 * DAY_MS) == 0


def test_an_open_session_is_never_archived(buyer: Ledger) -> None:
    hashes = buyer_session(buyer, "live", 0, closed=False)
    buyer.mark_pruned("payments", hashes)
    assert buyer.archive_candidates(before_ms=10 * DAY_MS, now_ms=10 * DAY_MS) == ([], [])


def test_a_payment_in_flight_or_still_in_lnd_holds_its_session_back(buyer: Ledger) -> None:
    hashes = buyer_session(buyer, "s", 0)
    buyer.payment_started("s", hash_of("s", 9), "lnbcrt9", Msat(5), 10)
    ready, skipped = buyer.archive_candidates(before_ms=DAY_MS, now_ms=2 * DAY_MS)
    assert ready == []
    assert "in flight" in skipped[0][1]
    buyer.payment_resolved(hash_of("s", 9), "failed", 11, failure="no route")
    ready, skipped = buyer.archive_candidates(before_ms=DAY_MS, now_ms=2 * DAY_MS)
    assert ready == []
    assert "LND still keeps 4" in skipped[0][1]
    buyer.mark_pruned("payments", [*hashes, hash_of("s", 9)])
    assert buyer.archive_candidates(before_ms=DAY_MS, now_ms=2 * DAY_MS) == (["s"], [])


def test_a_session_closed_after_the_cut_off_stays(buyer: Ledger) -> None:
    buyer.mark_pruned("payments", buyer_session(buyer, "s", 5 * DAY_MS))
    assert buyer.archive_candidates(before_ms=DAY_MS, now_ms=9 * DAY_MS) == ([], [])


def test_archiving_keeps_the_session_row_the_series_anchor_and_the_counters(
    buyer: Ledger,
) -> None:
    buyer.mark_pruned("payments", buyer_session(buyer, "a", 0))
    buyer.mark_pruned("payments", buyer_session(buyer, "b", DAY_MS))
    cursor, next_page = buyer.settle_index(), buyer.next_ocmf_page("other-meter")
    assert buyer.delete_archived([("a", "a.json"), ("b", "b.json")], 3 * DAY_MS) == 2
    for table in ("journal", "payments", "relay_switches", "breaches", "invoices"):
        assert count(buyer, table, "a") == count(buyer, table, "b") == 0
    # the last signed reading of the meter stays: the next session continues its pagination
    assert count(buyer, "readings", "a") == 0
    assert buyer.readings("b", "own") == ["OCMF|b|6"]
    assert buyer.last_reading("own", "meter-1") == ("b", "OCMF|b|6")
    assert buyer.next_ocmf_page("meter-1") == 7  # never reset
    assert buyer.settle_index() == cursor
    assert buyer.next_ocmf_page("other-meter") == next_page + 1
    rows = buyer._query("SELECT session_id, archived_at_ms, archive FROM sessions ORDER BY 1")
    assert rows == [("a", 3 * DAY_MS, "a.json"), ("b", 3 * DAY_MS, "b.json")]
    assert buyer.open_sessions() == []
    assert buyer.archive_candidates(before_ms=9 * DAY_MS, now_ms=9 * DAY_MS) == ([], [])


def test_archiving_leaves_other_sessions_untouched(buyer: Ledger) -> None:
    buyer.mark_pruned("payments", buyer_session(buyer, "a", 0))
    buyer_session(buyer, "b", DAY_MS)
    before = {t: count(buyer, t, "b") for t in ("journal", "payments", "readings")}
    buyer.delete_archived([("a", "a.json")], 3 * DAY_MS)
    assert {t: count(buyer, t, "b") for t in ("journal", "payments", "readings")} == before


def test_a_session_that_changed_since_it_was_chosen_is_not_deleted(buyer: Ledger) -> None:
    buyer.mark_pruned("payments", buyer_session(buyer, "a", 0))
    buyer.payment_started("a", hash_of("a", 9), "lnbcrt9", Msat(5), 10)  # a late attempt
    with pytest.raises(ArchiveError, match="nothing was deleted"):
        buyer.delete_archived([("a", "a.json")], 3 * DAY_MS)
    assert count(buyer, "payments", "a") == 4
    assert count(buyer, "journal", "a") > 0


def test_a_seller_session_waits_for_held_deposits_young_invoices_and_lnd_records(
    tmp_path: Path,
) -> None:
    seller = Ledger.open(tmp_path / "seller.sqlite", "seller")
    seller.open_session("s", "b" * 64, "meter-1", 0)
    seller.session_state("s", "closed", 1000, closed=True)
    deposit, step = b"\x01" * 32, b"\x02" * 32
    seller.hold_invoice_planned("s", deposit, PRE, Msat(100_000), "deposit", 0)
    seller.invoice_created("s", deposit, "lnbcrtdeposit", Msat(100_000), "deposit", True, 0)
    seller.invoice_state(deposit, "accepted")
    seller.invoice_created("s", step, "lnbcrtstep", Msat(1_000), "prepayment", False, 500)

    def why(now_ms: int) -> str:
        ready, skipped = seller.archive_candidates(before_ms=DAY_MS, now_ms=now_ms)
        return "ready" if ready else skipped[0][1]

    assert "held payment" in why(2 * DAY_MS)
    seller.invoice_state(deposit, "canceled")
    assert "LND still keeps 1 cancelled invoice" in why(2 * DAY_MS)
    seller.mark_pruned("invoices", [deposit])
    assert "could still be paid" in why(DAY_MS)  # the unpaid step invoice is young
    assert why(2 * DAY_MS) == "ready"  # a day on it can no longer be paid
