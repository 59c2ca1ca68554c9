"""What a series is about and where it stands: the meter, the user, the persisted state.

:class:`SeriesState` is everything a :class:`gridnode.ocmf.MeterSeries` needs to continue
after a restart; the ledger stores ``state.to_json()`` with each record, or rebuilds it
from the last record with :meth:`SeriesState.following`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gridnode.ocmf.errors import OcmfValueError
from gridnode.ocmf.fields import IDENTIFICATION_FLAGS, IdentificationLevel, IdentificationType
from gridnode.ocmf.record import OcmfRecord

_MAX_ID_LENGTH = 40  # Table 17: up to 40 bytes of identification data
_STATE_VERSION = 1


@dataclass(frozen=True)
class MeterIdentity:
    """The meter a series reads (``MS``, ``MV``, ``MM``, ``MF``)."""

    serial: str
    vendor: str | None = None
    model: str | None = None
    firmware: str | None = None

    def __post_init__(self) -> None:
        if not self.serial:
            raise OcmfValueError("A meter serial (MS) is required; give the meter's serial.")


@dataclass(frozen=True)
class UserAssignment:
    """Who a transaction is for (``IS``, ``IL``, ``IF``, ``IT``, ``ID``; Table 4)."""

    IS: bool = False
    IL: IdentificationLevel | None = None
    IF: tuple[str, ...] = ()
    IT: IdentificationType = IdentificationType.NONE
    ID: str | None = None

    def __post_init__(self) -> None:
        unknown = [flag for flag in self.IF if flag not in IDENTIFICATION_FLAGS]
        if unknown or len(self.IF) > 4:
            raise OcmfValueError(f"IF holds at most 4 of OCMF's flags; got {list(self.IF)}.")
        if self.ID is not None and len(self.ID.encode("utf-8")) > _MAX_ID_LENGTH:
            raise OcmfValueError(
                f"ID carries at most {_MAX_ID_LENGTH} bytes; {self.ID!r} is longer."
            )

    @classmethod
    def session(cls, session_id: str) -> UserAssignment:
        """A gridnode session: the buyer is the peer whose pinned key the node verified."""
        return cls(True, IdentificationLevel.VERIFIED, (), IdentificationType.LOCAL, session_id)

    def to_json(self) -> dict[str, object]:
        level = None if self.IL is None else self.IL.value
        return {"IS": self.IS, "IL": level, "IF": list(self.IF), "IT": self.IT.value, "ID": self.ID}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> UserAssignment:
        level, flags, data_id = data["IL"], data["IF"], data["ID"]
        return cls(
            IS=data["IS"] is True,
            IL=None if level is None else IdentificationLevel(str(level)),
            IF=tuple(str(flag) for flag in flags) if isinstance(flags, list) else (),
            IT=IdentificationType(str(data["IT"])),
            ID=None if data_id is None else str(data_id),
        )


@dataclass(frozen=True)
class SeriesState:
    """Everything a series needs to continue after a restart. Persist it with each record."""

    key_fingerprint: str  # the signing key this state belongs to
    meter_serial: str  # and the meter
    next_page: int = 1  # the number the next record gets
    open: UserAssignment | None = None  # the open transaction's user; None when idle
    last_unix_ms: int | None = None  # time of the last record
    last_energy_mwh: int | None = None  # register value of the last record

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (plain strings, ints, bools and None)."""
        return {
            "version": _STATE_VERSION,
            "key_fingerprint": self.key_fingerprint,
            "meter_serial": self.meter_serial,
            "next_page": self.next_page,
            "open": None if self.open is None else self.open.to_json(),
            "last_unix_ms": self.last_unix_ms,
            "last_energy_mwh": self.last_energy_mwh,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> SeriesState:
        """Read back :meth:`to_json`; a damaged or foreign state is refused with a sentence."""
        try:
            if data["version"] != _STATE_VERSION:
                raise OcmfValueError(
                    f"The stored OCMF series state is version {data['version']!r}; this node "
                    f"reads version {_STATE_VERSION}. Upgrade gridnode; never edit the state."
                )
            opened = data["open"]
            state = cls(
                key_fingerprint=str(data["key_fingerprint"]),
                meter_serial=str(data["meter_serial"]),
                next_page=_int(data["next_page"]),
                open=None if opened is None else UserAssignment.from_json(_mapping(opened)),
                last_unix_ms=_optional_int(data["last_unix_ms"]),
                last_energy_mwh=_optional_int(data["last_energy_mwh"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise OcmfValueError(
                f"The stored OCMF series state is damaged ({exc!r}); restore it from the "
                "ledger's last record rather than starting a new counter."
            ) from None
        if state.next_page < 1:
            raise OcmfValueError("The stored OCMF series state has a next page below 1.")
        return state

    @classmethod
    def following(cls, record: OcmfRecord) -> SeriesState:
        """The state right after a record this node signed, rebuilt from the record alone.

        For recovery when the ledger kept the records but not the state: the last record
        of the series gives everything back (its GS is the signing key's fingerprint).
        """
        payload = record.payload
        reading = payload.RD[-1]
        tx = reading.TX
        if payload.context != "T" or payload.GS is None or tx is None:
            raise OcmfValueError(
                f"Record {payload.PG} was not written by a gridnode series (it needs a T page, "
                "a gateway serial and a transaction code); the state cannot be rebuilt from it."
            )
        energy = reading.energy_mwh
        if energy is None:
            raise OcmfValueError(f"Record {payload.PG} has no whole-mWh value to continue from.")
        user = UserAssignment(
            IS=payload.IS is True,
            IL=payload.IL,
            IF=payload.IF,
            IT=payload.IT or IdentificationType.NONE,
            ID=payload.ID,
        )
        return cls(
            key_fingerprint=payload.GS,
            meter_serial=payload.MS,
            next_page=payload.page + 1,
            open=None if tx.is_end else user,
            last_unix_ms=reading.TM.unix_ms,
            last_energy_mwh=energy,
        )


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _optional_int(value: object) -> int | None:
    return None if value is None else _int(value)


def _mapping(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object, got {value!r}")
    return value
