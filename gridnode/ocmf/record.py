"""The value types of one OCMF record, and their exact JSON encoding.

Field names are the specification's own keys (``PG``, ``RD``, ``TM``...) so the code
reads against the specification's tables; each carries its meaning in a comment. A
record keeps the exact payload text it was signed over: verification always uses those
bytes, never a re-encoding.

The encoding we write is compact JSON (no whitespace), ASCII only (anything else as a
``\\u`` escape, so the signed bytes do not depend on a Unicode normal form), keys in the
order of the specification's tables, numbers as exact decimal tokens, and a literal pipe
inside a string escaped as ``\\u007c`` so no section can ever contain the separator.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from gridnode.ocmf.errors import OcmfMalformedError
from gridnode.ocmf.fields import (
    HEADER,
    SEPARATOR,
    ClockStatus,
    CurrentType,
    IdentificationLevel,
    IdentificationType,
    MeterStatus,
    SignatureAlgorithm,
    SignatureEncoding,
    SignatureMime,
    Transaction,
    Unit,
)
from gridnode.ocmf.values import OcmfTime, whole_mwh


@dataclass(frozen=True)
class Reading:
    """One entry of ``RD`` (Table 7)."""

    TM: OcmfTime  # time of the reading, with the clock status
    ST: MeterStatus  # state of the meter at the reading
    TX: Transaction | None = None  # reason: B, C, T, S, E...; absent outside transactions
    RV: Decimal | None = None  # value, an exact decimal; absent for a pure error event
    RI: str | None = None  # OBIS id of the register (see fields.Register)
    RU: Unit | None = None  # unit of RV
    RT: CurrentType | None = None  # current type
    EF: str = ""  # error flags: "E" energy and/or "t" time unusable; "" when none
    extras: Mapping[str, object] = field(default_factory=dict, compare=False)  # e.g. CL

    @property
    def energy_mwh(self) -> int | None:
        """The value in whole mWh, or None when absent or finer than one mWh."""
        if self.RV is None or self.RU is None:
            return None
        return whole_mwh(self.RV, self.RU)

    @property
    def clock_status(self) -> ClockStatus:
        return self.TM.status


@dataclass(frozen=True)
class Payload:
    """The payload section: gateway, pagination, meter, user assignment, readings."""

    PG: str  # pagination: "T<n>" (transaction context) or "F<n>" (fiscal)
    MS: str  # meter serial
    RD: tuple[Reading, ...]  # the readings, at least one
    FV: str | None = None  # format version, "1.0"
    GI: str | None = None  # gateway identification (the signing system's make and model)
    GS: str | None = None  # gateway serial
    GV: str | None = None  # gateway software version
    MV: str | None = None  # meter vendor
    MM: str | None = None  # meter model
    MF: str | None = None  # meter firmware
    IS: bool | None = None  # identification status: a user is assigned (transactions only)
    IL: IdentificationLevel | None = None  # identification level
    IF: tuple[str, ...] = ()  # identification flags, 0 to 4 of Tables 13-16
    IT: IdentificationType | None = None  # identification type; NONE when no user
    ID: str | None = None  # identification data
    TT: str | None = None  # tariff text, up to 250 characters
    extras: Mapping[str, object] = field(default_factory=dict, compare=False)  # LC, CT, U-Z...

    @property
    def context(self) -> str:
        """``"T"`` for the transaction counter, ``"F"`` for the fiscal one."""
        return self.PG[0]

    @property
    def page(self) -> int:
        """The pagination number."""
        return int(self.PG[1:])


@dataclass(frozen=True)
class Signature:
    """The signature section (Table 8)."""

    SD: str  # the signature data, in the encoding SE
    SA: SignatureAlgorithm = SignatureAlgorithm.SECP256R1_SHA256
    SE: SignatureEncoding = SignatureEncoding.HEX
    SM: SignatureMime = SignatureMime.DER


@dataclass(frozen=True)
class OcmfRecord:
    """A parsed or freshly signed record, with the exact sections it was read from."""

    payload: Payload
    signature: Signature
    payload_text: str  # the exact bytes between the pipes, as signed
    signature_text: str

    @property
    def text(self) -> str:
        """The record as one string: ``OCMF|{payload}|{signature}``."""
        return SEPARATOR.join((HEADER, self.payload_text, self.signature_text))

    @property
    def page(self) -> int:
        return self.payload.page

    def __str__(self) -> str:
        return self.text


_PAYLOAD_ORDER = (
    "FV", "GI", "GS", "GV", "PG", "MV", "MM", "MS", "MF", "IS", "IL", "IF", "IT", "ID", "TT",
)  # fmt: skip


def encode_payload(payload: Payload) -> str:
    """The compact JSON of a payload, keys in the specification's order."""
    items: dict[str, object] = {}
    for key in _PAYLOAD_ORDER:
        value = getattr(payload, key)
        if key == "IF":
            if payload.IS is not None or value:
                items[key] = list(value)
        elif value is not None:
            items[key] = value
    items.update(payload.extras)
    items["RD"] = [_reading_items(reading) for reading in payload.RD]
    return encode_json(items)


def _reading_items(reading: Reading) -> dict[str, object]:
    items: dict[str, object] = {"TM": reading.TM.to_text()}
    for key in ("TX", "RV", "RI", "RU", "RT"):
        value = getattr(reading, key)
        if value is not None:
            items[key] = value
    items.update(reading.extras)
    items["EF"] = reading.EF
    items["ST"] = reading.ST
    return items


def encode_signature(signature: Signature) -> str:
    """The compact JSON of a signature section, all four fields written out."""
    return encode_json(
        {"SA": signature.SA, "SE": signature.SE, "SM": signature.SM, "SD": signature.SD}
    )


def encode_json(value: object) -> str:
    """Compact, ASCII-only JSON with exact decimals and no literal pipe."""
    if isinstance(value, str):  # includes the StrEnum codes
        return json.dumps(str(value)).replace(SEPARATOR, "\\u007c")
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"JSON has no number for {value}")
        return format(value, "f")  # positional, never an exponent: 0.000000, not 0E-6
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{encode_json(k)}:{encode_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(encode_json(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} as OCMF JSON")


def load_object(text: str, section: str) -> dict[str, object]:
    """A JSON object, numbers as exact decimals; duplicates and NaN are malformed."""
    try:
        data = json.loads(
            text,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_refuse_duplicates,
        )
    except json.JSONDecodeError as exc:
        raise OcmfMalformedError(
            f"The {section} section is not valid JSON ({exc.msg} at character {exc.pos})."
        ) from None
    except RecursionError:
        raise OcmfMalformedError(f"The {section} section nests too deeply to be OCMF.") from None
    except _DuplicateKeyError as exc:
        raise OcmfMalformedError(
            f"The {section} section names the field {exc.key!r} twice; a record must read "
            "the same to every parser.",
            field=exc.key,
        ) from None
    if not isinstance(data, dict):
        raise OcmfMalformedError(f"The {section} section is not a JSON object.")
    return data


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> object:
    raise json.JSONDecodeError(f"{name} is not a JSON number", name, 0)
