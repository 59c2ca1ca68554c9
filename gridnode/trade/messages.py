"""The trade protocol's messages as frozen dataclasses: one type per message, an enum of
message kinds, and the envelope (session id and sequence number) every message travels in.

Sessions work with these types only; :mod:`gridnode.trade.codec` turns them into bytes
and back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from gridnode.money import Msat
from gridnode.ocmf import OcmfRecord
from gridnode.trade.evaluate import Reason
from gridnode.trade.terms import Offer

PROTOCOL_VERSION = 1
SESSION_ID_BYTES = 16


class MessageKind(enum.Enum):
    HELLO = "hello"
    OFFER = "offer"
    ACCEPTANCE = "acceptance"
    REJECTION = "rejection"
    INVOICE = "invoice"
    PAYMENT_NOTICE = "payment_notice"
    METER_READING = "meter_reading"
    RENEWAL = "renewal"
    SUSPEND = "suspend"
    RESUME = "resume"
    CLOSE = "close"
    ERROR = "error"
    HEARTBEAT = "heartbeat"
    CREDIT_WARNING = "credit_warning"
    PAYMENT_FAILURE = "payment_failure"
    CLOSING_STATEMENT = "closing_statement"
    REFUND_REQUEST = "refund_request"
    REFUND_PAID = "refund_paid"


#: Messages that bind their sender: signed over the exact envelope bytes, stored verbatim.
SIGNED_KINDS = frozenset(
    {
        MessageKind.OFFER,
        MessageKind.ACCEPTANCE,
        MessageKind.RENEWAL,
        MessageKind.PAYMENT_NOTICE,
        MessageKind.CLOSING_STATEMENT,
        MessageKind.REFUND_REQUEST,
    }
)

#: Messages about a credit note, handled by the node's refund desk, not by a session:
#: they travel in the envelope of the statement's session, outside its numbering, and
#: may come after that session is over on either side (even after a restart).
REFUND_KINDS = frozenset({MessageKind.REFUND_REQUEST, MessageKind.REFUND_PAID})


class Role(enum.IntEnum):
    SELLER = 1
    BUYER = 2


class Cause(enum.IntEnum):
    """Why supply was suspended or a session closed (wire codes)."""

    CREDIT = 1
    PERIOD_END = 2
    STALE_READING = 3
    OVERCURRENT = 4
    VOLTAGE = 5
    METER_DISAGREEMENT = 6
    OVER_INVOICED = 7
    PROTOCOL = 8
    REQUESTED = 9
    REJECTED = 10
    DEPOSIT = 11
    FREQUENCY = 12
    IMBALANCE = 13
    NEUTRAL_CURRENT = 14
    #: the seller no longer sells to this buyer (removed from its configuration): the
    #: buyer leaves, asking its unused credit back (issue 18, issue 19)
    REMOVED = 15


#: Causes that are electrical or metering faults (not money, time or a person's wish):
#: the Suspend and Close messages carrying them are a receipt's ``faults``.
FAULT_CAUSES = frozenset(
    {
        Cause.STALE_READING,
        Cause.OVERCURRENT,
        Cause.VOLTAGE,
        Cause.METER_DISAGREEMENT,
        Cause.OVER_INVOICED,
        Cause.FREQUENCY,
        Cause.IMBALANCE,
        Cause.NEUTRAL_CURRENT,
    }
)


class InvoicePurpose(enum.IntEnum):
    DEPOSIT = 1
    PREPAYMENT = 2


@dataclass(frozen=True, slots=True)
class Hello:
    kind: ClassVar[MessageKind] = MessageKind.HELLO
    protocol_version: int
    node_id: str
    role: Role
    meter_id: str


@dataclass(frozen=True, slots=True)
class CarriedCredit:
    """A credit note of an earlier session that a new offer honours: counted as paid
    before any new invoice."""

    #: The session whose signed closing statement states the credit.
    from_session_id: bytes
    #: Exactly that statement's credit.
    credit: Msat


@dataclass(frozen=True, slots=True)
class OfferMessage:
    kind: ClassVar[MessageKind] = MessageKind.OFFER
    offer: Offer
    carried: CarriedCredit | None = None


@dataclass(frozen=True, slots=True)
class RenewalMessage:
    kind: ClassVar[MessageKind] = MessageKind.RENEWAL
    offer: Offer


@dataclass(frozen=True, slots=True)
class AcceptanceMessage:
    kind: ClassVar[MessageKind] = MessageKind.ACCEPTANCE
    offer_digest: bytes
    payment_size: Msat
    #: The buyer's Lightning node (hex): refunds are paid only to invoices payable to it.
    refund_node_id: str = ""
    #: The buyer pays against the seller's signed readings alone (the offer's own flag,
    #: repeated so that the buyer signs it too).
    seller_metered: bool = False


@dataclass(frozen=True, slots=True)
class RejectionMessage:
    kind: ClassVar[MessageKind] = MessageKind.REJECTION
    offer_digest: bytes
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class InvoiceMessage:
    kind: ClassVar[MessageKind] = MessageKind.INVOICE
    bolt11: str
    payment_hash: bytes
    amount: Msat
    purpose: InvoicePurpose
    energy_from_mwh: int
    energy_to_mwh: int
    #: The seller's signed OCMF reading (C) that backs the invoice.
    reading: OcmfRecord


@dataclass(frozen=True, slots=True)
class MeterReadingMessage:
    """One signed OCMF reading no invoice or payment notice carries (B, T, S, E)."""

    kind: ClassVar[MessageKind] = MessageKind.METER_READING
    reading: OcmfRecord


@dataclass(frozen=True, slots=True)
class PaymentNotice:
    kind: ClassVar[MessageKind] = MessageKind.PAYMENT_NOTICE
    payment_hash: bytes
    preimage: bytes
    amount: Msat
    #: The buyer's own signed OCMF reading (C) when it paid.
    buyer_reading: OcmfRecord | None


@dataclass(frozen=True, slots=True)
class Suspend:
    kind: ClassVar[MessageKind] = MessageKind.SUSPEND
    cause: Cause
    text: str


@dataclass(frozen=True, slots=True)
class Resume:
    kind: ClassVar[MessageKind] = MessageKind.RESUME
    cause: Cause


@dataclass(frozen=True, slots=True)
class Close:
    kind: ClassVar[MessageKind] = MessageKind.CLOSE
    cause: Cause
    text: str


@dataclass(frozen=True, slots=True)
class ErrorMessage:
    kind: ClassVar[MessageKind] = MessageKind.ERROR
    code: int
    text: str


@dataclass(frozen=True, slots=True)
class Heartbeat:
    kind: ClassVar[MessageKind] = MessageKind.HEARTBEAT
    at_ms: int


@dataclass(frozen=True, slots=True)
class CreditWarning:
    """Credit is under the warning threshold: power goes off at the cut-off."""

    kind: ClassVar[MessageKind] = MessageKind.CREDIT_WARNING
    credit_msat: int
    cutoff_msat: int
    text: str


@dataclass(frozen=True, slots=True)
class PaymentFailure:
    """Paying an invoice failed, or the buyer refused it (``refused``: below the agreed
    minimum payment, never to be paid); the seller may issue another without waiting
    for expiry."""

    kind: ClassVar[MessageKind] = MessageKind.PAYMENT_FAILURE
    payment_hash: bytes
    reason: str
    refused: bool = False


@dataclass(frozen=True, slots=True)
class ClosingStatement:
    """The seller's signed account of a session at its close, to the msat:
    ``credit = paid + carried_in - cost``, the cost of ``energy_mwh`` (its meter) by the
    billing rule rounded up, so the credit is rounded down. A positive credit is a credit
    note: paid back to the buyer's invoice, or carried into the next session."""

    kind: ClassVar[MessageKind] = MessageKind.CLOSING_STATEMENT
    paid: Msat
    carried_in: Msat
    carried_from_session_id: bytes
    energy_mwh: int
    cost: Msat
    credit: Msat


