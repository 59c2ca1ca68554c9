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
:class:`BuyingSettings`. The two parts are separate so that one process can later hold
both (a battery node that buys and sells). A buyer's ``sellers`` is a tuple: the one
``[seller]`` table, or the ``[[sellers]]`` of the estate market (docs/market.md), with the
market's ``market_period_s`` and ``switch_threshold_msat``.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from gridnode.config import checks
from gridnode.config.hardware import read_hardware
from gridnode.config.limits import DEFAULT_BREACH_HOLD_MS, read_breach_hold, read_limits
from gridnode.config.link import read_link
from gridnode.config.lnd import LndSettings, read_lnd
from gridnode.config.market import MARKET_KEYS, read_market_period, read_switch_threshold
from gridnode.config.mqtt import read_metrics_listen, read_mqtt
from gridnode.config.peers import BuyerEntry, SellerEntry, read_address, read_buyers, read_sellers
from gridnode.config.ratefeed import read_feed_curve
from gridnode.config.reader import ConfigError, Problems, Table, load_toml
from gridnode.config.tariffs import check_buyer_tariffs, read_tariffs
from gridnode.config.trade import read_terms
from gridnode.hardware.config import BusConfig, HardwareConfig, WatchdogConfig
from gridnode.market import DEFAULT_MARKET_PERIOD_MS
from gridnode.money import Msat
from gridnode.mqtt.settings import MqttSettings
from gridnode.peer.settings import LinkSettings
from gridnode.ratefeed.keys import CurveServer
from gridnode.trade.terms import BuyerLimits, OfferTemplate
from gridnode.trade.units import DurationMs

__all__ = [
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

ROLES = ("seller", "buyer")
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
}
DEFAULT_RATE_FEED = "tcp://127.0.0.1:5556"
#: A buyer's ``metering``: its own meter compared with the seller's ("dual", the
#: default), or the seller's signed readings alone ("seller": no meter, no serial port).
METERING = ("dual", "seller")
#: The [hardware] of a node that has none (a seller-metered buyer): no bus is opened.
NO_HARDWARE = HardwareConfig((BusConfig(port=""),), (), None, WatchdogConfig("none"))


@dataclass(frozen=True, slots=True, kw_only=True)
class CommonSettings:
    """What every node has, whatever it sells or buys."""

    #: Folder holding the node's node.key and node.crt (from 'gridnode init').
    identity_dir: Path
    #: The SQLite ledger.
    ledger: Path
    #: The local status socket (mode 0600) the dashboard reads.
    status_socket: Path
    #: How the node reaches its own LND.
    lnd: LndSettings
    #: The [hardware] table: the meter bus, the meters, the node's relay and watchdog
    #: (:data:`NO_HARDWARE` for a seller-metered buyer, which needs none).
    hardware: HardwareConfig
    #: The folder of the configuration file; relative paths start here.
    base: Path
    #: The meters' energy register step (an SDM120 counts in 0.01 kWh).
    register_step_mwh: int = 10_000
    #: How much the node's storage (ledger and LND) may grow per day, in MB; faster
    #: growth, or a week's growth above the free space, is a warning (docs/storage.md).
    storage_budget_mb_per_day: int = 20
    #: Days the ledger keeps the raw entries no receipt needs (docs/storage.md).
    ledger_raw_window_days: int = 7
    #: LND's data folder (lnddir), measured with the ledger for the storage warning.
    lnd_data_dir: Path | None = None
    #: The peer link's timeouts and limits, from the optional [link] table.
    link: LinkSettings = field(default_factory=LinkSettings)
    #: Start no session while the system clock is not synchronised (docs/node.md).
    require_clock_sync: bool = True
    #: What loaded but should be fixed (a macaroon or secret key others can read), one
    #: sentence each: logged at start and listed in the status snapshot's warnings.
    warnings: tuple[str, ...] = ()
    #: Publish to an MQTT broker, with Home Assistant discovery (the [mqtt] table).
    mqtt: MqttSettings | None = None
    #: Serve Prometheus metrics on this "host:port" (docs/metrics.md).
    metrics_listen: str | None = None
    #: Warn when the direct channel to a peer has room for fewer days than this at the
    #: last day's spending (README, "Liquidity").
    liquidity_warn_days: int = 7
    #: Seconds between each running session's summary in the log (energy, money, the
    #: deposit); start, close, deposits and credit are logged as they happen.
    log_summary_s: int = 300


