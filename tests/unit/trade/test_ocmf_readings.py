"""Signed readings as OCMF records (DESIGN.md invariants 5 and 6): every reading a session
signs is an OCMF record that gridnode.ocmf and an independent library (pyocmf) verify,
one gap-free series per meter that continues across sessions, and a buyer that refuses
to pay on a reading that is not the seller's."""

from __future__ import annotations

import dataclasses
import warnings

import pytest

from gridnode.ocmf import (
    ClockStatus,
    OcmfRecord,
    SeriesState,
    Transaction,
    parse_record,
    verify_series,
)
from gridnode.trade.actions import LedgerKind, Record, SendMessage
from gridnode.trade.events import ClockChecked, CloseRequested, FrameReceived
from gridnode.trade.messages import Cause, Close, InvoiceMessage, MeterReadingMessage
from gridnode.trade.profiles import TimeOfUseBlock, TimeOfUseProfile
from gridnode.trade.readings import OwnSeries
from gridnode.trade.states import BuyerState, SellerState
from gridnode.trade.terms import Offer
from gridnode.trade.units import MsatPerKwh
from tests.support.terms import T0, demo_offer
from tests.support.trade.sim import BUYER, SELLER, World
from tests.support.trade.worlds import (
    BUYER_KEY,
    MINUTE,
    SELLER_KEY,
    SESSION,
    buyer_session,
    errors_in,
    from_seller,
    invoice,
    make_world,
    pays,
    receiving_world,
    seller_session,
)

pyocmf = pytest.importorskip("pyocmf", reason="pyocmf is in the dev extra")

SELLER_HEX = SELLER_KEY.public_key_der.hex()
BUYER_HEX = BUYER_KEY.public_key_der.hex()


def world_with(
    *,
    offer: Offer | None = None,
    seller_series: SeriesState | None = None,
    buyer_series: SeriesState | None = None,
    session_id: bytes = SESSION,
    renewal: bool = False,
    start_ms: int = T0,
) -> World:
    seller = seller_session(
        offer or demo_offer(start=start_ms),
        session_id=session_id,
        renewal=renewal,
        series=seller_series,
        clock_status=ClockStatus.SYNCHRONIZED,
    )
    buyer = buyer_session(series=buyer_series)
    return make_world(seller=seller, buyer=buyer, start_ms=start_ms)


def readings(world: World, who: str, kind: LedgerKind = LedgerKind.READING) -> list[str]:
    return [
        a.data.decode()
        for _, w, a in world.actions
        if w == who and isinstance(a, Record)
        if a.kind is kind
    ]


def codes(records: list[str]) -> str:
    return "".join(str(parse_record(r).payload.RD[-1].TX) for r in records)


