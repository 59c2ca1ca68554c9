"""The seller protects the circuit it feeds at the node level: a seller and a buyer
runtime in virtual time over a three-phase wire, with in-process links that a test cuts.

Done when (issue 20): a sag on one phase with the link cut opens the seller's relay
within the grace plus one tick and is in the seller's receipt; a brown-out that still
draws current is a breach on both sides; the buyer trades on a circuit that is dark
until the seller switches it on.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from gridnode.receipt.export import build_receipt
from gridnode.receipt.verify import VerifyOptions, verify_receipt
from gridnode.trade import codec
from gridnode.trade.protection import RangeWatch
from gridnode.trade.units import MilliAmp
from tests.support.clock import VirtualClock
from tests.support.node import Pair, trading_pair
from tests.support.terms import ELECTRICAL

#: Three phases of the demo terms: 16 A each, the phases at most 12 A apart.
THREE_PHASE = dataclasses.replace(
    ELECTRICAL,
    phases=3,
    imbalance_max_ma=MilliAmp(12_000),
    frequency_min_mhz=49_500,
    frequency_max_mhz=50_500,
)
#: The runners' control tick and the meters' poll, in seconds.
TICK_S, POLL_S = 0.25, 1.0


def _relay_offs(pair: Pair[VirtualClock]) -> list[float]:
    return [at for at, on in pair.wire.relay_log if not on]


async def _supplying(pair: Pair[VirtualClock]) -> None:
    await pair.start()
    await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
    await pair.clock.advance(10)
    assert pair.wire.relay_on


def _journal(pair: Pair[VirtualClock], node: str, kind: str) -> list[str]:
    """The texts of ``kind`` in ``node``'s journal, every session in order."""
    with pair.stored(node) as store:
        return [
            e.text
            for s in store.sessions.find()
            for e in store.sessions.entries(s.session_id, (kind,))
        ]


async def test_a_sag_on_one_phase_with_the_link_cut_opens_the_relay_and_is_in_the_receipt(
    tmp_path: Path,
) -> None:
    # 0.5 kW: the credit paid ahead (at least 600 msat) lasts 20 s with no payment
    pair = await trading_pair(tmp_path, electrical=THREE_PHASE, load_mw=500_000)
    await _supplying(pair)
    pair.links.set_up(False)  # the buyer cannot tell the seller anything now
    sag_at = pair.clock.monotonic()
    pair.wire.phase_voltages_mv = [230_000, 190_000, 230_000]
    grace_s = THREE_PHASE.grace_ms / 1000
    await pair.clock.run_until(lambda: not pair.wire.relay_on, step_s=0.05, limit_s=10)
    (off_at,) = _relay_offs(pair)
    # the seller's meter sees the sag at its next poll; the relay opens on the first tick
    # after the grace has run from that reading
    assert grace_s < off_at - sag_at <= POLL_S + grace_s + TICK_S
    faults = _journal(pair, "seller", "fault")
    assert len(faults) == 1
    assert faults[0].startswith("supply cut: L2 at 190000 mV is outside the guaranteed")
    # the sag ends and the link comes back: the relay comes back under the contactor
    # rules (retries while the sag lasts are the trade scenarios')
    await pair.clock.advance(6)
    pair.wire.phase_voltages_mv = None
    pair.links.set_up(True)
    await pair.clock.advance(10)
    assert pair.wire.relay_on  # the supply is back in range: so is the relay
    assert _journal(pair, "buyer", "breach") == []  # the seller cut in time
    await pair.shutdown()
    receipt = build_receipt(tmp_path / "seller" / "ledger.sqlite", _protocol_id(pair))
    voltage = [f for f in receipt["faults"] if f["cause"] == "voltage"]
    assert voltage
    assert voltage[0]["from"] == "seller"
    assert voltage[0]["message"] == "suspend"
    assert "L2 at 190000 mV" in voltage[0]["text"]
    report = verify_receipt(receipt, VerifyOptions(trust_embedded_keys=True))
    assert report.checked["faults"] == len(receipt["faults"])
    assert not [p for p in report.problems if p.record.startswith("fault")]


def _protocol_id(pair: Pair[VirtualClock]) -> str:
    with pair.stored("seller") as store:
        for session in store.sessions.find():
            for entry in store.sessions.entries(session.session_id, ("frame_sent",)):
                return codec.decode(entry.data).envelope.session_id.hex()
    raise AssertionError("the seller sent no frame")


async def test_a_brown_out_that_still_draws_current_is_a_breach_on_both_sides(
    tmp_path: Path,
) -> None:
    """90 V on one phase, far below half the 207 V minimum, with current flowing: the
    seller cuts it (a fault in its ledger, within its grace, which is never longer than
    the buyer's); and where a seller does not cut (an older seller, a broken contactor
    driver) the buyer stops paying (a breach in its ledger)."""
    pair = await trading_pair(tmp_path / "a", electrical=THREE_PHASE, load_mw=1_500_000)
    await _supplying(pair)
    brown_at = pair.clock.monotonic()
    pair.wire.phase_voltages_mv = [230_000, 230_000, 90_000]
    await pair.clock.advance(6)
    grace_s = THREE_PHASE.grace_ms / 1000
    assert 0 < _relay_offs(pair)[0] - brown_at <= POLL_S + grace_s + TICK_S
    faults = _journal(pair, "seller", "fault")
    assert faults
    assert "L3 at 90000 mV while 5555 mA flow" in faults[0]
    assert _journal(pair, "buyer", "breach") == []  # cut in time: nothing to breach
    await pair.shutdown()

    pair = await trading_pair(tmp_path / "b", electrical=THREE_PHASE, load_mw=1_500_000)
    await _supplying(pair)
    assert pair.slot.session is not None
    pair.slot.session.protection = RangeWatch(grace_ms=10**9)  # this seller never cuts
    pair.wire.phase_voltages_mv = [230_000, 230_000, 90_000]
    await pair.clock.advance(6)
    (breach,) = _journal(pair, "buyer", "breach")
    assert "L3 at 90000 mV while 5555 mA flow" in breach
    after = len(pair.buyer_wallet.payments)
    await pair.clock.advance(10)
    assert len(pair.buyer_wallet.payments) == after  # not one payment after the breach
    await pair.shutdown()


async def test_a_seller_meter_on_the_supply_side_keeps_the_relay_off_through_a_sag(
    tmp_path: Path,
) -> None:
    """A self-powered seller meter wired on the supply side of the contactor (WIRING.md)
    sees the supply while the relay is open: the seller cuts a sag once and does not
    switch on into it again however long it lasts; the relay comes back once it ends."""
    pair = await trading_pair(tmp_path, electrical=THREE_PHASE, load_mw=500_000)
    pair.seller_meter.supply_side = True
    await _supplying(pair)
    pair.wire.phase_voltages_mv = [230_000, 190_000, 230_000]
    await pair.clock.run_until(lambda: not pair.wire.relay_on, step_s=0.05, limit_s=10)
    await pair.clock.advance(20)  # many times the minimum off time
    assert not pair.wire.relay_on
    assert len(_relay_offs(pair)) == 1  # cut once, never switched on into the sag
    assert len(_journal(pair, "seller", "fault")) == 1
    pair.wire.phase_voltages_mv = None  # the sag ends
    await pair.clock.run_until(lambda: pair.wire.relay_on, step_s=0.05, limit_s=10)
    assert _journal(pair, "buyer", "breach") == []
    await pair.shutdown()
