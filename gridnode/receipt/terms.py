"""The terms a receipt's parties agreed, read from its own signed messages.

Readers that show or total a receipt (its text, a monthly statement) need the accepted
offers without verifying them: ``gridnode verify`` is the place that checks signatures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gridnode.trade import codec
from gridnode.trade.errors import DecodeError
from gridnode.trade.messages import AcceptanceMessage, OfferMessage, RenewalMessage
from gridnode.trade.terms import Offer


def accepted_offers(receipt: Mapping[str, Any]) -> list[Offer]:
    """Each offer (or renewal) that an acceptance in the receipt names, in order;
    frames that do not decode are passed over."""
    offers: dict[bytes, Offer] = {}
    accepted: list[Offer] = []
    for item in receipt.get("messages", []):
        try:
            received = codec.decode(bytes.fromhex(item["frame"]))
        except (DecodeError, KeyError, ValueError, TypeError):
            continue
        body = received.envelope.body
        if isinstance(body, OfferMessage | RenewalMessage):
            offers[codec.digest(received)] = body.offer
        elif isinstance(body, AcceptanceMessage) and body.offer_digest in offers:
            accepted.append(offers[body.offer_digest])
    return accepted
