"""A running seller reloads its configuration (issue 18 §1), two runtimes in virtual
time: a tariff change reaches the buyer at its next renewal while the running period
keeps the terms both sides signed; a file with a mistake changes nothing, is reported
and the node trades on; an added buyer connects without a restart; a removed buyer is
closed at the end of its period and paid its unused credit back (issue 19)."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from gridnode.config.settings import SellerSettings, load_settings
from gridnode.ledger import CreditNoteState
from gridnode.money import Msat
from gridnode.node.reload import SellerReloader
from gridnode.node.seller_slot import BuyerSlot, SlotState
from gridnode.trade.actions import LedgerKind
from gridnode.trade.messages import Cause
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.terms import Offer, OfferTemplate
from tests.support.added_buyer import NAME, added_buyer
from tests.support.clock import VirtualClock
from tests.support.node import Pair, trading_pair
from tests.support.node_config import FPR, write

PERIOD_S = 60

#: The harness's terms as a file: a 60 s period, so a renewal comes within a minute.
CONFIG = f"""
role = "seller"
listen = "127.0.0.1:7878"
register_step_mwh = 10

[lnd]
host = "127.0.0.1:10009"
tls_cert = "tls.cert"
macaroon = "seller.macaroon"

[hardware.bus]
port = "/dev/gridnode-rs485"
baud = 38400

[hardware.watchdog]
kind = "gpio"
pin = 27

[[hardware.meters]]
id = "seller-meter"
model = "sdm120"
address = 1

[[buyers]]
name = "buyer-1"
fingerprint = "{FPR}"
certificate = "tenant-1.pem"
meter = "seller-meter"
relay = {{ kind = "gpio", pin = 17 }}

[terms]
period_s = {PERIOD_S}
min_payment_msat = 100
max_payment_msat = 600
prepayment_msat = 900
prepayment_s = 5
deposit_msat = 50_000
unpaid_msat = 0
unpaid_s = 0
voltage_min_v = "207"
voltage_nominal_v = "230"
voltage_max_v = "253"
current_max_a = "16"
tolerance_percent = "1"
tolerance_fixed_mwh = 20

[terms.policy]
preset = "demo"

