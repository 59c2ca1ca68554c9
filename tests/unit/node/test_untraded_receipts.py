"""An offer nobody accepted is no trade and has no receipt (gridnode/receipt/export.py).

In an estate every seller offers each period and the buyer accepts one: the others'
sessions hold an offer and nothing else. A receipt of one would not verify (nothing
agreed, metered or paid), so it is neither listed nor written; asked for by name, it
is refused with a sentence that says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.ledger import LedgerStore
from gridnode.receipt.errors import ReceiptError
from gridnode.receipt.export import build_receipt, receipt_sessions
from gridnode.receipt.files import write_receipts
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MsatPerKwh
from tests.support.estate import Estate, estate

MINUTE_MS = 60_000
CHEAP, DEAR = ConstantProfile(MsatPerKwh(100_000)), ConstantProfile(MsatPerKwh(240_000))


def _paying(place: Estate) -> bool:
    runner = place.partners[0].runner
    return runner is not None and place.circuit.closed() == ("feed-0",)


async def test_the_passed_over_sellers_offers_give_no_receipt(tmp_path: Path) -> None:
    place = await estate(tmp_path, [CHEAP, DEAR], period_ms=MINUTE_MS)
    async with place.trading():
        await place.clock.run_until(lambda: _paying(place), limit_s=60)
        await place.clock.advance(5)
    passed_over = tmp_path / "seller-1" / "ledger.sqlite"
    with LedgerStore.open_readonly(passed_over) as store:
        offered = [row.session_id for row in store.sessions.find()]
    assert offered, "the dearer seller offered"
    assert receipt_sessions(passed_over) == []
    with pytest.raises(ReceiptError, match="never traded: its offer was not accepted"):
        build_receipt(passed_over, offered[0])
    assert write_receipts(passed_over, tmp_path / "receipts-1") == []
    # the chosen seller's session is a trade: listed, and its receipt made
    chosen = tmp_path / "seller-0" / "ledger.sqlite"
    traded = receipt_sessions(chosen)
    assert traded
    assert build_receipt(chosen, traded[0][0])["terms"]
