"""`gridnode demo --estate`: the day's tariffs, the files it writes (real configurations:
the PV's and the grid's seller files, the battery node's one file, the households'),
the simulated inverter that follows the circuits, and the summary's battery figures
(here with a stand-in for LND's macaroon baking; tests/regtest/test_estate_day.py runs
the real thing)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from gridnode.cli.main import cli
from gridnode.config.battery_node import BatterySettings
from gridnode.config.settings import BuyerSettings, SellerSettings, load_settings
from gridnode.demo import configs
from gridnode.demo.day import DARK, HOUSEHOLD_CEILING, PARTS, Day
from gridnode.demo.day_circuit import BatteryModel, DayInverter
from gridnode.demo.day_nodes import Seller, make_battery, write_households, write_sellers
from gridnode.demo.day_summary import battery_figures
from gridnode.errors import UsageError
from gridnode.hardware.sim.circuit import Circuit, SimClock
from gridnode.hardware.sim.loads import ConstantLoad
from gridnode.trade.profiles import cost_exact, mean_price
from tests.support.lnd_offline import offline_lnd

#: 2026-12-07 03:16:30 UTC: the day dawns at 03:17.
NOW_S = 1_796_613_390.0
DAWN_MS = 1_796_613_420_000


def test_the_day_dawns_at_the_next_minute_and_repeats() -> None:
    day = Day.starting(2, NOW_S)
    assert day.dawn_ms == DAWN_MS
    assert [day.part_at(DAWN_MS + m * 60_000 + 30_000) for m in range(-1, 3)] == [
        "evening",
        "midday",
        "evening",
        "midday",
    ]
    assert day.pv_price(DAWN_MS) == PARTS["midday"][0] < day.grid_price(DAWN_MS)
    assert day.pv_price(DAWN_MS + 60_000) == DARK > HOUSEHOLD_CEILING
    assert day.grid_price(DAWN_MS + 60_000) == PARTS["evening"][1]
    with pytest.raises(UsageError, match="--day-minutes takes one of"):
        Day.starting(5, NOW_S)


def test_a_step_across_a_change_of_tariff_is_priced_as_a_receipt_prices_it() -> None:
    """The grid-only cost prices each step of a household's readings at the tariff's
    mean over the step (the nodes' cost rule), not at the price where the step ends."""
    day = Day.starting(2, NOW_S)
    evening, midday = PARTS["evening"][1], PARTS["midday"][1]
    # 4 s from 3 s before dawn (the evening part) to 1 s after it (midday)
    cost = day.grid_cost_exact(4_000, DAWN_MS - 3_000, DAWN_MS + 1_000)
    assert cost == Fraction(4_000 * (3 * evening + midday), 4 * 10**6)
    assert day.grid_cost_exact(4_000, DAWN_MS, DAWN_MS + 4_000) == Fraction(4_000 * midday, 10**6)
    assert day.grid_cost_exact(4_000, DAWN_MS, DAWN_MS) == Fraction(4_000 * midday, 10**6)


def _files(tmp_path: Path) -> tuple[Day, dict[int, Seller], list[configs.NodeFiles]]:
    lnd = offline_lnd(tmp_path)
    lnd.pubkey = "02" + "11" * 32
    info: dict[str, object] = {
        "seller_ports": ["/dev/pts/90", "/dev/pts/91", "/dev/pts/92"],
        "buyer_ports": ["/dev/pts/93", "/dev/pts/94", "/dev/pts/95"],
    }
    day = Day.starting(2, NOW_S)
    terms = configs.DemoTerms(period_s=20)
    households = [configs.prepare_buyer(tmp_path, i) for i in (1, 2, 3)]
    sellers = write_sellers(
        tmp_path, [lnd] * 3, info, households, [lnd] * 3, terms, configs.NO_OUTSIDE, day
    )
    make_battery(sellers[3], sellers, terms, BatteryModel())
    write_households(households, [lnd] * 3, info, sellers, terms, configs.NO_OUTSIDE, None)
    return day, sellers, households


def test_the_files_are_real_configurations(tmp_path: Path) -> None:
    day, sellers, households = _files(tmp_path)
    pv, grid, battery = (load_settings(sellers[n].files.config, env={}) for n in (1, 2, 3))
    assert isinstance(battery, BatterySettings)
    assert isinstance(pv, SellerSettings)
    assert isinstance(grid, SellerSettings)
    # the PV and the grid sell to the households and to the battery (its circuit: 4)
    for seller in (pv, grid):
        names = [(b.name, b.meter) for b in seller.selling.buyers]
        assert names[-1] == ("battery", "seller-meter-4")
        assert len(names) == 4
    # the PV's time-of-use table: cheap all through the midday minute, dark after it
    profile = pv.selling.terms.profile
    assert mean_price(profile, DAWN_MS, DAWN_MS + 60_000) == day.pv_price(DAWN_MS)
    assert mean_price(profile, DAWN_MS + 60_000, DAWN_MS + 120_000) == DARK
    evening = grid.selling.terms.profile
    assert mean_price(evening, DAWN_MS + 60_000, DAWN_MS + 120_000) == PARTS["evening"][1]
    # the summary's grid-only cost is the grid seller's own cost rule, across its steps
    for start, stop in [(DAWN_MS - 3_000, DAWN_MS + 1_000), (DAWN_MS + 59_000, DAWN_MS + 70_000)]:
        assert day.grid_cost_exact(4_000, start, stop) == cost_exact(evening, 4_000, start, stop)
    # the battery: one file, both sides, its inverter its own meter
    assert battery.role == "battery"
    assert battery.own_meter == "inverter"
    assert battery.battery is not None
    assert battery.battery.spec.capacity_mwh == BatteryModel().capacity_mwh
    assert [b.name for b in battery.selling.buyers] == ["buyer-1", "buyer-2", "buyer-3"]
    assert [(s.name, s.feed) for s in battery.buying.sellers] == [
        ("pv", "seller-1"),
        ("grid", "seller-2"),
    ]
    assert {s.seller_meter_id for s in battery.buying.sellers} == {"seller-meter-4"}
    # each household pins the three sellers, each on its feed, and may buy at the peak
    for household in households:
        buying = load_settings(household.config, env={})
        assert isinstance(buying, BuyerSettings)
        assert [(s.name, s.feed) for s in buying.buying.sellers] == [
            ("pv", "seller-1"),
            ("grid", "seller-2"),
            ("battery", "seller-3"),
        ]
        assert buying.buying.market_period_ms == 20_000
        assert buying.buying.switch_threshold.msat == 0


def test_the_inverter_follows_its_circuits_across_its_losses() -> None:
    clock = SimClock(manual=True)
    model = BatteryModel(capacity_mwh=1_000_000, start_mwh=500_000, leak_ppm_per_hour=0)
    charging = Circuit(loads=[ConstantLoad(2_000.0)], clock=clock)
    selling = Circuit(loads=[ConstantLoad(1_000.0)], clock=clock)
    inverter = DayInverter(model, charging, [selling], clock)
    charging.set_relay(True)
    clock.advance(1_800.0)  # half an hour charging at 2 kW: 1 kWh in, 0.95 stored
    charging.set_relay(False)
    selling.set_relay(True)
    clock.advance(1_800.0)  # half an hour selling 1 kW: 0.5 kWh out, 0.526 drawn
    values = inverter.values()
    assert values[("import_energy", None)] == pytest.approx(1.0)
    assert values[("export_energy", None)] == pytest.approx(0.5)
    assert values[("stored_energy", None)] == pytest.approx(0.5 + 0.95 - 0.5 / 0.95)
    assert values[("power", None)] == pytest.approx(-1_000.0)


def test_the_battery_figures_balance(tmp_path: Path) -> None:
    state = {
        "capacity_mwh": 500_000,
        "start_mwh": 250_000,
        "stored_mwh": 258_473,
        "import_mwh": 20_000,
        "export_mwh": 10_000,
        "self_discharge_mwh": 1.0,
        "charge_ppm": 950_000,
        "discharge_ppm": 950_000,
        "series": [[0.0, 250_000], [2.0, 270_000], [4.0, 258_473]],
    }
    receipts = []
    for i, (side, energy, cost) in enumerate((("seller", 10_000, 2_500), ("buyer", 20_000, 2_000))):
        path = tmp_path / f"r{i}.json"
        totals = {"energy_mwh": {"seller": energy}, "cost_msat": {"seller": cost}}
        path.write_text(json.dumps({"exported": {"by": side}, "totals": totals, "payments": []}))
        receipts.append(path)
    figures = battery_figures(state, receipts)
    assert figures["soc_mwh"] == {"start": 250_000, "end": 258_473, "min": 250_000, "max": 270_000}
    assert figures["balance_residual_mwh"] == 0
    assert figures["receipts_balance_residual_mwh"] == 0
    assert figures["losses_mwh"] == 20_000 - 10_000 - 8_473
    assert (figures["revenue_msat"], figures["cost_msat"], figures["margin_msat"]) == (
        2_500,
        2_000,
        500,
    )


@pytest.mark.parametrize(
    ("args", "fix"),
    [
        (["--sellers", "2"], "--estate brings its own sellers"),
        (["--sag", "1:2:0.8"], "--sag cannot be used with --estate"),
    ],
)
def test_a_wrong_estate_day_is_refused_before_it_starts(args: list[str], fix: str) -> None:
    result = CliRunner().invoke(cli, ["demo", "--json", "--estate", *args])
    assert result.exit_code == 2, result.output
    assert fix in result.output
