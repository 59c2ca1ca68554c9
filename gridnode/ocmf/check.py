"""Checking a series of records: every problem, each naming the record it concerns.

A series is the records one node signed for one meter over one transaction (a session),
in pagination order. The specification's rules for a verifier: every signature holds;
pagination is gap-free; all records come from one meter; the first reading is a Begin
and the last an end; and no reading carries an error that makes it unusable for billing.
We add two checks any meter register allows: time never goes back and the energy
register never decreases. Nothing stops at the first problem.

A record may carry several readings of one moment (a three-phase meter's phases before
the total, docs/ocmf.md): they share the record's transaction code, the record's
register is its last reading's, and each register on its own never decreases.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from gridnode.ocmf.errors import OcmfBadSignatureError, OcmfError, OcmfUnknownError
from gridnode.ocmf.fields import MeterStatus, Transaction
from gridnode.ocmf.parse import parse_record
from gridnode.ocmf.record import OcmfRecord, Reading
from gridnode.ocmf.signing import check_signature, load_public_key, public_key_der
from gridnode.ocmf.values import value_in_mwh


class FindingCode(StrEnum):
    """What kind of problem a finding is (stable strings for --json output)."""

    MALFORMED = "malformed"  # the record is not OCMF
    UNKNOWN = "unknown"  # the record uses a code or algorithm we do not know
    BAD_SIGNATURE = "bad_signature"  # the signature does not hold under the key
    EMPTY = "empty"  # no records at all
    PAGINATION_CONTEXT = "pagination_context"  # a fiscal (F) record in a transaction series
    PAGINATION_GAP = "pagination_gap"  # a number between first and last is missing
    PAGINATION_DUPLICATE = "pagination_duplicate"  # a number appears more than once
    PAGINATION_ORDER = "pagination_order"  # a record comes after a higher number
    METER_MIXED = "meter_mixed"  # another meter, gateway or register than the series'
    USER_MIXED = "user_mixed"  # another user assignment than the Begin's
    BEGIN_MISSING = "begin_missing"  # the first reading is not a Begin
    END_MISSING = "end_missing"  # the last reading is not an end
    BEGIN_INSIDE = "begin_inside"  # a Begin after the first reading
    END_INSIDE = "end_inside"  # an end before the last reading
    NO_TRANSACTION_CODE = "no_transaction_code"  # a reading without TX
    MIXED_CODES = "mixed_codes"  # readings of one record with different TX
    TIME_REGRESSION = "time_regression"  # earlier than the reading before it
    ENERGY_REGRESSION = "energy_regression"  # lower than the reading before it
    UNUSABLE = "unusable"  # meter error, error flags, exception, or no value


@dataclass(frozen=True)
class Finding:
    """One problem of a series. ``position`` counts records from 0 as given."""

    code: FindingCode
    message: str
    position: int
    page: int | None  # the record's pagination number, when it could be read

    @property
    def record(self) -> str:
        """The record it concerns, as a person names it: ``T7``, or its position."""
        return f"T{self.page}" if self.page is not None else f"record #{self.position + 1}"

    def __str__(self) -> str:
        return f"{self.record}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code.value,
            "record": self.record,
            "page": self.page,
            "position": self.position,
            "message": self.message,
        }


def verify_series(
    records: Sequence[str | bytes | OcmfRecord],
    public_key: bytes | str | None,
    *,
    complete: bool = True,
) -> list[Finding]:
    """Every problem of the series; an empty list when it holds.

    ``complete=False`` checks a session still in progress (a buyer checking the seller's
    records as they arrive): everything except that the last record is an end.

    ``public_key`` is the signer's DER SubjectPublicKeyInfo (bytes or hex), obtained out of
    band; pass None only for records whose signatures were already checked. A key that
    cannot be read raises :class:`gridnode.ocmf.OcmfKeyError`: that is the caller's
    mistake, not the series'.
    """
    key = None if public_key is None else public_key_der(load_public_key(public_key))
    findings: list[Finding] = []
    parsed: list[tuple[int, OcmfRecord]] = []
    for position, item in enumerate(records):
        try:
            record = item if isinstance(item, OcmfRecord) else parse_record(item)
            if key is not None:
                check_signature(record, key)
        except OcmfError as exc:
            findings.append(Finding(_code_of(exc), str(exc), position, exc.page))
            if isinstance(exc, OcmfBadSignatureError):
                parsed.append((position, record))  # still checked for the rest
            continue
        parsed.append((position, record))
    if not records:
        findings.append(Finding(FindingCode.EMPTY, "The series has no records.", 0, None))
    findings.extend(_pagination(parsed))
    findings.extend(_one_source(parsed))
    findings.extend(_transaction(parsed, complete=complete))
    findings.extend(_progress(parsed))
    return sorted(findings, key=lambda f: f.position)


def _code_of(exc: OcmfError) -> FindingCode:
    if isinstance(exc, OcmfBadSignatureError):
        return FindingCode.BAD_SIGNATURE
    if isinstance(exc, OcmfUnknownError):
        return FindingCode.UNKNOWN
    return FindingCode.MALFORMED


def _finding(code: FindingCode, message: str, position: int, record: OcmfRecord) -> Finding:
    return Finding(code, message, position, record.page)


def _pagination(parsed: list[tuple[int, OcmfRecord]]) -> Iterator[Finding]:
    for position, record in parsed:
        if record.payload.context != "T":
            yield _finding(
                FindingCode.PAGINATION_CONTEXT,
                f"is a fiscal record ({record.payload.PG}); a transaction's records are "
                "numbered in the transaction context (T).",
                position,
                record,
            )
    pages = Counter(record.page for _, record in parsed)
    for position, record in parsed:
        if pages[record.page] > 1:
            yield _finding(
                FindingCode.PAGINATION_DUPLICATE,
                f"appears {pages[record.page]} times; each number is used once.",
                position,
                record,
            )
    for (_, before), (position, record) in pairwise(parsed):
        if record.page < before.page:
            yield _finding(
                FindingCode.PAGINATION_ORDER,
                f"comes after T{before.page}: the records are out of order (swapped or moved).",
                position,
                record,
            )
    if not parsed:
        return
    by_page = sorted(parsed, key=lambda item: item[1].page)
    for (_, lower), (position, upper) in pairwise(by_page):
        if upper.page > lower.page + 1:
            missing = (
                f"T{lower.page + 1} is"
                if upper.page == lower.page + 2
                else f"T{lower.page + 1} to T{upper.page - 1} are"
            )
            yield _finding(
                FindingCode.PAGINATION_GAP,
                f"follows T{lower.page}: {missing} missing (a record was removed).",
                position,
                upper,
            )


def _one_source(parsed: list[tuple[int, OcmfRecord]]) -> Iterator[Finding]:
    if not parsed:
        return
    first = parsed[0][1]
    reference = _source(first)
    for position, record in parsed[1:]:
        for name, (want, got) in zip(
            _SOURCE_NAMES, zip(reference, _source(record), strict=True), strict=True
        ):
            if got != want:
                yield _finding(
                    FindingCode.METER_MIXED,
                    f"has {name} {got!r}, but the series (from T{first.page}) has {want!r}: "
                    "a series holds one meter's records.",
                    position,
                    record,
                )
    user = _user(first)
    for position, record in parsed[1:]:
        if _user(record) != user:
            yield _finding(
                FindingCode.USER_MIXED,
                f"is for user {_user(record)!r}, but the transaction began for {user!r}.",
                position,
                record,
            )


_SOURCE_NAMES = ("meter serial (MS)", "meter vendor (MV)", "meter model (MM)",
                 "gateway serial (GS)", "register (RI)")  # fmt: skip


def _source(record: OcmfRecord) -> tuple[str | None, ...]:
    payload = record.payload
    return (payload.MS, payload.MV, payload.MM, payload.GS, payload.RD[-1].RI)


def _user(record: OcmfRecord) -> tuple[object, ...]:
    payload = record.payload
    return (payload.IS, payload.IT, payload.ID)


def _readings(parsed: list[tuple[int, OcmfRecord]]) -> list[tuple[int, OcmfRecord, Reading]]:
    return [(position, record, r) for position, record in parsed for r in record.payload.RD]


def _transaction(parsed: list[tuple[int, OcmfRecord]], *, complete: bool) -> Iterator[Finding]:
    # one transaction code per record: its readings are of one moment
    readings = [(position, record, record.payload.RD[-1]) for position, record in parsed]
    last = len(readings) - 1
    for index, (position, record, reading) in enumerate(readings):
        tx = reading.TX
        if any(other.TX is not tx for other in record.payload.RD):
            yield _finding(
                FindingCode.MIXED_CODES,
                "has readings with different transaction codes; one record is one moment.",
                position,
                record,
            )
        if tx is None:
            yield _finding(
                FindingCode.NO_TRANSACTION_CODE,
                "has a reading without a transaction code (TX).",
                position,
                record,
            )
        if index == 0 and tx is not Transaction.BEGIN:
            yield _finding(
                FindingCode.BEGIN_MISSING,
                f"is the first record but is {_tx(tx)}, not a Begin (B): the start of the "
                "transaction is missing.",
                position,
                record,
            )
        if index > 0 and tx is Transaction.BEGIN:
            yield _finding(
                FindingCode.BEGIN_INSIDE,
                "is a Begin (B) inside the transaction; only the first record begins it.",
                position,
                record,
            )
        if complete and index == last and (tx is None or not tx.is_end):
            yield _finding(
                FindingCode.END_MISSING,
                f"is the last record but is {_tx(tx)}, not an end (E, L, R, A, P): the end "
                "of the transaction is missing.",
                position,
                record,
            )
        if index < last and tx is not None and tx.is_end:
            yield _finding(
                FindingCode.END_INSIDE,
                f"ends the transaction ({tx.value}) before its last record.",
                position,
                record,
            )


def _tx(tx: Transaction | None) -> str:
    return "without a transaction code" if tx is None else f"{tx.name} ({tx.value})"


def _progress(parsed: list[tuple[int, OcmfRecord]]) -> Iterator[Finding]:
    previous_time: tuple[OcmfRecord, Reading] | None = None
    previous_energy: dict[str | None, tuple[OcmfRecord, Decimal]] = {}
    for position, record, reading in _readings(parsed):
        if previous_time is not None and reading.TM.unix_ms < previous_time[1].TM.unix_ms:
            yield _finding(
                FindingCode.TIME_REGRESSION,
                f"is dated {reading.TM.to_text()}, before {previous_time[1].TM.to_text()} "
                f"of T{previous_time[0].page}: time never goes back within a series.",
                position,
                record,
            )
        previous_time = (record, reading)
        if reading.RV is not None and reading.RU is not None:
            energy = value_in_mwh(reading.RV, reading.RU)
            before = previous_energy.get(reading.RI)
            if before is not None and energy < before[1]:
                yield _finding(
                    FindingCode.ENERGY_REGRESSION,
                    f"reads {reading.RV} {reading.RU.value}, less than T{before[0].page}: "
                    "an energy register never decreases.",
                    position,
                    record,
                )
            previous_energy[reading.RI] = (record, energy)
        yield from _usable(position, record, reading)


def _usable(position: int, record: OcmfRecord, reading: Reading) -> Iterator[Finding]:
    reasons = []
    if reading.ST is not MeterStatus.GOOD:
        reasons.append(f"the meter status is {reading.ST.name} ({reading.ST.value})")
    if reading.EF:
        reasons.append(f"error flags {reading.EF!r} are set")
    if reading.TX is Transaction.EXCEPTION:
        reasons.append("it is an exception (X)")
    if reading.RV is None:
        reasons.append("it carries no value")
    if reasons:
        yield _finding(
            FindingCode.UNUSABLE,
            f"is not usable for billing: {'; '.join(reasons)}.",
            position,
            record,
        )