def by_pyocmf(text: str, key_hex: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a SpecWarning fails the test too
        parsed = pyocmf.OCMF.from_string(text, strict=True)
        assert parsed.verify_signature(key_hex) is True


def test_every_reading_of_a_renewed_session_verifies_with_gridnode_ocmf_and_pyocmf() -> None:
    world = world_with(renewal=True)
    world.run(T0 + 21 * MINUTE)
    seller, buyer = readings(world, SELLER), readings(world, BUYER)
    # Begin, intermediate readings (one per invoice or payment), a tariff change when
    # the renewed period's terms take over, and an End at the close.
    for series in (codes(seller), codes(buyer)):
        assert series[0] == "B"
        assert series[-1] == "E"
        assert "T" in series
        assert series.count("C") > 20
    assert verify_series(seller, SELLER_HEX) == []
    assert verify_series(buyer, BUYER_HEX) == []
    for text in seller:
        by_pyocmf(text, SELLER_HEX)
    for text in buyer:
        by_pyocmf(text, BUYER_HEX)
    # Each side stored the other's series as it was sent. The buyer's End follows the
    # seller's Close: the seller stores it while its session still closes (waiting for
    # the deposit refund); here the fake wallet refunds at once, so only the buyer has it.
    assert readings(world, BUYER, LedgerKind.PEER_READING) == seller
    assert readings(world, SELLER, LedgerKind.PEER_READING) == buyer[:-1]
    # The clock flag is the node's word: the seller was told its clock is synchronised.
    assert all(parse_record(r).payload.RD[-1].TM.to_text().endswith(" S") for r in seller)
    assert all(parse_record(r).payload.RD[-1].TM.to_text().endswith(" U") for r in buyer)


def test_the_register_is_the_energy_billed_since_the_series_began() -> None:
    world = world_with()
    world.run(T0 + 3 * MINUTE)
    first, *_, last = (parse_record(r) for r in readings(world, SELLER))
    assert SESSION.hex() == first.payload.ID  # the transaction names the session
    assert first.payload.RD[-1].energy_mwh == 0  # a new series
    billed = last.payload.RD[-1].energy_mwh
    assert billed is not None
    assert 0 < billed <= world.seller.meter.energy_mwh


def test_an_invoice_carries_the_reading_that_backs_it() -> None:
    world = world_with()
    world.run(T0 + MINUTE)
    sent = [
        body
        for _, w, a in world.actions
        if w == SELLER and isinstance(a, SendMessage)
        if isinstance(body := _decode(a.frame), InvoiceMessage)
    ]
    own = readings(world, SELLER)
    assert sent
    for message in sent:
        assert message.reading.payload.RD[-1].TX is Transaction.CHARGING
        assert message.reading.text in own
        assert message.reading.payload.RD[-1].energy_mwh == message.energy_from_mwh


def test_pagination_continues_across_two_sessions_of_the_same_meter() -> None:
    first = world_with()
    first.run(T0 + 2 * MINUTE)
    first.at(first.now_ms, SELLER, CloseRequested("done"))
    first.run(T0 + 3 * MINUTE)
    one = readings(first, SELLER)
    assert codes(one)[-1] == "E"
    state = SeriesState.following(parse_record(one[-1]))
    assert state == first.seller.readings.own.state

    start = T0 + 10 * MINUTE
    second = world_with(seller_series=state, session_id=bytes(range(1, 17)), start_ms=start)
    second.run(start + 2 * MINUTE)
    two = readings(second, SELLER)
    pages = [parse_record(r).page for r in one + two]
    assert pages == list(range(1, len(pages) + 1))  # gap-free, never reset
    begin = parse_record(two[0]).payload.RD[-1]
    assert begin.TX is Transaction.BEGIN
    assert begin.energy_mwh == parse_record(one[-1]).payload.RD[-1].energy_mwh
    assert verify_series(one, SELLER_HEX) == []
    assert verify_series(two, SELLER_HEX, complete=False) == []
    # The buyer checks the second session's series from its own Begin: no breach.
    assert second.buyer.state is BuyerState.RECEIVING


def test_a_transaction_left_open_by_a_stopped_node_is_ended_as_aborted() -> None:
    series = OwnSeries(SELLER_KEY, "seller-meter", None)
    series.begin("an old session", T0)
    series.sign(Transaction.CHARGING, T0 + 1_000, 5_000)
    fresh = OwnSeries(SELLER_KEY, "seller-meter", series.state)
    aborted, begin = fresh.begin("a new session", T0 + 2_000)
    assert [aborted.payload.RD[-1].TX, begin.payload.RD[-1].TX] == [
        Transaction.END_ABORT,
        Transaction.BEGIN,
    ]
    assert [aborted.page, begin.page] == [3, 4]
    assert fresh.sign(Transaction.CHARGING, T0 + 3_000, 100).payload.RD[-1].energy_mwh == 5_100


def test_another_keys_state_starts_a_new_series() -> None:
    series = OwnSeries(BUYER_KEY, "seller-meter", None)
    series.begin("a session", T0)
    fresh = OwnSeries(SELLER_KEY, "seller-meter", series.state)
    (begin,) = fresh.begin("a session", T0)
    assert begin.page == 1


def _tampered(record: OcmfRecord) -> OcmfRecord:
    payload = record.payload_text
    energy = record.payload.RD[-1].RV
    assert energy is not None
    changed = payload.replace(f'"RV":{energy}', f'"RV":{energy + 1}')
    assert changed != payload
    return dataclasses.replace(parse_record(record.text), payload_text=changed)


def test_a_tampered_seller_reading_makes_the_buyer_refuse_to_pay() -> None:
    world = receiving_world()
    message = invoice(world, 7, 100)
    forged = dataclasses.replace(message, reading=_tampered(message.reading))
    out = world.buyer.handle(FrameReceived(from_seller(world, forged)), world.now_ms)
    assert pays(out) == []
    assert [e.code for e in errors_in(out)] == [8]  # bad signature
    assert not world.buyer.payments.deferred


def test_a_reading_signed_by_another_key_makes_the_buyer_refuse_to_pay() -> None:
    world = receiving_world()
    message = invoice(world, 8, 100)
    stranger = OwnSeries(BUYER_KEY, world.seller.offer.meter_id, None)
    stranger.begin(SESSION.hex(), world.now_ms)
    forged = dataclasses.replace(
        message, reading=stranger.sign(Transaction.CHARGING, world.now_ms, 1)
    )
    out = world.buyer.handle(FrameReceived(from_seller(world, forged)), world.now_ms)
    assert pays(out) == []
    assert errors_in(out)


def test_a_gap_in_the_sellers_pagination_stops_payment() -> None:
    world = receiving_world()
    world.seller.readings.own.sign(Transaction.CHARGING, world.now_ms, 0)  # never sent
    world.buyer.handle(FrameReceived(from_seller(world, invoice(world, 9, 100))), world.now_ms)
    assert world.buyer.state is BuyerState.STOPPED


def test_a_second_begin_from_the_seller_stops_payment() -> None:
    world = receiving_world()
    other = OwnSeries(SELLER_KEY, world.seller.offer.meter_id, None)
    (begin,) = other.begin(SESSION.hex(), world.now_ms)
    world.buyer.handle(FrameReceived(from_seller(world, MeterReadingMessage(begin))), world.now_ms)
    assert world.buyer.state is BuyerState.STOPPED


def _decode(frame: bytes) -> object:
    from gridnode.trade import codec

    return codec.decode(frame).envelope.body


def test_a_session_following_one_still_closing_shares_its_counter() -> None:
    """The buyer starts a new session when the seller does, while its old one closes."""
    old = OwnSeries(BUYER_KEY, "buyer-meter", None)
    old.begin("old", T0)
    old.sign(Transaction.CHARGING, T0 + 1_000, 10)
    new = OwnSeries.following(old, ClockStatus.UNKNOWN)
    end = old.sign(Transaction.END, T0 + 2_000, 20)  # the old session closes first
    (begin,) = new.begin("new", T0 + 3_000)
    assert [end.page, begin.page] == [3, 4]
    assert new.open
    assert not old.open

    # Had the new session begun first, the old transaction is ended as aborted, and the
    # old session no longer signs (no page is used twice).
    late = OwnSeries.following(new, ClockStatus.UNKNOWN)
    aborted, again = late.begin("newer", T0 + 4_000)
    assert [aborted.payload.RD[-1].TX, aborted.page, again.page] == [
        Transaction.END_ABORT,
        5,
        6,
    ]
    assert not new.open


def test_the_buyer_sends_its_end_after_the_sellers_close_and_a_closing_seller_stores_it() -> None:
    world = receiving_world()
    close = from_seller(world, Close(Cause.PERIOD_END, "period over"))
    out = world.buyer.handle(FrameReceived(close), world.now_ms)
    (frame,) = [a.frame for a in out if isinstance(a, SendMessage)]
    body = _decode(frame)
    assert isinstance(body, MeterReadingMessage)
    assert body.reading.payload.RD[-1].TX is Transaction.END
    assert world.buyer.state is BuyerState.CLOSED

    world.seller.machine.move(SellerState.CLOSING)  # waiting for its deposit refund
    stored = world.seller.handle(FrameReceived(frame), world.now_ms)
    peer = [a for a in stored if isinstance(a, Record) and a.kind is LedgerKind.PEER_READING]
    assert [a.data.decode() for a in peer] == [body.reading.text]
    assert errors_in(stored) == []


def test_a_time_of_use_price_step_is_marked_with_a_tariff_change_reading() -> None:
    # T0 is 11:06:40 UTC; the block ends at 11:09, where the price drops.
    block = TimeOfUseBlock(127, 0, 11 * 60 + 9, MsatPerKwh(200_000))
    profile = TimeOfUseProfile((block,), MsatPerKwh(150_000), "UTC")
    world = world_with(offer=demo_offer(profile=profile))
    world.run(T0 + 4 * MINUTE)
    step_ms = T0 + 2 * MINUTE + 20_000
    for who, key in ((SELLER, SELLER_HEX), (BUYER, BUYER_HEX)):
        records = [parse_record(r) for r in readings(world, who)]
        marks = [r for r in records if r.payload.RD[-1].TX is Transaction.TARIFF_CHANGE]
        assert len(marks) == 1, who
        assert marks[0].payload.TT == "price step: 150000 msat/kWh"
        assert step_ms <= marks[0].payload.RD[-1].TM.unix_ms < step_ms + 1_000
        assert verify_series([r.text for r in records], key, complete=False) == []
        by_pyocmf(marks[0].text, key)
    assert world.buyer.state is BuyerState.RECEIVING


def test_a_clock_that_loses_its_synchronisation_mid_session_flags_the_readings_after() -> None:
    """The node re-checks its clock while a session runs (gridnode.node.clock_gate.ClockGate)
    and tells the session; readings signed from then on carry the new flag, and the
    series still verifies (the flag is part of what is signed, not a break in it)."""
    world = world_with()
    world.run(T0 + 2 * MINUTE)
    before = len(readings(world, SELLER))
    out = world.seller.handle(ClockChecked(ClockStatus.UNKNOWN), world.now_ms)
    assert [a.text for a in out if isinstance(a, Record) and "clock" in a.text] == [
        "clock status U from now on"
    ]
    assert world.seller.handle(ClockChecked(ClockStatus.UNKNOWN), world.now_ms + 1) == []
    world.run(T0 + 12 * MINUTE)  # past the sale period: the series ends
    seller = readings(world, SELLER)
    flags = [parse_record(r).payload.RD[-1].TM.to_text()[-1] for r in seller]
    assert set(flags[:before]) == {"S"}
    assert len(flags) > before + 5
    assert set(flags[before:]) == {"U"}
    assert verify_series(seller, SELLER_HEX) == []
    for text in seller[before : before + 2]:
        by_pyocmf(text, SELLER_HEX)
