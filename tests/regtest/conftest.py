"""The regtest tier: one real btcd + LND network for the whole test session.

On teardown the daemons' logs are scanned before the network stops: an error line that
a healthy run does not write fails the run, so a silently broken daemon cannot hide.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from gridnode.regtest.network import RegtestNetwork
from gridnode.wallet.lnd import LndWallet
from tests.support.regtest.lnd import connection


@pytest.fixture(scope="session")
def regtest_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegtestNetwork]:
    # tied: a test run killed outright (a CI timeout) takes its daemons with it
    network = RegtestNetwork.up(tmp_path_factory.mktemp("regtest"), nodes=2, tied=True)
    try:
        yield network
    finally:
        unexpected = network.unexpected_log_errors()
        network.down()
    if unexpected:
        report = "\n".join(
            f"{name}: {line}" for name, lines in unexpected.items() for line in lines
        )
        pytest.fail(f"daemons logged unexpected errors during the run:\n{report}")


@pytest.fixture
async def payee(regtest_network: RegtestNetwork) -> AsyncIterator[LndWallet]:
    """node0, which invoices."""
    async with LndWallet(connection(regtest_network.nodes[0])) as wallet:
        yield wallet


@pytest.fixture
async def payer(regtest_network: RegtestNetwork) -> AsyncIterator[LndWallet]:
    """node1, which pays."""
    async with LndWallet(connection(regtest_network.nodes[1])) as wallet:
        yield wallet
