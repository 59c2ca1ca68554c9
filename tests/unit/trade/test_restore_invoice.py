"""The invoice that puts a supply cut for credit back on asks for what is missing and no
more, so the buyer can always pay it: its own count of what it has paid ahead is never
above the seller's credit (the meters agree), and paying keeps it within the floor of
its ahead budget (restore + the smallest payment), which no drop in power lowers.

Found by the twenty-tenant run: cut with power still in its 5 s window, the seller asked
for the whole room of a budget of 627 msat (305 msat on a credit of 322); the buyer,
measuring its budget a moment later with less power in its window, found the floor of
600 msat and waited for room that use would make, with the supply off: no use, no
payment, no supply for the rest of the run."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gridnode.money import Msat
from gridnode.trade.cadence import Budgets, ahead_floor
from gridnode.trade.seller_billing import SellerBilling
from tests.support.terms import T0, demo_offer


def _billing(payment_size: Msat) -> SellerBilling:
    return SellerBilling(payment_size=payment_size)


def test_the_tenant_that_was_left_off_is_asked_for_what_restores_it() -> None:
    offer = demo_offer()
    restore = offer.policy.restore.msat
    billing = _billing(offer.payments.max_payment)
    budgets = Budgets(ahead=ahead_floor(offer) + Msat(27), unpaid=Msat(0))
    size = billing.next_invoice(offer, T0, 322, budgets, power_mw=0, supply_on=False)
    assert size == Msat(max(offer.payments.min_payment.msat, restore - 322))


@given(
    credit=st.integers(min_value=-5_000, max_value=499),
    window_msat=st.integers(min_value=0, max_value=5_000),
    buyer_lower_by=st.integers(min_value=0, max_value=500),
)
def test_a_restoring_invoice_always_fits_the_buyers_floor(
    credit: int, window_msat: int, buyer_lower_by: int
) -> None:
    offer = demo_offer()
    assert credit < offer.policy.restore.msat
    billing = _billing(offer.payments.max_payment)
    # the seller's budget: the floor, or more while power is still in its window
    seller_budget = Budgets(ahead=ahead_floor(offer) + Msat(window_msat), unpaid=Msat(0))
    size = billing.next_invoice(offer, T0, credit, seller_budget, power_mw=0, supply_on=False)
    assert size is not None
    assert offer.payments.min_payment <= size <= offer.payments.max_payment
    # the buyer counts at most the seller's credit as paid ahead, and its budget may be
    # down to the floor: the invoice still fits
    buyer_ahead = credit - buyer_lower_by
    assert buyer_ahead + size.msat <= ahead_floor(offer).msat
    # and it brings the supply back on, or is a whole agreed step towards it
    assert credit + size.msat >= offer.policy.restore.msat or size == offer.payments.max_payment


def test_a_supply_that_is_on_is_invoiced_by_the_budgets_step() -> None:
    offer = demo_offer()
    billing = _billing(offer.payments.max_payment)
    budgets = Budgets(ahead=Msat(2_000), unpaid=Msat(2_000))
    size = billing.next_invoice(offer, T0, 322, budgets, power_mw=1_000_000, supply_on=True)
    assert size is not None
    assert size.msat <= 2_000 - 322
