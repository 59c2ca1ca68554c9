"""The fault drill's repair of a channel LND failed for good (tests/support/drill/
channels.py): force-closed and replaced by one of the topology's size, which carries
payments at once. Its own network: the session's is shared with other tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gridnode.regtest.network import RegtestNetwork
from tests.support.drill.channels import DeadChannel, dead_channels, replace_channel
from tests.support.drill.diagnose import lnd_state, log_tail

pytestmark = pytest.mark.regtest


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegtestNetwork]:
    net = RegtestNetwork.up(tmp_path_factory.mktemp("repair"), nodes=2, tied=True)
    try:
        yield net
    finally:
        net.down()


def test_a_healthy_network_has_no_dead_channel(network: RegtestNetwork) -> None:
    assert dead_channels(network) == []


def test_a_replaced_channel_is_closed_and_a_new_one_carries_payments(
    network: RegtestNetwork,
) -> None:
    seller, buyer = network.nodes
    admin = seller.admin()
    try:
        (old,) = admin.channels()
        dead = DeadChannel(seller, buyer, old.channel_point, "a log line")
        said: list[str] = []
        replaced = replace_channel(network, dead, said.append)
        (new,) = admin.channels()
    finally:
        admin.close()
    assert new.active
    assert new.channel_point != old.channel_point
    assert new.remote_pubkey == buyer.pubkey
    assert replaced["closed"] == old.channel_point
    assert replaced["lnd_log"] == "a log line"
    assert len(replaced["closing_txid"]) == 64
    assert said
    assert "replacing it" in said[0]
    payer, payee = buyer.admin(), seller.admin()
    try:
        bolt11, _ = payee.add_invoice(1_000, "after the repair")
        ok, detail = payer.pay(bolt11, timeout_s=30)
    finally:
        payer.close()
        payee.close()
    assert ok, detail


def test_a_stalled_drill_says_what_each_lnd_holds_and_each_node_logged(
    network: RegtestNetwork, tmp_path: Path
) -> None:
    seller = network.nodes[0]
    said = lnd_state(seller)
    assert said.startswith(f"{seller.name}: 1 peer(s); channels: ")
    assert "active local" in said
    assert "HTLC(s) pending" in said
    log = tmp_path / "buyer-1.log"
    log.write_text("".join(f"line {i}\n" for i in range(10)))
    assert log_tail(log) == ["line 6", "line 7", "line 8", "line 9"]
    assert log_tail(tmp_path / "gone.log") == ["no log (No such file or directory)"]
