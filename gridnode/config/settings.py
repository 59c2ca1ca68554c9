"""A node's typed settings, one class per role, read from TOML with every mistake at once.

:func:`load_settings` reads the file, applies ``GRIDNODE_`` environment overrides
(``GRIDNODE_LND__HOST=10.0.0.2:10009``), resolves relative paths against the file's
folder, and runs every check that needs no network: the hardware tables, the seller's
watchdog and meter-bus freshness, the meters and relays the buyers name, the pinned
certificates against their fingerprints, the macaroon against the role, the node's own
identity files. All mistakes come in one :class:`ConfigError`, one sentence each (exit
code 2), before the node connects to anything.

The settings are discriminated by ``role``: :class:`SellerSettings` holds the common
part and a :class:`SellingSettings`, :class:`BuyerSettings` the common part and a
:class:`BuyingSettings` (the parts are in :mod:`gridnode.config.parts`); ``role =
"battery"`` or ``"prosumer"`` holds both parts in a
:class:`~gridnode.config.battery_node.BatterySettings` (one process that buys and sells).
A buyer's ``sellers`` is a tuple: the one ``[seller]`` table, or the ``[[sellers]]`` of
the estate market (docs/market.md), with the market's ``market_period_s`` and
``switch_threshold_msat``.

.. code-block:: toml

    role = "seller"                    # or "buyer"
    identity_dir = "."                 # node.key and node.crt from 'gridnode init'
    ledger = "ledger.sqlite"
    status_socket = "status.sock"
    require_clock_sync = true          # start no session until the system clock is synced

    [lnd]
    host = "127.0.0.1:10009"
    tls_cert = "/home/gridnode/.lnd/tls.cert"
    macaroon = "seller.macaroon"       # baked with the role's permissions (README)

    [link]                             # optional: the peer link's timeouts (LINK_RANGES)
    heartbeat_interval_s = 5

The whole commented examples are :mod:`gridnode.config.examples` (docs/config.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from gridnode.config import checks
from gridnode.config.battery_node import BatterySettings, read_battery_node
from gridnode.config.hardware import read_hardware
from gridnode.config.limits import read_breach_hold, read_limits
from gridnode.config.link import read_link
from gridnode.config.lnd import read_lnd
from gridnode.config.market import MARKET_KEYS, read_market_period, read_switch_threshold
from gridnode.config.mqtt import read_metrics_listen, read_mqtt
from gridnode.config.parts import (
    DEFAULT_RATE_FEED,
    BuyingSettings,
    CommonSettings,
    SellingSettings,
)
from gridnode.config.peers import BuyerEntry, SellerEntry, read_address, read_buyers, read_sellers
from gridnode.config.ratefeed import read_feed_curve
from gridnode.config.reader import ConfigError, Problems, Table, load_toml
from gridnode.config.tariffs import check_buyer_tariffs, read_tariffs
from gridnode.config.trade import read_terms
from gridnode.hardware.config import BusConfig, HardwareConfig, WatchdogConfig

__all__ = [
    "AnySettings",
    "BuyerEntry",
    "BuyerSettings",
    "BuyingSettings",
    "CommonSettings",
    "ConfigError",
    "NodeSettings",
    "SellerEntry",
    "SellerSettings",
    "SellingSettings",
    "load_settings",
    "read_settings",
]

ROLES = ("seller", "buyer", "battery", "prosumer")
#: The top-level keys only one role has: the other role's file is told so by name.
ROLE_KEYS = {
    "seller": ("listen", "buyers", "terms", "tariffs"),
    "buyer": (
        "seller",
        "sellers",
        "limits",
        "rate_feed",
        "rate_feed_curve",
        "metering",
        *MARKET_KEYS,
    ),
    "battery": ("battery", "inverter_meter"),
    "prosumer": ("pv",),
}
#: The roles that sell and buy in one process: they have the seller's and the buyer's
#: keys too (:mod:`gridnode.config.battery_node`).
BOTH_SIDES = ("battery", "prosumer")
#: A buyer's ``metering``: its own meter compared with the seller's ("dual", the
#: default), or the seller's signed readings alone ("seller": no meter, no serial port).
METERING = ("dual", "seller")
#: The [hardware] of a node that has none (a seller-metered buyer): no bus is opened.
NO_HARDWARE = HardwareConfig((BusConfig(port=""),), (), None, WatchdogConfig("none"))


@dataclass(frozen=True, slots=True, kw_only=True)
class SellerSettings(CommonSettings):
    """A seller node's settings."""

    #: Always "seller": tells the two roles apart.
    role: Literal["seller"] = "seller"
    #: What it sells, and to whom.
    selling: SellingSettings


