"""The ledger stays compact without losing proof: the raw window deletes only what no
receipt needs; archiving deletes only sessions that are closed and fully resolved."""

from __future__ import annotations

from pathlib import Path

import bolt11
import pytest
from bolt11 import Bolt11, MilliSatoshi, Tag, TagChar, Tags

from gridnode.ledger import (
    ArchiveCandidates,
    Archived,
    ArchiveError,
    HeldBack,
    InvoicePurpose,
    InvoiceState,
    JournalEntry,
    LedgerStore,
    ReadingRow,
    ReadingSide,
)
from gridnode.money import Msat
from tests.support.ledger_sessions import DAY_MS, PRE, buyer_session, count, hash_of

NOTHING = ArchiveCandidates((), ())
PREPAYMENT = InvoicePurpose.PREPAYMENT


@pytest.fixture
def buyer(tmp_path: Path) -> LedgerStore:
    return LedgerStore.open(tmp_path / "buyer.sqlite", "buyer")


def _kinds(ledger: LedgerStore, session_id: str) -> list[str]:
    return [e.text.split(" #")[0] for e in ledger.sessions.entries(session_id)]


def test_the_raw_window_deletes_only_old_heartbeat_and_meter_reading_frames(
    buyer: LedgerStore,
) -> None:
    buyer_session(buyer, "old", 0)
    buyer_session(buyer, "new", 10 * DAY_MS, closed=False)
    assert (
        buyer.hygiene.prune_raw(before_ms=5 * DAY_MS) == 9
    )  # 3 steps x (2 heartbeats + 1 reading)
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
    assert buyer.hygiene.prune_raw(before_ms=5 * DAY_MS) == 0


def test_an_open_session_is_never_archived(buyer: LedgerStore) -> None:
    hashes = buyer_session(buyer, "live", 0, closed=False)
    buyer.payments.mark_pruned(hashes)
    assert buyer.hygiene.archive_candidates(before_ms=10 * DAY_MS) == NOTHING


def test_a_payment_in_flight_or_still_in_lnd_holds_its_session_back(buyer: LedgerStore) -> None:
    hashes = buyer_session(buyer, "s", 0)
    buyer.payments.started("s", hash_of("s", 9), "lnbcrt9", Msat(5), 10)
    candidates = buyer.hygiene.archive_candidates(before_ms=DAY_MS)
    assert candidates.ready == ()
    assert "in flight" in candidates.held_back[0].reason
    buyer.payments.failed(hash_of("s", 9), 11, "no route")
    candidates = buyer.hygiene.archive_candidates(before_ms=DAY_MS)
    assert candidates.ready == ()
    assert candidates.held_back == (HeldBack("s", candidates.held_back[0].reason),)
    assert "LND still keeps 4" in candidates.held_back[0].reason
    buyer.payments.mark_pruned([*hashes, hash_of("s", 9)])
    assert buyer.hygiene.archive_candidates(before_ms=DAY_MS) == ArchiveCandidates(("s",), ())


def test_a_session_closed_after_the_cut_off_stays(buyer: LedgerStore) -> None:
    buyer.payments.mark_pruned(buyer_session(buyer, "s", 5 * DAY_MS))
    assert buyer.hygiene.archive_candidates(before_ms=DAY_MS) == NOTHING


def test_archiving_keeps_the_session_row_the_series_anchor_and_the_counters(
    buyer: LedgerStore,
) -> None:
    buyer.payments.mark_pruned(buyer_session(buyer, "a", 0))
    buyer.payments.mark_pruned(buyer_session(buyer, "b", DAY_MS))
    cursor, next_page = buyer.invoices.settle_index(), buyer.evidence.next_ocmf_page("other-meter")
    archived = [Archived("a", "a.json"), Archived("b", "b.json")]
    assert buyer.hygiene.delete_archived(archived, 3 * DAY_MS) == 2
    for table in ("journal", "payments", "relay_switches", "breaches", "invoices"):
        assert count(buyer, table, "a") == count(buyer, table, "b") == 0
    # the last signed reading of the meter stays: the next session continues its pagination
    assert count(buyer, "readings", "a") == 0
    assert [r.record for r in buyer.evidence.readings("b", ReadingSide.OWN)] == ["OCMF|b|6"]
    last = buyer.evidence.last_reading(ReadingSide.OWN, "meter-1")
    assert last is not None
    assert (last.session_id, last.record) == ("b", "OCMF|b|6")
    assert buyer.evidence.next_ocmf_page("meter-1") == 7  # never reset
    assert buyer.invoices.settle_index() == cursor
    assert buyer.evidence.next_ocmf_page("other-meter") == next_page + 1
    rows = [(s.session_id, s.archived_at_ms, s.archive) for s in buyer.sessions.find()]
    assert rows == [("a", 3 * DAY_MS, "a.json"), ("b", 3 * DAY_MS, "b.json")]
    assert buyer.sessions.open_ids() == []
    assert buyer.hygiene.archive_candidates(before_ms=9 * DAY_MS) == NOTHING


