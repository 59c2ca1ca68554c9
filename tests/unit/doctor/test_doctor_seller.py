"""The seller's doctor over fakes: every check the issue lists, each way it can go, and
the click-test's promise that the relay ends off whatever happened."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gridnode.config.settings import SellerSettings
from gridnode.doctor.model import DoctorReport, Outcome
from gridnode.doctor.run import DoctorOptions, examine
from gridnode.errors import UsageError
from gridnode.money import Msat
from gridnode.ocmf import ClockStatus
from tests.support.doctor import (
    BUYER_NODE,
    FakeDisk,
    FakeHardware,
    FakeLightning,
    channel,
    ports,
    running,
    session,
)
from tests.support.macaroons import bake
from tests.support.node_config import FPR, SELLER, seller_settings

PAIRED = SELLER.replace("coil = 0 }\n", f'coil = 0 }}\nlightning_node = "{BUYER_NODE}"\n', 1)


@pytest.fixture
def settings(tmp_path: Path) -> SellerSettings:
    return seller_settings(tmp_path, PAIRED)


def outcomes(report: DoctorReport) -> dict[str, Outcome]:
    return {c.name: c.outcome for c in report.checks}


async def test_a_healthy_stopped_seller_passes_and_names_each_check(
    settings: SellerSettings,
) -> None:
    report = await examine(settings, ports(settings), DoctorOptions())
    assert report.passed
    assert outcomes(report) == {
        "serial port": Outcome.OK,
        "meter tenant-1": Outcome.OK,
        "relay tenant-1": Outcome.SKIPPED,  # clicked only when asked
        "bus /dev/gridnode-rs485": Outcome.OK,  # its round within the terms (issue 17)
        "watchdog": Outcome.SKIPPED,  # it took a kick; the drop needs the click-test
        "macaroon": Outcome.OK,
        "lnd": Outcome.OK,
        "channel to tenant-1": Outcome.OK,
        "clock": Outcome.OK,
        "peer tenant-1": Outcome.SKIPPED,  # buyers connect to a running seller
        "storage": Outcome.OK,
    }
    meter = next(c for c in report.checks if c.name == "meter tenant-1")
    assert "serial number 12345678" in meter.detail
    assert "230.0 V" in meter.detail
    assert "50.00 Hz" in meter.detail
    assert all(c.fix for c in report.checks if c.outcome is not Outcome.OK)


async def test_the_click_test_sees_the_relay_switch_and_the_watchdog_drop_it(
    settings: SellerSettings,
) -> None:
    hardware = FakeHardware()
    report = await examine(
        settings, ports(settings, hardware=hardware), DoctorOptions(click="tenant-1")
    )
    assert report.passed
    found = outcomes(report)
    assert found["relay tenant-1"] is Outcome.OK
    assert found["watchdog"] is Outcome.OK
    watchdog = next(c for c in report.checks if c.name == "watchdog")
    assert "after the last kick" in watchdog.detail
    relay = settings.selling.buyers[0].relay
    assert hardware.switches[0] == (relay, True)
    assert hardware.switches[-1] == (relay, False)
    assert hardware.closed


async def test_a_watchdog_that_drops_nothing_fails_and_the_relay_ends_off(
    settings: SellerSettings,
) -> None:
    hardware = FakeHardware(watchdog_timeout_s=None)
    report = await examine(
        settings, ports(settings, hardware=hardware), DoctorOptions(click="tenant-1")
    )
    assert not report.passed
    watchdog = next(c for c in report.checks if c.name == "watchdog")
    assert watchdog.outcome is Outcome.FAILURE
    assert "WIRING.md" in watchdog.fix
    assert hardware.switches[-1][1] is False
    assert not any(hardware.relays.values())


async def test_a_relay_that_does_not_cut_the_metered_supply_fails(
    settings: SellerSettings,
) -> None:
    hardware = FakeHardware(miswired=True)
    report = await examine(
        settings, ports(settings, hardware=hardware), DoctorOptions(click="tenant-1")
    )
    relay = next(c for c in report.checks if c.name == "relay tenant-1")
    assert relay.outcome is Outcome.FAILURE
    assert "with the relay off" in relay.detail
    assert not report.passed


async def test_no_load_during_the_click_is_a_warning_not_a_pass(
    settings: SellerSettings,
) -> None:
    hardware = FakeHardware(load_ma=0)
    report = await examine(
        settings, ports(settings, hardware=hardware), DoctorOptions(click="tenant-1")
    )
    relay = next(c for c in report.checks if c.name == "relay tenant-1")
    assert relay.outcome is Outcome.WARNING
    assert "kettle" in relay.fix
    assert report.passed


async def test_click_names_a_buyer_of_this_seller(settings: SellerSettings) -> None:
    with pytest.raises(UsageError, match="no buyer of this seller"):
        await examine(settings, ports(settings), DoctorOptions(click="flat-9"))


async def test_a_silent_meter_and_odd_values_are_named(settings: SellerSettings) -> None:
    silent = await examine(
        settings,
        ports(settings, hardware=FakeHardware(silent_meters={"tenant-1"})),
        DoctorOptions(),
    )
    meter = next(c for c in silent.checks if c.name == "meter tenant-1")
    assert meter.outcome is Outcome.FAILURE
    assert "address 1" in meter.detail
    low = await examine(
        settings, ports(settings, hardware=FakeHardware(voltage_mv=190_000)), DoctorOptions()
    )
    assert outcomes(low)["meter tenant-1"] is Outcome.WARNING
    wrong = await examine(
        settings, ports(settings, hardware=FakeHardware(frequency_mhz=5_000)), DoctorOptions()
    )
    assert outcomes(wrong)["meter tenant-1"] is Outcome.FAILURE


async def test_no_voltage_is_right_behind_an_open_relay_and_wrong_behind_a_closed_one(
    settings: SellerSettings,
) -> None:
    # WIRING.md puts the seller's meter on the load side: 0 V while the relay is open
    stopped = await examine(
        settings, ports(settings, hardware=FakeHardware(voltage_mv=0)), DoctorOptions()
    )
    meter = next(c for c in stopped.checks if c.name == "meter tenant-1")
    assert meter.outcome is Outcome.OK
    assert "open relay" in meter.detail
    dead = running([session(FPR, voltage_mv=0, relay_on=True)])
    report = await examine(settings, ports(settings, node=dead), DoctorOptions())
    assert outcomes(report)["meter tenant-1"] is Outcome.FAILURE


async def test_a_port_that_does_not_open_fails_and_the_other_checks_still_run(
    settings: SellerSettings,
) -> None:
    from gridnode.hardware.errors import MeterUnreachableError

    def refuse(config: object) -> FakeHardware:
        raise MeterUnreachableError("Cannot open the serial port /dev/gridnode-rs485.")

    doctor_ports = ports(settings)
    doctor_ports.open_hardware = refuse
    report = await examine(settings, doctor_ports, DoctorOptions())
    found = outcomes(report)
    assert found["serial port"] is Outcome.FAILURE
    assert "meter tenant-1" not in found
    assert found["lnd"] is Outcome.OK
    assert not report.passed


async def test_a_running_seller_is_judged_by_its_own_readings(settings: SellerSettings) -> None:
    node = running([session(FPR)])
    report = await examine(settings, ports(settings, node=node), DoctorOptions())
    found = outcomes(report)
    assert report.node_running
    assert found["serial port"] is Outcome.OK
    assert found["meter tenant-1"] is Outcome.OK
    assert found["watchdog"] is Outcome.OK
    assert found["peer tenant-1"] is Outcome.OK
    assert report.passed
    assert report.count(Outcome.WARNING) == 0


async def test_a_running_seller_with_a_stale_reading_or_a_buyer_away(
    settings: SellerSettings,
) -> None:
    stale = running([session(FPR, reading_at_ms=900_000, peer_connected=False)])
    report = await examine(settings, ports(settings, node=stale), DoctorOptions())
    found = outcomes(report)
    assert found["meter tenant-1"] is Outcome.FAILURE
    assert found["peer tenant-1"] is Outcome.WARNING


async def test_no_click_test_while_the_node_holds_the_relays(settings: SellerSettings) -> None:
    hardware = FakeHardware()
    report = await examine(
        settings,
        ports(settings, hardware=hardware, node=running([session(FPR)])),
        DoctorOptions(click="tenant-1"),
    )
    relay = next(c for c in report.checks if c.name == "relay tenant-1")
    assert relay.outcome is Outcome.FAILURE
    assert "Stop the node" in relay.fix
    assert hardware.switches == []


@pytest.mark.parametrize(
    ("wallet", "expected", "words"),
    [
        (FakeLightning(reachable=False), {"lnd": Outcome.FAILURE}, "does not answer"),
        (FakeLightning(synced=False), {"lnd": Outcome.FAILURE}, "not synced"),
        (FakeLightning(()), {"channel to tenant-1": Outcome.FAILURE}, "no channel"),
        (
            FakeLightning((channel(BUYER_NODE, active=False),)),
            {"channel to tenant-1": Outcome.FAILURE},
            "not active",
        ),
        (
            FakeLightning((channel(BUYER_NODE, local_min_htlc=Msat(1_000_000)),)),
            {"channel to tenant-1": Outcome.FAILURE},
            "refuses HTLCs under",
        ),
    ],
)
async def test_lnd_and_the_direct_channel(
    settings: SellerSettings, wallet: FakeLightning, expected: dict[str, Outcome], words: str
) -> None:
    report = await examine(settings, ports(settings, lightning=wallet), DoctorOptions())
    found = outcomes(report)
    for name, outcome in expected.items():
        assert found[name] is outcome
    assert any(words in c.detail for c in report.checks)
    assert wallet.closed


async def test_a_channel_without_inbound_room_for_the_deposit_fails(
    settings: SellerSettings,
) -> None:
    # the deposit (100 sat) arrives in one HTLC: the seller's inbound must hold it
    narrow = channel(BUYER_NODE, remote=Msat.from_sat(10_050), remote_reserve=Msat.from_sat(10_000))
    report = await examine(
        settings, ports(settings, lightning=FakeLightning((narrow,))), DoctorOptions()
    )
    check = next(c for c in report.checks if c.name == "channel to tenant-1")
    assert check.outcome is Outcome.FAILURE
    assert "inbound room" in check.detail
    assert "loop out" in check.fix


async def test_a_buyer_without_its_lightning_node_is_a_warning(tmp_path: Path) -> None:
    settings = seller_settings(tmp_path, SELLER)
    report = await examine(settings, ports(settings), DoctorOptions())
    check = next(c for c in report.checks if c.name == "channel to tenant-1")
    assert check.outcome is Outcome.WARNING
    assert "lightning_node" in check.fix


async def test_the_macaroon_must_hold_exactly_the_roles_permissions(
    settings: SellerSettings,
) -> None:
    broad = bake(
        ["info:read", "invoices:read", "invoices:write", "offchain:read", "offchain:write"]
    )
    report = await examine(settings, ports(settings, macaroon=broad), DoctorOptions())
    check = next(c for c in report.checks if c.name == "macaroon")
    assert check.outcome is Outcome.FAILURE
    assert "offchain:write" in check.detail
    assert "lncli bakemacaroon" in check.fix
    narrow = bake(["info:read", "invoices:read"])
    report = await examine(settings, ports(settings, macaroon=narrow), DoctorOptions())
    assert outcomes(report)["macaroon"] is Outcome.FAILURE


async def test_the_clock_and_the_disk(settings: SellerSettings) -> None:
    report = await examine(
        settings,
        ports(settings, clock=ClockStatus.UNKNOWN, disk=FakeDisk(free_bytes=100_000_000)),
        DoctorOptions(),
    )
    found = outcomes(report)
    assert found["clock"] is Outcome.FAILURE  # require_clock_sync is the default
    assert found["storage"] is Outcome.FAILURE  # 5 days of a 20 MB/day budget
    tight = await examine(
        settings, ports(settings, disk=FakeDisk(free_bytes=400_000_000)), DoctorOptions()
    )
    assert outcomes(tight)["storage"] is Outcome.WARNING


def test_the_report_renders_as_lines_and_as_one_json_document() -> None:
    from gridnode.doctor.model import failure, ok

    report = DoctorReport(
        "seller",
        "seller.toml",
        False,
        (ok("lnd", "synced"), failure("clock", "not synchronised", "Enable NTP.")),
    )
    doc = json.loads(json.dumps(report.to_json()))
    assert doc["passed"] is False
    assert doc["counts"] == {"ok": 1, "warning": 0, "failure": 1, "skipped": 0}
    assert doc["checks"][1] == {
        "name": "clock",
        "outcome": "failure",
        "detail": "not synchronised",
        "fix": "Enable NTP.",
    }
    text = report.text().splitlines()
    assert text[0].startswith("ok ")
    assert "fix: Enable NTP." in text[2]
    assert text[-1] == "FAILED: 1 ok, 1 failure"


SMALL_PAYMENTS = """
[tariffs.small]
period_s = 3600
min_payment_msat = 100
max_payment_msat = 20_000
prepayment_msat = 40_000
prepayment_s = 5
deposit_msat = 100_000
voltage_min_v = "207"
voltage_nominal_v = "230"
voltage_max_v = "253"
current_max_a = "16"
tolerance_percent = "1.5"
tolerance_fixed_mwh = 10_000

[tariffs.small.profile]
kind = "constant"
zone = "Europe/Berlin"
price_msat_per_kwh = 200_000
"""


async def test_each_buyers_channel_is_checked_against_its_own_tariff(tmp_path: Path) -> None:
    on_small = PAIRED.replace('meter = "tenant-1"\n', 'meter = "tenant-1"\ntariff = "small"\n')
    wallet = FakeLightning((channel(BUYER_NODE, local_min_htlc=Msat(500)),))
    default = seller_settings(tmp_path / "default", PAIRED)
    assert (
        outcomes(await examine(default, ports(default, lightning=wallet), DoctorOptions()))[
            "channel to tenant-1"
        ]
        is Outcome.OK
    )  # the default terms pay at least 1,000 msat
    small = seller_settings(tmp_path / "small", on_small + SMALL_PAYMENTS)
    report = await examine(small, ports(small, lightning=wallet), DoctorOptions())
    assert outcomes(report)["channel to tenant-1"] is Outcome.FAILURE
    assert any("refuses HTLCs under" in c.detail for c in report.checks)
