"""OCMF signed meter readings: write, parse and verify them (pure computation, no I/O).

Each node signs the meter readings it bills or pays by as OCMF records (Open Charge
Metering Format, the format of German Eichrecht), so that a third party can check a
session without trusting either node. See docs/ocmf.md.

- :class:`MeterSeries` issues a gap-free, never-resetting series of signed records per
  (node key, meter); its :class:`SeriesState` is persisted by the ledger.
- :func:`parse_record` reads a record; :func:`verify_record` also checks its signature.
- :func:`verify_series` lists every problem of a series, each naming its record.
"""

from gridnode.ocmf.check import Finding, FindingCode, verify_series
from gridnode.ocmf.errors import (
    OcmfBadSignatureError,
    OcmfError,
    OcmfKeyError,
    OcmfMalformedError,
    OcmfSequenceError,
    OcmfUnknownError,
    OcmfValueError,
)
from gridnode.ocmf.fields import (
    PHASE_IMPORT_REGISTERS,
    ClockStatus,
    CurrentType,
    IdentificationLevel,
    IdentificationType,
    MeterStatus,
    Register,
    SignatureAlgorithm,
    Transaction,
    Unit,
)
from gridnode.ocmf.parse import parse_record
from gridnode.ocmf.record import OcmfRecord, Payload, Reading, Signature
from gridnode.ocmf.series import MeterSeries, clock_status
from gridnode.ocmf.signing import (
    NodeSigner,
    PayloadSigner,
    check_signature,
    fingerprint,
    load_public_key,
    public_key_der,
    verify_record,
)
from gridnode.ocmf.state import MeterIdentity, SeriesState, UserAssignment
from gridnode.ocmf.values import EnergyFormat, OcmfTime

__all__ = [
    "PHASE_IMPORT_REGISTERS",
    "ClockStatus",
    "CurrentType",
    "EnergyFormat",
    "Finding",
    "FindingCode",
    "IdentificationLevel",
    "IdentificationType",
    "MeterIdentity",
    "MeterSeries",
    "MeterStatus",
    "NodeSigner",
    "OcmfBadSignatureError",
    "OcmfError",
    "OcmfKeyError",
    "OcmfMalformedError",
    "OcmfRecord",
    "OcmfSequenceError",
    "OcmfTime",
    "OcmfUnknownError",
    "OcmfValueError",
    "Payload",
    "PayloadSigner",
    "Reading",
    "Register",
    "SeriesState",
    "Signature",
    "SignatureAlgorithm",
    "Transaction",
    "Unit",
    "UserAssignment",
    "check_signature",
    "clock_status",
    "fingerprint",
    "load_public_key",
    "parse_record",
    "public_key_der",
    "verify_record",
    "verify_series",
]
