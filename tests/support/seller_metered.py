"""A trading pair whose buyer has no meter of its own (issue 18 §5), and a seller meter
that can be made to jump: the test support of the seller-metered node tests."""

from __future__ import annotations

import dataclasses

from gridnode.hardware.sample import MeterSample
from gridnode.node.buyer_role import BuyerRole
from gridnode.trade.seller_metered import SELLER_METERED_ID
from tests.support.clock import VirtualClock
from tests.support.node import Pair
from tests.support.node_parts import runtime
from tests.support.wire import WireMeter


def metered_by_the_seller(pair: Pair[VirtualClock]) -> Pair[VirtualClock]:
    """``pair`` (not started yet) with a buyer that has no meter: the seller's entry says
    so (``metering = "seller"``), the buyer's limits too, and its role polls nothing."""
    pair.slot.seller_metered = True
    partner = pair.partner
    partner.limits = dataclasses.replace(partner.limits, seller_metered=True)
    partner.meter_id = SELLER_METERED_ID
    role = BuyerRole(pair.buyer.ctx, partners=[partner], poller=None)
    return dataclasses.replace(pair, buyer=runtime(pair.buyer.ctx, role), buyer_role=role)


@dataclasses.dataclass
class JumpingMeter:
    """A meter that reads ``extra_mwh`` more energy than the wire once told to: a seller
    meter (or a seller) claiming energy no contracted power could have delivered."""

    meter: WireMeter
    extra_mwh: int = 0
    meter_id: str = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.meter_id = self.meter.meter_id

    async def read(self) -> MeterSample:
        sample = await self.meter.read()
        energy = sample.import_energy_mwh + self.extra_mwh
        return dataclasses.replace(sample, import_energy_mwh=energy)
