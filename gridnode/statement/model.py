"""A month's statement as values: a line per session, grouped per tenant, with totals.

Energy is integer mWh by each meter, money integer msat; the fiat column, when a price
is given, is a :class:`~decimal.Decimal` rounded to the cent (display only: nothing is
computed from it).
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gridnode.errors import UsageError


class DepositState(enum.Enum):
    """What became of a session's deposit (a hold invoice)."""

    NONE = "none"  # the session asked for none, or it was never paid
    HELD = "held"  # locked: the hold invoice is accepted, neither settled nor cancelled
    RELEASED = "released"  # cancelled: the money went back to the buyer
    TAKEN = "taken"  # settled: the buyer defaulted and the seller kept it


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month in a time zone, as Unix ms [start, stop)."""

    year: int
    month: int
    zone: str = "UTC"

    @classmethod
    def parse(cls, text: str, zone: str = "UTC") -> Month:
        try:
            year_text, month_text = text.split("-")
            year, month = int(year_text), int(month_text)
            if len(year_text) != 4 or not 1 <= month <= 12:
                raise ValueError(text)
        except ValueError:
            raise UsageError(f"--month: {text!r} is not a month; write it as 2026-11.") from None
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(
                f"--zone: {zone!r} is not an IANA time zone; write one like Europe/Berlin."
            ) from None
        return cls(year, month, zone)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start_ms(self) -> int:
        return _ms(datetime(self.year, self.month, 1, tzinfo=ZoneInfo(self.zone)))

    @property
    def stop_ms(self) -> int:
        year, month = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return _ms(datetime(year, month, 1, tzinfo=ZoneInfo(self.zone)))

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def holds(self, at_ms: int) -> bool:
        return self.start_ms <= at_ms < self.stop_ms


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class SessionLine:
    """One session's part of the month."""

    #: The protocol id (32 hex digits), as in its receipt.
    session_id: str
    #: The other party: the tenant on a seller's statement, the seller on a buyer's.
    peer: str
    peer_fingerprint: str
    opened: str
    closed: str | None
    state: str
    #: Energy in the month by the seller's meter and by the buyer's (signed readings).
    energy_seller_mwh: int
    energy_buyer_mwh: int
    #: What that energy cost by the seller's meter under the agreed terms.
    cost_msat: int
    #: Payments for energy settled in the month, and their routing fees.
    paid_msat: int
    fees_msat: int
    payments: int
    deposit_msat: int
    deposit_state: DepositState
    breaches: tuple[str, ...]
    #: The terms in force: profile and the price range seen in the month.
    tariffs: tuple[str, ...]
    #: The receipt a tenant verifies this line with, and its SHA-256.
    receipt_file: str
    receipt_sha256: str
    #: "ledger" or "archive" (pruned by ``gridnode ledger prune``).
    source: str
    #: The payments (and a taken deposit) in fiat at the given prices; None without one.
    fiat: Decimal | None = None

    @property
    def deposit_taken_msat(self) -> int:
        return self.deposit_msat if self.deposit_state is DepositState.TAKEN else 0


@dataclass(frozen=True, slots=True)
class Totals:
    energy_seller_mwh: int = 0
    energy_buyer_mwh: int = 0
    cost_msat: int = 0
    paid_msat: int = 0
    fees_msat: int = 0
    payments: int = 0
    deposits_held_msat: int = 0
    deposits_released_msat: int = 0
    deposits_taken_msat: int = 0
    breaches: int = 0
    fiat: Decimal | None = None

    @classmethod
    def of(cls, lines: list[SessionLine]) -> Totals:
        def deposits(state: DepositState) -> int:
            return sum(line.deposit_msat for line in lines if line.deposit_state is state)

        fiats = [line.fiat for line in lines if line.fiat is not None]
        return cls(
            energy_seller_mwh=sum(line.energy_seller_mwh for line in lines),
            energy_buyer_mwh=sum(line.energy_buyer_mwh for line in lines),
            cost_msat=sum(line.cost_msat for line in lines),
            paid_msat=sum(line.paid_msat for line in lines),
            fees_msat=sum(line.fees_msat for line in lines),
            payments=sum(line.payments for line in lines),
            deposits_held_msat=deposits(DepositState.HELD),
            deposits_released_msat=deposits(DepositState.RELEASED),
            deposits_taken_msat=deposits(DepositState.TAKEN),
            breaches=sum(len(line.breaches) for line in lines),
            fiat=sum(fiats, Decimal(0)) if fiats else None,
        )


@dataclass(frozen=True, slots=True)
class TenantStatement:
    name: str
    fingerprint: str
    lines: tuple[SessionLine, ...]

    @property
    def totals(self) -> Totals:
        return Totals.of(list(self.lines))


@dataclass(frozen=True, slots=True)
class Statement:
    month: Month
    #: Who made it: "seller" (a statement per tenant) or "buyer" (its own).
    role: str
    fingerprint: str
    tenants: tuple[TenantStatement, ...]
    #: The fiat currency when prices were given ("EUR").
    currency: str | None = None
    #: What could not be included, one sentence each (a session without a receipt).
    notes: tuple[str, ...] = field(default=())

    @property
    def totals(self) -> Totals:
        return Totals.of([line for t in self.tenants for line in t.lines])
