"""The two ledgers the port tests write to: a buyer's and a seller's, each with one
open session "s1"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gridnode.ledger import SqliteLedger
from tests.support.ledger import open_ledger


@pytest.fixture
async def buyer(tmp_path: Path) -> AsyncIterator[SqliteLedger]:
    ledger = await open_ledger(tmp_path / "buyer.sqlite", "buyer")
    await ledger.sessions.open("s1", "f" * 64, "meter-1", 100)
    yield ledger
    await ledger.close()


@pytest.fixture
async def seller(tmp_path: Path) -> AsyncIterator[SqliteLedger]:
    ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    await ledger.sessions.open("s1", "b" * 64, "meter-1", 100)
    yield ledger
    await ledger.close()
