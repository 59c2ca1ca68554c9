"""What the runtime tells whoever counts: the observer port the metrics implement.

Most of what a node shows is in its :class:`~gridnode.snapshot.NodeSnapshot`; what a
snapshot cannot hold is what happened between two of them: payments and invoices by
outcome, how long a payment or a settlement's credit took, relay switches by cause,
meter read errors by kind, the gaps between a session's control ticks. The parts of the
node that see those events (the session runner and its wallet effects, the settlement
router, the payment tracker, the meter poller) call an :class:`Observer` they were
given; the default :data:`NO_OBSERVER` does nothing. The port is narrow on purpose: a
call is cheap, never blocks and never raises into the control path, and every label it
passes is from a bounded set (an enum, a configured name, a relay cause).
"""

from __future__ import annotations

import enum
from typing import Protocol


class PaymentOutcome(enum.Enum):
    """How a buyer's payment ended (LND's final word)."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"


class InvoiceOutcome(enum.Enum):
    """What became of an invoice a seller asked for."""

    CREATED = "created"
    #: The wallet could not create it.
    CREATE_FAILED = "create_failed"
    #: Paid, and credited in the ledger.
    SETTLED = "settled"
    #: Its expiry passed unpaid.
    EXPIRED = "expired"
    #: A hold invoice (the deposit) released: the buyer got its money back.
    CANCELED = "canceled"


class MeterErrorKind(enum.Enum):
    """Why a meter read failed, as an operator would act on it."""

    NO_ANSWER = "no_answer"
    CRC = "crc"
    MALFORMED = "malformed"
    #: The meter answered with a Modbus exception (a wrong profile or address).
    PROTOCOL = "protocol"
    #: A value outside physics, a counter going back, a swapped meter.
    IMPLAUSIBLE = "implausible"
    #: No answer within the poller's own deadline.
    TIMEOUT = "timeout"
    OTHER = "other"


class Observer(Protocol):
    """Told of each event as it happens, on the event loop; must return at once."""

    def payment_resolved(self, outcome: PaymentOutcome, seconds: float | None) -> None:
        """A payment ended; ``seconds`` from the pay call to LND's final word (None when
        the payment was only followed, not made, here)."""
        ...

    def invoice(self, outcome: InvoiceOutcome) -> None: ...

    def settlement_credited(self, seconds: float) -> None:
        """A settled invoice was credited: ``seconds`` from the wallet's stream reporting
        it to the ledger's credit being committed."""
        ...

    def relay_switched(self, on: bool, cause: str) -> None:
        """A relay was switched; ``cause`` is the trade engine's cause as a word
        (``credit``, ``overcurrent``, ``requested`` ...), ``conditions_met`` when on."""
        ...

    def meter_read_failed(self, meter_id: str, kind: MeterErrorKind) -> None: ...

    def control_tick(self, gap_s: float) -> None:
        """A session handled a control tick ``gap_s`` after its previous one."""
        ...


class NoObserver:
    """Counts nothing (a node without metrics, and every test that does not look)."""

    def payment_resolved(self, outcome: PaymentOutcome, seconds: float | None) -> None:
        pass

    def invoice(self, outcome: InvoiceOutcome) -> None:
        pass

    def settlement_credited(self, seconds: float) -> None:
        pass

    def relay_switched(self, on: bool, cause: str) -> None:
        pass

    def meter_read_failed(self, meter_id: str, kind: MeterErrorKind) -> None:
        pass

    def control_tick(self, gap_s: float) -> None:
        pass


#: The observer of a node that observes nothing.
NO_OBSERVER: Observer = NoObserver()
