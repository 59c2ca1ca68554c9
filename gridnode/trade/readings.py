"""Signed readings as OCMF records: the node's own series, and the check of the peer's.

Each node signs the readings it bills or pays by as OCMF records (:mod:`gridnode.ocmf`)
with its node key: a Begin (B) when the terms are accepted, an intermediate reading (C)
behind each invoice (seller) or payment notice (buyer), a tariff change (T) when the
tariff in force changes, suspended (S) while supply is off, and an End (E) at the close.

``RV`` is the node's billing register for the meter: the energy it billed (or paid by)
over that meter, cumulative across sessions, so it never decreases and a session's
energy is ``RV - RV(Begin)``. (The meter's own register steps too coarsely, often 10 Wh;
the billed energy is the integrated power bounded by that register, see
:mod:`gridnode.trade.metering`.)

A three-phase meter's readings carry each phase too: before the total, one reading per
phase with the meter's own import register of that phase (OBIS 1-0:21.8.0, 41.8.0,
61.8.0), as the latest sample gave it, so a receipt shows what each phase delivered
(End less Begin of each); their sum is the meter's total within its resolution.

The node hands each session the :class:`~gridnode.ocmf.SeriesState` to continue from
(rebuilt from the last record it stored for the meter); pagination never resets and
never skips. The session stays pure: state in, records out as ledger actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.ocmf import (
    ClockStatus,
    MeterIdentity,
    MeterSeries,
    OcmfRecord,
    SeriesState,
    Signature,
    SignatureAlgorithm,
    Transaction,
    UserAssignment,
)
from gridnode.ocmf.fields import SignatureEncoding, SignatureMime
from gridnode.trade.actions import Action, LedgerKind, Record
from gridnode.trade.errors import TradeError
from gridnode.trade.events import MeterSample
from gridnode.trade.machine import Outbox
from gridnode.trade.messages import MeterReadingMessage
from gridnode.trade.profiles import RateProfile
from gridnode.trade.signing import Signer, fingerprint


class OcmfSigner:
    """The trade engine's signing port as an OCMF payload signer (one node key)."""

    algorithm = SignatureAlgorithm.SECP256R1_SHA256

    def __init__(self, signer: Signer) -> None:
        self._signer = signer

    @property
    def fingerprint(self) -> str:
        return fingerprint(self._signer.public_key_der)

    def sign(self, payload_text: str) -> Signature:
        der = self._signer.sign(payload_text.encode("utf-8"))
        return Signature(
            SD=der.hex(), SA=self.algorithm, SE=SignatureEncoding.HEX, SM=SignatureMime.DER
        )


