"""What a reload may change in a running battery node or prosumer, decided before
anything changes (:func:`gridnode.node.battery_reload.plan_battery_reload`): its seller
part as a seller's; the battery's reserve and maximum at once, its prices and a
prosumer's [pv] rule from the next period; the battery's facts, its own meters and the
buying side named as waiting for a restart; another role refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.battery_node import BatterySettings
from gridnode.config.settings import load_settings
from gridnode.node.battery_reload import plan_battery_reload
from gridnode.node.reload import ReloadRefusedError
from tests.support.battery_config import battery_text, prosumer_text, write_node
from tests.support.node_config import SELLER, write

METERS = {"tenant-1", "inverter", "pv", "grid"}


def _node(folder: Path, text: str, name: str = "node.toml") -> BatterySettings:
    """A configuration of the one node folder ``folder`` (as the file was, as it is:
    ``name``), with the node's macaroon for both roles."""
    path = write_node(folder, text) if name == "node.toml" else write(folder, text, name)
    settings = load_settings(path, env={})
    assert isinstance(settings, BatterySettings)
    return settings


def test_an_unchanged_file_changes_nothing_of_the_battery(tmp_path: Path) -> None:
    running = _node(tmp_path, battery_text())
    plan = plan_battery_reload(running, _node(tmp_path, battery_text(), "b.toml"), meters=METERS)
    assert plan.applied == ()
    assert plan.restart_only == ()
    assert plan.battery == running.battery
    assert plan.added == plan.removed == ()
    assert plan.describe().startswith("configuration reloaded: 1 buyer(s)")


def test_a_raised_reserve_and_new_prices_are_applied(tmp_path: Path) -> None:
    running = _node(tmp_path, battery_text())
    text = battery_text().replace('reserve_percent = "10"', 'reserve_percent = "35"')
    text = text.replace("price_empty_msat_per_kwh = 400_000", "price_empty_msat_per_kwh = 450_000")
    new = _node(tmp_path, text, "b.toml")
    plan = plan_battery_reload(running, new, meters=METERS)
    assert plan.battery is not None
    assert running.battery is not None
    assert new.battery is not None
    assert plan.battery.spec.reserve_ppm == 350_000
    assert plan.battery.pricing == new.battery.pricing
    assert plan.battery.spec.capacity_mwh == running.battery.spec.capacity_mwh
    assert plan.applied == (
        "the battery's reserve 10 % -> 35 % at once",
        "[battery.prices] from the next period",
    )
    assert plan.restart_only == ()
    assert "the battery's reserve 10 % -> 35 % at once" in plan.describe()


def test_the_batterys_facts_and_the_buying_side_wait_for_a_restart(tmp_path: Path) -> None:
    running = _node(tmp_path, battery_text())
    text = battery_text().replace('capacity_kwh = "13.5"', 'capacity_kwh = "20"')
    text = text.replace("max_payment_msat = 50_000", "max_payment_msat = 60_000")
    text = text.replace('max_charge_percent = "90"', 'max_charge_percent = "95"')
    plan = plan_battery_reload(running, _node(tmp_path, text, "b.toml"), meters=METERS)
    assert plan.restart_only == ("[limits]", "battery.capacity_kwh")
    assert running.battery is not None
    assert plan.battery is not None
    # the book keeps the capacity it runs on; the new maximum applies
    assert plan.battery.spec.capacity_mwh == running.battery.spec.capacity_mwh
    assert plan.battery.spec.max_charge_ppm == 950_000
    assert plan.applied == ("the battery's maximum charge 90 % -> 95 % at once",)
    said = plan.describe()
    assert "[limits], battery.capacity_kwh changed and take effect at the next restart" in said


def test_a_file_of_another_role_is_refused(tmp_path: Path) -> None:
    running = _node(tmp_path, battery_text())
    seller = load_settings(write(tmp_path, SELLER, "b.toml"), env={})
    with pytest.raises(ReloadRefusedError) as caught:
        plan_battery_reload(running, seller, meters=METERS)
    assert caught.value.problems == ["role is 'seller': a running battery stays a battery"]
    prosumer = _node(tmp_path, prosumer_text(), "c.toml")
    with pytest.raises(ReloadRefusedError, match="a running battery stays a battery"):
        plan_battery_reload(running, prosumer, meters=METERS)


def test_a_buyers_changed_meter_is_refused_as_for_a_seller(tmp_path: Path) -> None:
    running = _node(tmp_path, battery_text())
    text = battery_text().replace("coil = 0 }", "coil = 3 }", 1)
    with pytest.raises(ReloadRefusedError, match=r"its relay changed, which needs a restart"):
        plan_battery_reload(running, _node(tmp_path, text, "b.toml"), meters=METERS)


def test_a_prosumers_price_and_share_apply_and_its_meters_wait(tmp_path: Path) -> None:
    running = _node(tmp_path, prosumer_text())
    text = prosumer_text().replace("price_msat_per_kwh = 180_000", "price_msat_per_kwh = 170_000")
    text = text.replace("[pv]\n", '[pv]\noffer_percent = "60"\n')
    new = _node(tmp_path, text, "b.toml")
    plan = plan_battery_reload(running, new, meters=METERS)
    assert plan.pv is not None
    assert new.pv is not None
    assert plan.pv.rule == new.pv.rule
    assert plan.applied == (
        "[pv] price 170000 msat/kWh, offering 60 % of the surplus, from the next period",
    )
    swapped = prosumer_text().replace('production_meter = "pv"', 'production_meter = "pv2"')
    swapped = swapped.replace('id = "pv"', 'id = "pv2"')
    plan = plan_battery_reload(running, _node(tmp_path, swapped, "c.toml"), meters=METERS)
    assert plan.restart_only == ("hardware", "pv.production_meter")  # a new meter too
    assert plan.pv == running.pv
