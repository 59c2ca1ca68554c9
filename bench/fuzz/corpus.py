"""Seed inputs for the fuzz targets, all from one real session.

The receipt of a real ``gridnode demo`` session on regtest
(``tests/unit/receipt/data/demo-receipt.json``) holds every kind of outside input the
targets read: the trade frames both nodes signed (offer, acceptance, renewals, payment
notices), both meters' OCMF records, and the receipt itself. The link's byte streams are
built around those trade frames with the link's own encoder.

Receipts are seeded cut down (the first messages, readings and invoices): a whole
receipt takes about 0.2 s to verify, most of it decoding BOLT11 invoices, and a million
of them would take two days; a cut receipt reaches every check in a few milliseconds
(the cuts themselves are problems the verifier reports).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridnode.identity import Role
from gridnode.peer.errors import CloseCode
from gridnode.peer.frames import (
    Frame,
    FrameKind,
    Hello,
    close_frame,
    encode,
    hello_frame,
    ping_frame,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "tests" / "unit" / "receipt" / "data"


@dataclass(frozen=True)
class Corpus:
    seller_key_der: bytes
    buyer_key_der: bytes
    seller_fpr: str
    buyer_fpr: str
    #: a chunk-size byte, then a stream of link frames (see targets.feed_frames)
    link_streams: tuple[bytes, ...]
    trade_frames: tuple[bytes, ...]
    ocmf_records: tuple[bytes, ...]
    receipts: tuple[bytes, ...]


def load_corpus(folder: Path = DATA_DIR) -> Corpus:
    receipt: dict[str, Any] = json.loads((folder / "demo-receipt.json").read_text("utf-8"))
    fingerprints: dict[str, str] = json.loads((folder / "fingerprints.json").read_text("utf-8"))
    trade = tuple(bytes.fromhex(m["frame"]) for m in receipt["messages"])
    records = tuple(
        str(r).encode() for side in ("seller", "buyer") for r in receipt["readings"][side]
    )
    return Corpus(
        seller_key_der=bytes.fromhex(receipt["public_keys"]["seller"]),
        buyer_key_der=bytes.fromhex(receipt["public_keys"]["buyer"]),
        seller_fpr=fingerprints["seller"],
        buyer_fpr=fingerprints["buyer"],
        link_streams=_link_streams(trade),
        trade_frames=trade,
        ocmf_records=records,
        receipts=tuple(_dump(r) for r in _cut_receipts(receipt)),
    )


def _link_streams(trade: tuple[bytes, ...]) -> tuple[bytes, ...]:
    hello = Hello(
        role=Role.BUYER,
        clock_ms=1_796_524_412_623,
        fingerprint=bytes(32),
        stream_id=bytes(range(16)),
        ack_stream_id=bytes(16),
        heartbeat_ms=5000,
    )
    data = [Frame(FrameKind.DATA, seq, seq - 1, body) for seq, body in enumerate(trade, 1)]
    control = [
        ping_frame(FrameKind.PING, 7),
        ping_frame(FrameKind.PONG, 7),
        Frame(FrameKind.ACK, 0, 3),
        close_frame(CloseCode.NORMAL, "the session ended"),
    ]
    streams = [
        encode(hello_frame(hello, 0)) + b"".join(encode(f) for f in data[:4]),
        b"".join(encode(f) for f in control),
        *(encode(f) for f in data),
    ]
    # the first byte sets the chunking: whole (255) and byte by byte (0) and between
    return tuple(bytes([cut]) + s for cut in (255, 0, 16) for s in streams[:3]) + tuple(
        b"\xff" + s for s in streams[3:]
    )


def _cut_receipts(receipt: dict[str, Any]) -> list[dict[str, Any]]:
    """Small receipts: the first ``n`` of each list (messages, readings, invoices)."""
    cuts = []
    for n in (2, 3):
        cut = dict(receipt)
        cut["terms"] = receipt["terms"][:1]
        cut["messages"] = receipt["messages"][:n]
        cut["readings"] = {side: rs[:n] for side, rs in receipt["readings"].items()}
        cut["invoices"] = receipt["invoices"][: n - 1]
        cut["payments"] = receipt["payments"][: n - 1]
        cuts.append(cut)
    return cuts


def _dump(document: object) -> bytes:
    return json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8")
