"""A buyer node whose own meter fails blames itself, not its seller (issue 16): in virtual
time, a buyer meter that stops answering, or whose counter sticks, while the seller
supplies is a fault in the buyer's ledger (it stops paying and says why), never a
breach; no hold is put on the seller, and the same session trades again once the
meter reads again."""

from __future__ import annotations

from pathlib import Path

from gridnode.trade.states import BuyerState
from tests.support.clock import VirtualClock
from tests.support.node import Pair, trading_pair


def _journal(pair: Pair[VirtualClock], node: str, kind: str) -> list[str]:
    with pair.stored(node) as store:
        return [
            e.text
            for s in store.sessions.find()
            for e in store.sessions.entries(s.session_id, (kind,))
        ]


async def _supplying(pair: Pair[VirtualClock]) -> None:
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    await pair.clock.advance(10)
    assert pair.wire.relay_on


async def _trades_again(pair: Pair[VirtualClock], paid_before: int, sessions: int) -> None:
    """The same session pays and is supplied again, and nobody is held off."""
    await pair.clock.run_until(
        lambda: len(pair.buyer_wallet.payments) > paid_before and pair.wire.relay_on,
        step_s=0.25,
        limit_s=60,
    )
    assert pair.partner.hold() is None
    assert pair.partner.sessions_started == sessions
    session = pair.partner.session
    assert session is not None
    assert session.state in (BuyerState.RECEIVING, BuyerState.SUSPENDED)


async def test_a_buyer_meter_that_stops_answering_is_its_fault_not_a_breach(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path, load_mw=2_000_000)
    async with pair.trading():
        await _supplying(pair)
        sessions = pair.partner.sessions_started
        pair.buyer_meter.failing = True  # its bus is cut: no reading for 8 s
        await pair.clock.advance(8)
        faults = _journal(pair, "buyer", "fault")
        assert any(f.startswith("this buyer's meter is faulty") for f in faults), faults
        paid = len(pair.buyer_wallet.payments)
        await pair.clock.advance(3)
        assert len(pair.buyer_wallet.payments) == paid  # not paying while it is faulty
        pair.buyer_meter.failing = False
        await _trades_again(pair, paid, sessions)
        assert _journal(pair, "buyer", "breach") == []
        assert "this buyer's meter reads again: paying resumes" in _journal(pair, "buyer", "state")


async def test_a_stuck_counter_of_the_buyers_meter_is_its_fault_not_a_breach(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path, load_mw=2_000_000)
    async with pair.trading():
        await _supplying(pair)
        sessions = pair.partner.sessions_started
        poller = pair.buyer_role.poller
        assert poller is not None
        sample = poller.last
        assert sample is not None
        pair.buyer_meter.stuck_at_mwh = sample.import_energy_mwh  # it sticks; power goes on
        await pair.clock.advance(8)
        (fault,) = [f for f in _journal(pair, "buyer", "fault") if "meter is faulty" in f]
        assert "its energy counter stays at" in fault
        paid = len(pair.buyer_wallet.payments)
        await pair.clock.advance(3)
        assert len(pair.buyer_wallet.payments) == paid
        pair.buyer_meter.stuck_at_mwh = None  # it counts again (and catches up)
        await _trades_again(pair, paid, sessions)
        assert _journal(pair, "buyer", "breach") == []


async def test_a_stuck_counter_of_the_sellers_meter_stops_its_supply_and_says_so(
    tmp_path: Path,
) -> None:
    """The seller's own counter sticks: it cannot bill, so it cuts at once (a fault in
    its ledger, not a credit cut 6-12 s later as the drill saw), and supplies again in
    the same session once its counter counts again."""
    pair = await trading_pair(tmp_path, load_mw=2_000_000)
    async with pair.trading():
        await _supplying(pair)
        sessions = pair.partner.sessions_started
        slot = next(iter(pair.seller_role.slots.values()))
        sample = slot.poller.last
        assert sample is not None
        pair.seller_meter.stuck_at_mwh = sample.import_energy_mwh  # power goes on
        await pair.clock.advance(3)
        assert not pair.wire.relay_on
        (fault,) = [f for f in _journal(pair, "seller", "fault") if "meter is faulty" in f]
        assert fault.startswith("this seller's meter is faulty (its energy counter stays at")
        await pair.clock.advance(5)
        assert not pair.wire.relay_on  # still stuck: nothing is supplied
        paid = len(pair.buyer_wallet.payments)
        pair.seller_meter.stuck_at_mwh = None  # it counts again (and catches up)
        await _trades_again(pair, paid, sessions)
        states = _journal(pair, "seller", "state")
        assert "this seller's meter counts again: supply may resume" in states
        assert _journal(pair, "buyer", "breach") == []
