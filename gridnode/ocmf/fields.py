"""The codes OCMF defines, as enums, from the specification's tables.

Names follow the specification (OCMF 1.0 and later; table numbers from revision 1.2).
Every enum value is the exact string written into a record.
"""

from __future__ import annotations

from enum import StrEnum

#: The header of every record, and the section separator.
HEADER = "OCMF"
SEPARATOR = "|"
#: The format version we write (``FV``): 1.0, or 1.1 when a record carries a tariff text
#: (``TT`` arrived in revision 1.1.0 of the specification).
FORMAT_VERSION = "1.0"
FORMAT_VERSION_WITH_TARIFF_TEXT = "1.1"


class Transaction(StrEnum):
    """``TX``, the reason for a reading (Table 7)."""

    BEGIN = "B"  # first reading of a transaction
    CHARGING = "C"  # intermediate reading while energy flows
    EXCEPTION = "X"  # error during the transaction; values from here on are unusable
    END = "E"  # end of the transaction
    END_LOCAL = "L"  # ended locally
    END_REMOTE = "R"  # ended remotely
    END_ABORT = "A"  # aborted by an error
    END_POWER = "P"  # ended by a power failure
    SUSPENDED = "S"  # transaction open, but no energy is flowing (relay open)
    TARIFF_CHANGE = "T"  # the rate changed at this reading

    @property
    def is_end(self) -> bool:
        """True for E and the more precise end codes L, R, A, P."""
        return self in _END_CODES


_END_CODES = frozenset(
    {
        Transaction.END,
        Transaction.END_LOCAL,
        Transaction.END_REMOTE,
        Transaction.END_ABORT,
        Transaction.END_POWER,
    }
)


class MeterStatus(StrEnum):
    """``ST``, the state of the meter at the reading (Table 10)."""

    NOT_PRESENT = "N"
    GOOD = "G"
    TIMEOUT = "T"
    DISCONNECTED = "D"
    NOT_FOUND = "R"
    MANIPULATED = "M"
    EXCHANGED = "X"
    INCOMPATIBLE = "I"
    OUT_OF_RANGE = "O"
    SUBSTITUTE = "S"
    OTHER_ERROR = "E"
    READ_ERROR = "F"


class ClockStatus(StrEnum):
    """The flag after a reading's time (Table 19)."""

    UNKNOWN = "U"  # unknown or unsynchronised
    INFORMATIVE = "I"  # an info clock: set, but not (or no longer) synchronised
    SYNCHRONIZED = "S"  # synchronised
    RELATIVE = "R"  # relative time accounting from an informative start time


class ErrorFlag(StrEnum):
    """One character of ``EF``: a quantity no longer usable for billing (Table 7)."""

    ENERGY = "E"
    TIME = "t"


class Unit(StrEnum):
    """``RU``, the energy units of Table 20 (mOhm and uOhm are for cable loss only)."""

    KWH = "kWh"
    WH = "Wh"


class CurrentType(StrEnum):
    """``RT``, Table 21."""

    AC = "AC"
    DC = "DC"


class Register(StrEnum):
    """``RI``, the OBIS id of the register read."""

    IMPORT = "01-00:01.08.00"  # active energy import, total
    EXPORT = "01-00:02.08.00"  # active energy export, total
    # Per phase (OBIS 1-0:21.8.0, 41.8.0, 61.8.0: active energy import of L1, L2, L3),
    # written in hex like every RI group (OCMF, "billing relevant OBIS representation")
    IMPORT_L1 = "01-00:15.08.00"
    IMPORT_L2 = "01-00:29.08.00"
    IMPORT_L3 = "01-00:3D.08.00"


#: The import register of each phase, L1 first.
PHASE_IMPORT_REGISTERS = (Register.IMPORT_L1, Register.IMPORT_L2, Register.IMPORT_L3)


class IdentificationType(StrEnum):
    """``IT``, Table 17."""

    NONE = "NONE"
    DENIED = "DENIED"
    UNDEFINED = "UNDEFINED"
    ISO14443 = "ISO14443"
    ISO15693 = "ISO15693"
    EMAID = "EMAID"
    EVCCID = "EVCCID"
    EVCOID = "EVCOID"
    ISO7812 = "ISO7812"
    CARD_TXN_NR = "CARD_TXN_NR"
    CENTRAL = "CENTRAL"
    CENTRAL_1 = "CENTRAL_1"
    CENTRAL_2 = "CENTRAL_2"
    LOCAL = "LOCAL"
    LOCAL_1 = "LOCAL_1"
    LOCAL_2 = "LOCAL_2"
    PHONE_NUMBER = "PHONE_NUMBER"
    KEY_CODE = "KEY_CODE"


class IdentificationLevel(StrEnum):
    """``IL``, Table 11."""

    NONE = "NONE"
    HEARSAY = "HEARSAY"
    TRUSTED = "TRUSTED"
    VERIFIED = "VERIFIED"
    CERTIFIED = "CERTIFIED"
    SECURE = "SECURE"
    MISMATCH = "MISMATCH"
    INVALID = "INVALID"
    OUTDATED = "OUTDATED"
    UNKNOWN = "UNKNOWN"


#: ``IF`` values, Tables 13 to 16.
IDENTIFICATION_FLAGS = frozenset(
    {
        "RFID_NONE",
        "RFID_PLAIN",
        "RFID_RELATED",
        "RFID_PSK",
        "OCPP_NONE",
        "OCPP_RS",
        "OCPP_AUTH",
        "OCPP_RS_TLS",
        "OCPP_AUTH_TLS",
        "OCPP_CACHE",
        "OCPP_WHITELIST",
        "OCPP_CERTIFIED",
        "ISO15118_NONE",
        "ISO15118_PNC",
        "PLMN_NONE",
        "PLMN_RING",
        "PLMN_SMS",
    }
)


class SignatureAlgorithm(StrEnum):
    """``SA``, Table 22. We sign with the default, secp256r1 (P-256)."""

    SECP192K1_SHA256 = "ECDSA-secp192k1-SHA256"
    SECP256K1_SHA256 = "ECDSA-secp256k1-SHA256"
    SECP192R1_SHA256 = "ECDSA-secp192r1-SHA256"
    SECP256R1_SHA256 = "ECDSA-secp256r1-SHA256"
    BRAINPOOL256R1_SHA256 = "ECDSA-brainpool256r1-SHA256"
    SECP384R1_SHA256 = "ECDSA-secp384r1-SHA256"
    BRAINPOOL384R1_SHA256 = "ECDSA-brainpool384r1-SHA256"


class SignatureEncoding(StrEnum):
    """``SE``, Table 8."""

    HEX = "hex"
    BASE64 = "base64"


class SignatureMime(StrEnum):
    """``SM``, Table 8."""

    DER = "application/x-der"


#: Top-level payload keys the specification defines that we read but do not model
#: (charge controller, cable loss, charge point); kept verbatim in ``Payload.extras``.
UNMODELLED_PAYLOAD_KEYS = frozenset({"CF", "CCV", "LC", "CT", "CI"})
#: Reading keys the specification defines that we keep verbatim (cumulated loss).
UNMODELLED_READING_KEYS = frozenset({"CL"})
#: Initial letters the specification reserves for vendor extensions in the payload.
PAYLOAD_EXTENSION_INITIALS = frozenset("UVWXYZ")
#: Initial letters reserved in the signature section (vendors U-Z, processors A-F).
SIGNATURE_EXTENSION_INITIALS = frozenset("UVWXYZABCDEF")
