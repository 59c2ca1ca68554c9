"""Reading OCMF text into typed records, telling malformed from unknown.

Parsing does not check the signature (see :mod:`gridnode.ocmf.signing`); it checks that
the text is OCMF and that every code in it is one the specification defines. Duplicate
JSON keys, ``NaN`` and a fourth section are refused: two readers must never be able to
see two different records in the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from gridnode.ocmf.errors import OcmfMalformedError, OcmfUnknownError
from gridnode.ocmf.fields import (
    HEADER,
    IDENTIFICATION_FLAGS,
    PAYLOAD_EXTENSION_INITIALS,
    SEPARATOR,
    SIGNATURE_EXTENSION_INITIALS,
    UNMODELLED_PAYLOAD_KEYS,
    UNMODELLED_READING_KEYS,
    CurrentType,
    ErrorFlag,
    IdentificationLevel,
    IdentificationType,
    MeterStatus,
    SignatureAlgorithm,
    SignatureEncoding,
    SignatureMime,
    Transaction,
    Unit,
)
from gridnode.ocmf.record import OcmfRecord, Payload, Reading, Signature, load_object
from gridnode.ocmf.values import OcmfTime

_PAGINATION = re.compile(r"[TF](0|[1-9][0-9]{0,17})")  # up to 10**18 records
_KNOWN_MAJOR_VERSIONS = ("0.", "1.")
_MAX_TARIFF_TEXT = 250
_MAX_FLAGS = 4
# A reading value's order of magnitude (10**-12 to 10**24): any energy register fits, and
# exact arithmetic on it cannot overflow.
_MIN_EXPONENT, _MAX_EXPONENT = -12, 24
# Reading fields a later reading in the same record may leave out to repeat the previous
# one's (the specification's rule; RV and CL are always the reading's own).
_INHERITED = ("TM", "TX", "RI", "RU", "RT", "EF", "ST")
_PAYLOAD_KEYS = frozenset(
    {"FV", "GI", "GS", "GV", "PG", "MV", "MM", "MS", "MF", "IS", "IL", "IF", "IT", "ID", "TT"}
    | {"RD"}
)
_READING_KEYS = frozenset({"TM", "TX", "RV", "RI", "RU", "RT", "EF", "ST"})
_ERROR_FLAGS = frozenset(flag.value for flag in ErrorFlag)
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_E = TypeVar("_E", bound=StrEnum)


def parse_record(text: str | bytes) -> OcmfRecord:
    """Parse ``OCMF|{payload}|{signature}`` (surrounding whitespace is ignored).

    Raises :class:`OcmfMalformedError` or :class:`OcmfUnknownError`, each naming the field.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise OcmfMalformedError(
                f"The record is not UTF-8 text (bad byte at offset {exc.start})."
            ) from None
    sections = text.strip().split(SEPARATOR)
    if sections[0] != HEADER:
        raise OcmfMalformedError(
            f"The record does not start with '{HEADER}{SEPARATOR}'; an OCMF record reads "
            "OCMF|{payload}|{signature}."
        )
    if len(sections) != 3:
        raise OcmfMalformedError(
            f"The record has {len(sections)} pipe-separated sections; OCMF has exactly three "
            "(header, payload, signature). A public key appended as a fourth section is not "
            "part of OCMF: keys travel separately."
        )
    _, payload_text, signature_text = sections
    payload = parse_payload(payload_text)
    signature = parse_signature(signature_text)
    return OcmfRecord(payload, signature, payload_text, signature_text)


