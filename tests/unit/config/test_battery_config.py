"""The [battery] and [pv] tables: the shipped samples load, and every mistake is one
sentence that names the key and says the fix."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest

from gridnode.battery.pricing import MarginMethod
from gridnode.battery.prosumer import ProductionRegister
from gridnode.config.battery import BatteryConfig, read_battery
from gridnode.config.pv import PvConfig, read_pv
from gridnode.config.reader import Problems, Table


def _sample(name: str) -> dict[str, Any]:
    text = resources.files("gridnode.config.examples").joinpath(name).read_text()
    return tomllib.loads(text)


def _battery(doc: dict[str, Any]) -> tuple[BatteryConfig | None, list[str]]:
    problems = Problems("node.toml")
    return read_battery(Table(doc, "", problems)), problems.items


def _pv(doc: dict[str, Any]) -> tuple[PvConfig | None, list[str]]:
    problems = Problems("node.toml")
    return read_pv(Table(doc, "", problems)), problems.items


def _with(table: str, **changes: Any) -> dict[str, Any]:
    """The battery sample with ``changes`` to ``table`` ("battery" or "prices"); a value
    of None removes the key."""
    doc = _sample("battery.toml")
    target = doc["battery"] if table == "battery" else doc["battery"]["prices"]
    for key, value in changes.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return doc


def test_the_battery_sample_loads_in_the_cores_units() -> None:
    config, problems = _battery(_sample("battery.toml"))
    assert problems == []
    assert config is not None
    spec = config.spec
    assert spec.capacity_mwh == 13_500_000
    assert spec.power_limit_mw == 5_000_000
    assert (spec.charge_efficiency_ppm, spec.discharge_efficiency_ppm) == (950_000, 950_000)
    assert (spec.reserve_ppm, spec.max_charge_ppm) == (100_000, 900_000)
    assert spec.self_discharge_ppm_per_hour == 20
    rule = config.pricing
    assert (rule.price_empty_msat_per_kwh, rule.price_full_msat_per_kwh) == (400_000, 150_000)
    assert rule.margin.method is MarginMethod.PPM
    assert rule.bid_msat_per_kwh == 100_000
    assert config.zone_name == "Europe/Berlin"
    assert config.book(6_750_000).cost_msat == 0


def test_the_first_book_costs_the_charge_at_the_configured_cost() -> None:
    config, _ = _battery(_with("battery", stored_cost_msat_per_kwh=100_000))
    assert config is not None
    book = config.book(6_750_000)
    assert book.cost_msat == 675_000
    assert book.average_cost_msat_per_kwh == 100_000


def test_the_reserve_defaults_to_ten_percent_and_the_maximum_to_full() -> None:
    config, problems = _battery(_with("battery", reserve_percent=None, max_charge_percent=None))
    assert problems == []
    assert config is not None
    assert (config.spec.reserve_ppm, config.spec.max_charge_ppm) == (100_000, 1_000_000)


def test_the_margin_may_be_an_amount_per_kwh() -> None:
    doc = _with("prices", margin_ppm=None, margin_msat_per_kwh=10_000)
    config, problems = _battery(doc)
    assert problems == []
    assert config is not None
    assert config.pricing.margin.method is MarginMethod.MSAT_PER_KWH


@pytest.mark.parametrize(
    ("table", "changes", "sentence"),
    [
        ("battery", {"capacity_kwh": None}, 'battery.capacity_kwh is missing (kWh, like "13.5")'),
        ("battery", {"capacity_kwh": "0"}, "battery.capacity_kwh must be above 0"),
        ("battery", {"capacity_kwh": "1.0000005"}, "is finer than the step of 0.000001"),
        ("battery", {"capacity_kwh": "big"}, "battery.capacity_kwh must be a number"),
        ("battery", {"power_limit_kw": -5}, "battery.power_limit_kw must be above 0"),
        (
            "battery",
            {"charge_efficiency_percent": None},
            "battery.charge_efficiency_percent is missing",
        ),
        (
            "battery",
            {"discharge_efficiency_percent": "0"},
            "battery.discharge_efficiency_percent must be above 0 to 100 (%)",
        ),
        (
            "battery",
            {"charge_efficiency_percent": "101"},
            "battery.charge_efficiency_percent must be above 0 to 100 (%)",
        ),
        ("battery", {"reserve_percent": "10.00001"}, "has more than four decimals"),
        ("battery", {"reserve_percent": -1}, "battery.reserve_percent must be from 0 to 100"),
        (
            "battery",
            {"reserve_percent": "95"},
            "battery.reserve_percent (95 %) must be below max_charge_percent (90 %): lower "
            "the reserve or raise the maximum",
        ),
        (
            "battery",
            {"self_discharge_ppm_per_hour": -1},
            "battery.self_discharge_ppm_per_hour must be 0 or more",
        ),
        (
            "battery",
            {"self_discharge_ppm_per_hour": 1_000_000},
            "battery.self_discharge_ppm_per_hour must be below 1000000",
        ),
        (
            "battery",
            {"stored_cost_msat_per_kwh": -1},
            "battery.stored_cost_msat_per_kwh must be 0 or more",
        ),
        ("battery", {"capacity": 5}, "battery.capacity is not a setting gridnode knows"),
        ("battery", {"prices": None}, "[battery.prices] is missing"),
        (
            "prices",
            {"price_empty_msat_per_kwh": None},
            "battery.prices.price_empty_msat_per_kwh is missing",
        ),
        (
            "prices",
            {"price_full_msat_per_kwh": -3},
            "battery.prices.price_full_msat_per_kwh must be 0 or more",
        ),
        (
            "prices",
            {"price_full_msat_per_kwh": 500_000},
            "battery.prices.price_full_msat_per_kwh (500000) must be at most "
            "price_empty_msat_per_kwh (400000): a full battery sells cheaper than an empty "
            "one; swap them",
        ),
        (
            "prices",
            {"margin_ppm": None},
            "battery.prices.margin_ppm or margin_msat_per_kwh: write exactly one",
        ),
        ("prices", {"margin_msat_per_kwh": 10}, "not both"),
        ("prices", {"margin_ppm": -1}, "battery.prices.margin_ppm must be 0 or more"),
        ("prices", {"margin_ppm": "5 %"}, "battery.prices.margin_ppm must be a whole number"),
        ("prices", {"bid_msat_per_kwh": -1}, "leave it out to bid the cap"),
        ("prices", {"min_offer_mwh": 0}, "battery.prices.min_offer_mwh must be above 0"),
        ("prices", {"zone": "Mars/Olympus"}, "is not an IANA time zone"),
        ("prices", {"price": 1}, "battery.prices.price is not a setting gridnode knows"),
    ],
)
def test_each_battery_mistake_is_one_sentence_naming_its_key(
    table: str, changes: dict[str, Any], sentence: str
) -> None:
    config, problems = _battery(_with(table, **changes))
    assert config is None
    assert len(problems) == 1, problems
    assert sentence in problems[0]


def test_a_missing_battery_table_is_named() -> None:
    config, problems = _battery({})
    assert config is None
    assert "[battery] is missing" in problems[0]


def test_the_pv_sample_loads() -> None:
    config, problems = _pv(_sample("prosumer.toml"))
    assert problems == []
    assert config is not None
    assert (config.production_meter, config.connection_meter) == ("pv", "grid")
    assert config.rule.price_msat_per_kwh == 180_000
    assert config.rule.share_ppm == 800_000
    assert config.production_register is ProductionRegister.EXPORT


@pytest.mark.parametrize(
    ("written", "register"), [(None, "export"), ("export", "export"), ("import", "import")]
)
def test_the_production_register_is_export_unless_import_is_written(
    written: str | None, register: str
) -> None:
    doc = _sample("prosumer.toml")
    doc["pv"].pop("production_register", None)
    if written is not None:
        doc["pv"]["production_register"] = written
    config, problems = _pv(doc)
    assert problems == []
    assert config is not None
    assert config.production_register is ProductionRegister(register)


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"production_meter": None}, "pv.production_meter is missing"),
        ({"connection_meter": 3}, "pv.connection_meter must be a string"),
        ({"connection_meter": "pv"}, "the PV's production and the house's export need a meter"),
        ({"price_msat_per_kwh": None}, "pv.price_msat_per_kwh is missing"),
        ({"price_msat_per_kwh": -1}, "pv.price_msat_per_kwh must be 0 or more"),
        ({"offer_percent": "0"}, "pv.offer_percent must be above 0 to 100 (%)"),
        ({"min_offer_mwh": -1}, "pv.min_offer_mwh must be above 0"),
        ({"tolerance_mwh": -1}, "pv.tolerance_mwh must be 0 or more"),
        ({"export_meter": "grid"}, "pv.export_meter is not a setting gridnode knows"),
        (
            {"production_register": "both"},
            'pv.production_register must be "export" or "import", not \'both\'',
        ),
        ({"production_register": 1}, "pv.production_register must be a string"),
    ],
)
def test_each_pv_mistake_is_one_sentence_naming_its_key(
    changes: dict[str, Any], sentence: str
) -> None:
    doc = _sample("prosumer.toml")
    for key, value in changes.items():
        if value is None:
            doc["pv"].pop(key)
        else:
            doc["pv"][key] = value
    config, problems = _pv(doc)
    assert config is None
    assert len(problems) == 1, problems
    assert sentence in problems[0]
