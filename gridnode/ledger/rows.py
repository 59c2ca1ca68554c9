"""The ledger's typed errors and the rows it returns."""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.errors import GridnodeError, UsageError
from gridnode.money import Msat


class LedgerError(GridnodeError):
    """The ledger could not be read or written."""


class LedgerVersionError(LedgerError, UsageError):
    """The ledger was written by a newer gridnode; it is left untouched."""


class LedgerRoleError(LedgerError, UsageError):
    """The ledger belongs to a node of the other role."""


class LedgerInUseError(LedgerError, UsageError):
    """Another process holds the ledger in a way this one cannot share (docs/storage.md)."""


class LedgerMissingError(LedgerError, UsageError):
    """A tool was pointed at a ledger file that does not exist."""


class ArchiveError(LedgerError):
    """A session could not be archived; nothing of it was deleted."""


class DuplicatePaymentError(LedgerError):
    """This payment hash was attempted before: it is never paid twice."""


@dataclass(frozen=True, slots=True)
class PaymentRow:
    payment_hash: bytes
    session_id: str
    bolt11: str
    amount: Msat
    status: str
    fee: Msat
    preimage: bytes | None
    attempted_at_ms: int


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    payment_hash: bytes
    session_id: str
    purpose: str
    hold: bool
    bolt11: str
    amount: Msat
    state: str
    settle_index: int | None
    preimage: bytes | None
