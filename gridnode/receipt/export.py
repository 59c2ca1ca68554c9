"""Export one session from a node's ledger as a receipt (see :mod:`gridnode.receipt.model`).

Either node can export: the seller's ledger and the buyer's hold the same signed
messages (one sent them, the other received them), both meters' series and the
payments' proofs, so a receipt from either side verifies the same way. The ledger is
opened read-only (:meth:`gridnode.ledger.LedgerStore.open_readonly`) and read through its
repositories; a running node may go on writing to it.

A session is named by its protocol id (32 hex digits, the id in every message and in
every OCMF record's ``ID``) or by the ledger's own name for it (a buyer names a session
before it learns the seller's id).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from gridnode.ledger import LedgerError, LedgerStore, PaymentStatus, ReadingSide
from gridnode.ledger.rows import InvoiceState, state_text
from gridnode.receipt.accounting import cost_msat, energy_mwh, intervals
from gridnode.receipt.errors import ReceiptError
from gridnode.receipt.model import RECEIPT_FORMAT, iso_ms, offer_json
from gridnode.trade import codec
from gridnode.trade.actions import LedgerKind
from gridnode.trade.errors import DecodeError
from gridnode.trade.messages import (
    FAULT_CAUSES,
    SIGNED_KINDS,
    AcceptanceMessage,
    Close,
    InvoiceMessage,
    InvoicePurpose,
    OfferMessage,
    PaymentNotice,
    Received,
    RenewalMessage,
    Suspend,
)
from gridnode.trade.signing import fingerprint
from gridnode.trade.terms import Offer

_FRAMES = ("frame_sent", "frame_received")
KEYS_KIND = "keys"
"""The journal entry a node writes when it opens a session: both parties' public keys
(DER SubjectPublicKeyInfo, hex) as JSON ``{"seller": HEX, "buyer": HEX}``."""


def _connect(ledger: Path) -> LedgerStore:
    if not ledger.is_file():
        raise ReceiptError(f"There is no ledger at {ledger}.")
    try:
        return LedgerStore.open_readonly(ledger)
    except LedgerError as exc:
        raise ReceiptError(str(exc).removeprefix("ledger: ")) from exc


def _frames(store: LedgerStore, ledger_session: str) -> list[tuple[str, int, Received]]:
    out = []
    for entry in store.sessions.entries(ledger_session, _FRAMES):
        try:
            out.append((entry.kind, entry.at_ms, codec.decode(entry.data)))
        except DecodeError:
            continue  # a frame the session refused as malformed: not evidence of anything
    return out


def _protocol_id(store: LedgerStore, ledger_session: str) -> str | None:
    for _kind, _at, received in _frames(store, ledger_session):
        return received.envelope.session_id.hex()
    return None


def _traded(store: LedgerStore, ledger_session: str) -> bool:
    """Whether the session's terms were accepted. An offer nobody accepted (an estate
    buyer chose another seller, or refused it and said why) is no trade: nothing was
    agreed, metered or paid, and it has no receipt."""
    return bool(store.sessions.entries(ledger_session, (LedgerKind.TERMS_ACCEPTED.value,)))


def receipt_sessions(ledger: Path) -> list[tuple[str, str]]:
    """(ledger name, protocol id) of every session in the ledger that traded (its terms
    were accepted), oldest first."""
    with _connect(ledger) as store:
        names = [row.session_id for row in store.sessions.find()]
        found = [(name, _protocol_id(store, name)) for name in names if _traded(store, name)]
    return [(name, pid) for name, pid in found if pid is not None]


def _resolve(store: LedgerStore, session_id: str) -> str:
    names = [row.session_id for row in reversed(store.sessions.find())]  # newest first
    if session_id in names:
        return session_id
    wanted = session_id.lower()
    for name in names:
        if _protocol_id(store, name) == wanted:
            return name
    raise ReceiptError(
        f"The ledger has no session {session_id!r}; `gridnode receipt --list` shows the ones "
        "it has."
    )


def _keys(store: LedgerStore, ledger_session: str) -> dict[str, str]:
    entries = store.sessions.entries(ledger_session, (KEYS_KIND,))
    if not entries:
        raise ReceiptError(
            f"Session {ledger_session} has no public keys in the ledger (it was written by a "
            "gridnode older than receipts), so no receipt can be made for it."
        )
    keys = json.loads(entries[0].data)
    return {"seller": str(keys["seller"]), "buyer": str(keys["buyer"])}


def _own_role(store: LedgerStore, ledger_session: str) -> str:
    """The node's side in the session: as journalled with the keys (a node that sells
    and buys), else the ledger's role."""
    entries = store.sessions.entries(ledger_session, (KEYS_KIND,))
    own = json.loads(entries[0].data).get("own_role") if entries else None
    return str(own) if own in ("seller", "buyer") else store.role