def test_archiving_leaves_other_sessions_untouched(buyer: LedgerStore) -> None:
    buyer.payments.mark_pruned(buyer_session(buyer, "a", 0))
    buyer_session(buyer, "b", DAY_MS)
    before = {t: count(buyer, t, "b") for t in ("journal", "payments", "readings")}
    buyer.hygiene.delete_archived([Archived("a", "a.json")], 3 * DAY_MS)
    assert {t: count(buyer, t, "b") for t in ("journal", "payments", "readings")} == before


def test_a_session_that_changed_since_it_was_chosen_is_not_deleted(buyer: LedgerStore) -> None:
    buyer.payments.mark_pruned(buyer_session(buyer, "a", 0))
    buyer.payments.started("a", hash_of("a", 9), "lnbcrt9", Msat(5), 10)  # a late attempt
    with pytest.raises(ArchiveError, match="nothing was deleted"):
        buyer.hygiene.delete_archived([Archived("a", "a.json")], 3 * DAY_MS)
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
    seller = LedgerStore.open(tmp_path / "seller.sqlite", "seller")
    invoices = seller.invoices
    seller.sessions.open("s", "b" * 64, "meter-1", 0)
    seller.sessions.close("s", 100_000)
    deposit, step, later = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32
    invoices.hold_planned("s", deposit, PRE, Msat(100_000), InvoicePurpose.DEPOSIT, 0)
    invoices.created("s", deposit, "lnbcrtdeposit", Msat(100_000), InvoicePurpose.DEPOSIT, True, 0)
    invoices.set_state(deposit, InvoiceState.ACCEPTED)
    # an unpaid step invoice written at 1000 s, expiring 30 s later
    invoices.created("s", step, _bolt11(step, 1000, 30), Msat(1_000), PREPAYMENT, False, 1000_000)

    def why() -> str:
        candidates = seller.hygiene.archive_candidates(before_ms=DAY_MS)
        return "ready" if candidates.ready else candidates.held_back[0].reason

    assert "held payment" in why()
    invoices.set_state(deposit, InvoiceState.CANCELED)
    assert "LND still keeps 1 cancelled invoice" in why()
    invoices.mark_pruned([deposit])
    # LND may have settled the step invoice while the node was down: not proven unpaid
    assert "may have been paid while the node was not looking" in why()
    seller.sessions.open("t", "b" * 64, "meter-1", 2000_000)
    invoices.created("t", later, "lnbcrtlater", Msat(1_000), PREPAYMENT, False, 2000_000)
    invoices.settled(later, 5, Msat(1_000), PRE, 2000_500, advance_cursor=False)
    assert "may have been paid" in why()  # credited out of order: the stream may lag
    invoices.settled(later, 5, Msat(1_000), PRE, 2000_500)  # the stream reaches it
    assert why() == "ready"  # a later invoice, written after the expiry, is credited


def test_an_unpaid_invoice_whose_bolt11_does_not_decode_is_never_proven_dead(
    tmp_path: Path,
) -> None:
    seller = LedgerStore.open(tmp_path / "seller.sqlite", "seller")
    invoices = seller.invoices
    seller.sessions.open("s", "b" * 64, "meter-1", 0)
    seller.sessions.close("s", 100_000)
    invoices.created("s", b"\x02" * 32, "lnbcrtgarbage", Msat(1_000), PREPAYMENT, False, 1)
    seller.sessions.open("t", "b" * 64, "meter-1", DAY_MS)
    invoices.created("t", b"\x03" * 32, "lnbcrtlater", Msat(1_000), PREPAYMENT, False, DAY_MS)
    invoices.settled(b"\x03" * 32, 5, Msat(1_000), PRE, DAY_MS)
    candidates = seller.hygiene.archive_candidates(before_ms=DAY_MS)
    assert candidates.ready == ()
    assert "may have been paid" in candidates.held_back[0].reason


def test_the_raw_window_drops_journal_copies_of_readings_only_when_readings_has_them(
    buyer: LedgerStore,
) -> None:
    buyer.sessions.open("s", "f" * 64, "meter-1", 0)
    record = "OCMF|{...}|{...}"

    def journal(kind: str, at_ms: int, text: str, data: bytes) -> None:
        buyer.sessions.journal(JournalEntry("s", kind, at_ms, text, data))

    def reading(page: int, at_ms: int, text: str) -> None:
        buyer.evidence.reading(ReadingRow("s", ReadingSide.OWN, "meter-1", page, at_ms, text))

    journal("reading", 100, "our OCMF reading 1", record.encode())
    reading(1, 100, record)
    # a crash between the journal's write and the readings' one: the copy is the only one
    journal("peer_reading", 200, "peer's OCMF reading 7", b"OCMF|only|here")
    journal("reading", 10 * DAY_MS, "our OCMF reading 2", b"OCMF|new")
    reading(2, 10 * DAY_MS, "OCMF|new")
    assert buyer.hygiene.prune_raw(before_ms=DAY_MS) == 1
    kept = [(e.kind, e.data) for e in buyer.sessions.entries("s")]
    assert kept == [("peer_reading", b"OCMF|only|here"), ("reading", b"OCMF|new")]
    readings = buyer.evidence.readings("s", ReadingSide.OWN)
    assert [r.record for r in readings] == [record, "OCMF|new"]
