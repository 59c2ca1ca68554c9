"""Typed errors of the OCMF module, each a sentence a person can act on.

Reading a record can fail in three distinct ways, and a verifier reports them
differently:

- :class:`OcmfMalformedError`: the text is not OCMF as the specification writes it (no
  ``OCMF|`` header, broken JSON, a field of the wrong type, a time without milliseconds).
- :class:`OcmfUnknownError`: the text is well formed but uses a code, field or algorithm
  this module does not know (a transaction code ``Q``, a curve it cannot check).
- :class:`OcmfBadSignatureError`: the record is well formed and understood, but its
  signature does not match its payload under the given key.

Issuing a record can fail with :class:`OcmfSequenceError` (a Begin while a transaction is
open, energy going backwards) or :class:`OcmfValueError` (a value OCMF cannot carry).
"""

from __future__ import annotations

from gridnode.errors import GridnodeError


class OcmfError(GridnodeError):
    """Base class of every error the OCMF module raises.

    ``field`` names the OCMF field concerned (``"PG"``, ``"RD[0].TM"``) when there is one;
    ``page`` is the record's pagination number when it is known.
    """

    def __init__(self, message: str, *, field: str | None = None, page: int | None = None):
        super().__init__(message)
        self.field = field
        self.page = page


class OcmfMalformedError(OcmfError):
    """The text does not follow the OCMF format (structure, JSON, field types)."""


class OcmfUnknownError(OcmfError):
    """The text is well formed but names a code, field or algorithm we do not know."""


class OcmfBadSignatureError(OcmfError):
    """The signature does not match the payload bytes under the given public key."""


class OcmfKeyError(OcmfError):
    """A key is not usable: not DER SubjectPublicKeyInfo, or not on the expected curve."""


class OcmfValueError(OcmfError):
    """A value given to the writer cannot be written as OCMF (negative energy, a pipe)."""


class OcmfSequenceError(OcmfError):
    """The writer was asked for a record that would break its series (order, B/E rules)."""
