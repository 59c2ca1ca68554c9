"""The ledger's typed errors, each a sentence that says what to do."""

from __future__ import annotations

from gridnode.errors import GridnodeError, UsageError


class LedgerError(GridnodeError):
    """The ledger could not be read or written."""


class LedgerWriteError(LedgerError):
    """A write did not reach the disk (nothing of it was kept): the disk is full or failing.
    The node stops supplying and paying while it cannot record, and goes on once it can."""


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


class CircuitBusyError(LedgerError):
    """Another session still receives on this circuit: at most one may at any time."""
