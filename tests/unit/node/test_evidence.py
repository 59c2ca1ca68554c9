"""What a node keeps after its side of a session closed (gridnode.node.evidence): the
peer's late readings, checked before they are stored, and whether the peer's End is in."""

from __future__ import annotations

from pathlib import Path

from gridnode.ledger import ReadingSide, SqliteLedger
from gridnode.node.evidence import keep_late_reading, peer_ended
from gridnode.ocmf import ClockStatus, Transaction
from gridnode.trade import codec
from gridnode.trade.actions import SendMessage
from gridnode.trade.machine import Outbox
from gridnode.trade.messages import MeterReadingMessage
from gridnode.trade.readings import OwnSeries
from gridnode.trade.signing import P256Signer
from tests.support.ledger import open_ledger

SELLER = P256Signer.generate()
BUYER = P256Signer.generate()
PROTOCOL_ID = b"S" * 16
NAME = PROTOCOL_ID.hex()
T0 = 1_790_000_000_000


async def _ledger(tmp_path: Path) -> SqliteLedger:
    ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    await ledger.sessions.open(NAME, "buyer-fingerprint", "seller-meter-1", T0)
    return ledger


async def _peer_records(ledger: SqliteLedger) -> list[str]:
    return [r.record for r in await ledger.evidence.readings(NAME, ReadingSide.PEER)]


def _buyer_frames(signer: P256Signer = BUYER, protocol_id: bytes = PROTOCOL_ID) -> list[bytes]:
    """The buyer's Begin, one reading and its End, each in a signed frame."""
    own = OwnSeries(signer, "buyer-meter", None, ClockStatus.SYNCHRONIZED)
    outbox = Outbox(protocol_id, signer)
    records = [*own.begin(protocol_id.hex(), T0)]
    records.append(own.sign(Transaction.CHARGING, T0 + 1_000, 5))
    records.append(own.sign(Transaction.END, T0 + 2_000, 9))
    frames = []
    for record in records:
        (_, send) = outbox.send(MeterReadingMessage(record), T0)
        assert isinstance(send, SendMessage)
        frames.append(send.frame)
    return frames


async def test_a_late_end_from_the_pinned_peer_is_kept_and_counts_as_its_end(
    tmp_path: Path,
) -> None:
    ledger = await _ledger(tmp_path)
    frames = _buyer_frames()
    verifier = BUYER.verifier()
    assert await keep_late_reading(ledger, NAME, PROTOCOL_ID, frames[0], verifier, T0)
    assert await keep_late_reading(ledger, NAME, PROTOCOL_ID, frames[1], verifier, T0)
    assert not await peer_ended(ledger, NAME)  # a Begin and a charging reading: not over yet
    assert await keep_late_reading(ledger, NAME, PROTOCOL_ID, frames[2], verifier, T0)
    assert await peer_ended(ledger, NAME)
    assert len(await _peer_records(ledger)) == 3
    await ledger.close()


async def test_a_late_reading_is_refused_when_it_is_not_the_peers_or_not_this_session(
    tmp_path: Path,
) -> None:
    ledger = await _ledger(tmp_path)
    verifier = BUYER.verifier()
    stranger = _buyer_frames(signer=P256Signer.generate())
    other_session = _buyer_frames(protocol_id=b"T" * 16)
    assert not await keep_late_reading(ledger, NAME, PROTOCOL_ID, stranger[2], verifier, T0)
    assert not await keep_late_reading(ledger, NAME, PROTOCOL_ID, other_session[2], verifier, T0)
    assert not await keep_late_reading(ledger, NAME, PROTOCOL_ID, b"\x00garbage", verifier, T0)
    assert await _peer_records(ledger) == []
    assert not await peer_ended(ledger, NAME)
    await ledger.close()


async def test_a_repeated_page_is_not_stored_twice(tmp_path: Path) -> None:
    ledger = await _ledger(tmp_path)
    (begin, *_) = _buyer_frames()
    verifier = BUYER.verifier()
    assert await keep_late_reading(ledger, NAME, PROTOCOL_ID, begin, verifier, T0)
    assert not await keep_late_reading(ledger, NAME, PROTOCOL_ID, begin, verifier, T0)
    assert len(await _peer_records(ledger)) == 1
    await ledger.close()


def test_the_frames_decode_as_meter_readings() -> None:
    body = codec.decode(_buyer_frames()[2]).envelope.body
    assert isinstance(body, MeterReadingMessage)
    assert body.reading.payload.RD[-1].TX is Transaction.END


async def test_a_late_end_after_a_lost_page_is_not_kept(tmp_path: Path) -> None:
    """The reading before it never reached this ledger (the node was killed): keeping the
    End would leave a gap the verifier reads as a removed record (a drill found one)."""
    ledger = await _ledger(tmp_path)
    begin, _lost, end = _buyer_frames()
    verifier = BUYER.verifier()
    assert await keep_late_reading(ledger, NAME, PROTOCOL_ID, begin, verifier, T0)
    assert not await keep_late_reading(ledger, NAME, PROTOCOL_ID, end, verifier, T0)
    assert len(await _peer_records(ledger)) == 1
    assert not await peer_ended(ledger, NAME)
    await ledger.close()
