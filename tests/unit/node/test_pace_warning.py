"""A storage-pace warning is in the seller's status while the steady pace is above the
storage budget, and leaves it once the pace is back within (issue 18 §6)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.support.node import trading_pair


def _pace_warnings(warnings: tuple[str, ...]) -> list[str]:
    return [w for w in warnings if "a payment comes every" in w]


async def test_a_storage_warning_clears_when_it_no_longer_holds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gridnode")
    pair = await trading_pair(tmp_path)
    pair.seller_role.min_interval_ms = 3_600_000  # a budget no pace here keeps
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        assert _pace_warnings(pair.seller.snapshot().warnings) == []  # not from the first
        await pair.clock.run_until(
            lambda: bool(_pace_warnings(pair.seller.snapshot().warnings)), limit_s=120
        )
        (warning,) = _pace_warnings(pair.seller.snapshot().warnings)
        assert warning.startswith("buyer-1: at this power a payment comes every")
        session = pair.slot.session
        assert session is not None
        session.billing.min_interval_ms = 1  # the budget now allows this pace
        await pair.clock.run_until(
            lambda: not _pace_warnings(pair.seller.snapshot().warnings), limit_s=120
        )
    messages = [r.getMessage() for r in caplog.records]
    assert any(
        m.startswith("the payment pace is within the storage budget again") for m in messages
    )
