"""A buyer whose payments fail (its LND restarting, its channel not yet active again) is
invoiced again after a wait that doubles per failure in a row, not at once: the fault
drill saw 139 invoices in four seconds, each an LND invoice kept for ever and a signed
reading, while a buyer's channel came back. A settlement ends the run of failures."""

from __future__ import annotations

from gridnode.money import Msat
from gridnode.trade.actions import CreateInvoice
from gridnode.trade.cadence import Budgets
from gridnode.trade.messages import InvoicePurpose
from gridnode.trade.seller_billing import (
    MAX_RETRY_AFTER_FAILURE_MS,
    RETRY_AFTER_FAILURE_MS,
    SellerBilling,
)
from tests.support.terms import MINUTE, T0, demo_offer
from tests.support.trade.sim import SELLER
from tests.support.trade.worlds import actions_of, make_world

_ROOMY = Budgets(ahead=Msat(5_000), unpaid=Msat(5_000))


def _outstanding(billing: SellerBilling, payment_hash: bytes) -> None:
    billing.outstanding[payment_hash] = Msat(400)


def test_each_failure_in_a_row_doubles_the_wait_up_to_its_cap() -> None:
    offer = demo_offer()
    billing = SellerBilling(payment_size=offer.payments.max_payment)
    now, waits = T0, []
    for n in range(8):
        _outstanding(billing, bytes([n]) * 32)
        billing.payment_failed(bytes([n]) * 32, now, refused=False)
        assert billing.next_invoice(offer, now, 0, _ROOMY, 1_000_000) is None
        waits.append(billing.retry_at_ms - now)
        now = billing.retry_at_ms
        assert billing.next_invoice(offer, now, 0, _ROOMY, 1_000_000) is not None
    assert waits == [min(RETRY_AFTER_FAILURE_MS << n, MAX_RETRY_AFTER_FAILURE_MS) for n in range(8)]
    _outstanding(billing, b"s" * 32)
    assert billing.settled(b"s" * 32, Msat(400))
    assert billing.failures_in_row == 0
    assert billing.retry_at_ms == 0


def test_a_refused_invoice_is_followed_at_once_by_one_within_the_rules() -> None:
    offer = demo_offer()
    billing = SellerBilling(payment_size=offer.payments.max_payment)
    _outstanding(billing, b"r" * 32)
    billing.payment_failed(b"r" * 32, T0, refused=True)
    assert billing.next_invoice(offer, T0, 0, _ROOMY, 1_000_000) is not None


def test_ten_seconds_of_failing_payments_ask_for_a_handful_of_invoices() -> None:
    failing = T0 + MINUTE

    def outcome(t: int) -> str:
        return "fail" if failing <= t < failing + 10_000 else "ok"

    world = make_world(pay_outcome=outcome)
    world.run(T0 + 2 * MINUTE)
    asked = [
        t
        for t, a in actions_of(world, SELLER, CreateInvoice)
        if a.purpose is InvoicePurpose.PREPAYMENT and failing <= t < failing + 10_000
    ]
    # the first fails, then retries after 0.5, 1, 2, 4 s (7.5 s in all): five, and one
    # more if the run of failures straddles the window's edge
    assert 3 <= len(asked) <= 6, asked
    # it was supplied again once payments went through
    assert world.relay_timeline[-1][1] is True