@dataclass(frozen=True, slots=True)
class SellingSettings:
    """What a node that sells has: where buyers connect, who they are, and its terms."""

    #: Where to listen for buyers ("0.0.0.0:7878").
    listen: str
    #: The buyers it sells to, each with its own meter and relay.
    buyers: tuple[BuyerEntry, ...]
    #: Its default sale terms ([terms]), placed in time for each session's offer.
    terms: OfferTemplate
    #: Its named tariffs ([tariffs.NAME]), each a full terms table; a buyer entry's
    #: ``tariff`` names one (issue 18).
    tariffs: Mapping[str, OfferTemplate] = field(default_factory=dict)

    def terms_for(self, buyer: BuyerEntry) -> OfferTemplate:
        """The terms ``buyer`` is sold on: its tariff, else the default [terms]."""
        return self.tariffs[buyer.tariff] if buyer.tariff else self.terms


@dataclass(frozen=True, slots=True)
class BuyingSettings:
    """What a node that buys has: the sellers it pinned, its limits and its rate feed."""

    #: The sellers it buys from: the one [seller], or each of [[sellers]] in order.
    sellers: tuple[SellerEntry, ...]
    #: What it accepts (the [limits] table).
    limits: BuyerLimits
    #: After a seller's breach, refuse its offers this long ([limits] breach_hold_s).
    breach_hold_ms: DurationMs = DEFAULT_BREACH_HOLD_MS
    #: Where the live rate is published (ZeroMQ endpoint) for the smart loads.
    rate_feed: str = DEFAULT_RATE_FEED
    #: The rate feed's CurveZMQ keys and subscriber allow-list (docs/loads.md).
    rate_feed_curve: CurveServer | None = None
    #: The market's period grid (``market_period_s``): a seller is chosen before each.
    market_period_ms: DurationMs = DEFAULT_MARKET_PERIOD_MS
    #: Switch sellers only when the saving over a period is larger than this
    #: (``switch_threshold_msat``; by default the largest deposit's lockup cost).
    switch_threshold: Msat = Msat(0)


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


def load_settings(path: Path | str, env: Mapping[str, str] | None = None) -> NodeSettings:
    """Read and check a node configuration; raises :class:`ConfigError` listing every
    mistake (``env`` replaces ``os.environ`` for the ``GRIDNODE_`` overrides)."""
    path = Path(path)
    doc = load_toml(path, env)
    problems = Problems(str(path))
    settings = read_settings(doc, path.resolve().parent, problems)
    problems.raise_if_any()
    assert settings is not None
    return dataclasses.replace(settings, warnings=tuple(problems.warnings))


def read_settings(doc: Mapping[str, Any], base: Path, problems: Problems) -> NodeSettings | None:
    """The settings of ``doc`` (relative paths from ``base``); None when ``problems``
    holds mistakes."""
    top = Table(doc, "", problems)
    role = top.choice("role", ROLES)
    common = _read_common(top, base, role if role in ROLES else None)
    settings: NodeSettings | None = None
    if role == "seller":
        selling = _read_selling(top, base, common)
        if selling is not None and not problems.items:
            settings = SellerSettings(**common, selling=selling)
    elif role == "buyer":
        buying = _read_buying(top, base, common)
        if buying is not None and not problems.items:
            settings = BuyerSettings(**common, buying=buying)
    other = [r for r in ROLES if r != role] if role in ROLES else []
    for other_role in other:
        for key in ROLE_KEYS[other_role]:
            if key in doc:
                problems.add(
                    f"{key} is a {other_role}'s setting, but this file has role = {role!r}"
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
        "lnd": read_lnd(top.table("lnd"), base, role),
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


def _read_selling(top: Table, base: Path, common: Mapping[str, Any]) -> SellingSettings | None:
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


def _read_buying(top: Table, base: Path, common: Mapping[str, Any]) -> BuyingSettings | None:
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
    if hardware is not None and metering != "seller":
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
