"""The credit messages to and from their protobuf messages: the closing statement, the
refund request and the refund's proof, and the credit an offer carries."""

from __future__ import annotations

from gridnode.money import Msat
from gridnode.trade.errors import MalformedMessageError
from gridnode.trade.messages import (
    CarriedCredit,
    ClosingStatement,
    RefundPaid,
    RefundRequest,
)
from gridnode.trade.pb import trade_pb2 as pb


def carried_to_pb(carried: CarriedCredit | None, out: pb.Offer) -> None:
    if carried is not None:
        out.carried_credit.from_session_id = carried.from_session_id
        out.carried_credit.credit_msat = carried.credit.msat


def carried_from_pb(msg: pb.Offer) -> CarriedCredit | None:
    if not msg.HasField("carried_credit"):
        return None
    c = msg.carried_credit
    if not c.from_session_id or c.credit_msat <= 0:
        raise MalformedMessageError("A carried credit needs its session id and an amount.")
    return CarriedCredit(c.from_session_id, Msat(c.credit_msat))


def statement_to_pb(body: ClosingStatement, out: pb.Envelope) -> None:
    s = out.closing_statement
    s.paid_msat = body.paid.msat
    s.carried_in_msat = body.carried_in.msat
    s.carried_from_session_id = body.carried_from_session_id
    s.energy_mwh = body.energy_mwh
    s.cost_msat = body.cost.msat
    s.credit_msat = body.credit.msat
    s.SetInParent()


def statement_from_pb(m: pb.Envelope) -> ClosingStatement:
    s = m.closing_statement
    statement = ClosingStatement(
        Msat(s.paid_msat),
        Msat(s.carried_in_msat),
        s.carried_from_session_id,
        s.energy_mwh,
        Msat(s.cost_msat),
        Msat(s.credit_msat),
    )
    if statement.paid + statement.carried_in - statement.cost != statement.credit:
        raise MalformedMessageError(
            "A closing statement's credit must be paid + carried in - cost; "
            f"got {statement.credit} from {statement.paid} + {statement.carried_in} - "
            f"{statement.cost}."
        )
    return statement


def refund_request_to_pb(body: RefundRequest, out: pb.Envelope) -> None:
    r = out.refund_request
    r.bolt11 = body.bolt11
    r.payment_hash = body.payment_hash
    r.amount_msat = body.amount.msat
    r.waive = body.waive
    r.SetInParent()


def refund_request_from_pb(m: pb.Envelope) -> RefundRequest:
    r = m.refund_request
    if not r.waive and (len(r.payment_hash) != 32 or not r.bolt11 or r.amount_msat <= 0):
        raise MalformedMessageError(
            "A refund request needs a BOLT11, its 32-byte payment hash and an amount."
        )
    return RefundRequest(r.bolt11, r.payment_hash, Msat(r.amount_msat), r.waive)


def refund_paid_to_pb(body: RefundPaid, out: pb.Envelope) -> None:
    r = out.refund_paid
    r.payment_hash = body.payment_hash
    r.preimage = body.preimage
    r.amount_msat = body.amount.msat
    r.SetInParent()


def refund_paid_from_pb(m: pb.Envelope) -> RefundPaid:
    r = m.refund_paid
    if len(r.payment_hash) != 32 or len(r.preimage) != 32:
        raise MalformedMessageError("A refund's proof needs a 32-byte hash and preimage.")
    return RefundPaid(r.payment_hash, r.preimage, Msat(r.amount_msat))
