"""A deposit kept for a default whose payment the wallet cannot claim (its channel closed
under the hold: the full drill's fd3b8a23) is let go: the seller's books keep nothing and
say so, and the session still closes."""

from __future__ import annotations

from gridnode.trade.actions import Action, CancelHoldInvoice, Record, SettleHoldInvoice
from gridnode.trade.states import SellerState
from tests.support.terms import T0
from tests.support.trade.sim import SELLER, World, deposit_states, settled_msat
from tests.support.trade.worlds import MINUTE, actions_of, make_world


class ChannelClosedUnderTheHold(World):
    """The seller's wallet refuses to settle the deposit (its HTLC's channel closed), and
    the node lets the payment go instead, as :mod:`gridnode.node.effects` does."""

    def _carry_out(self, who: str, action: Action) -> None:
        if isinstance(action, SettleHoldInvoice):
            action = CancelHoldInvoice(action.payment_hash)
        super()._carry_out(who, action)


def test_a_kept_deposit_whose_payment_cannot_be_claimed_is_not_counted() -> None:
    base = make_world(drop_payments_after_ms=T0 + 2 * MINUTE)
    world = ChannelClosedUnderTheHold(
        base.seller, base.buyer, start_ms=T0, drop_payments_after_ms=T0 + 2 * MINUTE
    )
    world.run(T0 + 11 * MINUTE)
    assert world.seller.credit < 0  # the buyer owed at the close: the deposit was kept
    assert actions_of(world, SELLER, SettleHoldInvoice)
    assert deposit_states(world) == ["canceled"]
    assert settled_msat(world, hold=True) == 0
    texts = [a.text for _, w, a in world.actions if w == SELLER and isinstance(a, Record)]
    assert "deposit not kept: its payment was let go" in texts
    assert "deposit settled (default)" not in texts
    assert "deposit refunded" not in texts
    assert world.seller.state is SellerState.CLOSED