@dataclass(frozen=True, slots=True, kw_only=True)
class BuyerSettings(CommonSettings):
    """A buyer node's settings."""

    #: Always "buyer": tells the two roles apart.
    role: Literal["buyer"] = "buyer"
    #: What it buys, and from whom.
    buying: BuyingSettings


NodeSettings = SellerSettings | BuyerSettings
#: What a configuration file may hold: a seller, a buyer, or a node that does both
#: (:class:`~gridnode.config.battery_node.BatterySettings`).
AnySettings = SellerSettings | BuyerSettings | BatterySettings


def load_settings(path: Path | str, env: Mapping[str, str] | None = None) -> AnySettings:
    """Read and check a node configuration; raises :class:`ConfigError` listing every
    mistake (``env`` replaces ``os.environ`` for the ``GRIDNODE_`` overrides)."""
    path = Path(path)
    doc = load_toml(path, env)
    problems = Problems(str(path))
    settings = read_settings(doc, path.resolve().parent, problems)
    problems.raise_if_any()
    assert settings is not None
    return dataclasses.replace(settings, warnings=tuple(problems.warnings))


def read_settings(doc: Mapping[str, Any], base: Path, problems: Problems) -> AnySettings | None:
    """The settings of ``doc`` (relative paths from ``base``); None when ``problems``
    holds mistakes."""
    top = Table(doc, "", problems)
    role = top.choice("role", ROLES)
    known = role if role in ROLES else None
    common = _read_common(top, base, known)
    settings: AnySettings | None = None
    if role == "seller":
        selling = read_selling(top, base, common)
        if selling is not None and not problems.items:
            settings = SellerSettings(**common, selling=selling)
    elif role == "buyer":
        buying = read_buying(top, base, common)
        if buying is not None and not problems.items:
            settings = BuyerSettings(**common, buying=buying)
    elif role in BOTH_SIDES:
        selling = read_selling(top, base, common)
        buying = read_buying(top, base, common, own_meter_only=False)
        node = read_battery_node(top, role, common, selling, buying)
        if node is not None and not problems.items:
            settings = node
    has = (role, "seller", "buyer") if role in BOTH_SIDES else (role,)
    for other_role in [r for r in ROLES if r not in has] if known else []:
        for key in ROLE_KEYS[other_role]:
            if key in doc and not any(key in ROLE_KEYS[r] for r in has):
                article = "an" if other_role[0] in "aeiou" else "a"
                problems.add(
                    f"{key} is {article} {other_role}'s setting, but this file has role = {role!r}"
                )
    top.unknown_keys({k for keys in ROLE_KEYS.values() for k in keys})
    return settings if not problems.items else None


def _read_common(top: Table, base: Path, role: str | None) -> dict[str, Any]:
    """The common fields, as keyword arguments of :class:`CommonSettings` (a value may be
    a placeholder when ``top.problems`` holds a mistake: no settings are made then)."""
    identity_dir = top.path_value("identity_dir", base, ".")
    checks.require_identity(identity_dir, top.problems)
    metered_alone = role == "buyer" and top.doc.get("metering") == "seller"
    if metered_alone and top.has("hardware"):
        top.table("hardware")  # known, and not used
        top.problems.warn(
            'hardware: a buyer with metering = "seller" uses no meter and no serial port; '
            "the [hardware] table is not used (remove it)"
        )
    return {
        "identity_dir": identity_dir,
        "ledger": top.path_value("ledger", base, "ledger.sqlite"),
        "status_socket": top.path_value("status_socket", base, "status.sock"),
        # a node that sells and buys checks its macaroon against both roles (battery_node)
        "lnd": read_lnd(top.table("lnd"), base, role if role not in BOTH_SIDES else None),
        # None: it has mistakes
        "hardware": NO_HARDWARE if metered_alone else read_hardware(top.table("hardware"), base),
        "base": base,
        "register_step_mwh": top.positive("register_step_mwh", 10_000, hint="0.01 kWh is 10000"),
        "storage_budget_mb_per_day": top.positive(
            "storage_budget_mb_per_day", 20, hint="MB per day, like 20"
        ),
        "ledger_raw_window_days": top.positive("ledger_raw_window_days", 7, hint="days, like 7"),
        "lnd_data_dir": (top.path_value("lnd_data_dir", base) if top.has("lnd_data_dir") else None),
        "link": read_link(top.table("link", required=False)),
        "require_clock_sync": top.get("require_clock_sync", bool, True),
        "metrics_listen": read_metrics_listen(top),
        "mqtt": read_mqtt(top, base, role),
        "liquidity_warn_days": top.positive("liquidity_warn_days", 7, hint="days, like 7"),
        "log_summary_s": top.positive("log_summary_s", 300, hint="seconds, like 300"),
    }


