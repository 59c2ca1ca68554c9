"""The counters and histograms of a node: the observer port (:mod:`gridnode.observe`)
implemented with prometheus_client, in the node's own registry (never the library's
global one, so two nodes in one process, as in the tests, never mix their numbers).

Names follow Prometheus' conventions: the unit in the name (``_seconds``), ``_total`` on
counters, and labels from bounded sets (an outcome, a kind, a relay cause, a configured
meter id). Every known label value starts at zero, so a rate over "failed" reads 0
rather than nothing before the first failure.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

from gridnode.observe import InvoiceOutcome, MeterErrorKind, PaymentOutcome

#: A payment's time from the pay call to LND's final word: a direct channel answers in
#: well under a second; minutes mean a stuck HTLC.
PAYMENT_BUCKETS_S = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
#: A settlement's credit: a ledger write (an SD card's fsync is the slow part).
CREDIT_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)
#: Control tick gaps around the 250 ms tick (anything past 1 s is a stalled loop).
TICK_BUCKETS_S = (0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0, 2.0, 5.0)


class MetricsObserver:
    """Satisfies :class:`gridnode.observe.Observer`."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.payments = Counter(
            "gridnode_payments",
            "Payments this buyer made, by how they ended.",
            ["outcome"],
            registry=registry,
        )
        self.invoices = Counter(
            "gridnode_invoices",
            "Invoices this seller asked for, by what became of them.",
            ["outcome"],
            registry=registry,
        )
        self.payment_seconds = Histogram(
            "gridnode_payment_duration_seconds",
            "Time from the pay call to LND's final word on a payment.",
            buckets=PAYMENT_BUCKETS_S,
            registry=registry,
        )
        self.credit_seconds = Histogram(
            "gridnode_settlement_to_credit_seconds",
            "Time from LND's stream reporting a settled invoice to its credit in the ledger.",
            buckets=CREDIT_BUCKETS_S,
            registry=registry,
        )
        self.relay_switches = Counter(
            "gridnode_relay_switches",
            "Relay switches, by the state switched to and the cause.",
            ["state", "cause"],
            registry=registry,
        )
        self.meter_errors = Counter(
            "gridnode_meter_read_errors",
            "Failed meter reads, by meter and kind.",
            ["meter", "kind"],
            registry=registry,
        )
        self.tick_gaps = Histogram(
            "gridnode_control_tick_gap_seconds",
            "Time between two control ticks of a session (the tick is 250 ms).",
            buckets=TICK_BUCKETS_S,
            registry=registry,
        )
        for payment in PaymentOutcome:
            self.payments.labels(payment.value)
        for invoice in InvoiceOutcome:
            self.invoices.labels(invoice.value)

    def payment_resolved(self, outcome: PaymentOutcome, seconds: float | None) -> None:
        self.payments.labels(outcome.value).inc()
        if seconds is not None:
            self.payment_seconds.observe(seconds)

    def invoice(self, outcome: InvoiceOutcome) -> None:
        self.invoices.labels(outcome.value).inc()

    def settlement_credited(self, seconds: float) -> None:
        self.credit_seconds.observe(seconds)

    def relay_switched(self, on: bool, cause: str) -> None:
        self.relay_switches.labels("on" if on else "off", cause).inc()

    def meter_read_failed(self, meter_id: str, kind: MeterErrorKind) -> None:
        self.meter_errors.labels(meter_id, kind.value).inc()

    def control_tick(self, gap_s: float) -> None:
        self.tick_gaps.observe(gap_s)