def build_receipt(ledger: Path, session_id: str) -> dict[str, Any]:
    """The receipt of one session, as a JSON-able dict."""
    with _connect(ledger) as store:
        name = _resolve(store, session_id)
        return _Builder(store, name).build()


class _Builder:
    def __init__(self, store: LedgerStore, name: str) -> None:
        self.store = store
        self.name = name
        self.frames = _frames(store, name)
        if not self.frames:
            raise ReceiptError(f"Session {name} exchanged no messages: there is nothing to show.")
        if not _traded(store, name):
            raise ReceiptError(
                f"Session {name} never traded: its offer was not accepted, so nothing was "
                "agreed, metered or paid and there is no receipt to make."
            )
        self.keys = _keys(store, name)
        # this node's side in the session: a battery node's ledger holds both kinds
        self.role = _own_role(store, name)
        self.peer_role = "buyer" if self.role == "seller" else "seller"

    def _sender(self, journal_kind: str) -> str:
        return self.role if journal_kind == "frame_sent" else self.peer_role

    def build(self) -> dict[str, Any]:
        protocol_id = self.frames[0][2].envelope.session_id.hex()
        readings = self._readings()
        offers = self._accepted_offers()
        invoices, payments = self._money()
        session = self.store.sessions.get(self.name)
        assert session is not None  # resolved from the sessions table
        totals: dict[str, Any] = {
            "energy_wh": {},
            "energy_mwh": {},
            "cost_msat": {},
            "paid_msat": sum(p["amount_msat"] for p in payments),
            "fees_msat": sum(p.get("fee_msat", 0) for p in payments),
        }
        for side in ("seller", "buyer"):
            mwh = energy_mwh(readings[side])
            totals["energy_mwh"][side] = mwh
            totals["energy_wh"][side] = mwh / 1000
            cost = cost_msat(intervals(readings[side], offers)) if offers else Fraction(0)
            totals["cost_msat"][side] = cost.numerator // cost.denominator
        return {
            "format": RECEIPT_FORMAT,
            "session_id": protocol_id,
            "exported": {
                "by": self.role,
                "ledger_session": self.name,
                "state": state_text(session.state, session.closing_cause),
                "opened": iso_ms(session.opened_at_ms),
                "closed": iso_ms(session.closed_at_ms)
                if session.closed_at_ms is not None
                else None,
            },
            "parties": [
                {"role": "seller", "fingerprint": fingerprint(bytes.fromhex(self.keys["seller"]))},
                {"role": "buyer", "fingerprint": fingerprint(bytes.fromhex(self.keys["buyer"]))},
            ],
            "public_keys": self.keys,
            "terms": [offer_json(o) for o in offers],
            "messages": self._signed_messages(),
            "readings": readings,
            "invoices": invoices,
            "payments": payments,
            "faults": self._faults(),
            "totals": totals,
            "credit": self._credit(bytes.fromhex(protocol_id)),
        }

    def _credit(self, note_id: bytes) -> dict[str, Any] | None:
        """What became of the credit the closing statement left (issue 19): returned (the
        refund's BOLT11 and preimage), carried into a later session, waived, or still
        owed. None when the session has no statement (an older gridnode)."""
        note = self.store.credit.get(note_id)
        if note is None:
            return None
        refund = None
        if note.payment_hash is not None:
            asked = [
                e
                for e in self.store.sessions.entries(note.session_id, ("refund",))
                if e.payment_hash == note.payment_hash and e.amount is not None
            ]
            refund = {
                "bolt11": note.bolt11,
                "payment_hash": note.payment_hash.hex(),
                "preimage": note.preimage.hex() if note.preimage else None,
                "amount_msat": asked[0].amount.msat if asked and asked[0].amount else None,
            }
        into = note.carried_into or None
        if into is not None:
            into = _protocol_id(self.store, into) or into
        return {
            "credit_msat": note.credit.msat,
            "state": note.state.value,
            "carried_into": into,
            "refund": refund,
        }

    def _signed_messages(self) -> list[dict[str, Any]]:
        out = []
        for journal_kind, at_ms, received in self.frames:
            kind = received.envelope.body.kind
            if kind not in SIGNED_KINDS:
                continue
            out.append(
                {
                    "kind": kind.value,
                    "from": self._sender(journal_kind),
                    "seq": received.envelope.seq,
                    "at": iso_ms(at_ms),
                    "frame": received.frame_bytes.hex(),
                }
            )
        # a fixed order, so either party's ledger gives the same list: each node journals
        # the two directions interleaved as it saw them, which differs between the two
        out.sort(key=lambda m: (m["from"] != "seller", m["seq"]))
        return out

    def _faults(self) -> list[dict[str, Any]]:
        """Every Suspend and Close that names an electrical or metering fault (a cut by
        the seller's protection, a buyer's breach), with its exact frame: what each side
        told the other, from either ledger (the sender journals what it sent, whether or
        not the link carried it)."""
        out = []
        for journal_kind, at_ms, received in self.frames:
            body = received.envelope.body
            if not isinstance(body, Suspend | Close) or body.cause not in FAULT_CAUSES:
                continue
            out.append(
                {
                    "message": body.kind.value,
                    "from": self._sender(journal_kind),
                    "seq": received.envelope.seq,
                    "at": iso_ms(at_ms),
                    "cause": body.cause.name.lower(),
                    "text": body.text,
                    "frame": received.frame_bytes.hex(),
                }
            )
        out.sort(key=lambda m: (m["from"] != "seller", m["seq"]))
        return out

    def _accepted_offers(self) -> list[Offer]:
        offers: dict[bytes, Offer] = {}
        accepted: list[Offer] = []
        for _kind, _at, received in self.frames:
            body = received.envelope.body
            if isinstance(body, OfferMessage | RenewalMessage):
                offers[codec.digest(received)] = body.offer
            elif isinstance(body, AcceptanceMessage) and body.offer_digest in offers:
                accepted.append(offers[body.offer_digest])
        return accepted

    def _readings(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for side, who in ((ReadingSide.OWN, self.role), (ReadingSide.PEER, self.peer_role)):
            out[who] = [row.record for row in self.store.evidence.readings(self.name, side)]
        return {"seller": out["seller"], "buyer": out["buyer"]}

    def _proofs(self) -> dict[bytes, dict[str, Any]]:
        """What the ledger knows of each payment hash: state, preimage, amount paid."""
        proofs: dict[bytes, dict[str, Any]] = {}
        if self.role == "seller":
            for invoice in self.store.invoices.find(self.name):
                settled = invoice.state is InvoiceState.SETTLED
                proofs[invoice.payment_hash] = {
                    "state": invoice.state.value,
                    # a hold invoice's preimage is the seller's secret until it settles
                    "preimage": invoice.preimage.hex() if invoice.preimage and settled else None,
                    "amount_paid_msat": None
                    if invoice.amount_paid is None
                    else invoice.amount_paid.msat,
                    "at_ms": invoice.settled_at_ms,
                    "fee_msat": 0,
                }
        else:
            for payment in self.store.payments.find(self.name):
                succeeded = payment.status is PaymentStatus.SUCCEEDED
                proofs[payment.payment_hash] = {
                    "state": "settled" if succeeded else payment.status.value,
                    "preimage": payment.preimage.hex() if payment.preimage else None,
                    "amount_paid_msat": None,
                    "at_ms": payment.resolved_at_ms,
                    "fee_msat": payment.fee.msat,
                }
        return proofs

    def _money(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        proofs = self._proofs()
        notices: dict[bytes, PaymentNotice] = {}
        for _kind, _at, received in self.frames:
            body = received.envelope.body
            if isinstance(body, PaymentNotice):
                notices[body.payment_hash] = body
        invoices: list[dict[str, Any]] = []
        payments: list[dict[str, Any]] = []
        for _kind, at_ms, received in self.frames:
            body = received.envelope.body
            if not isinstance(body, InvoiceMessage):
                continue
            proof = proofs.get(body.payment_hash, {})
            notice = notices.get(body.payment_hash)
            preimage = proof.get("preimage") or (notice.preimage.hex() if notice else None)
            state = proof.get("state") or ("settled" if notice else "unknown")
            entry = {
                "purpose": body.purpose.name.lower(),
                "bolt11": body.bolt11,
                "payment_hash": body.payment_hash.hex(),
                # known once paid: a hold invoice's preimage stays the seller's secret
                # unless it settles
                "preimage": preimage if state == "settled" else None,
                "amount_msat": body.amount.msat,
                "issued": iso_ms(at_ms),
                "covers": {"from_mwh": body.energy_from_mwh, "to_mwh": body.energy_to_mwh},
                # the seller's signed reading it is backed by: a page of readings.seller
                "reading": body.reading.payload.PG,
                "state": state,
            }
            invoices.append(entry)
            if state != "settled":
                continue
            paid = proof.get("amount_paid_msat") or body.amount.msat
            payment = {
                "purpose": entry["purpose"],
                "bolt11": body.bolt11,
                "payment_hash": body.payment_hash.hex(),
                "preimage": preimage,
                "amount_msat": int(paid),
                "fee_msat": int(proof.get("fee_msat") or 0),
                "settled": iso_ms(int(proof["at_ms"])) if proof.get("at_ms") else None,
                "covers": entry["covers"],
                # pages of readings.seller and readings.buyer
                "backed_by": {
                    "seller": body.reading.payload.PG,
                    "buyer": notice.buyer_reading.payload.PG
                    if notice is not None and notice.buyer_reading is not None
                    else None,
                },
            }
            if body.purpose is InvoicePurpose.DEPOSIT:
                payment["covers"] = None  # a settled deposit pays for a default
            payments.append(payment)
        return invoices, payments
