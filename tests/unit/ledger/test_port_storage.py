"""The ledger's stored form: every state is the string an older gridnode wrote, a ledger
of the first schema migrates on open and reads back typed, and a state no gridnode
writes is a sentence."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gridnode.ledger import (
    InvoicePurpose,
    InvoiceState,
    LedgerError,
    PaymentStatus,
    ReadingRow,
    ReadingSide,
    SessionState,
    SqliteLedger,
)
from gridnode.ledger.schema import SCHEMA_VERSION
from gridnode.money import Msat
from tests.support.ledger import (
    DEPOSIT,
    H1,
    H2,
    H3,
    PRE,
    PREPAYMENT,
    open_ledger,
    stored,
)


# -- enums round trip to the stored strings ----------------------------------------------------
async def test_every_state_is_stored_as_the_string_an_older_gridnode_wrote(
    seller: SqliteLedger, buyer: SqliteLedger
) -> None:
    inv = seller.invoices
    await inv.created("s1", H1, "lnbcrt1", Msat(1), PREPAYMENT, False, 1)  # open
    await inv.hold_planned("s1", H2, PRE, Msat(1), DEPOSIT, 1)
    await inv.set_state(H2, InvoiceState.ACCEPTED)
    await inv.created("s1", H3, "lnbcrt3", Msat(1), PREPAYMENT, False, 1)
    await inv.set_state(H3, InvoiceState.CANCELED)
    await seller.sessions.open("s2", "b" * 64, "m", 1)
    await inv.created("s2", b"\x04" * 32, "lnbcrt4", Msat(1), PREPAYMENT, False, 1)
    await inv.settled(b"\x04" * 32, 1, Msat(1), PRE, 2)
    raw = stored(seller, "SELECT payment_hash, state, purpose FROM invoices ORDER BY 1")
    typed = {i.payment_hash: (i.state, i.purpose) for i in await inv.find()}
    assert [(r[1], r[2]) for r in raw] == [
        ("open", "prepayment"),
        ("accepted", "deposit"),
        ("canceled", "prepayment"),
        ("settled", "prepayment"),
    ]
    for h, state, purpose in raw:
        assert isinstance(h, bytes)
        assert typed[h] == (InvoiceState(str(state)), InvoicePurpose(str(purpose)))
        assert (typed[h][0].value, typed[h][1].value) == (state, purpose)

    pay = buyer.payments
    for h in (H1, H2, H3):
        await pay.started("s1", h, "lnbcrt", Msat(1), 1)
    await pay.succeeded(H2, 2, PRE, Msat(0))
    await pay.failed(H3, 2, "no_route")
    assert stored(buyer, "SELECT status FROM payments ORDER BY payment_hash") == [
        ("in_flight",),
        ("succeeded",),
        ("failed",),
    ]
    assert [p.status for p in await pay.find()] == list(PaymentStatus)

    for side, series in ((ReadingSide.OWN, "m"), (ReadingSide.PEER, "gw:m")):
        await buyer.evidence.reading(ReadingRow("s1", side, series, 1, 1, "OCMF"))
    assert stored(buyer, "SELECT side FROM readings ORDER BY id") == [("own",), ("peer",)]
    assert [s.value for s in SessionState] == ["opened", "receiving", "closed"]
    assert stored(buyer, "SELECT state FROM sessions") == [("opened",)]


async def test_a_ledger_written_by_the_first_schema_opens_with_typed_rows(tmp_path: Path) -> None:
    """A ledger of schema 1 with the rows an early gridnode wrote: it migrates on open,
    and reads back as enums and rows; the receipt's read-only view needs no migration."""
    from gridnode.ledger import LedgerStore
    from gridnode.ledger.schema import MIGRATIONS

    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        MIGRATIONS[0]
        + """
        PRAGMA user_version = 1;
        INSERT INTO node VALUES ('seller', 1, 'gridnode 0.1');
        INSERT INTO wallet_cursor VALUES (1, 7);
        INSERT INTO sessions VALUES ('old', 'bb', 'm', 'closed: the node restarted', 1, 9);
        INSERT INTO invoices (payment_hash, session_id, purpose, hold, bolt11, amount_msat,
            state, created_at_ms, settle_index, amount_paid_msat, preimage)
            VALUES (x'0101010101010101010101010101010101010101010101010101010101010101',
            'old', 'deposit', 1, 'lnbcrt1', 50000, 'canceled', 2, NULL, NULL, NULL);
        INSERT INTO readings (session_id, side, meter_id, pagination, at_ms, record)
            VALUES ('old', 'own', 'm', 3, 4, 'OCMF|old');
        """
    )
    db.close()

    with LedgerStore.open_readonly(path) as view:  # schema 1, untouched
        (session,) = view.sessions.find()
        assert (session.state, session.closing_cause) == (SessionState.CLOSED, "the node restarted")
        assert session.archived_at_ms is None

    ledger = await open_ledger(path, "seller")
    assert await ledger.invoices.settle_index() == 7
    (invoice,) = await ledger.invoices.find()
    assert (invoice.purpose, invoice.state, invoice.amount) == (
        DEPOSIT,
        InvoiceState.CANCELED,
        Msat(50_000),
    )
    last = await ledger.evidence.last_reading(ReadingSide.OWN, "m")
    assert last == ReadingRow("old", ReadingSide.OWN, "m", 3, 4, "OCMF|old")
    old = await ledger.sessions.get("old")
    assert old is not None
    assert (old.state, old.closing_cause, old.closed_at_ms) == (
        SessionState.CLOSED,
        "the node restarted",
        9,
    )
    await ledger.close()
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    check.close()


def test_a_state_no_gridnode_writes_is_a_sentence(tmp_path: Path) -> None:
    from gridnode.ledger.rows import parse_state

    with pytest.raises(LedgerError, match="not one gridnode writes"):
        parse_state("paused")
