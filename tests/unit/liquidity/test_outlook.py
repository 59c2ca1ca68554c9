"""Days left on a peer's direct channel: money flows one way, so the seller watches its
inbound and the buyer its outbound, each less the channel reserve; the warning under
liquidity_warn_days, and the refusal of a period the channel cannot carry to its end."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from gridnode.ledger import LedgerStore
from gridnode.liquidity.outlook import (
    DAY_MS,
    LiquidityState,
    outlook,
    period_need,
    refusal,
)
from gridnode.liquidity.spending import spent_since
from gridnode.money import Msat
from tests.support.doctor import BUYER_NODE, SELLER_NODE, channel
from tests.support.ledger_sessions import buyer_session

SAT = Msat.from_sat


def test_the_seller_counts_its_inbound_and_the_buyer_its_outbound() -> None:
    # 500k sat each way, 10k sat reserve each side; 49k sat spent a day
    seller = outlook("seller", "flat-2", BUYER_NODE, [channel(BUYER_NODE)], SAT(49_000))
    assert seller.direction == "inbound"
    assert seller.room == SAT(490_000)
    assert seller.days_left == Fraction(10)
    assert seller.state is LiquidityState.OK
    assert seller.warning is None
    buyer = outlook(
        "buyer", "seller", SELLER_NODE, [channel(SELLER_NODE, local=SAT(80_000))], SAT(10_000)
    )
    assert buyer.direction == "outbound"
    assert buyer.room == SAT(70_000)
    assert buyer.days_left == Fraction(7)
    assert buyer.state is LiquidityState.OK  # exactly the warning's days is not under it


def test_under_the_warning_days_it_is_low_and_says_what_to_do() -> None:
    low = outlook("seller", "flat-2", BUYER_NODE, [channel(BUYER_NODE)], SAT(100_000))
    assert low.days_left == Fraction(49, 10)
    assert low.state is LiquidityState.LOW
    assert low.warning is not None
    assert "4.9 days" in low.warning
    assert "liquidity_warn_days = 7" in low.warning
    assert "loop out" in low.warning
    relaxed = outlook("seller", "flat-2", BUYER_NODE, [channel(BUYER_NODE)], SAT(100_000), 3)
    assert relaxed.state is LiquidityState.OK


def test_no_spending_no_channel_and_no_node_id() -> None:
    idle = outlook("buyer", "seller", SELLER_NODE, [channel(SELLER_NODE)], Msat(0))
    assert (idle.state, idle.days_left) == (LiquidityState.OK, None)
    inactive = [channel(SELLER_NODE, active=False)]
    gone = outlook("buyer", "seller", SELLER_NODE, inactive, SAT(1))
    assert gone.state is LiquidityState.NO_CHANNEL
    assert gone.warning is not None
    assert "no active channel" in gone.warning
    unnamed = outlook("buyer", "seller", "", [channel(SELLER_NODE)], SAT(1))
    assert unnamed.state is LiquidityState.UNKNOWN
    assert unnamed.warning is None


def test_a_period_the_channel_cannot_carry_is_refused_as_such() -> None:
    small = outlook(
        "buyer", "seller", SELLER_NODE, [channel(SELLER_NODE, local=SAT(10_300))], SAT(24_000)
    )
    # an hour at 24k sat a day is 1k sat, with a 100 sat deposit
    need = period_need(SAT(24_000), 3_600_000, SAT(100), SAT(20))
    assert need == SAT(1_100)
    reason = refusal(small, need)
    assert reason is not None
    assert reason.startswith("the channel with seller cannot carry this period to its end")
    assert "payment" not in reason.split(";")[0]  # said as such, not as a failed payment
    assert refusal(small, SAT(300)) is None
    # a fresh channel with nothing spent yet: one largest payment and the deposit
    assert period_need(Msat(0), 3_600_000, SAT(100), SAT(20)) == SAT(120)


def test_a_buyers_spending_over_the_last_day_comes_from_its_ledger(tmp_path: Path) -> None:
    with LedgerStore.open(tmp_path / "ledger.sqlite", "buyer") as store:
        now = 10 * DAY_MS
        buyer_session(store, "old", now - 2 * DAY_MS, payments=2)
        buyer_session(store, "new", now - 1000 * 60, payments=3)
        spent = spent_since(store, now - DAY_MS)
    # the fixture's sessions pin "f" * 64 and pay 1000, 1001, 1002 msat
    assert spent == {"f" * 64: Msat(3_003)}
