"""What a node keeps so that its sessions' receipts are complete.

- When a session opens, both parties' public keys go into its journal (a receipt names
  the keys; the verifier checks them against fingerprints given out of band).
- A session is over for one side before the other: the peer's last signed reading (its
  End) often arrives just after this side closed. It is still evidence of the session,
  so the node checks it like a live one (the peer's pinned key, the session id, the
  next page of the peer's series) and stores it, instead of dropping it. Nothing acts
  on it: the session is over. A late reading that does not follow the last page kept
  here (one between was lost when this node was killed) is not kept: the receipt's
  series stays unbroken, ending where this ledger's copy ends.
- So is the seller's closing statement that reaches a buyer whose session closed first
  (its link was down past the session expiry): it is the seller's signed word on the
  credit left, so the buyer keeps it and its credit note, which the seller's next offer
  carries in (:func:`keep_late_statement`).
- A node that shuts down waits a moment for that End (see :func:`peer_ended`), so its
  own ledger, not only the peer's, gives a complete receipt.
- The peer link hands a message up again after a restart if the node had not marked it
  consumed (``keep_until_consumed``); ``ledger.sessions.has_received_frame`` tells whether
  the journal already holds it, so it is not acted on twice.
"""

from __future__ import annotations

import json
import logging

from gridnode.ledger import JournalEntry, Ledger, LedgerError, ReadingRow, ReadingSide
from gridnode.node.refunds import note_statement
from gridnode.ocmf import OcmfError, parse_record
from gridnode.receipt.export import KEYS_KIND
from gridnode.trade import codec
from gridnode.trade.actions import LedgerKind, Record
from gridnode.trade.closing import describe
from gridnode.trade.errors import DecodeError, SignatureError
from gridnode.trade.messages import ClosingStatement
from gridnode.trade.peer_io import reading_of
from gridnode.trade.signing import Verifier

log = logging.getLogger("gridnode.node")


async def record_party_keys(
    ledger: Ledger,
    session_id: str,
    *,
    seller_der: bytes,
    buyer_der: bytes,
    at_ms: int,
    own_role: str | None = None,
) -> None:
    """Journal both parties' public keys (DER SubjectPublicKeyInfo) for the session, and
    which of the two this node is (``own_role``): a battery node's one ledger holds
    sessions it sells on and sessions it buys on, and its receipts need to know which."""
    keys = {"seller": seller_der.hex(), "buyer": buyer_der.hex()}
    if own_role is not None:
        keys["own_role"] = own_role
    await ledger.sessions.journal(
        JournalEntry(
            session_id,
            KEYS_KIND,
            at_ms,
            "public keys of both parties",
            json.dumps(keys, sort_keys=True).encode(),
        )
    )


async def keep_late_reading(
    ledger: Ledger,
    session_id: str,
    protocol_id: bytes,
    frame: bytes,
    peer: Verifier,
    at_ms: int,
) -> bool:
    """Store the peer's signed reading that arrived after ``session_id`` closed on this
    side, whichever message carries it (a meter reading, or an invoice the seller sent
    while the link was down: its reading is a page of the series too); True when there
    was one and it held. Anything else is left for the caller to log."""
    try:
        received = codec.decode(frame)
    except DecodeError:
        return False
    body = received.envelope.body
    reading = reading_of(body)
    if received.envelope.session_id != protocol_id or reading is None:
        return False
    try:
        codec.verify_reading(reading, peer)
    except SignatureError as exc:
        log.warning("a late reading for session %s was refused: %s", session_id, exc)
        return False
    series = f"{reading.payload.GS}:{reading.payload.MS}"
    if protocol_id.hex() != reading.payload.ID:
        log.warning("a late reading names session %r, not %s", reading.payload.ID, session_id)
        return False
    last = await ledger.evidence.last_session_reading(session_id, ReadingSide.PEER)
    if last is not None and reading.page != last.pagination + 1:
        # a reading between them never reached this ledger (this node was killed before
        # it was written): the series as kept here ends at its last unbroken page, and
        # the peer's own receipt holds the rest
        log.info(
            "a late reading %s for session %s does not follow the last kept page T%d: not kept",
            reading.payload.PG,
            session_id,
            last.pagination,
        )
        return False
    try:
        await ledger.sessions.journal(
            JournalEntry(
                session_id,
                LedgerKind.FRAME_RECEIVED.value,
                at_ms,
                f"received {body.kind.value} #{received.envelope.seq} (after the close)",
                frame,
            )
        )
        await ledger.evidence.reading(
            ReadingRow(
                session_id,
                ReadingSide.PEER,
                series,
                reading.page,
                reading.payload.RD[-1].TM.unix_ms,
                reading.text,
            )
        )
    except LedgerError as exc:  # a page the series already has
        log.info("a late reading for session %s repeats a page: %s", session_id, exc)
        return False
    log.info(
        "kept the peer's reading %s that came after session %s closed",
        reading.payload.PG,
        session_id,
    )
    return True


async def keep_late_statement(
    ledger: Ledger,
    session_id: str,
    protocol_id: bytes,
    frame: bytes,
    seller: Verifier,
    at_ms: int,
) -> bool:
    """Store the seller's signed closing statement that arrived after ``session_id``
    closed on this buyer, with its credit note; True when it was one and it held."""
    try:
        received = codec.decode(frame)
        codec.verify(received, seller)
    except (DecodeError, SignatureError):
        return False
    body = received.envelope.body
    if received.envelope.session_id != protocol_id or not isinstance(body, ClosingStatement):
        return False
    number = received.envelope.seq
    text = f"received closing_statement #{number} (after the close)"
    await ledger.sessions.journal(
        JournalEntry(session_id, LedgerKind.FRAME_RECEIVED.value, at_ms, text, frame)
    )
    record = Record(
        LedgerKind.CLOSING_STATEMENT, at_ms, describe(body), data=frame, amount=body.credit
    )
    await ledger.sessions.journal(
        JournalEntry(session_id, record.kind.value, at_ms, record.text, frame, body.credit)
    )
    await note_statement(ledger, session_id, record)
    log.info("kept the seller's closing statement of session %s: %s", session_id, record.text)
    return True


async def peer_ended(ledger: Ledger, session_id: str) -> bool:
    """Whether the peer's series of ``session_id`` holds its End (a closing reading)."""
    row = await ledger.evidence.last_session_reading(session_id, ReadingSide.PEER)
    if row is None:
        return False
    try:
        last = parse_record(row.record).payload.RD[-1]
    except (OcmfError, IndexError):
        return False
    return last.TX is not None and last.TX.is_end
