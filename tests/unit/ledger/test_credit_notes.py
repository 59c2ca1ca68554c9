"""Credit notes in the ledger (issue 19): written with the signed statement, settled once
(carried, or requested then paid), a failed refund owed again, a paid note never paid
again, and a restated note replacing the first only while it is open."""

from __future__ import annotations

from pathlib import Path

from gridnode.ledger import CreditNoteState, SqliteLedger
from gridnode.money import Msat
from tests.support.ledger import open_ledger

NOTE = b"N" * 16
HASH = b"h" * 32
PREIMAGE = b"p" * 32


async def _ledger(tmp_path: Path) -> SqliteLedger:
    ledger = await open_ledger(tmp_path / "ledger.sqlite", "seller")
    await ledger.sessions.open("s1", "buyer-fp", "m1", 1)
    await ledger.credit.noted(NOTE, "s1", "buyer-fp", Msat(1_500), b"frame", 2)
    return ledger


async def test_a_note_is_carried_once_and_then_never_refunded(tmp_path: Path) -> None:
    ledger = await _ledger(tmp_path)
    assert await ledger.credit.carried(NOTE, "s2", 3)
    assert not await ledger.credit.carried(NOTE, "s3", 4)
    assert not await ledger.credit.requested(NOTE, "lnbcrt1", HASH)
    note = await ledger.credit.get(NOTE)
    assert note is not None
    assert (note.state, note.carried_into, note.settled_at_ms) == (CreditNoteState.CARRIED, "s2", 3)
    await ledger.close()


async def test_a_refund_is_requested_once_and_paid_with_its_proof(tmp_path: Path) -> None:
    ledger = await _ledger(tmp_path)
    assert await ledger.credit.requested(NOTE, "lnbcrt1", HASH)
    assert not await ledger.credit.requested(NOTE, "lnbcrt2", b"i" * 32)
    await ledger.credit.paid(NOTE, PREIMAGE, 5)
    [note] = await ledger.credit.find("buyer-fp")
    assert (note.state, note.bolt11, note.payment_hash, note.preimage) == (
        CreditNoteState.PAID,
        "lnbcrt1",
        HASH,
        PREIMAGE,
    )
    assert not await ledger.credit.carried(NOTE, "s2", 6)
    await ledger.close()


async def test_a_failed_refund_is_owed_again_with_the_reason(tmp_path: Path) -> None:
    ledger = await _ledger(tmp_path)
    assert await ledger.credit.requested(NOTE, "lnbcrt1", HASH)
    await ledger.credit.failed(NOTE, "no_route")
    [note] = await ledger.credit.find(state=CreditNoteState.OPEN)
    assert note.failure == "no_route"
    assert await ledger.credit.requested(NOTE, "lnbcrt2", b"i" * 32)
    await ledger.close()


async def test_a_restated_note_replaces_the_first_only_while_open(tmp_path: Path) -> None:
    ledger = await _ledger(tmp_path)
    await ledger.credit.noted(NOTE, "s1", "buyer-fp", Msat(1_900), b"frame2", 3)
    note = await ledger.credit.get(NOTE)
    assert note is not None
    assert (note.credit, note.statement) == (Msat(1_900), b"frame2")
    assert await ledger.credit.waived(NOTE, 4)
    await ledger.credit.noted(NOTE, "s1", "buyer-fp", Msat(2_500), b"frame3", 5)
    note = await ledger.credit.get(NOTE)
    assert note is not None
    assert (note.credit, note.state) == (Msat(1_900), CreditNoteState.WAIVED)
    await ledger.close()


async def test_the_buyer_carries_a_note_it_asked_back_when_the_seller_carried_it(
    tmp_path: Path,
) -> None:
    ledger = await _ledger(tmp_path)
    assert await ledger.credit.requested(NOTE, "lnbcrt1", HASH)
    assert not await ledger.credit.carried(NOTE, "s2", 3)  # the seller's rule: open only
    assert await ledger.credit.carried(NOTE, "s2", 3, also_requested=True)
    note = await ledger.credit.get(NOTE)
    assert note is not None
    assert note.state is CreditNoteState.CARRIED
    await ledger.close()
