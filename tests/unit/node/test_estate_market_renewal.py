"""The estate market keeps a seller whose renewed sale period has begun: its terms were
agreed as a renewal and stand on their own, so the next period's choice scores them
instead of refusing them as a renewal that continues nothing (found by the estate demo,
whose one-minute sale periods renew at the minute the market chooses)."""

from __future__ import annotations

from pathlib import Path

from gridnode.market import ChoiceKind
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MsatPerKwh
from tests.support.clock import DEFAULT_START_MS
from tests.support.estate import estate
from tests.support.node_parts import PERIOD_MS

MINUTE_MS = 60_000


async def test_a_renewed_session_stays_chosen_across_period_starts(tmp_path: Path) -> None:
    cheap, flat = ConstantProfile(MsatPerKwh(150_000)), ConstantProfile(MsatPerKwh(180_000))
    place = await estate(tmp_path, [cheap, flat], period_ms=MINUTE_MS)
    async with place.trading():
        await place.clock.run_until(lambda: place.circuit.closed() == ("feed-0",), limit_s=60)
        first = place.partners[0].runner
        assert first is not None
        # past the end of the first sale period and two market periods more
        renewed_by = DEFAULT_START_MS + PERIOD_MS + 2 * MINUTE_MS
        await place.clock.run_until(lambda: place.clock.now_ms() >= renewed_by, limit_s=900)
        choice = place.market.choice
        assert choice is not None
        assert choice.period.start_ms > DEFAULT_START_MS + PERIOD_MS
        assert (choice.kind, choice.seller) == (ChoiceKind.STAY, "seller-0"), choice.refused
        assert place.partners[0].runner is first  # the same session, renewed
        assert place.circuit.closed() == ("feed-0",)
    assert place.market.switches == 0
    assert place.circuit.overlaps == []
