"""What the ledger stores, typed: enums for every state, a frozen dataclass per row.

The database keeps the same strings it always held (``'in_flight'``, ``'canceled'``,
``'own'``, ...): each enum's value is the stored text, so a ledger written by an older
gridnode opens unchanged and a row read back compares with ``is``, never with a string.

Invoice states and payment statuses are the wallet port's own enums: the ledger records
what the wallet said, and one enum per fact keeps the two from drifting apart.

A session's ``state`` column is free text in the schema. It holds ``opened``, ``closed``,
or ``closed: <cause>`` when the node closed it for a reason of its own (``closed: the
node restarted``). That text is typed here as a :class:`SessionState` and an optional
closing cause (:func:`state_text`, :func:`parse_state`), with no schema change.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gridnode.ledger.errors import LedgerError
from gridnode.money import Msat
from gridnode.wallet.port import InvoiceState, PaymentStatus

__all__ = [
    "ArchiveCandidates",
    "Archived",
    "BreachRow",
    "HeldBack",
    "InvoicePurpose",
    "InvoiceRow",
    "InvoiceState",
    "JournalEntry",
    "PaymentRow",
    "PaymentStatus",
    "ReadingRow",
    "ReadingSide",
    "RelaySwitchRow",
    "SessionRow",
    "SessionState",
    "parse_state",
    "state_text",
]


class SessionState(enum.StrEnum):
    OPENED = "opened"  # trading, or cut short by a crash (no closed_at_ms yet)
    #: the estate market chose it: the one session of its circuit (the buyer's meter)
    #: that may receive, until it closes (docs/market.md)
    RECEIVING = "receiving"
    CLOSED = "closed"  # over; closed_at_ms says when


class InvoicePurpose(enum.StrEnum):
    """What a seller's invoice asks money for."""

    DEPOSIT = "deposit"  # the initial deposit: a hold invoice, settled only on a default
    PREPAYMENT = "prepayment"  # energy paid ahead of use


class ReadingSide(enum.StrEnum):
    """Whose signed meter reading a row holds."""

    OWN = "own"  # signed by this node, from its own meter
    PEER = "peer"  # signed by the peer, checked against its pinned key


#: How a closing cause is joined to ``closed`` in the state column.
_CAUSE_SEPARATOR = ": "


def state_text(state: SessionState, cause: str | None = None) -> str:
    """The state column's text: ``opened``, ``closed`` or ``closed: <cause>``."""
    if cause is None or state is not SessionState.CLOSED:
        return state.value
    return f"{state.value}{_CAUSE_SEPARATOR}{cause}"


def parse_state(text: str) -> tuple[SessionState, str | None]:
    """The state and closing cause a state column holds (see :func:`state_text`)."""
    head, separator, cause = text.partition(_CAUSE_SEPARATOR)
    try:
        state = SessionState(head)
    except ValueError:
        raise LedgerError(
            f"ledger: a session's state {text!r} is not one gridnode writes; the file was "
            "changed by hand or by another program."
        ) from None
    return state, (cause if separator else None)


@dataclass(frozen=True, slots=True)
class SessionRow:
    session_id: str
    peer_fingerprint: str
    meter_id: str
    state: SessionState
    #: Why the node closed it, when it said (``the node restarted``); None otherwise.
    closing_cause: str | None
    opened_at_ms: int
    closed_at_ms: int | None
    #: When ``gridnode ledger prune`` archived it, and the receipt file's name.
    archived_at_ms: int | None = None
    archive: str | None = None


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One entry of a session's journal: a record the trade core asked for (its kind is
    the record's :class:`~gridnode.trade.actions.LedgerKind` value) or one the node adds
    (both parties' keys). Written as given, read back the same."""

    session_id: str
    kind: str
    at_ms: int
    text: str
    #: Exact bytes where they matter: a frame, a signed reading.
    data: bytes = b""
    amount: Msat | None = None
    #: Empty when the entry concerns no payment.
    payment_hash: bytes = b""


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """An invoice this node (a seller) issued."""

    payment_hash: bytes
    session_id: str
    purpose: InvoicePurpose
    hold: bool
    #: Empty for a hold invoice planned but not yet given to the wallet.
    bolt11: str
    amount: Msat
    state: InvoiceState
    created_at_ms: int
    #: The wallet's settle index, once credited.
    settle_index: int | None = None
    amount_paid: Msat | None = None
    settled_at_ms: int | None = None
    #: A hold invoice's preimage (the seller's secret until it settles), or the one the
    #: wallet revealed at settlement.
    preimage: bytes | None = None


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A payment this node (a buyer) attempted: written before the attempt."""

    payment_hash: bytes
    session_id: str
    bolt11: str
    amount: Msat
    status: PaymentStatus
    #: The routing fee paid (zero until it succeeded).
    fee: Msat
    #: The proof of payment, once it succeeded.
    preimage: bytes | None
    #: Why it failed, in LND's words or ours (``never started by LND``).
    failure: str | None
    attempted_at_ms: int
    resolved_at_ms: int | None = None


@dataclass(frozen=True, slots=True)
class ReadingRow:
    """One signed meter reading (an OCMF record, verbatim)."""

    session_id: str
    side: ReadingSide
    #: The series: this node's meter id, or the peer's ``<gateway serial>:<meter id>``.
    meter_id: str
    #: The record's OCMF pagination number (its ``PG``, without the ``T``).
    pagination: int
    at_ms: int
    record: str


@dataclass(frozen=True, slots=True)
class RelaySwitchRow:
    #: None for a switch no session asked for.
    session_id: str | None
    on: bool
    cause: str
    at_ms: int


@dataclass(frozen=True, slots=True)
class BreachRow:
    session_id: str
    kind: str
    text: str
    at_ms: int


@dataclass(frozen=True, slots=True)
class HeldBack:
    """A closed session that may not be archived yet, and why (a sentence with the fix)."""

    session_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ArchiveCandidates:
    """Sessions closed before a cut-off and not archived yet."""

    #: Those that may be archived now, oldest close first.
    ready: tuple[str, ...]
    #: Those that may not, each with the reason.
    held_back: tuple[HeldBack, ...]


@dataclass(frozen=True, slots=True)
class Archived:
    """A session whose receipt is written: its rows may go."""

    session_id: str
    #: The receipt file's name, kept on the session's row.
    archive: str