def read_selling(top: Table, base: Path, common: Mapping[str, Any]) -> SellingSettings | None:
    problems = top.problems
    before = len(problems.items)
    listen = read_address(top, "listen", hint='address and port, like "0.0.0.0:7878"')
    buyers = read_buyers(top, base)
    step_mwh = common["register_step_mwh"]
    terms = read_terms(top.table("terms"), register_step_mwh=step_mwh)
    tariffs = read_tariffs(top, register_step_mwh=step_mwh)
    check_buyer_tariffs(top, buyers)
    hardware: HardwareConfig | None = common["hardware"]
    if hardware is not None:  # the checks that need the hardware
        buyers = {where: checks.on_meter_bus(hardware, b) for where, b in buyers.items()}
        checks.require_watchdog(hardware, problems)
        checks.require_buyer_meters(hardware, buyers.values(), problems)
        relays = [(f"{where}.relay", entry.relay) for where, entry in buyers.items()]
        checks.require_separate_outputs(hardware, relays, problems)
        every = ([terms] if terms is not None else []) + list(tariffs.values())
        for policy in dict.fromkeys(t.policy for t in every):  # each distinct one once
            checks.require_fresh_readings(hardware, policy, problems)
    if terms is None or len(problems.items) > before:
        return None
    return SellingSettings(listen, tuple(buyers.values()), terms, tariffs)


def read_buying(
    top: Table, base: Path, common: Mapping[str, Any], *, own_meter_only: bool = True
) -> BuyingSettings | None:
    """A buyer's part; ``own_meter_only``: its hardware is its own meter alone (a node
    that also sells has its buyers' meters too, and names its own)."""
    problems = top.problems
    before = len(problems.items)
    sellers = read_sellers(top, base)
    limits_table = top.table("limits")
    hold_ms = read_breach_hold(limits_table)
    limits = read_limits(limits_table, register_step_mwh=common["register_step_mwh"])
    metering = top.choice("metering", METERING, "dual")
    if limits is not None and metering == "seller":
        limits = dataclasses.replace(limits, seller_metered=True)
    rate_feed = top.get("rate_feed", str, DEFAULT_RATE_FEED)
    if not rate_feed.startswith(("tcp://", "ipc://")):
        problems.add(f'rate_feed must be a ZeroMQ endpoint like "{DEFAULT_RATE_FEED}"')
    curve = read_feed_curve(top, base)
    hardware: HardwareConfig | None = common["hardware"]
    if hardware is not None and metering != "seller" and own_meter_only:
        checks.require_one_meter(hardware, problems)
    if metering == "seller" and len(sellers) > 1:
        problems.add(
            'metering = "seller" with several [[sellers]]: the estate market needs the '
            "buyer's own meter (it sees the old feed open before it takes the next); "
            'keep one seller, or install a meter and remove metering = "seller"'
        )
    period_ms = read_market_period(top)
    threshold = read_switch_threshold(top, limits)
    if limits is None or len(problems.items) > before:
        return None
    return BuyingSettings(
        sellers,
        limits,
        hold_ms,
        rate_feed,
        curve,
        market_period_ms=period_ms,
        switch_threshold=threshold,
    )