@dataclass(frozen=True, slots=True)
class RefundRequest:
    """The buyer asks for the credit of the statement's session back, to ``bolt11`` (for
    exactly the credit, payable to its refund node); or, with ``waive``, gives it up."""

    kind: ClassVar[MessageKind] = MessageKind.REFUND_REQUEST
    bolt11: str
    payment_hash: bytes
    amount: Msat
    waive: bool = False


@dataclass(frozen=True, slots=True)
class RefundPaid:
    """The seller paid the credit back; the preimage proves it."""

    kind: ClassVar[MessageKind] = MessageKind.REFUND_PAID
    payment_hash: bytes
    preimage: bytes
    amount: Msat


Body = (
    Hello
    | OfferMessage
    | RenewalMessage
    | AcceptanceMessage
    | RejectionMessage
    | InvoiceMessage
    | MeterReadingMessage
    | PaymentNotice
    | Suspend
    | Resume
    | Close
    | ErrorMessage
    | Heartbeat
    | CreditWarning
    | PaymentFailure
    | ClosingStatement
    | RefundRequest
    | RefundPaid
)


@dataclass(frozen=True, slots=True)
class Envelope:
    """A message in flight: its session, its sender's sequence number and its body."""

    session_id: bytes
    seq: int
    body: Body
    protocol_version: int = PROTOCOL_VERSION


@dataclass(frozen=True, slots=True)
class Received:
    """A decoded frame: the envelope, the exact bytes it was decoded from, and the
    signature over them (empty when unsigned). Sessions store these verbatim."""

    envelope: Envelope
    envelope_bytes: bytes
    signature: bytes
    frame_bytes: bytes
