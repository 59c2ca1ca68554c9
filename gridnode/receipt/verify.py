"""Check a receipt offline, trusting neither node: every problem, each naming its record.

Pure computation on the parsed JSON: nothing here reads a file, a clock or a network
(``tests/unit/receipt/test_import_rule.py`` holds the module to that). What is checked:

1. the keys: each party's key against the fingerprint given out of band (without one,
   the keys are reported as unauthenticated unless the caller trusts them);
2. the signed messages (offer, acceptance, renewals, payment notices): each signature
   under its sender's key, all of this session; the terms a person reads are the ones
   signed and accepted;
3. each meter's OCMF series (:func:`gridnode.ocmf.verify_series`): signatures, gap-free
   pagination, one meter, Begin first and End last; signed by the key of its party for
   this session;
4. each invoice's BOLT11 (decoded and its signature checked by the ``bolt11`` package):
   payment hash, amount, payable to the Lightning node the signed offer names (one payee
   for the whole session when an older offer names none); each preimage against its
   hash; each payment backed by the seller's signed reading that its invoice carried
   (and the buyer's, when it sent one);
5. the money against the energy at the agreed rates, by each meter, within the agreed
   tolerance and the prepayment window; the two meters' agreement within the tolerance;
   the totals as stated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import bolt11

from gridnode.ocmf import (
    OcmfError,
    OcmfRecord,
    load_public_key,
    parse_record,
    public_key_der,
    verify_series,
)
from gridnode.receipt.accounting import cost_msat, energy_mwh, intervals
from gridnode.receipt.model import RECEIPT_FORMAT, SIGNER_OF_KIND, offer_json
from gridnode.trade import codec
from gridnode.trade.errors import DecodeError, SignatureError
from gridnode.trade.messages import (
    AcceptanceMessage,
    OfferMessage,
    PaymentNotice,
    Received,
    RenewalMessage,
)
from gridnode.trade.signing import P256Verifier, fingerprint
from gridnode.trade.terms import Offer

PARTIES = ("seller", "buyer")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that does not hold. ``record`` names what it concerns, as a person
    would look for it in the file: ``seller reading T7``, ``payment #3 (ab12…)``."""

    code: str
    record: str
    message: str

    def __str__(self) -> str:
        return f"{self.record}: {self.message}"

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "record": self.record, "message": self.message}


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    seller_fpr: str | None = None
    buyer_fpr: str | None = None
    #: Accept the receipt's own keys without fingerprints (proves integrity, not origin).
    trust_embedded_keys: bool = False


@dataclass(slots=True)
class Report:
    """The problems, and what was checked (for a person reading a clean result)."""

    problems: list[Problem] = field(default_factory=list)
    checked: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, code: str, record: str, message: str) -> None:
        self.problems.append(Problem(code, record, message))


def normalize_fpr(text: str) -> str:
    """A fingerprint as given by a person: colons, spaces and case do not matter."""
    return "".join(c for c in text.lower() if c in "0123456789abcdef")


def verify_receipt(receipt: object, options: VerifyOptions) -> Report:
    """Every problem of ``receipt`` (parsed JSON of any shape); none when it holds."""
    report = Report()
    if not isinstance(receipt, Mapping):
        report.add("malformed", "receipt", "The file is not a JSON object.")
        return report
    if receipt.get("format") != RECEIPT_FORMAT:
        report.add(
            "malformed",
            "format",
            f"Not a {RECEIPT_FORMAT} receipt (format is {receipt.get('format')!r}).",
        )
        return report
    _Check(receipt, options, report).run()
    return report


