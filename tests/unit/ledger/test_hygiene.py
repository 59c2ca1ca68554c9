"""The ledger stays compact without losing proof: the raw window deletes only what no
receipt needs; archiving deletes only sessions that are closed and fully resolved."""

from __future__ import annotations

from pathlib import Path

import bolt11
import pytest
from bolt11 import Bolt11, MilliSatoshi, Tag, TagChar, Tags

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
    assert buyer.archive_candidates(before_ms=10 * DAY_MS) == ([], [])


def test_a_payment_in_flight_or_still_in_lnd_holds_its_session_back(buyer: Ledger) -> None:
    hashes = buyer_session(buyer, "s", 0)
    buyer.payment_started("s", hash_of("s", 9), "lnbcrt9", Msat(5), 10)
    ready, skipped = buyer.archive_candidates(before_ms=DAY_MS)
    assert ready == []
    assert "in flight" in skipped[0][1]
    buyer.payment_resolved(hash_of("s", 9), "failed", 11, failure="no route")
    ready, skipped = buyer.archive_candidates(before_ms=DAY_MS)
    assert ready == []
    assert "LND still keeps 4" in skipped[0][1]
    buyer.mark_pruned("payments", [*hashes, hash_of("s", 9)])
    assert buyer.archive_candidates(before_ms=DAY_MS) == (["s"], [])


def test_a_session_closed_after_the_cut_off_stays(buyer: Ledger) -> None:
    buyer.mark_pruned("payments", buyer_session(buyer, "s", 5 * DAY_MS))
    assert buyer.archive_candidates(before_ms=DAY_MS) == ([], [])


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
    assert buyer.archive_candidates(before_ms=9 * DAY_MS) == ([], [])


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


def _bolt11(payment_hash: bytes, created_s: int, expiry_s: int) -> str:
    """A real BOLT11 (regtest) with the given timestamp and expiry."""
    tags = Tags(
        [
            Tag(TagChar.payment_hash, payment_hash.hex()),
            Tag(TagChar.description, "step"),
            Tag(TagChar.expire_time, expiry_s),
            Tag(TagChar.payment_secret, "02" * 32),
        ]
    )
    invoice = Bolt11(currency="bcrt", date=created_s, tags=tags, amount_msat=MilliSatoshi(1000))
    return str(bolt11.encode(invoice, private_key="11" * 32))


def test_a_seller_session_waits_for_held_deposits_lnd_records_and_proof_of_unpaid_invoices(
    tmp_path: Path,
) -> None:
    seller = Ledger.open(tmp_path / "seller.sqlite", "seller")
    seller.open_session("s", "b" * 64, "meter-1", 0)
    seller.session_state("s", "closed", 100_000, closed=True)
    deposit, step, later = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32
    seller.hold_invoice_planned("s", deposit, PRE, Msat(100_000), "deposit", 0)
    seller.invoice_created("s", deposit, "lnbcrtdeposit", Msat(100_000), "deposit", True, 0)
    seller.invoice_state(deposit, "accepted")
    # an unpaid step invoice written at 1000 s, expiring 30 s later
    seller.invoice_created("s", step, _bolt11(step, 1000, 30), Msat(1_000), "step", False, 1000_000)

    def why() -> str:
        ready, skipped = seller.archive_candidates(before_ms=DAY_MS)
        return "ready" if ready else skipped[0][1]

    assert "held payment" in why()
    seller.invoice_state(deposit, "canceled")
    assert "LND still keeps 1 cancelled invoice" in why()
    seller.mark_pruned("invoices", [deposit])
    # LND may have settled the step invoice while the node was down: not proven unpaid
    assert "may have been paid while the node was not looking" in why()
    seller.open_session("t", "b" * 64, "meter-1", 2000_000)
    seller.invoice_created("t", later, "lnbcrtlater", Msat(1_000), "step", False, 2000_000)
    seller.invoice_settled(later, 5, Msat(1_000), PRE, 2000_500, advance_cursor=False)
    assert "may have been paid" in why()  # credited out of order: the stream may lag
    seller.invoice_settled(later, 5, Msat(1_000), PRE, 2000_500)  # the stream reaches it
    assert why() == "ready"  # a later invoice, written after the expiry, is credited


def test_an_unpaid_invoice_whose_bolt11_does_not_decode_is_never_proven_dead(
    tmp_path: Path,
) -> None:
    seller = Ledger.open(tmp_path / "seller.sqlite", "seller")
    seller.open_session("s", "b" * 64, "meter-1", 0)
    seller.session_state("s", "closed", 100_000, closed=True)
    seller.invoice_created("s", b"\x02" * 32, "lnbcrtgarbage", Msat(1_000), "step", False, 1)
    seller.open_session("t", "b" * 64, "meter-1", DAY_MS)
    seller.invoice_created("t", b"\x03" * 32, "lnbcrtlater", Msat(1_000), "step", False, DAY_MS)
    seller.invoice_settled(b"\x03" * 32, 5, Msat(1_000), PRE, DAY_MS)
    ready, skipped = seller.archive_candidates(before_ms=DAY_MS)
    assert ready == []
    assert "may have been paid" in skipped[0][1]


def test_the_raw_window_drops_journal_copies_of_readings_only_when_readings_has_them(
    buyer: Ledger,
) -> None:
    buyer.open_session("s", "f" * 64, "meter-1", 0)
    record = "OCMF|{...}|{...}"
    buyer.journal("s", "reading", 100, "our OCMF reading 1", record.encode())
    buyer.reading("s", "own", "meter-1", 1, 100, record)
    # a crash between the journal's write and the readings' one: the copy is the only one
    buyer.journal("s", "peer_reading", 200, "peer's OCMF reading 7", b"OCMF|only|here")
    buyer.journal("s", "reading", 10 * DAY_MS, "our OCMF reading 2", b"OCMF|new")
    buyer.reading("s", "own", "meter-1", 2, 10 * DAY_MS, "OCMF|new")
    assert buyer.prune_raw(before_ms=DAY_MS) == 1
    kept = [(kind, data) for kind, _, _, data in buyer.journal_entries("s")]
    assert kept == [("peer_reading", b"OCMF|only|here"), ("reading", b"OCMF|new")]
    assert buyer.readings("s", "own") == [record, "OCMF|new"]
