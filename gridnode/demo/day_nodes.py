"""The estate day's node files (``gridnode demo --estate``): the PV and the grid
connection as sellers with the day's tariffs, the battery node's one file (a seller's
part to the households, a buyer's part from the PV and the grid, its inverter and its
[battery] table) and the households, each pinning the three sellers.

The battery's file starts as a seller's (:func:`gridnode.demo.configs.write_seller`)
and gains what ``role = "battery"`` adds (docs/battery.md); its macaroon is baked with
both roles' permissions, since the one node sells and buys.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gridnode.demo import bus, configs
from gridnode.demo.day import HOUSEHOLD_CEILING, Day
from gridnode.demo.day_circuit import (
    BATTERY,
    BATTERY_CIRCUIT,
    GRID,
    INVERTER_ADDRESS,
    PV,
    BatteryModel,
)
from gridnode.demo.estate import pin_sellers, seller_entry, set_profile
from gridnode.regtest.daemons import LndNode
from gridnode.wallet import macaroon

#: The sellers by feed: the PV (1), the grid connection (2), the battery (3).
SELLER_NAMES = {PV: "pv", GRID: "grid", BATTERY: "battery"}
#: The smart loads switch on below the first and off above the second (msat/kWh): on
#: at the grid's day rate and below, off at the evening peak. (The estate market scores
#: offers against the load agent's plan plus the household's base load, docs/market.md.)
SMART_BAND = (230_000, 260_000)


@dataclass(frozen=True)
class Seller:
    files: configs.NodeFiles
    listen: str
    lnd: LndNode


def battery_table(model: BatteryModel) -> list[str]:
    """The [battery] table of the simulated cells (docs/battery.md): its offer from
    300,000 msat/kWh at the reserve down to 200,000 at the maximum, its bid 160,000
    (below the cap, 171,904): it charges from the PV at midday and the grid at night,
    and sells below the grid's evening peak."""
    start_cost = 150_000
    return [
        "[battery]",
        f'capacity_kwh = "{model.capacity_mwh / 1e6}"',
        'power_limit_kw = "15"  # three households at 16 A and the charging at once',
        f'charge_efficiency_percent = "{model.charge_ppm / 1e4:g}"',
        f'discharge_efficiency_percent = "{model.discharge_ppm / 1e4:g}"',
        f"self_discharge_ppm_per_hour = {model.leak_ppm_per_hour}",
        'reserve_percent = "10"',
        'max_charge_percent = "90"',
        f"stored_cost_msat_per_kwh = {start_cost}",
        "",
        "[battery.prices]",
        "price_empty_msat_per_kwh = 300_000",
        "price_full_msat_per_kwh = 200_000",
        "margin_ppm = 50_000",
        "bid_msat_per_kwh = 160_000",
        "min_offer_mwh = 1_000",
        'zone = "UTC"',
        "",
    ]


def write_sellers(
    root: Path,
    lnds: Sequence[LndNode],
    info: dict[str, object],
    households: list[configs.NodeFiles],
    household_lnds: Sequence[LndNode],
    options: configs.DemoTerms,
    outside: configs.Outside,
    day: Day,
) -> dict[int, Seller]:
    """The PV's and the grid's files (their buyers: the households and the battery)
    and the battery's seller part (its buyers: the households)."""
    ports = info["seller_ports"]
    assert isinstance(ports, list)
    sellers: dict[int, Seller] = {}
    for number in (BATTERY, PV, GRID):  # the battery's identity first: it buys from both
        name = SELLER_NAMES[number]
        buyers = households if number == BATTERY else [*households, sellers[BATTERY].files]
        nodes = [lnd.pubkey for lnd in household_lnds]
        nodes += [] if number == BATTERY else [lnds[BATTERY - 1].pubkey]
        # one bus with four meters: quick enough at 38400 baud and 5 ms gaps
        fast = {"count": 1, "baud": bus.FAST_BAUD, "gap_ms": 5}
        one_bus = dataclasses.replace(bus.seller_buses(len(buyers)), **fast)
        circuit = {**info, "seller_port": ports[number - 1], "seller_ports": [ports[number - 1]]}
        files, listen = configs.write_seller(
            root, lnds[number - 1], circuit, buyers, options, outside, nodes, one_bus, name=name
        )
        if number != BATTERY:
            set_profile(files.config, day.profile(name))
        sellers[number] = Seller(files, listen, lnds[number - 1])
    return sellers