[terms.profile]
kind = "constant"
zone = "UTC"
price_msat_per_kwh = 200_000
"""


def _price(terms: Offer | OfferTemplate | None) -> int:
    assert terms is not None
    profile = terms.profile
    assert isinstance(profile, ConstantProfile)
    return int(profile.price_msat_per_kwh)


async def _reloading(pair: Pair[VirtualClock], folder: Path) -> tuple[SellerReloader, Path]:
    """The seller runs on CONFIG (written in ``folder``) and reloads it when asked."""
    path = write(folder, CONFIG)
    settings = load_settings(path, env={})
    assert isinstance(settings, SellerSettings)
    pair.seller_role.terms = settings.selling.terms
    reloader = SellerReloader(
        path,
        settings,
        pair.seller_role,
        lambda entries: [],
        meters={"seller-meter"},
        load=lambda p: load_settings(p, env={}),
    )
    return reloader, path


async def test_a_tariff_change_reaches_the_buyer_at_its_next_renewal_only(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path)
    reloader, path = await _reloading(pair, tmp_path / "config")
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        session, runner = pair.slot.session, pair.slot.live
        assert session is not None
        assert runner is not None
        first = session.offer
        path.write_text(CONFIG.replace("200_000", "240_000"))
        result = await reloader.reload()
        assert result.ok, result.text
        assert "next renewal" in result.text
        # the running period keeps the terms both sides signed
        await pair.clock.advance(20)
        assert session.offer == first
        assert pair.partner.session is not None
        assert _price(pair.partner.session.offer) == 200_000
        # the next period is the new tariff's, in the same session (a renewal)
        await pair.clock.run_until(lambda: session.offer != first, limit_s=PERIOD_S)
        assert session.offer.start_ms == first.stop_ms
        assert _price(session.offer) == 240_000
        assert pair.slot.live is runner
        await pair.clock.run_until(
            lambda: (
                pair.partner.session is not None and _price(pair.partner.session.offer) == 240_000
            ),
            limit_s=10,
        )
        assert pair.wire.relay_on


async def test_a_file_with_a_mistake_changes_nothing_says_why_and_trading_goes_on(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path)
    reloader, path = await _reloading(pair, tmp_path / "config")
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        before = pair.seller_role.terms
        broken = (
            CONFIG.replace("200_000", "240_000")
            .replace('meter = "seller-meter"\n', 'meter = "seller-meter"\ntariff = "night"\n')
            .replace(f"period_s = {PERIOD_S}", 'period_s = "a minute"')
        )
        path.write_text(broken)
        result = await reloader.reload()
        assert not result.ok
        assert "changed nothing" in result.text
        assert "buyers[0].tariff names 'night'" in result.text
        assert "terms.period_s must be a whole number" in result.text
        assert pair.seller_role.terms is before
        assert pair.slot.terms is None
        warnings = pair.seller.snapshot().warnings
        assert any("changed nothing" in w and "terms.period_s" in w for w in warnings)
        # the node trades on, renewing on the terms it had
        session = pair.slot.session
        assert session is not None
        first = session.offer
        await pair.clock.run_until(lambda: session.offer != first, limit_s=PERIOD_S)
        assert _price(session.offer) == 200_000
        assert pair.wire.relay_on
        # a file that validates clears the warning
        path.write_text(CONFIG)
        assert (await reloader.reload()).ok
        assert not any("changed nothing" in w for w in pair.seller.snapshot().warnings)


async def test_an_added_buyer_connects_without_a_restart(tmp_path: Path) -> None:
    pair = await trading_pair(tmp_path)
    added = await added_buyer(pair, tmp_path / "buyer-2")
    pinned: list[list[str]] = []
    pair.seller_role.pins = lambda peers: pinned.append([p.name for p in peers])
    stop = asyncio.Event()
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        task = asyncio.create_task(added.buyer.run(stop))
        await pair.clock.advance(2)
        assert pair.slot.live is not None
        pair.seller_role.reconfigure(pair.seller_role.terms, {"buyer-1": None}, added=[added.slot])
        assert pair.seller_role.slots[NAME] is added.slot
        await pair.clock.run_until(lambda: added.wire.relay_on, limit_s=30)
        assert added.slot.state is SlotState.TRADING
        accepted = await pair.seller_ledger.sessions.entries(
            added.slot.live.session_id if added.slot.live else "",
            (LedgerKind.TERMS_ACCEPTED.value,),
        )
        assert accepted
        assert pair.wire.relay_on  # the first buyer traded on throughout
        stop.set()
        await pair.clock.run_until(task.done, limit_s=60)
        task.result()


async def test_a_removed_buyer_is_closed_at_its_period_end_and_paid_its_credit_back(
    tmp_path: Path,
) -> None:
    pair = await trading_pair(tmp_path)
    role = pair.seller_role
    role.terms = dataclasses.replace(role.terms, period_ms=PERIOD_S * 1000)
    pinned: list[list[str]] = []
    role.pins = lambda peers: pinned.append([p.name for p in peers])
    slot: BuyerSlot = pair.slot
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        runner, session = slot.live, slot.session
        assert runner is not None
        assert session is not None
        role.reconfigure(role.terms, {}, removed=["buyer-1"])
        assert slot.removed is not None
        # the period both sides signed runs to its end, with no renewal
        await pair.clock.run_until(
            lambda: pair.clock.now_ms() >= session.offer.stop_ms - 1_000, limit_s=PERIOD_S
        )
        assert slot.live is runner
        assert pair.wire.relay_on
        await pair.clock.run_until(lambda: "buyer-1" not in role.slots, limit_s=60)
        assert runner.close_cause is Cause.REMOVED
        assert not pair.wire.relay_on
        assert slot.state is SlotState.LEAVING
        assert pinned == [[]]  # its key is no longer pinned
    seller, buyer = pair.stored("seller"), pair.stored("buyer")
    [owed] = seller.credit.find()
    [held] = buyer.credit.find()
    assert owed.state is held.state is CreditNoteState.PAID
    assert owed.credit == held.credit > Msat(0)
    assert owed.preimage == held.preimage is not None
    assert len(seller.sessions.find()) == 1  # none was offered after the removal
