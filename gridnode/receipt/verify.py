"""Check a receipt offline, trusting neither node: every problem, each naming its record.

Pure computation on the parsed JSON: nothing here reads a file, a clock or a network
(the import contracts in ``pyproject.toml`` hold the module to that). What is checked,
in this order, each by its own module:

1. the keys: each party's key against the fingerprint given out of band (without one,
   the keys are reported as unauthenticated unless the caller trusts them);
2. the signed messages (offer, acceptance, renewals, payment notices): each signature
   under its sender's key, all of this session; the terms a person reads are the ones
   signed and accepted (1 and 2: :mod:`gridnode.receipt.check_keys`);
3. each meter's OCMF series (:func:`gridnode.ocmf.verify_series`): signatures, gap-free
   pagination, one meter, Begin first and End last; signed by the key of its party for
   this session (:mod:`gridnode.receipt.check_readings`);
4. each invoice's BOLT11 (decoded and its signature checked by the ``bolt11`` package):
   payment hash, amount, payable to the Lightning node the signed offer names (one payee
   for the whole session when an older offer names none); each preimage against its
   hash; each payment backed by the seller's signed reading that its invoice carried
   (and the buyer's, when it sent one) (:mod:`gridnode.receipt.check_payments`);
5. the money against the energy at the agreed rates, by each meter, within the agreed
   tolerance and the prepayment window; the two meters' agreement within the tolerance,
   unless both parties signed that the seller's meter alone bills the session
   (single-metered, :mod:`gridnode.receipt.check_metering`); the totals as stated
   (:mod:`gridnode.receipt.check_money`);
6. the seller's signed closing statement against the payments and its own signed
   readings, and the credit it leaves returned (the refund's BOLT11, payee and
   preimage), carried or waived, naming any difference
   (:mod:`gridnode.receipt.check_credit`);
7. each fault (a Suspend or Close naming an electrical or metering fault) is what its
   frame says, for this session (:mod:`gridnode.receipt.check_faults`).

The checks share a :class:`~gridnode.receipt.checking.Context`: the parsed receipt, the
problems found, and what the earlier checks established for the later ones.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gridnode.receipt.check_credit import check_credit
from gridnode.receipt.check_faults import check_faults
from gridnode.receipt.check_keys import check_keys, check_messages, normalize_fpr
from gridnode.receipt.check_metering import check_metering
from gridnode.receipt.check_money import check_money
from gridnode.receipt.check_payments import check_invoices, check_payments
from gridnode.receipt.check_readings import check_readings
from gridnode.receipt.checking import PARTIES, Context, Problem, as_list
from gridnode.receipt.errors import ReceiptError
from gridnode.receipt.model import RECEIPT_FORMAT
from gridnode.trade.signing import fingerprint

__all__ = [
    "Problem",
    "Report",
    "VerifyOptions",
    "normalize_fpr",
    "parse_receipt",
    "verify_receipt",
]


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


def parse_receipt(data: bytes | str) -> object:
    """A receipt file's content as parsed JSON (of any shape: :func:`verify_receipt`
    reports a wrong one), or a :class:`ReceiptError` when it is not a JSON document."""
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise ReceiptError(
            f"The file is not a JSON receipt: it is not UTF-8 text (bad byte at offset "
            f"{exc.start})."
        ) from None
    except json.JSONDecodeError as exc:
        raise ReceiptError(
            f"The file is not a JSON receipt: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except ValueError as exc:  # an integer past Python's digit limit, found by fuzzing
        raise ReceiptError(
            f"The file is not a receipt: it holds a number too long ({exc})."
        ) from None
    except RecursionError:  # arrays or objects nested a thousand deep, found by fuzzing
        raise ReceiptError(
            "The file is not a receipt: its arrays or objects nest too deeply to read."
        ) from None


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
    ctx = Context(receipt, report.problems)
    given = {"seller": options.seller_fpr, "buyer": options.buyer_fpr}
    check_keys(ctx, given, options.trust_embedded_keys)
    check_messages(ctx)
    metering = check_metering(ctx)
    check_readings(ctx)
    payee = check_invoices(ctx)
    check_payments(ctx)
    report.checked.update(check_money(ctx))
    credit = check_credit(ctx)
    if credit:
        report.checked["credit"] = credit
    faults = check_faults(ctx)
    report.checked.update(
        {
            "session_id": ctx.session_id,
            "keys": {p: fingerprint(k) for p, k in ctx.keys.items()},
            "accepted_terms": len(ctx.offers),
            "readings": {p: len(ctx.readings.get(p, [])) for p in PARTIES},
            "invoices": len(as_list(receipt.get("invoices"))),
            "payments": len(as_list(receipt.get("payments"))),
            "payee": payee,
            "faults": faults,
            "metering": metering,
        }
    )
    return report
