"""The buyer's doctor over fakes: its own meter, no relay to click, its outbound channel
to the seller, and the seller knocked at (stopped) or seen connected (running)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.settings import BuyerSettings
from gridnode.doctor.model import Outcome
from gridnode.doctor.run import DoctorOptions, examine
from gridnode.errors import UsageError
from gridnode.money import Msat
from gridnode.ocmf import ClockStatus
from tests.support.doctor import SELLER_NODE, FakeLightning, channel, ports, running, session
from tests.support.node_config import BUYER, FPR, buyer_settings

PAIRED = BUYER.replace(
    'certificate = "seller.pem"\n',
    f'certificate = "seller.pem"\nlightning_node = "{SELLER_NODE}"\n',
)


@pytest.fixture
def settings(tmp_path: Path) -> BuyerSettings:
    return buyer_settings(tmp_path, PAIRED)


def wallet(**changes: object) -> FakeLightning:
    return FakeLightning((channel(SELLER_NODE, **changes),))


async def test_a_healthy_stopped_buyer_knocks_at_its_seller(settings: BuyerSettings) -> None:
    report = await examine(
        settings, ports(settings, lightning=wallet(), presented=FPR), DoctorOptions()
    )
    found = {c.name: c.outcome for c in report.checks}
    assert found == {
        "serial port": Outcome.OK,
        "meter house": Outcome.OK,
        "macaroon": Outcome.OK,
        "lnd": Outcome.OK,
        "channel to seller": Outcome.OK,
        "clock": Outcome.OK,
        "peer seller": Outcome.OK,
        "storage": Outcome.OK,
    }
    channel_line = next(c for c in report.checks if c.name == "channel to seller")
    assert "outbound room" in channel_line.detail
    assert report.passed


async def test_a_seller_with_another_key_or_none_at_all_fails(settings: BuyerSettings) -> None:
    other = await examine(
        settings, ports(settings, lightning=wallet(), presented="e" * 64), DoctorOptions()
    )
    peer = next(c for c in other.checks if c.name == "peer seller")
    assert peer.outcome is Outcome.FAILURE
    assert "not the pinned" in peer.detail
    away = await examine(
        settings, ports(settings, lightning=wallet(), presented=""), DoctorOptions()
    )
    peer = next(c for c in away.checks if c.name == "peer seller")
    assert peer.outcome is Outcome.FAILURE
    assert "192.168.1.10:9735 does not answer" in peer.detail


async def test_a_running_buyer_shows_its_seller_connected(settings: BuyerSettings) -> None:
    node = running([session(FPR, meter_id="house", peer_name="seller")])
    report = await examine(
        settings, ports(settings, lightning=wallet(), node=node), DoctorOptions()
    )
    found = {c.name: c.outcome for c in report.checks}
    assert found["peer seller"] is Outcome.OK
    assert found["meter house"] is Outcome.OK
    assert "watchdog" not in found  # a buyer needs none


async def test_the_seller_must_accept_the_buyers_smallest_payment(
    settings: BuyerSettings,
) -> None:
    # the buyer pays: the seller's side sets the minimum HTLC that can cross
    report = await examine(
        settings,
        ports(settings, lightning=wallet(remote_min_htlc=Msat(2_000)), presented=FPR),
        DoctorOptions(),
    )
    check = next(c for c in report.checks if c.name == "channel to seller")
    assert check.outcome is Outcome.FAILURE
    assert "seller refuses HTLCs under 2 sat" in check.detail
    empty = await examine(
        settings,
        ports(settings, lightning=wallet(local=Msat.from_sat(10_100)), presented=FPR),
        DoctorOptions(),
    )
    check = next(c for c in empty.checks if c.name == "channel to seller")
    assert check.outcome is Outcome.FAILURE
    assert "outbound room" in check.detail


async def test_a_buyer_has_no_relay_to_click(settings: BuyerSettings) -> None:
    with pytest.raises(UsageError, match="a buyer's node has none to click"):
        await examine(settings, ports(settings), DoctorOptions(click="seller"))


async def test_a_clock_the_configuration_accepts_unsynchronised_is_ok(tmp_path: Path) -> None:
    text = "require_clock_sync = false\n" + PAIRED
    settings = buyer_settings(tmp_path, text)
    report = await examine(
        settings,
        ports(settings, lightning=wallet(), presented=FPR, clock=ClockStatus.UNKNOWN),
        DoctorOptions(),
    )
    clock = next(c for c in report.checks if c.name == "clock")
    assert clock.outcome is Outcome.OK
    assert "require_clock_sync = false" in clock.detail


async def test_a_buyer_metered_by_the_seller_has_no_hardware_to_check(tmp_path: Path) -> None:
    """Issue 18 §5: no serial port to open, no meter to read; the rest is checked."""
    text = PAIRED.replace('role = "buyer"', 'role = "buyer"\nmetering = "seller"')
    hardware = text[text.index("[hardware.bus]") : text.index("[seller]")]
    settings = buyer_settings(tmp_path, text.replace(hardware, ""))
    report = await examine(
        settings, ports(settings, lightning=wallet(), presented=FPR), DoctorOptions()
    )
    found = {c.name: c.outcome for c in report.checks}
    assert found["hardware"] is Outcome.OK
    assert "serial port" not in found
    assert report.passed
