"""role = "battery" and role = "prosumer": one file with a seller's part and a buyer's
part, one identity, one LND and one ledger, and every mistake one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.battery_node import BatterySettings
from gridnode.config.reader import ConfigError
from gridnode.config.settings import load_settings
from gridnode.wallet.macaroon import ROLE_PERMISSIONS
from tests.support.battery_config import (
    battery_settings,
    battery_text,
    prosumer_text,
    write_node,
)
from tests.support.node_config import SELLER, write


def _problems(folder: Path, text: str, permissions: frozenset[str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(write_node(folder, text, permissions), env={})
    return caught.value.problems


def test_a_battery_node_has_both_parts_and_its_battery(tmp_path: Path) -> None:
    settings = battery_settings(tmp_path)
    assert settings.role == "battery"
    assert [b.name for b in settings.selling.buyers] == ["tenant-1"]
    assert settings.selling.listen == "0.0.0.0:7878"
    assert len(settings.buying.sellers) == 1
    assert settings.own_meter == "inverter"
    assert settings.battery is not None
    assert settings.pv is None
    assert settings.battery.spec.capacity_mwh == 13_500_000
    assert settings.ledger == tmp_path / "ledger.sqlite"


def test_a_prosumer_buys_on_its_connection_meter(tmp_path: Path) -> None:
    settings = load_settings(write_node(tmp_path, prosumer_text()), env={})
    assert isinstance(settings, BatterySettings)
    assert settings.role == "prosumer"
    assert settings.pv is not None
    assert settings.battery is None
    assert settings.own_meter == "grid"


def test_a_battery_node_without_its_battery_or_inverter_is_told_which(tmp_path: Path) -> None:
    text = battery_text().replace('inverter_meter = "inverter"\n', "")
    text = text[: text.index("# The tables of a community battery")]
    problems = _problems(tmp_path, text)
    assert any(p.startswith("battery") and "missing" in p for p in problems), problems
    assert any(p.startswith("inverter_meter") for p in problems), problems


def test_the_inverter_must_be_a_configured_meter_not_a_buyers(tmp_path: Path) -> None:
    unknown = battery_text().replace('inverter_meter = "inverter"', 'inverter_meter = "inv"')
    assert any(
        "inverter_meter: no [[hardware.meters]] has id 'inv'" in p
        for p in _problems(tmp_path / "a", unknown)
    )
    buyers = battery_text().replace('inverter_meter = "inverter"', 'inverter_meter = "tenant-1"')
    assert any("is buyer 'tenant-1'" in p for p in _problems(tmp_path / "b", buyers))


def test_a_battery_node_needs_a_sellers_and_a_buyers_part(tmp_path: Path) -> None:
    text = battery_text()
    no_buyers = text.replace("[[buyers]]", "[[ignored]]")
    problems = _problems(tmp_path / "a", no_buyers)
    assert any("buyers" in p for p in problems), problems
    no_limits = text.replace("[limits]", "[nolimits]").replace("[limits.ceiling]", "[x]")
    problems = _problems(tmp_path / "b", no_limits)
    assert any(p.startswith("limits") for p in problems), problems


def test_the_other_kinds_tables_are_refused_by_name(tmp_path: Path) -> None:
    pv = '\n[pv]\nproduction_meter = "a"\nconnection_meter = "b"\nprice_msat_per_kwh = 1\n'
    problems = _problems(tmp_path / "a", battery_text() + pv)
    assert "pv is a prosumer's setting, but this file has role = 'battery'" in problems
    problems = _problems(tmp_path / "b", 'inverter_meter = "pv"\n' + prosumer_text())
    assert "inverter_meter is a battery's setting, but this file has role = 'prosumer'" in problems


def test_a_seller_file_with_a_battery_is_told_so(tmp_path: Path) -> None:
    text = SELLER + '\n[battery]\ncapacity_kwh = "1"\n'
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), env={})
    assert "battery is a battery's setting, but this file has role = 'seller'" in (
        caught.value.problems
    )


def test_its_macaroon_must_allow_both_roles(tmp_path: Path) -> None:
    problems = _problems(tmp_path, battery_text(), ROLE_PERMISSIONS["seller"])
    assert any(
        p.startswith("lnd.macaroon: a node that sells and buys needs both roles' permissions")
        for p in problems
    ), problems


def test_metering_by_the_seller_is_refused(tmp_path: Path) -> None:
    text = battery_text().replace(
        'inverter_meter = "inverter"', 'inverter_meter = "inverter"\nmetering = "seller"'
    )
    assert any(
        p.startswith('metering = "seller": a battery node') for p in _problems(tmp_path, text)
    )
