"""The async ledger port against its SQLite implementation: every method, the money rules
(a payment hash attempted once, a settlement credited once with the cursor), typed rows,
and enums that are stored as the same strings an older gridnode wrote."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from gridnode.ledger import (
    BreachRow,
    DuplicatePaymentError,
    InvoiceState,
    JournalEntry,
    Ledger,
    LedgerError,
    PaymentStatus,
    ReadingRow,
    ReadingSide,
    RelaySwitchRow,
    SessionState,
    SqliteLedger,
)
from gridnode.ledger.port import (
    CreditPort,
    EvidencePort,
    HygienePort,
    InvoicesPort,
    PaymentsPort,
    SessionsPort,
)
from gridnode.ledger.sqlite import Credit, Evidence, Hygiene, Invoices, Payments, Sessions
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


@pytest.mark.parametrize(
    ("port", "implementation"),
    [
        (SessionsPort, Sessions),
        (InvoicesPort, Invoices),
        (PaymentsPort, Payments),
        (EvidencePort, Evidence),
        (HygienePort, Hygiene),
        (CreditPort, Credit),
        (Ledger, SqliteLedger),
    ],
)
def test_every_method_of_the_port_is_implemented_and_async(
    port: type[object], implementation: type[object]
) -> None:
    methods = [n for n, v in vars(port).items() if inspect.isfunction(v) and n[0] != "_"]
    assert methods  # the protocol's own methods, not its machinery
    for name in methods:
        assert inspect.iscoroutinefunction(getattr(implementation, name)), name
        assert inspect.iscoroutinefunction(getattr(port, name)), name


async def test_the_ledger_port_hands_out_its_repositories(tmp_path: Path) -> None:
    ledger: Ledger = await open_ledger(tmp_path / "l.sqlite", "buyer")
    for name in ("sessions", "invoices", "payments", "evidence", "hygiene"):
        assert getattr(ledger, name) is getattr(ledger, name)
    await ledger.close()


# -- sessions and the journal --------------------------------------------------------------
async def test_a_session_opens_once_and_closes_with_or_without_a_cause(
    buyer: SqliteLedger,
) -> None:
    sessions = buyer.sessions
    await sessions.open("s1", "other", "other-meter", 999)  # opening again changes nothing
    await sessions.open("s2", "f" * 64, "meter-1", 200)
    row = await sessions.get("s1")
    assert row is not None
    assert (row.peer_fingerprint, row.meter_id, row.opened_at_ms) == ("f" * 64, "meter-1", 100)
    assert (row.state, row.closing_cause, row.closed_at_ms) == (SessionState.OPENED, None, None)
    assert await sessions.open_ids() == ["s1", "s2"]

    await sessions.close("s1", 300)
    await sessions.close("s2", 400, "the node restarted")
    assert await sessions.open_ids() == []
    one, two = await sessions.get("s1"), await sessions.get("s2")
    assert one is not None
    assert two is not None
    assert (one.state, one.closing_cause, one.closed_at_ms) == (SessionState.CLOSED, None, 300)
    assert (two.state, two.closing_cause) == (SessionState.CLOSED, "the node restarted")
    assert await sessions.get("nope") is None
    # the state column holds what an older gridnode wrote and read
    assert stored(buyer, "SELECT session_id, state FROM sessions ORDER BY 1") == [
        ("s1", "closed"),
        ("s2", "closed: the node restarted"),
    ]


async def test_the_journal_keeps_entries_verbatim_and_in_order(buyer: SqliteLedger) -> None:
    sessions = buyer.sessions
    first = await sessions.journal(JournalEntry("s1", "frame_received", 1, "received offer", b"o"))
    money = JournalEntry("s1", "payment_made", 2, "paid", b"", Msat(500), H1)
    second = await sessions.journal(money)
    keys = await sessions.journal(JournalEntry("s1", "keys", 3, "public keys", b"{}"))
    assert first < second < keys
    entries = await sessions.entries("s1")
    assert entries[1] == money
    assert entries[0].payment_hash == b""
    assert entries[0].amount is None
    assert [e.kind for e in await sessions.entries("s1", ("keys", "frame_received"))] == [
        "frame_received",
        "keys",
    ]
    assert await sessions.has_received_frame(b"o")
    assert not await sessions.has_received_frame(b"{}")  # journalled, but not a frame


# -- invoices and the wallet cursor ----------------------------------------------------------
async def test_a_settlement_is_credited_once_with_the_cursor(seller: SqliteLedger) -> None:
    invoices = seller.invoices
    await invoices.created("s1", H1, "lnbcrt1a", Msat(7_000), PREPAYMENT, False, 1)
    await invoices.created("s1", H2, "lnbcrt1b", Msat(3_000), PREPAYMENT, False, 2)
    assert await invoices.settled(H1, 41, Msat(7_000), PRE, 3) is True
    assert await invoices.settled(H1, 41, Msat(7_000), PRE, 4) is False  # a replay
    assert await invoices.settle_index() == 41
    # found out of order (a lookup at shutdown): credited, the cursor left for the stream
    assert await invoices.settled(H2, 43, Msat(3_000), PRE, 5, advance_cursor=False)
    assert await invoices.settle_index() == 41
    assert await invoices.settled(H2, 43, Msat(3_000), PRE, 6) is False  # once only
    assert await invoices.settle_index() == 43
    settled = {r.payment_hash: r for r in await invoices.find(state=InvoiceState.SETTLED)}
    assert set(settled) == {H1, H2}
    row = settled[H1]
    assert (row.settle_index, row.amount_paid, row.settled_at_ms) == (41, Msat(7_000), 3)
    assert row.preimage == PRE


async def test_a_hold_invoice_and_its_states(seller: SqliteLedger) -> None:
    invoices = seller.invoices
    await invoices.hold_planned("s1", H1, PRE, Msat(100_000), DEPOSIT, 1)
    assert await invoices.hold_preimage(H1) == PRE
    (planned,) = await invoices.find()
    assert (planned.bolt11, planned.hold, planned.state) == ("", True, InvoiceState.OPEN)
    await invoices.created("s1", H1, "lnbcrt1hold", Msat(100_000), DEPOSIT, True, 2)
    await invoices.created("s1", H1, "lnbcrt1other", Msat(100_000), DEPOSIT, True, 3)  # kept
    await invoices.set_state(H1, InvoiceState.ACCEPTED)
    (accepted,) = await invoices.find(session_id="s1")
    assert (accepted.bolt11, accepted.state, accepted.purpose) == (
        "lnbcrt1hold",
        InvoiceState.ACCEPTED,
        DEPOSIT,
    )
    assert await invoices.unpruned_canceled() == []
    await invoices.set_state(H1, InvoiceState.CANCELED)
    assert await invoices.unpruned_canceled() == [H1]
    await invoices.mark_pruned([H1])
    assert await invoices.unpruned_canceled() == []
    assert await invoices.hold_preimage(H2) is None
    assert await invoices.find(session_id="other") == []


async def test_a_settled_invoice_stays_settled_and_states_are_set_only_as_they_may_be(
    seller: SqliteLedger,
) -> None:
    invoices = seller.invoices
    await invoices.created("s1", H1, "lnbcrt1", Msat(1_000), PREPAYMENT, False, 1)
    await invoices.settled(H1, 5, Msat(1_000), PRE, 2)
    await invoices.set_state(H1, InvoiceState.CANCELED)
    assert (await invoices.find())[0].state is InvoiceState.SETTLED
    for state in (InvoiceState.SETTLED, InvoiceState.OPEN):
        with pytest.raises(ValueError, match="accepted or canceled"):
            await invoices.set_state(H1, state)


# -- payments ------------------------------------------------------------------------------
async def test_a_payment_hash_is_attempted_once_whatever_became_of_it(buyer: SqliteLedger) -> None:
    payments = buyer.payments
    await payments.started("s1", H1, "lnbcrt1a", Msat(5_000), 10)
    await payments.started("s1", H2, "lnbcrt1b", Msat(6_000), 11)
    with pytest.raises(DuplicatePaymentError, match="never paid twice"):
        await payments.started("s1", H1, "lnbcrt1a", Msat(5_000), 12)  # in flight
    await payments.succeeded(H1, 13, PRE, Msat(7))
    await payments.failed(H2, 14, "no_route")
    for again in (H1, H2):  # succeeded or failed: never attempted again either
        with pytest.raises(DuplicatePaymentError):
            await payments.started("s1", again, "lnbcrt1", Msat(1), 15)
    one, two = await payments.get(H1), await payments.get(H2)
    assert one is not None
    assert two is not None
    assert (one.status, one.preimage, one.fee, one.resolved_at_ms) == (
        PaymentStatus.SUCCEEDED,
        PRE,
        Msat(7),
        13,
    )
    assert (two.status, two.failure, two.fee, two.preimage) == (
        PaymentStatus.FAILED,
        "no_route",
        Msat(0),
        None,
    )
    assert await payments.get(H3) is None


async def test_a_payment_resolves_once(buyer: SqliteLedger) -> None:
    payments = buyer.payments
    await payments.started("s1", H1, "lnbcrt1", Msat(5_000), 10)
    await payments.failed(H1, 11, "timeout")
    await payments.succeeded(H1, 12, PRE, Msat(1))  # too late: it failed
    row = await payments.get(H1)
    assert row is not None
    assert (row.status, row.failure, row.resolved_at_ms) == (PaymentStatus.FAILED, "timeout", 11)
    await payments.started("s1", H2, "lnbcrt2", Msat(1), 13)
    with pytest.raises(LedgerError, match="breaks its rules"):  # no proof, no success
        await payments.succeeded(H2, 14, b"", Msat(0))
    assert (await payments.find(status=PaymentStatus.IN_FLIGHT))[0].payment_hash == H2


async def test_payments_are_found_in_order_and_pruned_only_once_resolved(
    buyer: SqliteLedger,
) -> None:
    payments = buyer.payments
    await buyer.sessions.open("s2", "f" * 64, "meter-1", 100)
    for n, (session, h) in enumerate((("s1", H1), ("s2", H2), ("s1", H3))):
        await payments.started(session, h, f"lnbcrt{n}", Msat(100 + n), 10 + n)
    assert [p.payment_hash for p in await payments.find()] == [H1, H2, H3]
    assert [p.payment_hash for p in await payments.find("s1")] == [H1, H3]
    assert await payments.unpruned(10) == []  # all in flight: LND keeps them
    await payments.succeeded(H1, 20, PRE, Msat(0))
    await payments.failed(H3, 21, "no_route")
    assert await payments.unpruned(1) == [H1]
    assert await payments.unpruned(10) == [H1, H3]
    await payments.mark_pruned([H1, H3])
    assert await payments.unpruned(10) == []
    in_flight = await payments.find(status=PaymentStatus.IN_FLIGHT)
    assert [(p.session_id, p.amount) for p in in_flight] == [("s2", Msat(101))]


# -- evidence and hygiene ------------------------------------------------------------------
async def test_readings_by_side_and_series(buyer: SqliteLedger) -> None:
    evidence = buyer.evidence
    own = [
        ReadingRow("s1", ReadingSide.OWN, "meter-1", p, 1000 + p, f"OCMF|own|{p}") for p in (1, 2)
    ]
    peer = ReadingRow("s1", ReadingSide.PEER, "gw:m", 7, 1500, "OCMF|peer|7")
    for row in (*own, peer):
        await evidence.reading(row)
    with pytest.raises(LedgerError):  # a page its series has already
        await evidence.reading(own[0])
    assert await evidence.readings("s1", ReadingSide.OWN) == own
    assert await evidence.readings("s1", ReadingSide.PEER) == [peer]
    assert await evidence.last_session_reading("s1", ReadingSide.OWN) == own[1]
    assert await evidence.last_session_reading("s2", ReadingSide.OWN) is None
    assert await evidence.last_reading(ReadingSide.OWN, "meter-1") == own[1]
    assert await evidence.last_reading(ReadingSide.PEER, "gw:m") == peer
    assert await evidence.last_reading(ReadingSide.PEER, "meter-1") is None


async def test_relay_switches_and_breaches(seller: SqliteLedger) -> None:
    evidence = seller.evidence
    await seller.sessions.open("s2", "b" * 64, "meter-2", 100)
    await evidence.relay_switch("s1", True, "supply conditions met", 1)
    await evidence.relay_switch(None, False, "shutdown", 2)
    await evidence.relay_switch("s2", False, "credit", 3)
    assert await evidence.relay_switches("s1") == [
        RelaySwitchRow("s1", True, "supply conditions met", 1)
    ]
    assert [(r.session_id, r.on) for r in await evidence.relay_switches()] == [
        ("s1", True),
        (None, False),
        ("s2", False),
    ]
    await evidence.breach("s1", "breach", "voltage", 4)
    await evidence.breach("s2", "breach", "over-billed", 5)
    assert await evidence.breaches("s2") == [BreachRow("s2", "breach", "over-billed", 5)]
    assert [b.text for b in await evidence.breaches()] == ["voltage", "over-billed"]


async def test_the_raw_window(buyer: SqliteLedger) -> None:
    for at_ms, text in ((1, "sent heartbeat #2"), (1, "sent offer #1"), (50, "sent heartbeat #3")):
        await buyer.sessions.journal(JournalEntry("s1", "frame_sent", at_ms, text))
    assert await buyer.hygiene.prune_raw(10) == 1
    assert [e.text for e in await buyer.sessions.entries("s1")] == [
        "sent offer #1",
        "sent heartbeat #3",
    ]


async def test_close_releases_the_file_for_the_next_opener(tmp_path: Path) -> None:
    from gridnode.ledger.archive import prune_ledger

    ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer", threaded=True)
    await ledger.sessions.open("s1", "f" * 64, "m", 0)
    await ledger.close()
    # an exclusive opener (the archiving prune) gets it: the shared lock is gone
    report = prune_ledger(tmp_path / "buyer.sqlite", 1, lambda _l, _s: {})
    assert report.archived == []
