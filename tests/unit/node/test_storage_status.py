"""The storage warning reaches the runtime's snapshot (and so the status socket and the
dashboard's events panel)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gridnode.node.storage import MB, StorageWatch
from tests.support.node import trading_pair


async def test_a_storage_warning_is_in_the_buyers_snapshot(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    buyer = pair.buyer
    assert list(buyer.snapshot().warnings) == []  # before the pruner measured anything
    sizes = [(0, 10**12)]

    def measure(paths: Sequence[Path]) -> tuple[int, int]:
        return sizes[-1]

    watch = StorageWatch([pair.buyer_ledger.path], 20, pair.clock.now_ms, measure=measure)
    buyer.pruner.storage = watch
    await buyer.pruner.once()
    await pair.clock.advance(3600)
    sizes[0] = (100 * MB, 10**12)  # 2.4 GB a day
    await buyer.pruner.once()
    (warning,) = buyer.snapshot().warnings
    assert warning.startswith("storage grows 2400.0 MB a day")
    await pair.close()
