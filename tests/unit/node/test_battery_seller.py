"""A battery node's seller in virtual time: each period is priced and pledged by the
book, it sells until the reserve and then does not renew, and the receipts verify
(issue 22)."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import shutil
import sqlite3
from pathlib import Path

from gridnode.battery.book import BatteryBook
from gridnode.node.battery_desk import BatteryDesk
from gridnode.node.battery_role import BatterySellerRole
from gridnode.receipt.export import build_receipt
from gridnode.receipt.verify import VerifyOptions, verify_receipt
from gridnode.trade.units import MilliWatt
from tests.support.battery_parts import FLAT_RULE, LOSSLESS_SPEC, protocol_ids
from tests.support.clock import VirtualClock
from tests.support.node import Pair, trading_pair

#: 1 kWh of cells, 5 kW, no losses (the arithmetic is the book's tests'), 10 % reserve.
SPEC = dataclasses.replace(LOSSLESS_SPEC, power_limit_mw=MilliWatt(5_000_000))
RULE = FLAT_RULE
#: The battery's sale period (short: the test steps through it).
PERIOD_MS = 120_000
#: The buyer draws 2 kW: one period is 66.7 Wh.
LOAD_MW = 2_000_000
PERIOD_MWH = LOAD_MW * PERIOD_MS // 3_600_000
#: A charge of the reserve, one period and less than an offer's least energy.
SOC_MWH = SPEC.reserve_mwh + PERIOD_MWH + 5_000


async def _battery_pair(folder: Path, desk: BatteryDesk) -> Pair[VirtualClock]:
    role = functools.partial(BatterySellerRole, desk=desk)
    pair = await trading_pair(folder, load_mw=LOAD_MW, seller_role=role)
    pair.slot.terms = dataclasses.replace(pair.seller_role.terms, period_ms=PERIOD_MS)
    return pair


async def test_a_battery_sells_until_its_reserve_then_does_not_renew(tmp_path: Path) -> None:
    desk = BatteryDesk(BatteryBook(SPEC, SOC_MWH), RULE)
    pair = await _battery_pair(tmp_path, desk)
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.slot.session is not None, limit_s=60)
        session = pair.slot.session
        assert session is not None
        # the offer is the book's: priced by the charge, between full and empty
        price = session.offer.profile.price_at(session.offer.start_ms)
        assert RULE.price_full_msat_per_kwh <= price <= RULE.price_empty_msat_per_kwh
        # its whole sellable energy is pledged to the session
        assert desk.book.sellable_mwh == 0
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        # the period runs out and no renewal comes: the session closes at its end
        await pair.clock.run_until(
            lambda: pair.slot.live is None, step_s=1.0, limit_s=PERIOD_MS / 1000 + 120
        )
        await pair.clock.advance(30)
        assert pair.slot.live is None
        assert pair.slot.refused is not None
        assert "reserve" in pair.slot.refused
        assert desk.not_offering is not None
        # the book never went below the reserve, and the session's pledges are gone
        assert desk.book.soc_mwh >= SPEC.reserve_mwh
        assert desk.book.soc_mwh <= SPEC.reserve_mwh + 10_000
        assert desk.owners == {}
    ids = protocol_ids(pair.folder / "seller" / "ledger.sqlite")
    assert len(ids) == 1
    receipt = build_receipt(tmp_path / "seller" / "ledger.sqlite", ids[0])
    report = verify_receipt(receipt, VerifyOptions(trust_embedded_keys=True))
    assert report.problems == []
    # a battery node's one ledger holds sessions of both sides whatever the ledger's
    # role: each session says which side the node was on
    shared = tmp_path / "battery.sqlite"
    shutil.copy(tmp_path / "seller" / "ledger.sqlite", shared)
    with contextlib.closing(sqlite3.connect(shared)) as db, db:
        db.execute("UPDATE node SET role = 'buyer'")
    assert build_receipt(shared, ids[0]) == receipt
