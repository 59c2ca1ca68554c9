"""The writer: one :class:`MeterSeries` per (node key, meter) issues signed readings.

A series numbers its records ``T1, T2, ...`` with one counter that never resets and never
skips: not per session, not on restart. Its whole state is a small
:class:`SeriesState` that the node's ledger stores in the same database transaction as
each record (write the record and ``series.state`` together, then send the record), and
hands back through ``MeterSeries(..., state=...)`` after a restart. A number is used
once: the state advances only when a record has been signed.

Transactions follow the specification: a Begin (``B``) opens one, then any of intermediate
(``C``), tariff change (``T``), suspended (``S``) or exception (``X``), and an end code
(``E``, or the more precise ``L``, ``R``, ``A``, ``P``) closes it; the next record is a
Begin again. Times never go back and the register never decreases; the writer refuses
a record that would break its own series rather than sign it.

A three-phase meter's readings may carry each phase too (``phases_mwh``): the record
then holds one reading per phase (the meter's own import register of L1, L2, L3, OBIS
1-0:21.8.0, 41.8.0, 61.8.0) before the total, all of one moment and one transaction
code; the total stays the last reading, the one a series is about.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from gridnode.ocmf.errors import OcmfSequenceError, OcmfValueError
from gridnode.ocmf.fields import (
    FORMAT_VERSION,
    FORMAT_VERSION_WITH_TARIFF_TEXT,
    PHASE_IMPORT_REGISTERS,
    ClockStatus,
    CurrentType,
    ErrorFlag,
    MeterStatus,
    Register,
    Transaction,
)
from gridnode.ocmf.record import OcmfRecord, Payload, Reading, encode_payload, encode_signature
from gridnode.ocmf.signing import PayloadSigner
from gridnode.ocmf.state import MeterIdentity, SeriesState, UserAssignment
from gridnode.ocmf.values import EnergyFormat, OcmfTime
from gridnode.version import __version__

#: ``GI``: what signs our records.
GATEWAY_IDENTIFICATION = "gridnode"
_MAX_TARIFF_TEXT = 250


def clock_status(synchronized: bool | None, *, set_since_boot: bool = False) -> ClockStatus:
    """The clock-status flag from the caller's view of the system clock.

    ``synchronized`` is what the time daemon says now (None: it cannot be asked). S when it
    is synchronised; I when it is not, but the clock was set since boot (by an earlier
    synchronisation or a real-time clock), so the time is informative; U otherwise (a Pi
    without a real-time clock boots into a stale time). R is never chosen here: it claims
    legally accurate relative timing, which a Pi cannot give.
    """
    if synchronized:
        return ClockStatus.SYNCHRONIZED
    if synchronized is False and set_since_boot:
        return ClockStatus.INFORMATIVE
    return ClockStatus.UNKNOWN


class MeterSeries:
    """Issues the signed readings of one meter under one node key.

    ``state`` continues a series after a restart; without it the series starts at T1.
    """

    def __init__(
        self,
        signer: PayloadSigner,
        meter: MeterIdentity,
        *,
        register: Register = Register.IMPORT,
        energy_format: EnergyFormat | None = None,
        current_type: CurrentType = CurrentType.AC,
        gateway_version: str = __version__,
        state: SeriesState | None = None,
    ) -> None:
        if state is None:
            state = SeriesState(signer.fingerprint, meter.serial)
        elif state.key_fingerprint != signer.fingerprint:
            raise OcmfValueError(
                "The series state belongs to another node key; each key has its own series."
            )
        elif state.meter_serial != meter.serial:
            raise OcmfValueError(
                f"The series state belongs to meter {state.meter_serial!r}, not "
                f"{meter.serial!r}; each meter has its own series."
            )
        self.signer = signer
        self.meter = meter
        self.register = register
        self.energy_format = energy_format or EnergyFormat()
        self.current_type = current_type
        self.gateway_version = gateway_version
        self._state = state

    @property
    def state(self) -> SeriesState:
        """The state to persist with the record just issued."""
        return self._state

    @property
    def in_transaction(self) -> bool:
        return self._state.open is not None

    def begin(
        self,
        at_ms: int,
        energy_mwh: int,
        clock: ClockStatus,
        user: UserAssignment,
        *,
        status: MeterStatus = MeterStatus.GOOD,
        error_flags: str = "",
        tariff_text: str | None = None,
        phases_mwh: tuple[int, ...] = (),
    ) -> OcmfRecord:
        """Open a transaction for ``user`` (B)."""
        return self.issue(
            Transaction.BEGIN,
            at_ms,
            energy_mwh,
            clock,
            user=user,
            status=status,
            error_flags=error_flags,
            tariff_text=tariff_text,
            phases_mwh=phases_mwh,
        )

    def end(
        self,
        at_ms: int,
        energy_mwh: int,
        clock: ClockStatus,
        reason: Transaction = Transaction.END,
        *,
        status: MeterStatus = MeterStatus.GOOD,
        error_flags: str = "",
        tariff_text: str | None = None,
        phases_mwh: tuple[int, ...] = (),
    ) -> OcmfRecord:
        """Close the open transaction (E, or the more precise L, R, A, P)."""
        if not reason.is_end:
            raise OcmfSequenceError(f"{reason.value!r} is not an end code (E, L, R, A, P).")
        return self.issue(
            reason,
            at_ms,
            energy_mwh,
            clock,
            status=status,
            error_flags=error_flags,
            tariff_text=tariff_text,
            phases_mwh=phases_mwh,
        )

    def issue(
        self,
        tx: Transaction,
        at_ms: int,
        energy_mwh: int,
        clock: ClockStatus,
        *,
        user: UserAssignment | None = None,
        status: MeterStatus = MeterStatus.GOOD,
        error_flags: str = "",
        tariff_text: str | None = None,
        phases_mwh: tuple[int, ...] = (),
    ) -> OcmfRecord:
        """Sign one reading with transaction code ``tx`` and advance the state;
        ``phases_mwh`` (up to three, L1 first) go before it as readings of their own."""
        state = self._state
        user = self._check_order(state, tx, at_ms, energy_mwh, user)
        if not set(error_flags) <= {flag.value for flag in ErrorFlag}:
            raise OcmfValueError(f"EF holds only 'E' and 't'; got {error_flags!r}.")
        if tariff_text is not None and len(tariff_text) > _MAX_TARIFF_TEXT:
            raise OcmfValueError(f"TT carries at most {_MAX_TARIFF_TEXT} characters.")
        if len(phases_mwh) > len(PHASE_IMPORT_REGISTERS) or any(e < 0 for e in phases_mwh):
            raise OcmfValueError(f"A record carries up to three phases' energy; got {phases_mwh}.")

        def reading(value_mwh: int, register: str) -> Reading:
            return Reading(
                TM=OcmfTime(at_ms, 0, clock),
                ST=status,
                TX=tx,
                RV=Decimal(self.energy_format.to_text(value_mwh)),
                RI=register,
                RU=self.energy_format.unit,
                RT=self.current_type,
                EF="".join(sorted(set(error_flags))),
            )

        phases = tuple(
            reading(mwh, register.value)
            for mwh, register in zip(phases_mwh, PHASE_IMPORT_REGISTERS, strict=False)
        )
        payload = Payload(
            FV=FORMAT_VERSION if tariff_text is None else FORMAT_VERSION_WITH_TARIFF_TEXT,
            GI=GATEWAY_IDENTIFICATION,
            GS=self.signer.fingerprint,
            GV=self.gateway_version,
            PG=f"T{state.next_page}",
            MV=self.meter.vendor,
            MM=self.meter.model,
            MS=self.meter.serial,
            MF=self.meter.firmware,
            IS=user.IS,
            IL=user.IL,
            IF=user.IF,
            IT=user.IT,
            ID=user.ID,
            TT=tariff_text,
            RD=(*phases, reading(energy_mwh, self.register.value)),
        )
        payload_text = encode_payload(payload)
        signature = self.signer.sign(payload_text)
        record = OcmfRecord(payload, signature, payload_text, encode_signature(signature))
        self._state = replace(
            state,
            next_page=state.next_page + 1,
            open=None if tx.is_end else user,
            last_unix_ms=at_ms,
            last_energy_mwh=energy_mwh,
        )
        return record

    @staticmethod
    def _check_order(
        state: SeriesState,
        tx: Transaction,
        at_ms: int,
        energy_mwh: int,
        user: UserAssignment | None,
    ) -> UserAssignment:
        page = state.next_page
        if state.open is None:
            if tx is not Transaction.BEGIN:
                raise OcmfSequenceError(
                    f"No transaction is open, so T{page} cannot be {tx.name} ({tx.value}); "
                    "a transaction starts with a Begin (B).",
                    field="TX",
                    page=page,
                )
            if user is None:
                raise OcmfSequenceError(
                    "A Begin (B) names who the transaction is for: pass user=.", page=page
                )
        elif tx is Transaction.BEGIN:
            raise OcmfSequenceError(
                f"A transaction is already open, so T{page} cannot be another Begin; end the "
                "open one first (E).",
                field="TX",
                page=page,
            )
        elif user is not None and user != state.open:
            raise OcmfSequenceError(
                "The user of a transaction is fixed at its Begin; it cannot change.", page=page
            )
        # Within a transaction time never goes back. A new one may begin before the last
        # record's time: the clock was set back between them, and stamping the Begin (and
        # all that follows) at the old time would misdate the new transaction's energy.
        last_ms = state.last_unix_ms
        if last_ms is not None and at_ms < last_ms and tx is not Transaction.BEGIN:
            raise OcmfSequenceError(
                f"T{page} would be dated {last_ms - at_ms} ms before the previous "
                "record; time never goes back within a transaction (hold the reading until "
                "the clock passes the last one, and mark the clock status).",
                field="TM",
                page=page,
            )
        if state.last_energy_mwh is not None and energy_mwh < state.last_energy_mwh:
            raise OcmfSequenceError(
                f"T{page} would read {energy_mwh} mWh, below the previous {state.last_energy_mwh} "
                "mWh; an energy register never decreases (a replaced meter starts a new series).",
                field="RV",
                page=page,
            )
        return user if user is not None else (state.open or UserAssignment())
