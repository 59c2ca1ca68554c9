"""The sans-I/O codec of the trade protocol: bytes in, typed messages out.

``decode`` turns one frame's bytes into a :class:`~gridnode.trade.messages.Received` or
raises a :class:`~gridnode.trade.errors.DecodeError` (unknown, malformed or oversized),
never an exception of another type. ``encode`` does the reverse and signs the kinds in
:data:`~gridnode.trade.messages.SIGNED_KINDS` over the exact envelope bytes.

This package is the only part of the core that imports the generated protobuf modules.
"""

from __future__ import annotations

import hashlib

from google.protobuf.message import DecodeError as ProtobufDecodeError

from gridnode.ocmf import OcmfError, OcmfRecord, check_signature
from gridnode.trade.codec._messages import body_from_pb, body_to_pb
from gridnode.trade.errors import (
    DecodeError,
    MalformedMessageError,
    OversizedMessageError,
    SignatureError,
    TradeError,
    UnknownMessageError,
)
from gridnode.trade.messages import (
    PROTOCOL_VERSION,
    SESSION_ID_BYTES,
    SIGNED_KINDS,
    Envelope,
    Received,
)
from gridnode.trade.pb import trade_pb2 as pb
from gridnode.trade.signing import Signer, Verifier

__all__ = [
    "MAX_FRAME_BYTES",
    "decode",
    "digest",
    "encode",
    "verify",
    "verify_reading",
]

#: No trade message comes near this; anything longer is refused before parsing.
MAX_FRAME_BYTES = 64 * 1024


def encode(envelope: Envelope, signer: Signer | None = None) -> bytes:
    """The frame bytes of ``envelope``, signed when its kind binds the sender."""
    message = pb.Envelope(
        protocol_version=envelope.protocol_version,
        session_id=envelope.session_id,
        seq=envelope.seq,
    )
    body_to_pb(envelope.body, message)
    envelope_bytes = message.SerializeToString(deterministic=True)
    signature = b""
    if envelope.body.kind in SIGNED_KINDS:
        if signer is None:
            raise SignatureError(
                f"A {envelope.body.kind.value} message must be signed: pass the node's signer."
            )
        signature = signer.sign(envelope_bytes)
    frame = pb.Frame(envelope=envelope_bytes, signature=signature)
    return frame.SerializeToString(deterministic=True)


def decode(data: bytes) -> Received:
    """One frame's bytes as a received message, or a typed :class:`DecodeError`."""
    if len(data) > MAX_FRAME_BYTES:
        raise OversizedMessageError(
            f"A trade frame of {len(data)} bytes is over the {MAX_FRAME_BYTES}-byte limit."
        )
    try:
        return _decode(data)
    except DecodeError:
        raise
    except (ProtobufDecodeError, TradeError, ValueError, TypeError, OverflowError) as exc:
        raise MalformedMessageError(f"The trade frame does not parse: {exc}") from exc


def _decode(data: bytes) -> Received:
    frame = pb.Frame()
    frame.ParseFromString(data)
    message = pb.Envelope()
    message.ParseFromString(frame.envelope)
    if message.protocol_version != PROTOCOL_VERSION:
        raise UnknownMessageError(
            f"The peer speaks trade protocol version {message.protocol_version}; this node "
            f"speaks {PROTOCOL_VERSION}. Upgrade the older node."
        )
    if len(message.session_id) != SESSION_ID_BYTES:
        raise MalformedMessageError(
            f"A session id must be {SESSION_ID_BYTES} bytes; got {len(message.session_id)}."
        )
    if message.seq < 1:
        raise MalformedMessageError("Sequence numbers start at 1; got 0.")
    body = body_from_pb(message)
    envelope = Envelope(message.session_id, message.seq, body, message.protocol_version)
    return Received(envelope, frame.envelope, frame.signature, data)


def digest(received: Received) -> bytes:
    """SHA-256 of the exact envelope bytes (what an acceptance refers to)."""
    return hashlib.sha256(received.envelope_bytes).digest()


def verify(received: Received, verifier: Verifier) -> None:
    """Raise :class:`SignatureError` unless a binding message carries a valid signature."""
    kind = received.envelope.body.kind
    if kind not in SIGNED_KINDS:
        return
    if not received.signature or not verifier.verify(received.envelope_bytes, received.signature):
        raise SignatureError(
            f"The peer's {kind.value} message (seq {received.envelope.seq}) is not signed by "
            "its pinned key; it was refused."
        )


def verify_reading(reading: OcmfRecord, verifier: Verifier) -> None:
    """Raise :class:`SignatureError` unless the OCMF reading is signed by the peer's key."""
    try:
        check_signature(reading, verifier.public_key_der)
    except OcmfError as exc:
        raise SignatureError(
            f"Meter reading {reading.payload.PG} of meter {reading.payload.MS!r} is not signed "
            f"by the peer's pinned key: {exc}"
        ) from None
