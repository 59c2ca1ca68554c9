"""The parts of a node's settings: what every node has, what a node that sells has, and
what a node that buys has (:mod:`gridnode.config.settings` reads them). They are separate
so that one process can hold both parts (a battery node,
:mod:`gridnode.config.battery_node`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.config.limits import DEFAULT_BREACH_HOLD_MS
from gridnode.config.lnd import LndSettings
from gridnode.config.peers import BuyerEntry, SellerEntry
from gridnode.hardware.config import HardwareConfig
from gridnode.market import DEFAULT_MARKET_PERIOD_MS
from gridnode.money import Msat
from gridnode.mqtt.settings import MqttSettings
from gridnode.peer.settings import LinkSettings
from gridnode.ratefeed.keys import CurveServer
from gridnode.trade.terms import BuyerLimits, OfferTemplate
from gridnode.trade.units import DurationMs

DEFAULT_RATE_FEED = "tcp://127.0.0.1:5556"


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
