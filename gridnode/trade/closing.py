"""What is left of the buyer's money at a close, and who may have it back (issue 19).

Paying ahead keeps the seller safe; it must not become a charge on the buyer. At every
close the seller states the session's money in a signed :class:`ClosingStatement`: what
was paid, the credit note it honoured from an earlier session, the energy its meter
delivered, that energy's cost by the billing rule (the exact cost rounded *up* to the
msat, so the credit is the exact credit rounded *down*, the rounding rule of
docs/trade.md) and the credit left. A positive credit is a credit note the seller owes:
carried into the next session with this buyer, or paid back over Lightning to an invoice
the buyer issues.

Pure decisions only, for both sides and the receipt verifier:

- :func:`closing_statement` builds the seller's statement from its books;
- :func:`statement_problem` is the buyer's check of it against its own meter, within the
  agreed tolerance, exactly as it checks invoices (the allowance of
  :meth:`gridnode.trade.buyer.BuyerSession.allowance`);
- :func:`refund_problem` is the seller's guard before it pays a refund invoice: payable
  to the buyer's refund node named in its signed acceptance, for no more than the credit
  it signed, and never for a note paid (or carried) before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.money import Msat
from gridnode.trade.actions import Action, LedgerKind, Record
from gridnode.trade.invoice_check import bolt11_problem
from gridnode.trade.machine import Outbox
from gridnode.trade.messages import (
    CarriedCredit,
    Cause,
    ClosingStatement,
    PaymentNotice,
    RefundRequest,
)

_NOTHING = Msat(0)
#: How long the seller's statement may wait for a payment the buyer proved to settle here.
SETTLE_GRACE_MS = 5_000


#: A buyer that closed waits this long for the seller's closing statement and Close.
STATEMENT_WAIT_MS = 5_000
#: A seller that closes waits this long for a prepayment invoice still open to be paid:
#: a payment on a direct channel settles within a second (PAYMENT_LEAD_MS allows 2 s);
#: well within the buyer's wait for the statement.
OPEN_INVOICE_GRACE_MS = 2_000


@dataclass(slots=True)
class BuyerClose:
    """A buyer that closes itself: its End and Close wait until none of its prepayments is
    in flight (each one's payment notice goes first, so the seller's statement counts it),
    then it waits for the seller's statement and Close; at most STATEMENT_WAIT_MS each."""

    cause: Cause = Cause.REQUESTED
    text: str = ""
    until_ms: int = 0
    #: the End and the Close are still to be sent
    pending: bool = False

    def begin(self, cause: Cause, text: str, now_ms: int) -> None:
        self.cause, self.text, self.pending = cause, text, True
        self.until_ms = now_ms + STATEMENT_WAIT_MS

    def due(self, now_ms: int, prepaying: bool) -> bool:
        """The End and the Close go out now (then the statement is awaited)."""
        if not self.pending or (prepaying and now_ms < self.until_ms):
            return False
        self.pending, self.until_ms = False, now_ms + STATEMENT_WAIT_MS
        return True

    def over(self, now_ms: int) -> bool:
        """No statement came in time: the buyer closes without it."""
        return not self.pending and now_ms >= self.until_ms


@dataclass(slots=True)
class SellerClose:
    """The seller's close, in order. The statement (and the Close after it) waits until
    every prepayment the buyer proved paid (its payment notice's preimage hashes to one of
    our invoices) is settled here too, or a grace passed: a buyer closes only once its
    payments in flight resolved, so its last payment is in the statement, not after it.
    The session ends once both went out and the deposit is settled or released."""

    cause: Cause = Cause.REQUESTED
    text: str = ""
    due_ms: int = 0
    #: the statement and the Close went out
    sent: bool = False
    #: the deposit is settled or released (or there was none)
    released: bool = False
    #: prepayments the buyer proved paid that the wallet has not reported settled yet
    proved: set[bytes] = field(default_factory=set)
    #: prepayment invoices open when the seller began the close: the buyer may be paying
    #: one (a payment that crossed the period's end), so the statement waits until each
    #: settled, failed or was cancelled, for at most ``open_due_ms`` (a payment settling
    #: just after the statement was missing from it: issue 22's estate day)
    open: set[bytes] = field(default_factory=set)
    open_due_ms: int = 0

    def prove(self, notice: PaymentNotice, ours: bool) -> None:
        if ours and hashlib.sha256(notice.preimage).digest() == notice.payment_hash:
            self.proved.add(notice.payment_hash)

    def begin(
        self, cause: Cause, text: str, now_ms: int, open_invoices: Iterable[bytes] = ()
    ) -> None:
        """``open_invoices``: those the buyer may still be paying (none when the buyer
        closed: it closes only once its payments in flight resolved)."""
        self.cause, self.text, self.due_ms = cause, text, now_ms + SETTLE_GRACE_MS
        self.open, self.open_due_ms = set(open_invoices), now_ms + OPEN_INVOICE_GRACE_MS

    def resolved(self, payment_hash: bytes) -> None:
        """The wallet or the buyer said how an invoice ended (settled, failed, cancelled)."""
        self.proved.discard(payment_hash)
        self.open.discard(payment_hash)

    def ready(self, now_ms: int) -> bool:
        """The statement may go out now."""
        proved = not self.proved or now_ms >= self.due_ms
        paying = not self.open or now_ms >= self.open_due_ms
        return not self.sent and proved and paying