class OwnSeries:
    """This node's OCMF series for one meter, as one session uses it.

    ``state`` continues the series (None: a new one at T1; a state of another key or
    meter is not ours to continue and starts a new one too). ``clock`` is the clock
    status the node observed (S when the system clock is synchronised).

    A session whose predecessor on the same meter is still closing (the buyer's, when
    the seller starts a new session) shares the predecessor's writer instead
    (:meth:`following`): pages come from one counter, and each session signs only
    inside its own transaction.
    """

    def __init__(
        self,
        signer: Signer,
        meter_id: str,
        state: SeriesState | None,
        clock: ClockStatus = ClockStatus.UNKNOWN,
    ) -> None:
        ocmf_signer = OcmfSigner(signer)
        if state is not None and (
            state.key_fingerprint != ocmf_signer.fingerprint or state.meter_serial != meter_id
        ):
            state = None
        self.series = MeterSeries(ocmf_signer, MeterIdentity(meter_id), state=state)
        self.clock = clock
        #: RV of this session's Begin; None until the session has begun.
        self.begin_mwh: int | None = None
        #: This session's transaction (its user assignment), from its Begin on.
        self.user: UserAssignment | None = None

    @classmethod
    def following(cls, previous: OwnSeries, clock: ClockStatus) -> OwnSeries:
        """A new session's view of the same writer as ``previous`` (still closing)."""
        own = cls.__new__(cls)
        own.series, own.clock, own.begin_mwh, own.user = previous.series, clock, None, None
        return own

    @property
    def meter_id(self) -> str:
        return self.series.meter.serial

    @property
    def state(self) -> SeriesState:
        return self.series.state

    @property
    def open(self) -> bool:
        """True between this session's Begin and its End (another session's Begin, after
        an abort, closes it too)."""
        return self.user is not None and self.series.state.open == self.user

    def begin(
        self, session_id: str, at_ms: int, phases_mwh: tuple[int, ...] = ()
    ) -> list[OcmfRecord]:
        """Open the session's transaction (B). A transaction an earlier session left open
        (the node stopped before its End) is closed first as aborted (A); the Begin is the
        last record returned. ``phases_mwh``: the meter's own register of each phase. The
        Begin is dated ``at_ms`` even before the last record (a clock set back since: the
        new transaction's times are the clock's as it is now)."""
        aborted = self.abort(at_ms)
        out = [] if aborted is None else [aborted]
        base = self.series.state.last_energy_mwh or 0
        self.begin_mwh = base
        self.user = UserAssignment.session(session_id)
        out.append(self.series.begin(at_ms, base, self.clock, self.user, phases_mwh=phases_mwh))
        return out

    def abort(self, at_ms: int) -> OcmfRecord | None:
        """End a transaction an earlier session left open (the node stopped before its
        End) as aborted (A), at its last register value and that value's time (``at_ms``
        only when the series has none): the meter was not read since, so stamped now
        the record would claim the register stood still from the crash until the restart,
        and a verifier comparing the two meters at one instant would find them apart by
        whatever flowed meanwhile. None when no transaction is open."""
        state = self.series.state
        if state.open is None:
            return None
        at_ms = state.last_unix_ms if state.last_unix_ms is not None else at_ms
        energy = state.last_energy_mwh or 0
        return self.series.end(at_ms, energy, self.clock, Transaction.END_ABORT)

    def sign(
        self,
        tx: Transaction,
        at_ms: int,
        energy_mwh: int,
        tariff_text: str | None = None,
        phases_mwh: tuple[int, ...] = (),
    ) -> OcmfRecord:
        """A reading (C, T, S, or an end code) of ``energy_mwh`` billed since the session
        began (and the meter's register of each phase, ``phases_mwh``). The caller opens
        the transaction first (:meth:`begin`)."""
        if self.begin_mwh is None or not self.open:
            raise TradeError("An OCMF reading is signed only inside the session's transaction.")
        state = self.series.state
        at_ms = max(at_ms, state.last_unix_ms or 0)
        register = max(self.begin_mwh + energy_mwh, state.last_energy_mwh or 0)
        if tx.is_end:
            return self.series.end(at_ms, register, self.clock, tx, phases_mwh=phases_mwh)
        return self.series.issue(
            tx, at_ms, register, self.clock, tariff_text=tariff_text, phases_mwh=phases_mwh
        )


@dataclass(slots=True)
class SessionReadings:
    """This node's signed readings in one session: each signed, recorded in the ledger,
    then (when the peer should see it) sent in a meter reading message."""

    own: OwnSeries
    outbox: Outbox
    checked_ms: int = 0  # price steps are looked for after this instant

    def check_clock(self, status: ClockStatus, now_ms: int, out: list[Action]) -> None:
        """The node's clock was checked: readings signed from now on carry ``status``
        (a clock that lost its synchronisation mid-session is flagged, not hidden)."""
        if status is self.own.clock:
            return
        out.append(Record(LedgerKind.STATE, now_ms, f"clock status {status.value} from now on"))
        self.own.clock = status

    def begin(self, now_ms: int, out: list[Action], sample: MeterSample | None = None) -> None:
        """The Begin, recorded and sent (an abort record closing an earlier session's
        transaction is recorded only: it is not this peer's business)."""
        records = self.own.begin(self.outbox.session_id.hex(), now_ms, _phases(sample))
        out.extend(ledger_record(record) for record in records)
        out.extend(self.outbox.send(MeterReadingMessage(records[-1]), now_ms))

    def sign(
        self,
        tx: Transaction,
        sample: MeterSample | None,
        energy_mwh: int,
        now_ms: int,
        out: list[Action],
        tariff_text: str | None = None,
    ) -> OcmfRecord:
        """Sign and record a reading of ``energy_mwh`` billed since the session began, as
        of the latest ``sample`` (the caller sends it inside its own message)."""
        if not self.own.open:
            self.begin(now_ms, out, sample)
        at_ms = now_ms if sample is None else sample.at_ms
        record = self.own.sign(tx, at_ms, energy_mwh, tariff_text, _phases(sample))
        out.append(ledger_record(record))
        return record

    def mark_price_steps(
        self,
        profile: RateProfile,
        sample: MeterSample | None,
        energy_mwh: int,
        now_ms: int,
        out: list[Action],
    ) -> None:
        """A tariff-change reading (T) when the price stepped since the last call."""
        since_ms, self.checked_ms = self.checked_ms, max(self.checked_ms, now_ms)
        if since_ms and self.own.open and price_steps(profile, since_ms, now_ms):
            text = tariff_text(profile, now_ms, "price step")
            self.send(Transaction.TARIFF_CHANGE, sample, energy_mwh, now_ms, out, text)

    def send(
        self,
        tx: Transaction,
        sample: MeterSample | None,
        energy_mwh: int,
        now_ms: int,
        out: list[Action],
        tariff_text: str | None = None,
    ) -> None:
        """Sign, record and send a reading on its own (T, S, E)."""
        record = self.sign(tx, sample, energy_mwh, now_ms, out, tariff_text)
        out.extend(self.outbox.send(MeterReadingMessage(record), now_ms))


