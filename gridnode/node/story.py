"""What a session tells its owner at the default log level (INFO): its story.

A node that trades for hours must say what it does without a dashboard (issue 18 §6):
the session's start with its terms, the deposit locked and returned *as such* (a hold
invoice released at a clean close is a refund, not a failed payment), a summary every few
minutes, the credit it leaves, and its close with the totals. The story is told from the
ledger records the session asks for (:class:`~gridnode.trade.actions.Record`), the very
facts the ledger keeps, so it needs nothing from the session's insides; the runner feeds
it each record, each tick and the close.

Each line names the peer, and the runner's logger adds the session id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from gridnode.ocmf import OcmfRecord, Transaction
from gridnode.trade.actions import LedgerKind, Record

#: How often a running session logs its summary, by default (``log_summary_s``).
SUMMARY_EVERY_MS = 300_000

Logger = logging.Logger | logging.LoggerAdapter[logging.Logger]


def msat_text(msat: int) -> str:
    """An amount for a person: whole sat, and the exact msat when it is not whole."""
    sat, rest = divmod(msat, 1000)
    return f"{sat:,} sat" if not rest else f"{msat / 1000:,.3f} sat ({msat:,} msat)"


def wh_text(mwh: int) -> str:
    return f"{mwh / 1000:,.1f} Wh"


@dataclass(slots=True)
class SessionStory:
    """One session's story, told as its records are written."""

    #: This node's part: "seller" or "buyer".
    role: str
    #: The partner's name in the configuration.
    peer: str
    log: Logger
    summary_every_ms: int = SUMMARY_EVERY_MS
    started_ms: int | None = None
    #: Energy since the Begin, by this node's own signed readings.
    energy_mwh: int = 0
    begin_mwh: int | None = None
    #: Paid for energy (settled on the seller, succeeded on the buyer), msat.
    paid_msat: int = 0
    payments: int = 0
    #: The locked deposits by payment hash (amount msat), until returned or kept.
    deposits: dict[bytes, int] = field(default_factory=dict)
    #: The closing statement's credit (msat), once stated.
    credit_msat: int | None = None
    _next_summary_ms: int | None = None

    # -- what the runner feeds it -------------------------------------------------------
    def record(self, record: Record) -> None:
        """A ledger record the session asked for (after it is written)."""
        match record.kind:
            case LedgerKind.TERMS_ACCEPTED if self.started_ms is None:
                self._start(record)
            case LedgerKind.DEPOSIT:
                self._deposit(record)
            case LedgerKind.PAYMENT_SETTLED if record.amount is not None:
                self._paid(record.amount.msat)
            case LedgerKind.INVOICE if record.text == "paying deposit":  # the buyer's
                self._buyer_deposit(record)
            case LedgerKind.PAYMENT_MADE:
                self._buyer_payment(record)
            case LedgerKind.CLOSING_STATEMENT if record.amount is not None:
                self._statement(record.amount.msat)
            case _:
                pass

    def reading(self, reading: OcmfRecord) -> None:
        """One of this node's own signed readings: the session's energy so far."""
        last = reading.payload.RD[-1] if reading.payload.RD else None
        if last is None or last.energy_mwh is None:
            return
        if self.begin_mwh is None or last.TX is Transaction.BEGIN:
            self.begin_mwh = last.energy_mwh
        self.energy_mwh = max(self.energy_mwh, last.energy_mwh - self.begin_mwh)

    def tick(self, now_ms: int) -> None:
        """The control tick: a summary when one is due."""
        due = self._next_summary_ms
        if due is None or now_ms < due:
            return
        self._next_summary_ms = now_ms + self.summary_every_ms
        minutes = (now_ms - (self.started_ms or now_ms)) / 60_000
        self.log.info(
            "session with %s, %.0f min in: %s, %s paid in %d payments%s",
            self.peer,
            minutes,
            wh_text(self.energy_mwh),
            msat_text(self.paid_msat),
            self.payments,
            self._deposit_text(),
        )

    def closed(self, cause: str, now_ms: int) -> None:
        """The session is over: its totals."""
        credit = ""
        if self.credit_msat is not None:
            credit = (
                f", credit {msat_text(self.credit_msat)} owed to the buyer (a credit note)"
                if self.credit_msat > 0
                else ", no credit left"
            )
        length = ""
        if self.started_ms is not None:
            length = f" after {(now_ms - self.started_ms) / 60_000:.1f} min"
        self.log.info(
            "session with %s closed (%s)%s: %s, %s paid in %d payments%s",
            self.peer,
            cause,
            length,
            wh_text(self.energy_mwh),
            msat_text(self.paid_msat),
            self.payments,
            credit,
        )

    # -- the story's lines ---------------------------------------------------------------
    def _start(self, record: Record) -> None:
        self.started_ms = record.at_ms
        self._next_summary_ms = record.at_ms + self.summary_every_ms
        self.log.info("session with %s started: %s", self.peer, record.text)

    def _deposit(self, record: Record) -> None:
        """The seller's deposit records: locked (amount), refunded or kept."""
        payment_hash = record.payment_hash
        if record.amount is not None and "locked" in record.text:
            self.deposits[payment_hash] = record.amount.msat
            self.log.info(
                "deposit of %s from %s locked (a hold invoice, released at a clean close)",
                msat_text(record.amount.msat),
                self.peer,
            )
        elif "refunded" in record.text:
            amount = self.deposits.pop(payment_hash, None)
            what = msat_text(amount) if amount is not None else "the deposit"
            self.log.info("deposit of %s returned to %s (hold released)", what, self.peer)
        elif "settled" in record.text:
            amount = self.deposits.pop(payment_hash, None)
            what = msat_text(amount) if amount is not None else "the deposit"
            self.log.warning("deposit of %s kept: %s owed at close", what, self.peer)

    def _buyer_deposit(self, record: Record) -> None:
        amount = record.amount.msat if record.amount is not None else 0
        self.deposits[record.payment_hash] = amount
        self.log.info(
            "deposit of %s locked with %s (a hold invoice, returned at a clean close)",
            msat_text(amount),
            self.peer,
        )

    def _buyer_payment(self, record: Record) -> None:
        amount = record.amount.msat if record.amount is not None else 0
        if record.text == "deposit paid":  # a hold settled: the seller kept it
            held = self.deposits.pop(record.payment_hash, amount)
            self.log.warning(
                "deposit of %s kept by %s: it says this buyer owed at close",
                msat_text(held),
                self.peer,
            )
        elif record.text.startswith("deposit returned"):
            back = self.deposits.pop(record.payment_hash, None)
            what = msat_text(back) if back is not None else "the deposit"
            self.log.info("deposit of %s returned by %s (hold released)", what, self.peer)
        elif record.text == "prepayment paid":
            self._paid(amount)

    def _paid(self, amount_msat: int) -> None:
        self.paid_msat += amount_msat
        self.payments += 1

    def _statement(self, credit_msat: int) -> None:
        self.credit_msat = credit_msat
        if credit_msat > 0:
            self.log.info(
                "closing statement: %s credit left, owed to the buyer (a credit note: "
                "carried into the next session or paid back)",
                msat_text(credit_msat),
            )
        else:
            self.log.info("closing statement: no credit left (%s)", msat_text(credit_msat))

    def _deposit_text(self) -> str:
        held = sum(self.deposits.values())
        return f", deposit {msat_text(held)} locked" if held else ""
