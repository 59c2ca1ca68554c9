"""What can go wrong exporting or reading a receipt (not what a verification finds)."""

from __future__ import annotations

from gridnode.errors import GridnodeError


class ReceiptError(GridnodeError):
    """A receipt cannot be made or read: no such session, no ledger, not a receipt."""