def parse_payload(text: str) -> Payload:
    """Parse the payload section alone."""
    data = load_object(text, "payload")
    page = _pagination(data)
    for key in data:
        known = key in _PAYLOAD_KEYS or key in UNMODELLED_PAYLOAD_KEYS
        if not known and key[:1] not in PAYLOAD_EXTENSION_INITIALS:
            raise OcmfUnknownError(
                f"The payload has a field {key!r} that OCMF does not define (vendor "
                "fields start with U to Z).",
                field=key,
                page=page,
            )
    text_of = {key: _optional_str(data, key, _Where(key, page)) for key in _STRING_KEYS}
    serial = text_of["MS"]
    if serial is None:
        raise OcmfMalformedError(
            "The payload has no meter serial (MS), which OCMF requires.", field="MS", page=page
        )
    version = text_of["FV"]
    if version is not None and not version.startswith(_KNOWN_MAJOR_VERSIONS):
        raise OcmfUnknownError(
            f"The payload is format version {version!r}; we read OCMF 0.x and 1.x.",
            field="FV",
            page=page,
        )
    tariff = text_of["TT"]
    if tariff is not None and len(tariff) > _MAX_TARIFF_TEXT:
        raise OcmfMalformedError(
            f"The tariff text (TT) has {len(tariff)} characters; OCMF allows 250.",
            field="TT",
            page=page,
        )
    status = data.get("IS")
    if status is not None and not isinstance(status, bool):
        raise OcmfMalformedError(
            "The identification status (IS) must be true or false.", field="IS", page=page
        )
    level = _optional_code(data, "IL", IdentificationLevel, _Where("IL", page))
    kind = _optional_code(data, "IT", IdentificationType, _Where("IT", page))
    pagination = str(data["PG"])
    if pagination.startswith("T") and (status is None or kind is None):
        raise OcmfMalformedError(
            "A transaction record (PG 'T...') must carry the user assignment fields IS and "
            "IT (IT is 'NONE' when no user is identified).",
            field="IS" if status is None else "IT",
            page=page,
        )
    return Payload(
        PG=pagination,
        MS=serial,
        RD=_readings(data, page),
        FV=version,
        GI=text_of["GI"],
        GS=text_of["GS"],
        GV=text_of["GV"],
        MV=text_of["MV"],
        MM=text_of["MM"],
        MF=text_of["MF"],
        IS=status,
        IL=level,
        IF=_flags(data, page),
        IT=kind,
        ID=text_of["ID"],
        TT=tariff,
        extras={k: v for k, v in data.items() if k not in _PAYLOAD_KEYS},
    )


_STRING_KEYS = ("FV", "GI", "GS", "GV", "MV", "MM", "MS", "MF", "ID", "TT")


class _Where:
    """Where a value sits, for error messages."""

    def __init__(self, field: str, page: int | None) -> None:
        self.field = field
        self.page = page


def _pagination(data: Mapping[str, object]) -> int | None:
    value = data.get("PG")
    if not isinstance(value, str) or not _PAGINATION.fullmatch(value):
        raise OcmfMalformedError(
            f"The pagination (PG) is {value!r:.40}; OCMF writes 'T' or 'F' and a number "
            "without leading zeros, for example 'T17'.",
            field="PG",
        )
    return int(value[1:])


def _flags(data: Mapping[str, object], page: int | None) -> tuple[str, ...]:
    flags = data.get("IF", [])
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        raise OcmfMalformedError(
            "The identification flags (IF) must be an array of strings.", field="IF", page=page
        )
    if len(flags) > _MAX_FLAGS:
        raise OcmfMalformedError(
            f"There are {len(flags)} identification flags (IF); OCMF allows 4.",
            field="IF",
            page=page,
        )
    for flag in flags:
        if flag not in IDENTIFICATION_FLAGS:
            raise OcmfUnknownError(
                f"The identification flag {flag!r} is not one of OCMF's (RFID_, OCPP_, "
                "ISO15118_ or PLMN_ flags).",
                field="IF",
                page=page,
            )
    return tuple(flags)


def _readings(data: Mapping[str, object], page: int | None) -> tuple[Reading, ...]:
    entries = data.get("RD")
    if not isinstance(entries, list) or not entries:
        raise OcmfMalformedError(
            "The payload has no readings: RD must be a non-empty array.", field="RD", page=page
        )
    readings: list[Reading] = []
    previous: dict[str, object] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise OcmfMalformedError(
                f"Reading RD[{index}] is not a JSON object.", field=f"RD[{index}]", page=page
            )
        merged = {key: previous[key] for key in _INHERITED if key in previous} | entry
        previous = merged
        readings.append(_reading(merged, f"RD[{index}]", page))
    return tuple(readings)