def _phases(sample: MeterSample | None) -> tuple[int, ...]:
    """The meter's own import register of each phase, as the sample gives them."""
    return () if sample is None else sample.phase_registers_mwh


def tariff_text(profile: RateProfile, now_ms: int, why: str = "renewed terms") -> str:
    """``TT`` of a tariff-change reading: why, and the rate from now."""
    price = profile.price_at(now_ms)
    return f"{why}: {price.numerator // price.denominator} msat/kWh"


def price_steps(profile: RateProfile, since_ms: int, now_ms: int) -> bool:
    """True when the price jumps in (since_ms, now_ms]: a time-of-use block begins or
    ends. A continuous price (a sinusoid, an interpolated table) never steps."""
    if not profile.is_piecewise_linear or now_ms <= since_ms:
        return False
    for at_ms in profile.breakpoints(since_ms, now_ms + 1)[1:-1]:
        if profile.ends(at_ms - 1, at_ms)[1] != profile.price_at(at_ms):
            return True
    return False


def ledger_record(record: OcmfRecord) -> Record:
    """The ledger entry for a reading this node signed (before it is sent)."""
    reading = record.payload.RD[-1]
    tx = reading.TX.value if reading.TX is not None else "?"
    text = f"signed OCMF reading {record.payload.PG} ({tx}) of meter {record.payload.MS}"
    return Record(LedgerKind.READING, reading.TM.unix_ms, text, data=record.text.encode())


@dataclass(slots=True)
class PeerSeries:
    """The peer's readings in one session, checked as they arrive: one meter (the agreed
    one), a Begin first, then gap-free pages, time and register never going back, and
    nothing after the End. Signatures are checked on receipt (:mod:`gridnode.trade.peer_io`).
    """

    meter_id: str
    begin_mwh: int | None = None
    last: OcmfRecord | None = None

    def accept(self, record: OcmfRecord) -> str | None:
        """Take the next record; a sentence saying what is wrong with it, or None."""
        payload = record.payload
        reading = payload.RD[-1]
        tx, energy, name = reading.TX, reading.energy_mwh, payload.PG
        if self.meter_id != payload.MS:
            agreed = self.meter_id
            return f"reading {name} comes from meter {payload.MS!r}, not the agreed {agreed!r}"
        if tx is None or energy is None:
            return f"reading {name} has no transaction code or no whole-mWh value"
        last = self.last
        if last is None:
            if tx is not Transaction.BEGIN:
                return f"the first reading {name} is {tx.name} ({tx.value}), not a Begin (B)"
            self.begin_mwh, self.last = energy, record
            return None
        last_reading = last.payload.RD[-1]
        last_energy = last_reading.energy_mwh or 0
        problem = None
        if last_reading.TX is not None and last_reading.TX.is_end:
            problem = f"reading {name} follows the End of the transaction"
        elif payload.context != last.payload.context or payload.page != last.payload.page + 1:
            problem = f"reading {name} does not follow {last.payload.PG} (pagination gap)"
        elif tx is Transaction.BEGIN:
            problem = f"reading {name} begins another transaction inside this one"
        elif reading.TM.unix_ms < last_reading.TM.unix_ms:
            problem = f"reading {name} is dated before {last.payload.PG}"
        elif energy < last_energy:
            problem = f"reading {name} reads {energy} mWh, below {last_energy} mWh before it"
        if problem is None:
            self.last = record
        return problem

    def energy_mwh(self, record: OcmfRecord) -> int:
        """Energy since the Begin that ``record`` claims (after :meth:`accept`)."""
        return (record.payload.RD[-1].energy_mwh or 0) - (self.begin_mwh or 0)