def ceil_msat(amount: Fraction) -> Msat:
    """An exact amount rounded up to the msat (what the buyer is charged for energy)."""
    return Msat(-(-amount.numerator // amount.denominator))


def closing_statement(
    paid: Msat, carried: CarriedCredit | None, energy_mwh: int, cost_msat: Fraction
) -> ClosingStatement:
    """The seller's statement: ``credit = paid + carried_in - ceil(cost)``."""
    carried_in = carried.credit if carried is not None else _NOTHING
    cost = ceil_msat(cost_msat)
    return ClosingStatement(
        paid=paid,
        carried_in=carried_in,
        carried_from_session_id=carried.from_session_id if carried is not None else b"",
        energy_mwh=energy_mwh,
        cost=cost,
        credit=paid + carried_in - cost,
    )


def send_statement(outbox: Outbox, statement: ClosingStatement, now_ms: int) -> list[Action]:
    """The statement's actions: the credit note into the ledger (with the exact signed
    frame, so a third party can check it), then the frame to the buyer."""
    sent = outbox.send(statement, now_ms)
    frame = next(a.frame for a in sent if not isinstance(a, Record))
    note = Record(
        LedgerKind.CLOSING_STATEMENT,
        now_ms,
        describe(statement),
        data=frame,
        amount=statement.credit,
    )
    return [note, *sent]


def describe(statement: ClosingStatement) -> str:
    """One sentence for the journal and the operator."""
    carried = f" + {statement.carried_in} carried in" if statement.carried_in else ""
    return (
        f"closing statement: paid {statement.paid}{carried}, {statement.energy_mwh} mWh "
        f"delivered cost {statement.cost}, credit {statement.credit}"
    )


def statement_problem(
    statement: ClosingStatement,
    *,
    paid: Msat,
    carried: CarriedCredit | None,
    allowance_msat: Fraction,
) -> str | None:
    """The buyer's check of the seller's statement, None when it holds; else a sentence
    naming every difference.

    ``paid`` is what the buyer's own ledger says it paid in this session (prepayments
    that succeeded), ``carried`` the credit note it agreed to carry into it, and
    ``allowance_msat`` the most the seller may bill for the buyer's own metered energy,
    widened by the agreed tolerance (the same bound the buyer pays invoices by)."""
    problems = []
    carried_in = carried.credit if carried is not None else _NOTHING
    if statement.carried_in != carried_in:
        problems.append(
            f"it counts {statement.carried_in} carried in, but the buyer carried {carried_in}"
        )
    if statement.paid < paid:
        problems.append(
            f"it counts {statement.paid} paid, but the buyer paid {paid} "
            f"({paid - statement.paid} missing)"
        )
    limit = ceil_msat(allowance_msat) if allowance_msat > 0 else _NOTHING
    if statement.cost > limit:
        problems.append(
            f"it charges {statement.cost} for {statement.energy_mwh} mWh, but the buyer's own "
            f"meter allows at most {limit} within the agreed tolerance"
        )
    if not problems:
        return None
    return "the seller's closing statement is wrong: " + "; ".join(problems)


def refund_problem(
    request: RefundRequest, *, credit: Msat, refund_node_id: str, settled: str | None
) -> str | None:
    """The seller's guard before paying a refund invoice, None when it may be paid; else a
    sentence saying why it is refused.

    ``credit`` is the credit the seller signed in the note's statement, ``refund_node_id``
    the Lightning node the buyer named in its signed acceptance, ``settled`` how the note
    was settled already (paid, carried, waived) or None while it is still owed."""
    if settled is not None:
        return f"the credit note was {settled} already: it is never paid twice"
    if credit <= _NOTHING:
        return f"the closing statement leaves no credit to pay back ({credit})"
    if not refund_node_id:
        return "the buyer named no Lightning node for refunds in its acceptance"
    if request.amount > credit:
        return f"the refund invoice asks {request.amount}, more than the credit {credit} signed"
    problem = bolt11_problem(request.bolt11, request.payment_hash, request.amount, refund_node_id)
    if problem is not None:
        return problem.replace("named in the signed offer", "named in the buyer's acceptance")
    return None
