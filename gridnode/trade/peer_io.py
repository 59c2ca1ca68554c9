"""Receiving a peer frame: decode, sequence check, signature check, ledger record.

Every refusal answers the peer with an Error message (its code says why) and tells the
operator; nothing is dropped silently.
"""

from __future__ import annotations

from gridnode.ocmf import OcmfRecord
from gridnode.trade import codec
from gridnode.trade.actions import Action, LedgerKind, Notify, PublishRate, Record, SendMessage
from gridnode.trade.errors import DecodeError, SignatureError
from gridnode.trade.machine import ErrorCode, Inbox, Outbox
from gridnode.trade.messages import (
    Body,
    ErrorMessage,
    Hello,
    InvoiceMessage,
    MeterReadingMessage,
    PaymentNotice,
    Received,
    Role,
)
from gridnode.trade.profiles import RateProfile
from gridnode.trade.signing import Verifier, fingerprint
from gridnode.trade.terms import Offer


def receive(
    frame: bytes,
    inbox: Inbox,
    peer: Verifier,
    outbox: Outbox,
    now_ms: int,
    out: list[Action],
) -> Received | None:
    """The received message, or None after answering the peer with an Error."""
    try:
        received = codec.decode(frame)
    except DecodeError as exc:
        out.extend(refuse(outbox, exc.code, str(exc), now_ms))
        return None
    problem = inbox.check(received)
    if problem is not None:
        text = (
            f"{received.envelope.body.kind.value} #{received.envelope.seq} refused: "
            f"{problem.name.lower().replace('_', ' ')} (expected #{inbox.last_seq + 1})"
        )
        if isinstance(received.envelope.body, ErrorMessage):
            # Never answer an error with an error: two nodes must not ping-pong.
            out.extend([Record(LedgerKind.REFUSAL, now_ms, text), Notify(text)])
        else:
            out.extend(refuse(outbox, problem, text, now_ms))
        return None
    inbox.accept(received)
    try:
        codec.verify(received, peer)
        reading = reading_of(received.envelope.body)
        if reading is not None:
            codec.verify_reading(reading, peer)
    except SignatureError as exc:
        out.extend(refuse(outbox, ErrorCode.BAD_SIGNATURE, str(exc), now_ms))
        return None
    kind = received.envelope.body.kind.value
    out.append(
        Record(
            LedgerKind.FRAME_RECEIVED,
            now_ms,
            f"received {kind} #{received.envelope.seq}",
            data=received.frame_bytes,
        )
    )
    if reading is not None:  # the peer's series, stored before anything acts on it
        text = f"peer's OCMF reading {reading.payload.PG} of meter {reading.payload.MS}"
        at_ms = reading.payload.RD[-1].TM.unix_ms
        out.append(Record(LedgerKind.PEER_READING, at_ms, text, data=reading.text.encode()))
    return received


def reading_of(body: Body) -> OcmfRecord | None:
    """The signed OCMF reading a message carries, if any."""
    match body:
        case MeterReadingMessage() | InvoiceMessage():
            return body.reading
        case PaymentNotice():
            return body.buyer_reading
        case _:
            return None


def refuse(outbox: Outbox, code: int, text: str, now_ms: int) -> list[Action]:
    return [
        Record(LedgerKind.REFUSAL, now_ms, text),
        Notify(text),
        *outbox.send(ErrorMessage(int(code), text[:500]), now_ms),
    ]


def illegal(outbox: Outbox, what: str, role: str, state: str, now_ms: int) -> list[Action]:
    text = f"a {what} message is not allowed while the {role} is {state}"
    return refuse(outbox, ErrorCode.ILLEGAL_IN_STATE, text, now_ms)


def digest_of_sent(sent: list[Record | SendMessage]) -> bytes:
    """The digest an acceptance will quote for a message we just sent."""
    frame = next(a.frame for a in sent if isinstance(a, SendMessage))
    return codec.digest(codec.decode(frame))


def rate_change(profile: RateProfile, now_ms: int, last: int | None) -> PublishRate | None:
    """A PublishRate when the whole-msat price differs from the last one published."""
    price = profile.price_at(now_ms)
    rate = price.numerator // price.denominator
    return None if rate == last else PublishRate(rate, now_ms)


def rate_update(
    offer: Offer | None, live: bool, now_ms: int, last: int | None
) -> PublishRate | None:
    """A PublishRate for a live session with terms whose rate changed (see
    :func:`rate_change`); None otherwise."""
    if offer is None or not live:
        return None
    return rate_change(offer.profile, now_ms, last)


def hello_problem(hello: Hello, peer: Verifier, role: Role) -> str | None:
    """Why a peer's hello does not match the key we pinned for it, or None."""
    expected = fingerprint(peer.public_key_der)
    if hello.node_id != expected:
        return (
            f"the peer says it is node {hello.node_id[:16]}..., not the pinned {expected[:16]}..."
        )
    if hello.role is not role:
        return f"the peer says it is a {hello.role.name.lower()}, not a {role.name.lower()}"
    return None