def make_battery(
    seller: Seller,
    sellers: dict[int, Seller],
    terms: configs.DemoTerms,
    model: BatteryModel,
) -> None:
    """Turn the battery's seller file into a battery node's: ``role = "battery"``, its
    inverter, a buyer's part pinning the PV and the grid, the [battery] table, and a
    macaroon for both roles."""
    files = seller.files
    admin = seller.lnd.admin()
    try:
        both = macaroon.ROLE_PERMISSIONS["seller"] | macaroon.ROLE_PERMISSIONS["buyer"]
        (files.directory / "seller.macaroon").write_bytes(admin.bake_macaroon(sorted(both)))
    finally:
        admin.close()
    text = files.config.read_text()
    top = (
        'role = "battery"\n'
        'inverter_meter = "inverter"\n'
        f"market_period_s = {terms.period_s}  # it bids once a sale period\n"
    )
    text = text.replace('role = "seller"\n', top, 1)
    inverter = (
        "[[hardware.meters]]\n"
        'id = "inverter"\n'
        'model = "sim_inverter"\n'
        f"address = {INVERTER_ADDRESS}\n\n"
    )
    text = text.replace("[[buyers]]", inverter + "[[buyers]]", 1)
    buying: list[str] = []
    for priority, number in enumerate((PV, GRID), start=1):
        other = sellers[number]
        meter_id = f"seller-meter-{BATTERY_CIRCUIT}"
        buying += seller_entry(
            other.files, other.listen, other.lnd.pubkey, priority, number, meter_id
        )
    buying += [
        *configs.limits_lines(terms, f"seller-meter-{BATTERY_CIRCUIT}"),
        "[limits.ceiling]  # the bid replaces it each period",
        'kind = "constant"',
        "price_msat_per_kwh = 160_000",
        "",
    ]
    text = _direct(text + "\n" + "\n".join([*buying, *battery_table(model)]), top)
    files.config.write_text(text)


def _direct(text: str, top: str) -> str:
    """Every payment goes over a direct channel, which takes no fee: no routing fee
    bound in a score nor a lockup cost for a deposit (``max_fee_ppm = 0``), so the
    market switches to whichever seller is cheaper for the period
    (``switch_threshold_msat = 0``, docs/market.md)."""
    text = text.replace(top, top + "switch_threshold_msat = 0  # direct channels: no fee\n", 1)
    return text.replace("[limits]\n", "[limits]\nmax_fee_ppm = 0\n", 1)


def write_households(
    households: list[configs.NodeFiles],
    lnds: Sequence[LndNode],
    info: dict[str, object],
    sellers: dict[int, Seller],
    terms: configs.DemoTerms,
    outside: configs.Outside,
    rate_feed: str | None,
) -> list[str]:
    """Each household's file, pinning the three sellers (each on its feed) with a
    ceiling above the grid's evening peak; returns their rate feeds."""
    feeds = []
    pv = sellers[PV]
    for i, files in enumerate(households, start=1):
        feed = configs.write_buyer(
            files,
            i,
            lnds[i - 1],
            info,
            pv.files,
            pv.listen,
            rate_feed if i == 1 else None,
            outside,
            terms=terms,
        )
        pins = [(s.files, s.listen, s.lnd.pubkey) for _, s in sorted(sellers.items())]
        pin_sellers(files.config, i, pins, terms.period_s)
        text = files.config.read_text()
        ceiling = f"price_msat_per_kwh = {configs.DEAR}"
        text = text.replace(ceiling, f"price_msat_per_kwh = {HOUSEHOLD_CEILING}")
        files.config.write_text(_direct(text, 'role = "buyer"\n'))
        feeds.append(feed)
    return feeds
