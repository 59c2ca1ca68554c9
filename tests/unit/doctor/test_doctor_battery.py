"""The doctor on a node that sells and buys (a battery, a prosumer) over fakes: what it
shares is checked once (the port, every meter, the macaroon, LND, the clock, the disk),
each peer on its side (a buyer's relay and inbound channel, a seller's outbound
channel and address)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.battery_node import BatterySettings
from gridnode.config.settings import load_settings
from gridnode.doctor.model import DoctorReport, Outcome
from gridnode.doctor.run import DoctorOptions, examine
from gridnode.money import Msat
from gridnode.wallet.macaroon import ROLE_PERMISSIONS
from tests.support.battery_config import battery_text, prosumer_text, write_node
from tests.support.doctor import (
    BUYER_NODE,
    SELLER_NODE,
    FakeHardware,
    FakeLightning,
    channel,
    ports,
    running,
    session,
)
from tests.support.macaroons import bake
from tests.support.node_config import FPR


def paired(text: str) -> str:
    """``text`` with each peer's Lightning node named, so its channel is checked."""
    text = text.replace("coil = 0 }\n", f'coil = 0 }}\nlightning_node = "{BUYER_NODE}"\n', 1)
    return text.replace(
        'certificate = "seller.pem"\n',
        f'certificate = "seller.pem"\nlightning_node = "{SELLER_NODE}"\n',
        1,
    )


def node(folder: Path, text: str) -> BatterySettings:
    settings = load_settings(write_node(folder, paired(text)), env={})
    assert isinstance(settings, BatterySettings)
    return settings


@pytest.fixture
def battery(tmp_path: Path) -> BatterySettings:
    return node(tmp_path, battery_text())


def both_channels(**seller_side: object) -> FakeLightning:
    return FakeLightning((channel(BUYER_NODE), channel(SELLER_NODE, **seller_side)))


def outcomes(report: DoctorReport) -> dict[str, Outcome]:
    return {c.name: c.outcome for c in report.checks}


def names(report: DoctorReport) -> list[str]:
    return [c.name for c in report.checks]


async def test_a_stopped_battery_is_checked_as_both_with_shared_things_once(
    battery: BatterySettings,
) -> None:
    report = await examine(
        battery,
        ports(battery, lightning=both_channels(), presented=FPR),
        DoctorOptions(),
        "battery.toml",
    )
    found = outcomes(report)
    assert report.role == "battery"
    assert found["serial port"] is Outcome.OK
    assert found["meter tenant-1"] is Outcome.OK
    assert found["meter inverter"] is Outcome.OK  # the battery's inverter, read like a meter
    assert found["macaroon"] is Outcome.OK
    assert found["lnd"] is Outcome.OK
    assert found["channel to tenant-1"] is Outcome.OK
    assert found["channel to seller"] is Outcome.OK
    assert found["peer tenant-1"] is Outcome.SKIPPED  # buyers connect to it
    assert found["peer seller"] is Outcome.OK  # its seller knocked at
    assert found["relay tenant-1"] is Outcome.SKIPPED
    assert found["clock"] is Outcome.OK
    assert found["storage"] is Outcome.OK
    for shared in ("serial port", "macaroon", "lnd", "clock", "storage", "watchdog"):
        assert names(report).count(shared) == 1, shared
    details = {c.name: c.detail for c in report.checks}
    assert "inbound room" in details["channel to tenant-1"]
    assert "outbound room" in details["channel to seller"]
    assert "a seller's and a buyer's" in details["macaroon"]
    assert report.passed


async def test_the_sellers_side_needs_outbound_room_and_the_buyers_inbound(
    battery: BatterySettings,
) -> None:
    # room to receive from the buyer, nothing to pay the seller with
    drained = FakeLightning(
        (channel(BUYER_NODE), channel(SELLER_NODE, local=Msat.from_sat(10_000)))
    )
    report = await examine(
        battery, ports(battery, lightning=drained, presented=FPR), DoctorOptions()
    )
    found = outcomes(report)
    assert found["channel to tenant-1"] is Outcome.OK
    assert found["channel to seller"] is Outcome.FAILURE
    line = next(c for c in report.checks if c.name == "channel to seller")
    assert line.detail.startswith("outbound room")
    assert not report.passed


async def test_its_macaroon_needs_both_roles(tmp_path: Path) -> None:
    settings = node(tmp_path, battery_text())
    seller_only = bake(sorted(ROLE_PERMISSIONS["seller"]))
    report = await examine(
        settings,
        ports(settings, lightning=both_channels(), presented=FPR, macaroon=seller_only),
        DoctorOptions(),
    )
    line = next(c for c in report.checks if c.name == "macaroon")
    assert line.outcome is Outcome.FAILURE
    assert "which a battery needs" in line.detail
    assert "seller.macaroon" in line.fix
    assert "buyer.macaroon" in line.fix
    broad = bake(sorted(ROLE_PERMISSIONS["seller"] | ROLE_PERMISSIONS["buyer"] | {"onchain:write"}))
    report = await examine(
        settings,
        ports(settings, lightning=both_channels(), presented=FPR, macaroon=broad),
        DoctorOptions(),
    )
    line = next(c for c in report.checks if c.name == "macaroon")
    assert line.outcome is Outcome.FAILURE
    assert line.detail == "it also allows onchain:write, more than a battery needs"


async def test_the_click_test_applies_to_the_batterys_buyers(battery: BatterySettings) -> None:
    hardware = FakeHardware()
    report = await examine(
        battery,
        ports(battery, hardware=hardware, lightning=both_channels(), presented=FPR),
        DoctorOptions(click="tenant-1"),
    )
    found = outcomes(report)
    assert found["relay tenant-1"] is Outcome.OK
    assert found["watchdog"] is Outcome.OK
    relay = battery.selling.buyers[0].relay
    assert hardware.switches[0] == (relay, True)
    assert hardware.switches[-1] == (relay, False)
    assert hardware.closed


async def test_a_running_battery_sees_its_buyer_and_its_seller(battery: BatterySettings) -> None:
    sessions = [
        session(FPR, meter_id="tenant-1"),
        session(FPR, meter_id="inverter", peer_name="seller"),
    ]
    report = await examine(
        battery, ports(battery, lightning=both_channels(), node=running(sessions)), DoctorOptions()
    )
    found = outcomes(report)
    assert report.node_running
    assert found["meter tenant-1"] is Outcome.OK
    assert found["meter inverter"] is Outcome.OK
    assert found["peer tenant-1"] is Outcome.OK
    assert found["peer seller"] is Outcome.OK
    assert found["watchdog"] is Outcome.OK
    assert report.passed


async def test_a_prosumer_checks_its_pv_and_connection_meters(tmp_path: Path) -> None:
    settings = node(tmp_path, prosumer_text())
    hardware = FakeHardware(silent_meters={"pv"})
    report = await examine(
        settings,
        ports(settings, hardware=hardware, lightning=both_channels(), presented=FPR),
        DoctorOptions(),
    )
    found = outcomes(report)
    assert report.role == "prosumer"
    assert found["meter grid"] is Outcome.OK
    assert found["meter pv"] is Outcome.FAILURE
    assert found["channel to tenant-1"] is Outcome.OK
    assert found["channel to seller"] is Outcome.OK
    assert found["macaroon"] is Outcome.OK
    assert not report.passed
