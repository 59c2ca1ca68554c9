"""The receipt's shape, shared by the exporter, the verifier and the text view.

A receipt is one JSON object. Binary values are lowercase hex; times are ISO 8601 UTC
with milliseconds next to their Unix-millisecond twins; amounts are integer msat and
energies integer mWh (with Wh for people in ``totals``). Everything the verifier relies
on is either signed (OCMF records, the signed messages, each BOLT11) or checkable
against something signed (a preimage against its hash); the rest (``terms``, the
``covers`` of an invoice, ``totals``) is a convenience for people, and the verifier
recomputes it from the signed parts and reports any difference.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any

from gridnode.money import Msat
from gridnode.trade.terms import Offer

RECEIPT_FORMAT = "gridnode-receipt/1"

#: Which party signs which message kind.
SIGNER_OF_KIND = {
    "offer": "seller",
    "renewal": "seller",
    "acceptance": "buyer",
    "payment_notice": "buyer",
    "closing_statement": "seller",
    "refund_request": "buyer",
}


def iso_ms(at_ms: int) -> str:
    """``2026-12-05T23:08:22.123Z``."""
    moment = datetime.fromtimestamp(at_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at_ms % 1000:03d}Z"


def plain(value: object) -> Any:
    """A JSON-able view of terms: dataclasses as objects, Fractions and Decimals as
    exact strings, enums by name, Msat as an int."""
    if isinstance(value, Msat):
        return value.msat
    if isinstance(value, Enum):
        return value.name.lower()
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        out = {"kind": type(value).__name__} if "Profile" in type(value).__name__ else {}
        out.update({name: plain(getattr(value, name)) for name in fields})
        return out
    return str(value)


def offer_json(offer: Offer) -> dict[str, Any]:
    """The terms of an offer for people, times also in ISO form."""
    out: dict[str, Any] = plain(offer)
    out["start"] = iso_ms(offer.start_ms)
    out["stop"] = iso_ms(offer.stop_ms)
    return out


def dumps(receipt: dict[str, Any]) -> str:
    """The receipt as written to a file: indented, keys in the order built, a newline."""
    return json.dumps(receipt, indent=1, ensure_ascii=False) + "\n"
