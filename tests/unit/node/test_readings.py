"""The node's side of signed readings (gridnode.node.readings, the runner): where a
meter's OCMF series goes on after a restart, what a crash left open, and the readings
the runner stores before it acts (DESIGN.md invariants 5 and 6)."""

from __future__ import annotations

from pathlib import Path

from gridnode.ledger import ReadingRow, ReadingSide, SqliteLedger
from gridnode.node.clock_gate import system_clock_status
from gridnode.node.readings import series_state
from gridnode.node.runner import RunnerPorts, SessionRunner
from gridnode.ocmf import ClockStatus, Transaction, parse_record, verify_series
from gridnode.trade.actions import Action, LedgerKind, Record
from gridnode.trade.events import Event, Tick
from gridnode.trade.readings import OwnSeries, ledger_record
from gridnode.trade.signing import fingerprint
from tests.support.clock import VirtualClock
from tests.support.ledger import open_ledger
from tests.support.terms import T0
from tests.support.trade.worlds import BUYER_KEY, SELLER_KEY
from tests.support.wallet import FakeLightning, FakeWallet

SELLER_HEX = SELLER_KEY.public_key_der.hex()
SELLER_KEY_FPR = fingerprint(SELLER_KEY.public_key_der)


def codes(records: list[str]) -> str:
    return "".join(str(parse_record(r).payload.RD[-1].TX) for r in records)


async def _records(ledger: SqliteLedger, session_id: str, side: ReadingSide) -> list[str]:
    return [r.record for r in await ledger.evidence.readings(session_id, side)]


async def test_the_node_continues_its_series_from_the_ledger_and_aborts_what_a_crash_left_open(
    tmp_path: Path,
) -> None:
    """The node's wiring (gridnode.node.readings): the state a new session continues from
    is rebuilt from the last record in the ledger; an open transaction is ended first."""
    ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    meter = "seller-meter-1"
    assert await series_state(ledger, SELLER_KEY, meter, ClockStatus.UNKNOWN, T0) is None
    await ledger.sessions.open("old", "f" * 64, meter, T0)
    series = OwnSeries(SELLER_KEY, meter, None)
    for record in [*series.begin("old", T0), series.sign(Transaction.CHARGING, T0 + 1, 42)]:
        at_ms = record.payload.RD[-1].TM.unix_ms
        await ledger.evidence.reading(
            ReadingRow("old", ReadingSide.OWN, meter, record.page, at_ms, record.text)
        )

    state = await series_state(ledger, SELLER_KEY, meter, ClockStatus.UNKNOWN, T0 + 5)
    assert state is not None
    assert (state.next_page, state.open, state.last_energy_mwh) == (4, None, 42)
    old = await _records(ledger, "old", ReadingSide.OWN)
    assert codes(old) == "BCA"  # ended as aborted, with the session it belongs to
    # at the last reading's time, not the restart's: the register was not read since
    # (found by the fault drill: the receipt's meters then disagreed)
    times = [parse_record(r).payload.RD[-1].TM.unix_ms for r in old]
    assert times[-1] == T0 + 1
    assert verify_series(old, SELLER_HEX) == []
    # Another node key starts its own series.
    assert await series_state(ledger, BUYER_KEY, meter, ClockStatus.UNKNOWN, T0 + 6) is None
    await ledger.close()


def test_the_clock_status_is_synchronised_or_unknown() -> None:
    assert system_clock_status() in {ClockStatus.SYNCHRONIZED, ClockStatus.UNKNOWN}


async def test_the_runner_stores_own_and_peer_readings_before_acting(tmp_path: Path) -> None:
    """gridnode.node.runner writes READING and PEER_READING records to the ledger's
    readings table: the own series by meter, the peer's by its key and meter."""
    ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    await ledger.sessions.open("s1", "f" * 64, "buyer-meter", T0)
    own, peer = OwnSeries(BUYER_KEY, "buyer-meter", None), OwnSeries(SELLER_KEY, "m", None)
    mine = [*own.begin("s", T0), own.sign(Transaction.CHARGING, T0 + 1, 5)]
    theirs = peer.begin("s", T0)
    actions: list[Action] = [ledger_record(r) for r in mine]
    actions += [Record(LedgerKind.PEER_READING, T0, "peer", data=r.text.encode()) for r in theirs]

    class Scripted:
        def handle(self, event: Event, now_ms: int) -> list[Action]:
            return actions

    clock = VirtualClock(start_ms=T0)
    ports = RunnerPorts(
        ledger=ledger,
        wallet=FakeWallet(FakeLightning(), "buyer", clock=clock),  # ledger records only
        send=lambda frame: None,
        relay=None,
        publish_rate=lambda price, at: None,
        clock=clock,
    )
    await SessionRunner("s1", Scripted(), ports).step(Tick())
    assert await _records(ledger, "s1", ReadingSide.OWN) == [r.text for r in mine]
    assert await _records(ledger, "s1", ReadingSide.PEER) == [r.text for r in theirs]
    last = await ledger.evidence.last_reading(ReadingSide.OWN, "buyer-meter")
    assert last is not None
    assert (last.session_id, last.record) == ("s1", mine[-1].text)
    assert last.pagination == mine[-1].page
    peer_last = await ledger.evidence.last_reading(ReadingSide.PEER, f"{SELLER_KEY_FPR}:m")
    assert peer_last is not None
    assert (peer_last.session_id, peer_last.record) == ("s1", theirs[-1].text)
    await ledger.close()
