"""The four fuzz targets: bytes in, the code the node runs on them, an outcome out.

Each target takes the bytes as they would arrive from outside (a TCP stream, a trade
frame, an OCMF record, a receipt file) and runs the package's own entry point on them,
the one the running node or ``gridnode verify`` calls. It returns normally or raises;
``allowed`` lists the typed errors the entry point documents, and anything else that
escapes is a crash (the engine tallies both by type).

- ``frames``: :class:`gridnode.peer.frames.FrameDecoder` as the connection drives it
  (``gridnode/peer/connection.py``): bytes in chunks, frames out, then the typed
  accessor of each frame's kind. Documented: :class:`FrameError` (malformed, unknown,
  too large). The decoder's held bytes stay under one maximum frame.
- ``trade``: :func:`gridnode.trade.codec.decode` of one frame's bytes, then
  :func:`~gridnode.trade.codec.verify` and ``verify_reading`` under the sender's key, as
  a session does (``gridnode/trade/peer_io.py``). Documented: :class:`DecodeError`
  (unknown, malformed, oversized), :class:`SignatureError`.
- ``ocmf``: :func:`gridnode.ocmf.parse_record` and
  :func:`~gridnode.ocmf.check_signature` under the key of the party the record names
  (its ``GS``), as the receipt verifier does. Documented: :class:`OcmfMalformedError`,
  :class:`OcmfUnknownError`, :class:`OcmfBadSignatureError`.
- ``receipt``: a receipt file's bytes through :func:`gridnode.receipt.verify.parse_receipt`
  and :func:`~gridnode.receipt.verify.verify_receipt`, as ``gridnode verify`` does.
  Documented: :class:`ReceiptError` for a file that is not a JSON document; any JSON
  at all gives a report of problems, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.fuzz.corpus import Corpus
from gridnode.ocmf import (
    OcmfBadSignatureError,
    OcmfMalformedError,
    OcmfUnknownError,
    check_signature,
    parse_record,
)
from gridnode.peer.errors import FrameError
from gridnode.peer.frames import PREFIX, FrameDecoder, FrameKind
from gridnode.peer.settings import LinkSettings
from gridnode.receipt.errors import ReceiptError
from gridnode.receipt.verify import VerifyOptions, parse_receipt, verify_receipt
from gridnode.trade import codec
from gridnode.trade.errors import DecodeError, SignatureError
from gridnode.trade.messages import MessageKind
from gridnode.trade.peer_io import reading_of
from gridnode.trade.signing import P256Verifier, fingerprint

#: The kinds only a seller sends (the rest of the seeds come from the buyer).
_SELLERS_KINDS = frozenset({MessageKind.OFFER, MessageKind.RENEWAL, MessageKind.INVOICE})
#: The link's own limit (LinkSettings' default), as the running node has it.
MAX_FRAME_BYTES = LinkSettings().max_frame_bytes


class InvariantBroken(AssertionError):  # noqa: N818 (a broken invariant, not an error type)
    """A target returned, but what it returned breaks a stated bound (a crash)."""


@dataclass(frozen=True)
class Target:
    """One fuzz target and what its entry point may raise."""

    name: str
    #: the code under test, fed one input
    run: Callable[[bytes], None]
    #: the typed errors the entry point documents; any other exception is a crash
    allowed: tuple[type[BaseException], ...]
    #: seed inputs: valid examples the mutations start from
    seeds: tuple[bytes, ...]
    #: the longest input the engine makes
    max_len: int
    #: whether the seeds are JSON text a tree mutation understands (OCMF, receipts)
    json_text: bool


def feed_frames(data: bytes) -> None:
    """The first byte sets the chunk size (1 to 256 bytes), as TCP cuts a stream."""
    if not data:
        return
    step, stream = data[0] + 1, data[1:]
    decoder = FrameDecoder(MAX_FRAME_BYTES)
    for start in range(0, len(stream), step):
        for frame in decoder.feed(stream[start : start + step]):
            if frame.kind is FrameKind.HELLO:
                frame.hello()
            elif frame.kind in (FrameKind.PING, FrameKind.PONG):
                frame.nonce()
            elif frame.kind is FrameKind.CLOSE:
                frame.close_reason()
        if decoder.pending > PREFIX.size + MAX_FRAME_BYTES:
            raise InvariantBroken(f"the decoder holds {decoder.pending} bytes")


def build_targets(corpus: Corpus) -> dict[str, Target]:
    """The four targets, their seeds from ``corpus``."""
    seller, buyer = P256Verifier(corpus.seller_key_der), P256Verifier(corpus.buyer_key_der)
    keys = {fingerprint(k.public_key_der): k.public_key_der for k in (seller, buyer)}
    options = VerifyOptions(corpus.seller_fpr, corpus.buyer_fpr)

    def trade(data: bytes) -> None:
        received = codec.decode(data)
        body = received.envelope.body
        sender = seller if body.kind in _SELLERS_KINDS else buyer
        codec.verify(received, sender)
        reading = reading_of(body)
        if reading is not None:
            codec.verify_reading(reading, sender)

    def ocmf(data: bytes) -> None:
        record = parse_record(data)
        check_signature(record, keys.get(record.payload.GS or "", corpus.seller_key_der))

    def receipt(data: bytes) -> None:
        verify_receipt(parse_receipt(data), options)

    return {
        "frames": Target(
            "frames", feed_frames, (FrameError,), corpus.link_streams, 8192, json_text=False
        ),
        "trade": Target(
            "trade",
            trade,
            (DecodeError, SignatureError),
            corpus.trade_frames,
            8192,
            json_text=False,
        ),
        "ocmf": Target(
            "ocmf",
            ocmf,
            (OcmfMalformedError, OcmfUnknownError, OcmfBadSignatureError),
            corpus.ocmf_records,
            4096,
            json_text=True,
        ),
        "receipt": Target(
            "receipt", receipt, (ReceiptError,), corpus.receipts, 131_072, json_text=True
        ),
    }
