"""Message bodies to and from their protobuf messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gridnode.money import Msat
from gridnode.ocmf import OcmfError, OcmfRecord, parse_record
from gridnode.trade.codec._credit import (
    carried_from_pb,
    carried_to_pb,
    refund_paid_from_pb,
    refund_paid_to_pb,
    refund_request_from_pb,
    refund_request_to_pb,
    statement_from_pb,
    statement_to_pb,
)
from gridnode.trade.codec._terms import offer_from_pb, offer_to_pb
from gridnode.trade.errors import MalformedMessageError, UnknownMessageError
from gridnode.trade.evaluate import Reason, Term
from gridnode.trade.messages import (
    AcceptanceMessage,
    Body,
    Cause,
    Close,
    ClosingStatement,
    CreditWarning,
    ErrorMessage,
    Heartbeat,
    Hello,
    InvoiceMessage,
    InvoicePurpose,
    MeterReadingMessage,
    OfferMessage,
    PaymentFailure,
    PaymentNotice,
    RefundPaid,
    RefundRequest,
    RejectionMessage,
    RenewalMessage,
    Resume,
    Role,
    Suspend,
)
from gridnode.trade.pb import trade_pb2 as pb


def reading_from_text(text: str, where: str) -> OcmfRecord:
    """An OCMF record from the wire (its signature is checked on receipt, not here)."""
    if not text:
        raise MalformedMessageError(f"{where} needs the sender's signed OCMF reading.")
    try:
        return parse_record(text)
    except OcmfError as exc:
        raise MalformedMessageError(f"{where} carries a reading that is not OCMF: {exc}") from None


def _cause(value: int) -> Cause:
    try:
        return Cause(value)
    except ValueError:
        raise UnknownMessageError(f"Cause code {value} is not one this node knows.") from None


def body_to_pb(body: Body, out: pb.Envelope) -> None:
    match body:
        case Hello():
            out.hello.CopyFrom(
                pb.Hello(
                    protocol_version=body.protocol_version,
                    node_id=body.node_id,
                    role=int(body.role),  # type: ignore[arg-type]
                    meter_id=body.meter_id,
                )
            )
        case OfferMessage():
            offer_to_pb(body.offer, out.offer)
            carried_to_pb(body.carried, out.offer)
        case RenewalMessage():
            offer_to_pb(body.offer, out.renewal)
        case AcceptanceMessage():
            out.acceptance.offer_digest = body.offer_digest
            out.acceptance.payment_size_msat = body.payment_size.msat
            out.acceptance.refund_node_id = body.refund_node_id
            out.acceptance.seller_metered = body.seller_metered
        case RejectionMessage():
            out.rejection.offer_digest = body.offer_digest
            for r in body.reasons:
                out.rejection.reasons.add(
                    term=int(r.term), offered=r.offered, limit=r.limit, text=r.text
                )
        case InvoiceMessage():
            out.invoice.CopyFrom(
                pb.Invoice(
                    bolt11=body.bolt11,
                    payment_hash=body.payment_hash,
                    amount_msat=body.amount.msat,
                    purpose=int(body.purpose),  # type: ignore[arg-type]
                    energy_from_mwh=body.energy_from_mwh,
                    energy_to_mwh=body.energy_to_mwh,
                    reading=body.reading.text,
                )
            )
        case MeterReadingMessage():
            out.meter_reading.record = body.reading.text
        case PaymentNotice():
            out.payment_notice.payment_hash = body.payment_hash
            out.payment_notice.preimage = body.preimage
            out.payment_notice.amount_msat = body.amount.msat
            if body.buyer_reading is not None:
                out.payment_notice.buyer_reading = body.buyer_reading.text
        case Suspend():
            out.suspend.cause = int(body.cause)  # type: ignore[assignment]
            out.suspend.text = body.text
        case Resume():
            out.resume.cause = int(body.cause)  # type: ignore[assignment]
        case Close():
            out.close.cause = int(body.cause)  # type: ignore[assignment]
            out.close.text = body.text
        case ErrorMessage():
            out.error.code = body.code
            out.error.text = body.text
        case Heartbeat():
            out.heartbeat.at_ms = body.at_ms
        case CreditWarning():
            out.credit_warning.credit_msat = body.credit_msat
            out.credit_warning.cutoff_msat = body.cutoff_msat
            out.credit_warning.text = body.text
        case PaymentFailure():
            out.payment_failure.payment_hash = body.payment_hash
            out.payment_failure.reason = body.reason
            out.payment_failure.refused = body.refused
        case ClosingStatement():
            statement_to_pb(body, out)
        case RefundRequest():
            refund_request_to_pb(body, out)
        case RefundPaid():
            refund_paid_to_pb(body, out)


def _hello(m: pb.Envelope) -> Body:
    h = m.hello
    try:
        role = Role(h.role)
    except ValueError:
        raise MalformedMessageError(f"A hello must name a role; got {h.role}.") from None
    return Hello(h.protocol_version, h.node_id, role, h.meter_id)


def _rejection(m: pb.Envelope) -> Body:
    reasons = []
    for r in m.rejection.reasons:
        try:
            term = Term(r.term)
        except ValueError:
            raise UnknownMessageError(f"Rejection term {r.term} is unknown.") from None
        reasons.append(Reason(term, r.offered, r.limit, r.text))
    return RejectionMessage(m.rejection.offer_digest, tuple(reasons))


def _invoice(m: pb.Envelope) -> Body:
    i = m.invoice
    try:
        purpose = InvoicePurpose(i.purpose)
    except ValueError:
        raise MalformedMessageError(f"An invoice needs a purpose; got {i.purpose}.") from None
    if len(i.payment_hash) != 32 or not i.bolt11:
        raise MalformedMessageError("An invoice needs a BOLT11 string and a 32-byte payment hash.")
    return InvoiceMessage(
        i.bolt11,
        i.payment_hash,
        Msat(i.amount_msat),
        purpose,
        i.energy_from_mwh,
        i.energy_to_mwh,
        reading_from_text(i.reading, "An invoice"),
    )


def _payment(m: pb.Envelope) -> Body:
    p = m.payment_notice
    reading = reading_from_text(p.buyer_reading, "A payment notice") if p.buyer_reading else None
    if len(p.payment_hash) != 32 or len(p.preimage) != 32:
        raise MalformedMessageError("A payment notice needs a 32-byte hash and preimage.")
    return PaymentNotice(p.payment_hash, p.preimage, Msat(p.amount_msat), reading)


_FROM_PB: dict[str, Callable[[pb.Envelope], Any]] = {
    "hello": _hello,
    "offer": lambda m: OfferMessage(offer_from_pb(m.offer), carried_from_pb(m.offer)),
    "renewal": lambda m: RenewalMessage(offer_from_pb(m.renewal)),
    "acceptance": lambda m: AcceptanceMessage(
        m.acceptance.offer_digest,
        Msat(m.acceptance.payment_size_msat),
        m.acceptance.refund_node_id,
        m.acceptance.seller_metered,
    ),
    "rejection": _rejection,
    "invoice": _invoice,
    "meter_reading": lambda m: MeterReadingMessage(
        reading_from_text(m.meter_reading.record, "A meter reading message")
    ),
    "payment_notice": _payment,
    "suspend": lambda m: Suspend(_cause(m.suspend.cause), m.suspend.text),
    "resume": lambda m: Resume(_cause(m.resume.cause)),
    "close": lambda m: Close(_cause(m.close.cause), m.close.text),
    "error": lambda m: ErrorMessage(m.error.code, m.error.text),
    "heartbeat": lambda m: Heartbeat(m.heartbeat.at_ms),
    "credit_warning": lambda m: CreditWarning(
        m.credit_warning.credit_msat, m.credit_warning.cutoff_msat, m.credit_warning.text
    ),
    "payment_failure": lambda m: PaymentFailure(
        m.payment_failure.payment_hash, m.payment_failure.reason, m.payment_failure.refused
    ),
    "closing_statement": statement_from_pb,
    "refund_request": refund_request_from_pb,
    "refund_paid": refund_paid_from_pb,
}


def body_from_pb(message: pb.Envelope) -> Body:
    which = message.WhichOneof("body")
    if which is None:
        raise UnknownMessageError(
            "The envelope carries no message this node knows (a newer kind, or none)."
        )
    body: Body = _FROM_PB[which](message)
    return body
