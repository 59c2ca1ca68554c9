"""Routing fees against real LND: the buyer's fee limit (a share of each payment) refuses
a routed payment whose hop charges more, and a direct channel costs no fee at all, which
is why docs/cadence.md recommends one.

Its own three-node chain: node0 (the seller) - node1 (a routing hop with LND's default
1 sat base fee) - node2 (a buyer without a direct channel); node1 has a direct channel
to node0.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from gridnode.money import Msat
from gridnode.node.runner import PaymentPolicy
from gridnode.regtest.network import RegtestNetwork
from gridnode.wallet.lnd import LndWallet
from gridnode.wallet.port import PaymentFailure, PaymentStatus
from tests.support.regtest.lnd import connection

pytestmark = pytest.mark.regtest

STEP = Msat(20_000)  # the real-install step: 20 sat
SHARE = PaymentPolicy(max_fee_ppm=10_000)  # 1 %: at most 0.2 sat on a 20 sat step


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegtestNetwork]:
    network = RegtestNetwork.up(tmp_path_factory.mktemp("cadence"), nodes=3, topology="chain")
    try:
        yield network
    finally:
        network.down()


async def test_a_hop_charging_more_than_the_fee_share_is_refused_and_a_direct_channel_pays_none(
    chain: RegtestNetwork,
) -> None:
    seller, hop, buyer = (LndWallet(connection(node)) for node in chain.nodes)
    async with seller, hop, buyer:
        # the routed path works when the fee is no object (the graph may take a moment)
        deadline = time.monotonic() + 90
        while True:
            invoice = await seller.create_invoice(STEP, "routed, any fee", 600)
            routed = await buyer.pay_invoice(invoice.bolt11, STEP, 30)
            if routed.succeeded or time.monotonic() > deadline:
                break
            await asyncio.sleep(2)
        assert routed.status is PaymentStatus.SUCCEEDED
        assert routed.fee > SHARE.fee_limit(STEP)  # the hop's base fee is above 1 %

        # with the buyer's fee share, the same route is refused: nothing is paid
        invoice = await seller.create_invoice(STEP, "routed, 1 % fee share", 600)
        capped = await buyer.pay_invoice(invoice.bolt11, SHARE.fee_limit(STEP), 30)
        assert capped.status is PaymentStatus.FAILED
        assert capped.failure is PaymentFailure.NO_ROUTE
        assert (await seller.lookup_invoice(invoice.payment_hash)).amount_paid == Msat(0)

        # over a direct channel the same share pays the step with no fee
        invoice = await seller.create_invoice(STEP, "direct, 1 % fee share", 600)
        direct = await hop.pay_invoice(invoice.bolt11, SHARE.fee_limit(STEP), 30)
        assert direct.status is PaymentStatus.SUCCEEDED
        assert direct.fee == Msat(0)