def _reading(data: Mapping[str, object], where: str, page: int | None) -> Reading:
    def at(key: str) -> _Where:
        return _Where(f"{where}.{key}", page)

    for key in data:
        if key not in _READING_KEYS and key not in UNMODELLED_READING_KEYS:
            raise OcmfUnknownError(
                f"Reading {where} has a field {key!r} that OCMF does not define.",
                field=f"{where}.{key}",
                page=page,
            )
    time_text = _optional_str(data, "TM", at("TM"))
    if time_text is None:
        raise OcmfMalformedError(
            f"Reading {where} has no time (TM).", field=f"{where}.TM", page=page
        )
    try:
        time = OcmfTime.parse(time_text, field=f"{where}.TM")
    except (OcmfMalformedError, OcmfUnknownError) as exc:
        exc.page = page
        raise
    status = _optional_code(data, "ST", MeterStatus, at("ST"))
    if status is None:
        raise OcmfMalformedError(
            f"Reading {where} has no meter status (ST).", field=f"{where}.ST", page=page
        )
    value = data.get("RV")
    if value is not None and not (
        isinstance(value, Decimal) and _MIN_EXPONENT <= value.adjusted() <= _MAX_EXPONENT
    ):
        raise OcmfMalformedError(
            f"The value of reading {where} (RV) must be a JSON number of a sensible size.",
            field=f"{where}.RV",
            page=page,
        )
    register = _optional_str(data, "RI", at("RI"))
    unit = _optional_code(data, "RU", Unit, at("RU"))
    if (register is None) != (unit is None) or (value is not None and unit is None):
        raise OcmfMalformedError(
            f"Reading {where} must give RI and RU together, and RU whenever it has a value.",
            field=f"{where}.RU",
            page=page,
        )
    flags = _optional_str(data, "EF", at("EF")) or ""
    if not set(flags) <= _ERROR_FLAGS or len(set(flags)) < len(flags):
        raise OcmfUnknownError(
            f"The error flags of reading {where} are {flags!r}; OCMF defines 'E' (energy) "
            "and 't' (time), each at most once.",
            field=f"{where}.EF",
            page=page,
        )
    return Reading(
        TM=time,
        ST=status,
        TX=_optional_code(data, "TX", Transaction, at("TX")),
        RV=value,
        RI=register,
        RU=unit,
        RT=_optional_code(data, "RT", CurrentType, at("RT")),
        EF=flags,
        extras={k: v for k, v in data.items() if k in UNMODELLED_READING_KEYS},
    )


def parse_signature(text: str) -> Signature:
    """Parse the signature section alone."""
    data = load_object(text, "signature")
    for key in data:
        if key not in {"SA", "SE", "SM", "SD"} and key[:1] not in SIGNATURE_EXTENSION_INITIALS:
            raise OcmfUnknownError(
                f"The signature section has a field {key!r} that OCMF does not define.",
                field=key,
            )
    algorithm = _optional_code(data, "SA", SignatureAlgorithm, _Where("SA", None))
    encoding = _optional_code(data, "SE", SignatureEncoding, _Where("SE", None))
    mime = _optional_code(data, "SM", SignatureMime, _Where("SM", None))
    signature = Signature(
        SD=_optional_str(data, "SD", _Where("SD", None)) or "",
        SA=algorithm or SignatureAlgorithm.SECP256R1_SHA256,
        SE=encoding or SignatureEncoding.HEX,
        SM=mime or SignatureMime.DER,
    )
    signature_bytes(signature)  # refuses a missing or undecodable SD
    return signature


def signature_bytes(signature: Signature) -> bytes:
    """The raw (DER) signature, decoded from SD as SE says."""
    try:
        if signature.SE is SignatureEncoding.HEX:
            raw = bytes.fromhex(signature.SD) if _HEX.fullmatch(signature.SD) else b""
        else:
            raw = base64.b64decode(signature.SD, validate=True)
    except (ValueError, binascii.Error):
        raw = b""
    if not raw:
        raise OcmfMalformedError(
            f"The signature data (SD) is missing or is not {signature.SE.value}.", field="SD"
        )
    return raw


def _optional_str(data: Mapping[str, object], key: str, where: _Where) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise OcmfMalformedError(
            f"The field {where.field} must be a JSON string.", field=where.field, page=where.page
        )
    return value


def _optional_code(
    data: Mapping[str, object], key: str, codes: type[_E], where: _Where
) -> _E | None:
    value = _optional_str(data, key, where)
    if value is None:
        return None
    try:
        return codes(value)
    except ValueError:
        known = ", ".join(code.value for code in codes)
        raise OcmfUnknownError(
            f"The field {where.field} is {value!r}, which is not one of OCMF's codes ({known}).",
            field=where.field,
            page=where.page,
        ) from None
