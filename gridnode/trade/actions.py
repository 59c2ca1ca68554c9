"""What a session asks the runtime to do: one frozen dataclass per action.

A session never calls a wallet, a relay or the peer link itself. Actions are returned in
the order they must be carried out; a :class:`Record` always comes before the action it
backs (DESIGN.md invariant 5: written before it is acted on).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gridnode.money import Msat
from gridnode.trade.messages import Cause, InvoicePurpose, MessageKind


@dataclass(frozen=True, slots=True)
class SendMessage:
    """Hand one encoded (and, for binding kinds, signed) frame to the peer link."""

    frame: bytes
    kind: MessageKind
    seq: int


@dataclass(frozen=True, slots=True)
class CreateInvoice:
    """Ask the wallet for an invoice; it answers with InvoiceCreated(request_id, ...).

    ``hold`` invoices (the deposit) are only settled or cancelled on our word;
    ``cltv_expiry_delta`` is sized to outlast the sale period.
    """

    request_id: int
    amount: Msat
    purpose: InvoicePurpose
    hold: bool
    memo: str
    expiry_s: int
    cltv_expiry_delta: int


@dataclass(frozen=True, slots=True)
class SettleHoldInvoice:
    payment_hash: bytes


@dataclass(frozen=True, slots=True)
class CancelHoldInvoice:
    payment_hash: bytes


@dataclass(frozen=True, slots=True)
class PayInvoice:
    bolt11: str
    payment_hash: bytes
    amount: Msat


@dataclass(frozen=True, slots=True)
class SwitchRelay:
    on: bool
    cause: Cause | None
    text: str


@dataclass(frozen=True, slots=True)
class PublishRate:
    """The current price, for smart loads (ZeroMQ) and the dashboard."""

    price_msat_per_kwh: int
    at_ms: int


class LedgerKind(enum.Enum):
    FRAME_SENT = "frame_sent"
    FRAME_RECEIVED = "frame_received"
    TERMS_ACCEPTED = "terms_accepted"
    READING = "reading"  # an OCMF record this node signed (data: its text)
    PEER_READING = "peer_reading"  # an OCMF record the peer signed, checked on receipt
    INVOICE = "invoice"
    PAYMENT_SETTLED = "payment_settled"
    PAYMENT_MADE = "payment_made"
    DEPOSIT = "deposit"
    RELAY = "relay"
    BREACH = "breach"
    STATE = "state"
    REFUSAL = "refusal"
    FAULT = "fault"  # an effect that failed or the wallet out of reach (text: what and why)
    # the seller's signed closing statement, sent or received (data: its frame; amount:
    # the credit): a positive credit is a credit note the seller owes the buyer
    CLOSING_STATEMENT = "closing_statement"
    # a credit note of an earlier session honoured by this one (data: that session's
    # protocol id; amount: the credit)
    CREDIT_CARRIED = "credit_carried"
    # a credit note paid back (written by the node's refund desk, not a session): text
    # says requested, paid or failed; data: the BOLT11 (requested) or the preimage (paid)
    REFUND = "refund"
    # the estate market's choice for a period (written by the buyer's market, not a
    # session): text its description, data its numbers as JSON (docs/market.md)
    MARKET = "market"


@dataclass(frozen=True, slots=True)
class Record:
    """Write one entry to the ledger before the actions that follow it are carried out.

    ``data`` holds exact bytes where they matter (frames, signed readings), ``amount`` and
    ``payment_hash`` the money facts, ``text`` a sentence for people.
    """

    kind: LedgerKind
    at_ms: int
    text: str
    data: bytes = b""
    amount: Msat | None = None
    payment_hash: bytes = b""


@dataclass(frozen=True, slots=True)
class Notify:
    """Something a person should see (dashboard notification, log line)."""

    text: str


@dataclass(frozen=True, slots=True)
class CloseSession:
    """The session is over: the runtime may drop it and close the link."""

    cause: Cause


Action = (
    SendMessage
    | CreateInvoice
    | SettleHoldInvoice
    | CancelHoldInvoice
    | PayInvoice
    | SwitchRelay
    | PublishRate
    | Record
    | Notify
    | CloseSession
)
