"""The observer port (issue 23): what a snapshot cannot hold reaches the observer the
node was given, from the parts that see it happen. Two runtimes trading in virtual time,
each with a recording observer."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.hardware.errors import CrcError, IllegalAddressError, NoAnswerError
from gridnode.node.metering import error_kind
from gridnode.observe import InvoiceOutcome, MeterErrorKind, PaymentOutcome
from tests.support.node import NodeExtras, trading_pair
from tests.support.observer import RecordingObserver


async def test_a_trading_pair_tells_its_observers_what_happened(tmp_path: Path) -> None:
    seller, buyer = RecordingObserver(), RecordingObserver()
    pair = await trading_pair(
        tmp_path,
        seller_extras=NodeExtras(observer=seller),
        buyer_extras=NodeExtras(observer=buyer),
    )
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        await pair.clock.advance(30)

        # the buyer: every payment it made, how it ended and how long it took
        assert len(buyer.payments) >= 5
        assert {outcome for outcome, _ in buyer.payments} == {PaymentOutcome.SUCCEEDED}
        assert all(seconds is not None and seconds >= 0 for _, seconds in buyer.payments)
        # the seller: invoices created and settled, each credit timed, the relay's switch
        assert InvoiceOutcome.CREATED in seller.invoices
        settled = seller.invoices.count(InvoiceOutcome.SETTLED)
        assert settled >= 5
        assert len(seller.credits_s) == settled
        assert seller.switches[0] == (True, "conditions_met")
        assert buyer.switches == []  # a buyer switches no relay
        # every session's control tick, one tick apart on the virtual clock
        tick_s = pair.seller.ctx.timings.tick_ms / 1000
        for gaps in (seller.tick_gaps_s, buyer.tick_gaps_s):
            assert len(gaps) >= 30 / tick_s - 1
            assert max(gaps) == pytest.approx(tick_s)

        pair.buyer_meter.failing = True
        await pair.clock.advance(1)  # one poll
        assert buyer.meter_errors[-1] == ("buyer-meter", MeterErrorKind.NO_ANSWER)
        await pair.shutdown()
    # the deposit is released at the clean close: a cancelled hold invoice
    assert seller.switches[-1][0] is False
    assert InvoiceOutcome.CANCELED in seller.invoices


def test_meter_faults_are_told_by_kind() -> None:
    assert error_kind(NoAnswerError("x")) is MeterErrorKind.NO_ANSWER
    assert error_kind(CrcError("x")) is MeterErrorKind.CRC
    assert error_kind(IllegalAddressError("x", 2)) is MeterErrorKind.PROTOCOL
    assert error_kind(TimeoutError()) is MeterErrorKind.TIMEOUT
    assert error_kind(OSError("gone")) is MeterErrorKind.OTHER
