"""The storage warning reaches the status socket (and so the dashboard's events panel)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gridnode.identity import Role, create_identity
from gridnode.node.buyer_node import BuyerNode
from gridnode.node.pruning import Pruner
from gridnode.node.status_view import buyer_status
from gridnode.node.storage import MB, StorageWatch
from tests.fakes.wallet import FakeLightning, FakeWallet
from tests.support.ledger import open_ledger
from tests.support.node_config import buyer_settings


async def test_a_storage_warning_is_in_the_buyer_status(tmp_path: Path) -> None:
    node = BuyerNode(buyer_settings(tmp_path))
    identity = create_identity(tmp_path / "id", Role.BUYER)
    assert list(buyer_status(node, identity).warnings) == []  # before the pruner starts
    clock = [0]
    sizes = [(0, 10**12)]

    def measure(paths: Sequence[Path]) -> tuple[int, int]:
        return sizes[-1]

    ledger = await open_ledger(tmp_path / "ledger.sqlite", "buyer")
    watch = StorageWatch([ledger.path], 20, lambda: clock[0], measure=measure)
    node.pruner = Pruner(ledger, FakeWallet(FakeLightning(), "buyer"), storage=watch)
    watch.sample()
    clock[0], sizes[0] = 3600_000, (100 * MB, 10**12)  # 2.4 GB a day
    watch.sample()
    (warning,) = buyer_status(node, identity).warnings
    assert warning.startswith("storage grows 2400.0 MB a day")
    await ledger.close()
