"""One battery node sells to a household and buys from a seller at once: one runtime,
one ledger, one wallet and one book; every receipt of both sides verifies, the battery's
own from its one ledger (issue 22)."""

from __future__ import annotations

from pathlib import Path

from gridnode.battery.pricing import bid_price
from tests.support.battery_parts import FLAT_RULE as RULE
from tests.support.battery_parts import LOSSLESS_SPEC as SPEC
from tests.support.battery_parts import half_full_estate, verify_both_sides


async def test_a_battery_node_sells_and_buys_on_one_ledger_and_every_receipt_verifies(
    tmp_path: Path,
) -> None:
    desk, estate = await half_full_estate(tmp_path)
    assert bid_price(SPEC, RULE) >= 100_000
    await estate.start()
    try:
        slot, partner = await estate.both_sides_trading()
        await estate.clock.advance(90)
        assert slot.live is not None  # it sells to the household
        assert partner.live is not None  # and buys from the seller
        assert {p.direction.value for p in desk.book.pledges} == {"sale", "purchase"}
        assert SPEC.reserve_mwh <= desk.book.soc_mwh <= SPEC.max_mwh
    finally:
        await estate.shutdown()
    # one session it sold on, one it bought on; both sides' receipts verify
    assert sorted(verify_both_sides(tmp_path, "battery", "household")) == ["household", "seller"]
