"""Wrong macaroon, wrong TLS certificate, unreachable host: each a clear typed error."""

from __future__ import annotations

import pytest

from gridnode.regtest.network import RegtestNetwork
from gridnode.regtest.processes import free_ports
from gridnode.wallet.lnd import LndWallet
from gridnode.wallet.lnd_connect import LndConnection
from gridnode.wallet.port import WalletAuthError, WalletTlsError, WalletUnreachableError

pytestmark = pytest.mark.regtest


async def test_a_macaroon_from_another_node_is_refused(regtest_network: RegtestNetwork) -> None:
    node0, node1 = regtest_network.nodes
    regtest_network.expect_log_errors(r"verification failed: signature mismatch")
    wrong = LndConnection.from_files(node0.grpc_host, node0.tls_cert, node1.admin_macaroon)
    async with LndWallet(wrong) as wallet:
        with pytest.raises(WalletAuthError, match="refused the macaroon"):
            await wallet.node_info()
        with pytest.raises(WalletAuthError):
            await wallet.wait_ready(attempts=3)  # final at once, not retried


async def test_a_certificate_from_another_node_is_refused(regtest_network: RegtestNetwork) -> None:
    node0, node1 = regtest_network.nodes
    wrong = LndConnection.from_files(node0.grpc_host, node1.tls_cert, node0.admin_macaroon)
    async with LndWallet(wrong, call_timeout_s=5) as wallet:
        with pytest.raises(WalletTlsError, match="TLS certificate"):
            await wallet.node_info()


async def test_an_unreachable_host_is_a_dependency_error(regtest_network: RegtestNetwork) -> None:
    node0 = regtest_network.nodes[0]
    (port,) = free_ports(1)
    nobody = LndConnection.from_files(f"127.0.0.1:{port}", node0.tls_cert, node0.admin_macaroon)
    async with LndWallet(nobody, call_timeout_s=5) as wallet:
        with pytest.raises(WalletUnreachableError, match="unreachable") as caught:
            await wallet.wait_ready(attempts=2, first_delay_s=0.1)
    assert caught.value.exit_code == 3
