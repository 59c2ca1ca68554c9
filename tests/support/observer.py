"""An observer that keeps every event it is told, for tests of the observer port."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from gridnode.observe import InvoiceOutcome, MeterErrorKind, PaymentOutcome


@dataclass
class RecordingObserver:
    """Satisfies :class:`gridnode.observe.Observer`; each list holds what it was told."""

    payments: list[tuple[PaymentOutcome, float | None]] = field(default_factory=list)
    invoices: list[InvoiceOutcome] = field(default_factory=list)
    credits_s: list[float] = field(default_factory=list)
    switches: list[tuple[bool, str]] = field(default_factory=list)
    meter_errors: list[tuple[str, MeterErrorKind]] = field(default_factory=list)
    tick_gaps_s: list[float] = field(default_factory=list)
    #: when each tick gap was told (``now``: the wall's monotonic clock unless given)
    tick_at_s: list[float] = field(default_factory=list)
    now: Callable[[], float] = time.monotonic

    def payment_resolved(self, outcome: PaymentOutcome, seconds: float | None) -> None:
        self.payments.append((outcome, seconds))

    def invoice(self, outcome: InvoiceOutcome) -> None:
        self.invoices.append(outcome)

    def settlement_credited(self, seconds: float) -> None:
        self.credits_s.append(seconds)

    def relay_switched(self, on: bool, cause: str) -> None:
        self.switches.append((on, cause))

    def meter_read_failed(self, meter_id: str, kind: MeterErrorKind) -> None:
        self.meter_errors.append((meter_id, kind))

    def control_tick(self, gap_s: float) -> None:
        self.tick_gaps_s.append(gap_s)
        self.tick_at_s.append(self.now())

    def gaps_between(self, start_s: float, end_s: float) -> list[float]:
        """The tick gaps told from ``start_s`` to ``end_s``."""
        return [
            g
            for g, at in zip(self.tick_gaps_s, self.tick_at_s, strict=True)
            if start_s <= at <= end_s
        ]