class _Check:
    def __init__(self, receipt: Mapping[str, Any], options: VerifyOptions, report: Report):
        self.r = receipt
        self.options = options
        self.report = report
        self.session_id = str(receipt.get("session_id", ""))
        self.keys: dict[str, bytes] = {}
        self.offers: list[Offer] = []
        self.notices: dict[str, PaymentNotice] = {}
        self.readings: dict[str, list[str]] = {}

    def add(self, code: str, record: str, message: str) -> None:
        self.report.add(code, record, message)

    def run(self) -> None:
        self._keys()
        self._messages()
        self._readings()
        payee = self._invoices()
        self._payments()
        self._money()
        self.report.checked.update(
            {
                "session_id": self.session_id,
                "keys": {p: fingerprint(k) for p, k in self.keys.items()},
                "accepted_terms": len(self.offers),
                "readings": {p: len(self.readings.get(p, [])) for p in PARTIES},
                "invoices": len(_list(self.r.get("invoices"))),
                "payments": len(_list(self.r.get("payments"))),
                "payee": payee,
            }
        )

    # -- 1. keys ---------------------------------------------------------------------
    def _keys(self) -> None:
        given = {"seller": self.options.seller_fpr, "buyer": self.options.buyer_fpr}
        keys = self.r.get("public_keys")
        if not isinstance(keys, Mapping):
            self.add("malformed", "public_keys", "The receipt has no public keys.")
            return
        stated = {
            str(p.get("role")): str(p.get("fingerprint", ""))
            for p in _list(self.r.get("parties"))
            if isinstance(p, Mapping)
        }
        for party in PARTIES:
            where = f"{party}'s public key"
            try:
                der = public_key_der(load_public_key(str(keys.get(party, ""))))
            except (OcmfError, ValueError) as exc:
                self.add("malformed", where, f"cannot be read: {exc}")
                continue
            fpr = fingerprint(der)
            self.keys[party] = der
            if stated.get(party) not in (None, fpr):
                self.add(
                    "key_mismatch",
                    where,
                    f"its fingerprint is {fpr}, but the parties list says {stated[party]}.",
                )
            wanted = given[party]
            if wanted is not None:
                if normalize_fpr(wanted) != fpr:
                    self.add(
                        "key_mismatch",
                        where,
                        f"its fingerprint is {fpr}, not the {normalize_fpr(wanted)} given: the "
                        f"receipt was not signed by the {party} you know.",
                    )
            elif not self.options.trust_embedded_keys:
                self.add(
                    "unauthenticated_key",
                    where,
                    f"no fingerprint was given to check it against (its fingerprint is {fpr}); "
                    f"pass --{party}-fpr, or --trust-embedded-keys to accept it as it is.",
                )

    def _verifier(self, party: str) -> P256Verifier | None:
        der = self.keys.get(party)
        return None if der is None else P256Verifier(der)

    # -- 2. signed messages ------------------------------------------------------------
    def _messages(self) -> None:
        offers: dict[bytes, Offer] = {}
        for index, item in enumerate(_list(self.r.get("messages"))):
            where = f"message #{index + 1}"
            if not isinstance(item, Mapping):
                self.add("malformed", where, "is not an object.")
                continue
            received = self._signed(item, where)
            if received is None:
                continue
            body = received.envelope.body
            if isinstance(body, OfferMessage | RenewalMessage):
                offers[codec.digest(received)] = body.offer
            elif isinstance(body, AcceptanceMessage):
                offer = offers.get(body.offer_digest)
                if offer is None:
                    self.add(
                        "acceptance_unmatched",
                        where,
                        "accepts an offer that is not in the receipt (its digest matches none).",
                    )
                else:
                    self.offers.append(offer)
            elif isinstance(body, PaymentNotice):
                self.notices[body.payment_hash.hex()] = body
        if not self.offers:
            self.add("no_terms", "messages", "No signed offer with its signed acceptance.")
            return
        terms = _list(self.r.get("terms"))
        signed = [offer_json(o) for o in self.offers]
        if len(terms) != len(signed) or not all(map(_shows, terms, signed)):
            self.add(
                "terms_mismatch",
                "terms",
                "The terms shown differ from the offers the seller signed and the buyer "
                "accepted; the signed ones are what counts.",
            )

    def _signed(self, item: Mapping[str, Any], where: str) -> Received | None:
        kind = str(item.get("kind"))
        signer = SIGNER_OF_KIND.get(kind)
        if signer is None:
            self.add("malformed", where, f"has kind {kind!r}, which is not a signed message.")
            return None
        try:
            received = codec.decode(bytes.fromhex(str(item.get("frame", ""))))
        except (DecodeError, ValueError) as exc:
            self.add("malformed", where, f"({kind}) does not decode: {exc}")
            return None
        if received.envelope.body.kind.value != kind:
            self.add(
                "malformed",
                where,
                f"says {kind} but holds a {received.envelope.body.kind.value} message.",
            )
            return None
        where = f"{where} ({kind} #{received.envelope.seq})"
        if received.envelope.session_id.hex() != self.session_id:
            self.add(
                "wrong_session",
                where,
                f"belongs to session {received.envelope.session_id.hex()}, not this one.",
            )
        verifier = self._verifier(signer)
        if verifier is None:
            return None
        try:
            codec.verify(received, verifier)
        except SignatureError:
            self.add("bad_signature", where, f"is not signed by the {signer}'s key.")
            return None
        return received

    # -- 3. readings -------------------------------------------------------------------
    def _readings(self) -> None:
        readings = self.r.get("readings")
        if not isinstance(readings, Mapping):
            self.add("malformed", "readings", "The receipt has no readings.")
            return
        for party in PARTIES:
            records = [str(x) for x in _list(readings.get(party))]
            self.readings[party] = records
            key = self.keys.get(party)
            # without a readable key the structure is still checked (the key's own
            # problem is reported already)
            for finding in verify_series(records, key):
                self.add(
                    f"ocmf_{finding.code.value}",
                    f"{party} reading {finding.record}",
                    finding.message,
                )
            self._series_belongs(party, records)

    def _series_belongs(self, party: str, records: Sequence[str]) -> None:
        key = self.keys.get(party)
        for record_text in records:
            try:
                record = parse_record(record_text)
            except OcmfError:
                continue  # reported by the series check
            where = f"{party} reading {record.payload.PG}"
            if key is not None and fingerprint(key) != record.payload.GS:
                self.add(
                    "wrong_signer",
                    where,
                    f"names signer {record.payload.GS}, not the {party}'s key.",
                )
            if self.session_id != record.payload.ID:
                self.add(
                    "wrong_session",
                    where,
                    f"belongs to session {record.payload.ID!r}, not {self.session_id}.",
                )
        if party == "seller" and self.offers and records:
            try:
                meter = parse_record(records[0]).payload.MS
            except OcmfError:
                return
            agreed = {o.meter_id for o in self.offers}
            if meter not in agreed:
                self.add(
                    "wrong_meter",
                    "seller readings",
                    f"come from meter {meter!r}; the terms name {sorted(agreed)}.",
                )

    # -- 4. invoices and payments ------------------------------------------------------
    def _bolt11(self, where: str, entry: Mapping[str, Any]) -> str | None:
        """Check the BOLT11 against the entry; its payee, or None when unreadable."""
        try:
            decoded = bolt11.decode(str(entry.get("bolt11", "")))
        except Exception as exc:  # the package raises many types; all mean "not valid"
            self.add("bolt11_invalid", where, f"its BOLT11 does not decode or verify: {exc!r}")
            return None
        if decoded.payment_hash != entry.get("payment_hash"):
            self.add(
                "bolt11_mismatch",
                where,
                f"its BOLT11 is for payment hash {decoded.payment_hash}, not "
                f"{entry.get('payment_hash')}.",
            )
        amount = int(decoded.amount_msat) if decoded.amount_msat else None
        if amount != entry.get("amount_msat"):
            self.add(
                "bolt11_mismatch",
                where,
                f"its BOLT11 asks {amount} msat, but the receipt says {entry.get('amount_msat')}.",
            )
        return decoded.payee

    def _pages(self, party: str) -> dict[str, OcmfRecord]:
        """A party's readings by page (``T7``), the ones that parse."""
        pages: dict[str, OcmfRecord] = {}
        for text in self.readings.get(party, []):
            try:
                record = parse_record(text)
            except OcmfError:
                continue
            pages[record.payload.PG] = record
        return pages

    def _invoices(self) -> str | None:
        payees: set[str] = set()
        seller = self._pages("seller")
        begin = _first_energy(list(seller.values()))
        signed_payees = {o.payee_node_id for o in self.offers if o.payee_node_id}
        for index, entry in enumerate(_list(self.r.get("invoices"))):
            if not isinstance(entry, Mapping):
                self.add("malformed", f"invoice #{index + 1}", "is not an object.")
                continue
            where = f"invoice #{index + 1} ({str(entry.get('payment_hash', ''))[:12]}…)"
            payee = self._bolt11(where, entry)
            if payee:
                payees.add(payee)
            if payee and signed_payees and payee not in signed_payees:
                self.add(
                    "payee_mismatch",
                    where,
                    f"is payable to Lightning node {payee}, not to the seller's "
                    f"{', '.join(sorted(signed_payees))} named in its signed offer.",
                )
            if entry.get("preimage") is not None:
                self._preimage(where, entry, str(entry.get("payment_hash", "")))
            reading = seller.get(str(entry.get("reading")))
            if reading is None:
                self.add(
                    "unbacked",
                    where,
                    f"the seller's reading it names ({entry.get('reading')}) is not in the "
                    "seller's signed series.",
                )
                continue
            energy = reading.payload.RD[-1].energy_mwh
            covers = entry.get("covers")
            start = covers.get("from_mwh") if isinstance(covers, Mapping) else None
            if energy is not None and begin is not None and start != energy - begin:
                self.add(
                    "covers_mismatch",
                    where,
                    f"says it covers energy from {start} mWh, but its reading "
                    f"{reading.payload.PG} was signed at {energy - begin} mWh into the session.",
                )
        if len(payees) > 1:
            self.add(
                "payee_mixed",
                "invoices",
                f"are payable to {len(payees)} different Lightning nodes; one session has one "
                "seller.",
            )
        return next(iter(payees)) if len(payees) == 1 else None

    def _payments(self) -> None:
        invoices = {
            str(e.get("payment_hash")): e
            for e in _list(self.r.get("invoices"))
            if isinstance(e, Mapping)
        }
        seen: set[str] = set()
        buyer_pages = self._pages("buyer")
        for index, entry in enumerate(_list(self.r.get("payments"))):
            if not isinstance(entry, Mapping):
                self.add("malformed", f"payment #{index + 1}", "is not an object.")
                continue
            payment_hash = str(entry.get("payment_hash", ""))
            where = f"payment #{index + 1} ({payment_hash[:12]}…)"
            if payment_hash in seen:
                self.add("duplicate", where, "is listed twice.")
            seen.add(payment_hash)
            self._bolt11(where, entry)
            self._preimage(where, entry, payment_hash)
            invoice = invoices.get(payment_hash)
            if invoice is None:
                self.add("no_invoice", where, "pays no invoice of this session.")
            backed = entry.get("backed_by")
            backed = backed if isinstance(backed, Mapping) else {}
            unbacked = invoice is None or backed.get("seller") != invoice.get("reading")
            if entry.get("purpose") != "deposit" and unbacked:
                self.add(
                    "unbacked",
                    where,
                    "is not backed by the seller's signed reading of its invoice.",
                )
            buyer_reading = backed.get("buyer")
            if buyer_reading is not None and buyer_reading not in buyer_pages:
                self.add(
                    "unbacked",
                    where,
                    f"the buyer's reading it names ({buyer_reading}) is not in the buyer's "
                    "signed series.",
                )
            self._notice(where, entry, payment_hash)

    def _notice(self, where: str, entry: Mapping[str, Any], payment_hash: str) -> None:
        """The buyer's signed notice of the payment, when the receipt has one, must say
        the same: amount, preimage, and the buyer's reading it names."""
        notice = self.notices.get(payment_hash)
        if notice is None:
            return
        if notice.amount.msat != entry.get("amount_msat"):
            self.add(
                "amount_mismatch",
                where,
                f"the buyer's signed payment notice says {notice.amount.msat} msat, the "
                f"receipt {entry.get('amount_msat')}.",
            )
        if notice.preimage.hex() != entry.get("preimage"):
            self.add(
                "bad_preimage",
                where,
                "its preimage is not the one in the buyer's signed payment notice.",
            )
        backed = entry.get("backed_by")
        named = backed.get("buyer") if isinstance(backed, Mapping) else None
        signed = notice.buyer_reading.payload.PG if notice.buyer_reading is not None else None
        if named != signed:
            self.add(
                "unbacked",
                where,
                f"names buyer reading {named}, but the buyer's signed notice names {signed}.",
            )

    def _preimage(self, where: str, entry: Mapping[str, Any], payment_hash: str) -> None:
        try:
            preimage = bytes.fromhex(str(entry.get("preimage") or ""))
        except ValueError:
            preimage = b""
        if len(preimage) != 32:
            self.add("no_preimage", where, "has no 32-byte preimage: nothing proves it was paid.")
        elif hashlib.sha256(preimage).hexdigest() != payment_hash:
            self.add(
                "bad_preimage",
                where,
                "its preimage does not hash to its payment hash: it proves no payment.",
            )

    # -- 5. money against energy -------------------------------------------------------
    def _money(self) -> None:
        if not self.offers:
            return
        payments = [p for p in _list(self.r.get("payments")) if isinstance(p, Mapping)]
        paid = sum(int(p.get("amount_msat") or 0) for p in payments)
        tolerance = self.offers[0].tolerance
        prepayment = max(o.payments.prepayment.msat for o in self.offers)
        totals = self.r.get("totals")
        totals = totals if isinstance(totals, Mapping) else {}
        if totals.get("paid_msat") != paid:
            self.add(
                "totals_mismatch",
                "totals.paid_msat",
                f"says {totals.get('paid_msat')}; the payments add up to {paid}.",
            )
        energies: dict[str, int] = {}
        for party in PARTIES:
            records = self.readings.get(party, [])
            if not records:
                continue
            steps = intervals(records, self.offers)
            energy = energy_mwh(records)
            energies[party] = energy
            cost = cost_msat(steps)
            highest = max((s.price_msat_per_kwh for s in steps), default=Fraction(0))
            # the tolerance in money: the energy the meters may differ by, at the highest
            # price of the session, plus one msat per step for rounding
            slack = tolerance.allowance_mwh(energy) * highest / 1_000_000 + len(steps)
            where = f"{party}'s meter"
            if paid - cost > prepayment + slack:
                self.add(
                    "overpaid",
                    where,
                    f"{energy / 1000:.3f} Wh at the agreed rates cost {_msat(cost)} msat, but "
                    f"{paid} msat was paid: more than the prepayment window "
                    f"({prepayment} msat) and the tolerance allow.",
                )
            if cost - paid > slack:
                self.add(
                    "underpaid",
                    where,
                    f"{energy / 1000:.3f} Wh at the agreed rates cost {_msat(cost)} msat, but "
                    f"only {paid} msat was paid.",
                )
            stated = _get(totals, "cost_msat", party)
            if stated is not None and stated != _msat(cost):
                self.add(
                    "totals_mismatch",
                    f"totals.cost_msat.{party}",
                    f"says {stated}; the signed readings give {_msat(cost)}.",
                )
            stated = _get(totals, "energy_mwh", party)
            if stated is not None and stated != energy:
                self.add(
                    "totals_mismatch",
                    f"totals.energy_mwh.{party}",
                    f"says {stated}; the signed readings give {energy}.",
                )
        if len(energies) == 2:
            seller, buyer = energies["seller"], energies["buyer"]
            allowed = tolerance.allowance_mwh(min(seller, buyer))
            if abs(seller - buyer) > allowed:
                self.add(
                    "meters_disagree",
                    "readings",
                    f"the seller's meter measured {seller / 1000:.3f} Wh and the buyer's "
                    f"{buyer / 1000:.3f} Wh: {abs(seller - buyer)} mWh apart, more than the "
                    f"agreed {allowed} mWh.",
                )
        self.report.checked["paid_msat"] = paid
        self.report.checked["energy_mwh"] = energies


def _shows(shown: object, signed: object) -> bool:
    """Everything ``shown`` says, ``signed`` says too (a receipt from an older gridnode
    shows fewer fields of the terms; none may differ)."""
    if isinstance(shown, Mapping) and isinstance(signed, Mapping):
        return all(k in signed and _shows(v, signed[k]) for k, v in shown.items())
    if isinstance(shown, list) and isinstance(signed, list):
        return len(shown) == len(signed) and all(map(_shows, shown, signed))
    return shown == signed


def _first_energy(records: Sequence[OcmfRecord]) -> int | None:
    """The register at the series' first reading (its Begin)."""
    ordered = sorted(records, key=lambda r: r.page)
    return ordered[0].payload.RD[-1].energy_mwh if ordered else None


def _msat(amount: Fraction) -> int:
    return amount.numerator // amount.denominator


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _get(mapping: Mapping[str, Any], key: str, inner: str) -> Any:
    value = mapping.get(key)
    return value.get(inner) if isinstance(value, Mapping) else None
