"""The ledger's interlock of the estate market: at most one receiving session per circuit
(the buyer's meter) at any time. A second session of the same circuit may receive only
once the first is closed (break before make); another circuit is independent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gridnode.ledger import CircuitBusyError, LedgerError, SessionState, SqliteLedger
from tests.support.ledger import open_ledger

ROOF, GRID = "r" * 64, "g" * 64


@pytest.fixture
async def ledger(tmp_path: Path) -> AsyncIterator[SqliteLedger]:
    opened = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    await opened.sessions.open("roof-1", ROOF, "house", 100)
    await opened.sessions.open("grid-1", GRID, "house", 110)
    await opened.sessions.open("garage-1", GRID, "garage", 120)
    yield opened
    await opened.close()


async def test_a_second_session_may_not_receive_until_the_first_is_closed(
    ledger: SqliteLedger,
) -> None:
    await ledger.sessions.receive("roof-1")
    await ledger.sessions.receive("roof-1")  # again: nothing changes
    with pytest.raises(CircuitBusyError, match=r"roof-1 still receives on circuit 'house'"):
        await ledger.sessions.receive("grid-1")
    assert await ledger.sessions.receiving("house") == ["roof-1"]
    await ledger.sessions.close("roof-1", 200)
    await ledger.sessions.receive("grid-1")
    assert await ledger.sessions.receiving("house") == ["grid-1"]
    row = await ledger.sessions.get("grid-1")
    assert row is not None
    assert row.state is SessionState.RECEIVING


async def test_another_circuit_is_independent(ledger: SqliteLedger) -> None:
    await ledger.sessions.receive("roof-1")
    await ledger.sessions.receive("garage-1")
    assert await ledger.sessions.receiving("garage-1") == []
    assert await ledger.sessions.receiving("garage") == ["garage-1"]


async def test_a_closed_session_cannot_receive(ledger: SqliteLedger) -> None:
    await ledger.sessions.close("roof-1", 200, "the seller closed")
    with pytest.raises(LedgerError, match="is not open"):
        await ledger.sessions.receive("roof-1")
    row = await ledger.sessions.get("roof-1")
    assert row is not None
    assert (row.state, row.closing_cause) == (SessionState.CLOSED, "the seller closed")
