"""Export one session from a node's ledger as a receipt (see :mod:`gridnode.receipt.model`).

Either node can export: the seller's ledger and the buyer's hold the same signed
messages (one sent them, the other received them), both meters' series and the
payments' proofs, so a receipt from either side verifies the same way. The ledger is
opened read-only; a running node may go on writing to it.

A session is named by its protocol id (32 hex digits, the id in every message and in
every OCMF record's ``ID``) or by the ledger's own name for it (a buyer names a session
before it learns the seller's id).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from fractions import Fraction
from pathlib import Path
from typing import Any

from gridnode.receipt.accounting import cost_msat, energy_mwh, intervals
from gridnode.receipt.errors import ReceiptError
from gridnode.receipt.model import RECEIPT_FORMAT, iso_ms, offer_json
from gridnode.trade import codec
from gridnode.trade.errors import DecodeError
from gridnode.trade.messages import (
    SIGNED_KINDS,
    AcceptanceMessage,
    InvoiceMessage,
    InvoicePurpose,
    OfferMessage,
    PaymentNotice,
    Received,
    RenewalMessage,
)
from gridnode.trade.signing import fingerprint
from gridnode.trade.terms import Offer

_FRAMES = ("frame_sent", "frame_received")
KEYS_KIND = "keys"
"""The journal entry a node writes when it opens a session: both parties' public keys
(DER SubjectPublicKeyInfo, hex) as JSON ``{"seller": HEX, "buyer": HEX}``."""


def _connect(ledger: Path) -> sqlite3.Connection:
    if not ledger.is_file():
        raise ReceiptError(f"There is no ledger at {ledger}.")
    try:
        db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
        db.execute("SELECT role FROM node").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ReceiptError(f"{ledger} is not a gridnode ledger ({exc}).") from exc
    return db


def _role(db: sqlite3.Connection) -> str:
    row = db.execute("SELECT role FROM node").fetchone()
    if row is None:
        raise ReceiptError("The ledger does not say whether it is a seller's or a buyer's.")
    return str(row[0])


def _frames(db: sqlite3.Connection, ledger_session: str) -> list[tuple[str, int, Received]]:
    out = []
    for kind, at_ms, data in db.execute(
        "SELECT kind, at_ms, data FROM journal WHERE session_id = ? AND kind IN (?, ?) ORDER BY id",
        (ledger_session, *_FRAMES),
    ):
        try:
            out.append((str(kind), int(at_ms), codec.decode(bytes(data))))
        except DecodeError:
            continue  # a frame the session refused as malformed: not evidence of anything
    return out


def _protocol_id(db: sqlite3.Connection, ledger_session: str) -> str | None:
    for _kind, _at, received in _frames(db, ledger_session):
        return received.envelope.session_id.hex()
    return None


def receipt_sessions(ledger: Path) -> list[tuple[str, str]]:
    """(ledger name, protocol id) of every session in the ledger that exchanged any
    message, oldest first."""
    with closing(_connect(ledger)) as db:
        names = [
            str(r[0])
            for r in db.execute("SELECT session_id FROM sessions ORDER BY opened_at_ms, rowid")
        ]
        found = [(name, _protocol_id(db, name)) for name in names]
    return [(name, pid) for name, pid in found if pid is not None]


def _resolve(db: sqlite3.Connection, session_id: str) -> str:
    rows = db.execute("SELECT session_id FROM sessions ORDER BY opened_at_ms DESC").fetchall()
    names = [str(r[0]) for r in rows]
    if session_id in names:
        return session_id
    wanted = session_id.lower()
    for name in names:
        if _protocol_id(db, name) == wanted:
            return name
    raise ReceiptError(
        f"The ledger has no session {session_id!r}; `gridnode receipt --list` shows the ones "
        "it has."
    )


def _keys(db: sqlite3.Connection, ledger_session: str) -> dict[str, str]:
    row = db.execute(
        "SELECT data FROM journal WHERE session_id = ? AND kind = ? ORDER BY id LIMIT 1",
        (ledger_session, KEYS_KIND),
    ).fetchone()
    if row is None:
        raise ReceiptError(
            f"Session {ledger_session} has no public keys in the ledger (it was written by a "
            "gridnode older than receipts), so no receipt can be made for it."
        )
    keys = json.loads(bytes(row[0]))
    return {"seller": str(keys["seller"]), "buyer": str(keys["buyer"])}


def build_receipt(ledger: Path, session_id: str) -> dict[str, Any]:
    """The receipt of one session, as a JSON-able dict."""
    with closing(_connect(ledger)) as db:
        role = _role(db)
        name = _resolve(db, session_id)
        return _Builder(db, role, name).build()


class _Builder:
    def __init__(self, db: sqlite3.Connection, role: str, name: str) -> None:
        self.db = db
        self.role = role
        self.peer_role = "buyer" if role == "seller" else "seller"
        self.name = name
        self.frames = _frames(db, name)
        if not self.frames:
            raise ReceiptError(f"Session {name} exchanged no messages: there is nothing to show.")
        self.keys = _keys(db, name)

    def _sender(self, journal_kind: str) -> str:
        return self.role if journal_kind == "frame_sent" else self.peer_role

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        return list(self.db.execute(sql, (self.name,)).fetchall())

    def build(self) -> dict[str, Any]:
        protocol_id = self.frames[0][2].envelope.session_id.hex()
        readings = self._readings()
        offers = self._accepted_offers()
        invoices, payments = self._money()
        state, opened, closed = self._rows(
            "SELECT state, opened_at_ms, closed_at_ms FROM sessions WHERE session_id = ?"
        )[0]
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
                "state": state,
                "opened": iso_ms(int(opened)),
                "closed": iso_ms(int(closed)) if closed is not None else None,
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
            "totals": totals,
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
        for side, who in (("own", self.role), ("peer", self.peer_role)):
            rows = self.db.execute(
                "SELECT record FROM readings WHERE session_id = ? AND side = ? ORDER BY pagination",
                (self.name, side),
            ).fetchall()
            out[who] = [str(r[0]) for r in rows]
        return {"seller": out["seller"], "buyer": out["buyer"]}

    def _proofs(self) -> dict[bytes, dict[str, Any]]:
        """What the ledger knows of each payment hash: state, preimage, amount paid."""
        proofs: dict[bytes, dict[str, Any]] = {}
        if self.role == "seller":
            for h, state, preimage, paid, at in self._rows(
                "SELECT payment_hash, state, preimage, amount_paid_msat, settled_at_ms"
                " FROM invoices WHERE session_id = ?"
            ):
                paid_state = "settled" if state == "settled" else str(state)
                proofs[bytes(h)] = {
                    "state": paid_state,
                    # a hold invoice's preimage is the seller's secret until it settles
                    "preimage": bytes(preimage).hex() if preimage and state == "settled" else None,
                    "amount_paid_msat": paid,
                    "at_ms": at,
                    "fee_msat": 0,
                }
        else:
            for h, status, preimage, fee, at in self._rows(
                "SELECT payment_hash, status, preimage, fee_msat, resolved_at_ms"
                " FROM payments WHERE session_id = ?"
            ):
                proofs[bytes(h)] = {
                    "state": "settled" if status == "succeeded" else str(status),
                    "preimage": bytes(preimage).hex() if preimage else None,
                    "amount_paid_msat": None,
                    "at_ms": at,
                    "fee_msat": int(fee),
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
