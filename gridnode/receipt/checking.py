"""What the verifier's checks share: the :class:`Problem` they find and the
:class:`Context` they read the receipt from and add problems to.

Each check (:mod:`~gridnode.receipt.check_keys`, :mod:`~gridnode.receipt.check_readings`,
:mod:`~gridnode.receipt.check_payments`, :mod:`~gridnode.receipt.check_money`) is a
function of a context; the earlier ones fill in what the later ones build on: the
parties' keys, the accepted terms, the buyer's payment notices and the readings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gridnode.trade.messages import AcceptanceMessage, ClosingStatement, PaymentNotice
from gridnode.trade.signing import P256Verifier
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


@dataclass(slots=True)
class Context:
    """One receipt being checked: the parsed JSON, the problems found so far, and what
    the checks have established for the ones after them."""

    receipt: Mapping[str, Any]
    problems: list[Problem]
    session_id: str = field(init=False)
    #: Each party's public key (DER), when it can be read.
    keys: dict[str, bytes] = field(default_factory=dict)
    #: The offers the seller signed and the buyer accepted, in order.
    offers: list[Offer] = field(default_factory=list)
    #: The buyer's signed payment notices by payment hash (hex).
    notices: dict[str, PaymentNotice] = field(default_factory=dict)
    #: Each party's OCMF records as the receipt gives them.
    readings: dict[str, list[str]] = field(default_factory=dict)
    #: The seller's signed closing statements (a later one restates an earlier), and the
    #: buyer's signed acceptances (they name its refund node).
    statements: list[ClosingStatement] = field(default_factory=list)
    acceptances: list[AcceptanceMessage] = field(default_factory=list)
    #: Both parties signed that the buyer pays on the seller's meter alone (no second
    #: meter to compare with: :mod:`gridnode.receipt.check_metering`).
    seller_metered: bool = False

    def __post_init__(self) -> None:
        self.session_id = str(self.receipt.get("session_id", ""))

    def add(self, code: str, record: str, message: str) -> None:
        self.problems.append(Problem(code, record, message))

    def verifier(self, party: str) -> P256Verifier | None:
        der = self.keys.get(party)
        return None if der is None else P256Verifier(der)


def as_list(value: object) -> list[Any]:
    """``value`` when it is a JSON array, else empty (its absence is reported elsewhere)."""
    return list(value) if isinstance(value, list) else []
