"""One typed settings model for a seller or a buyer node, read from TOML.

Every mistake in the file becomes one sentence naming the field (exit code 2); all of
them are reported together. ``GRIDNODE_`` environment variables override fields
(``GRIDNODE_LND__HOST=10.0.0.2:10009``). Relative paths are resolved against the folder
of the configuration file.

.. code-block:: toml

    role = "seller"                    # or "buyer"
    identity_dir = "."                 # node.key and node.crt from 'gridnode init'
    ledger = "ledger.sqlite"
    status_socket = "status.sock"

    [lnd]
    host = "127.0.0.1:10009"
    tls_cert = "/home/gridnode/.lnd/tls.cert"
    macaroon = "seller.macaroon"       # baked with the role's permissions (README)
    # lndconnect = "lndconnect://..."  # instead of host, tls_cert and macaroon

    require_clock_sync = true          # start no session until the system clock is synced

    [link]                             # optional: the peer link's timeouts (LINK_RANGES)
    heartbeat_interval_s = 5
    idle_timeout_s = 15
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from gridnode.errors import UsageError
from gridnode.node.config_reader import Problems, Table, load_toml
from gridnode.node.settings_trade import OfferTemplate, read_limits, read_terms
from gridnode.peer.settings import LinkSettings
from gridnode.ratefeed.config import read_feed_curve
from gridnode.ratefeed.publisher import CurveServer
from gridnode.trade.terms import BuyerLimits
from gridnode.wallet.lnd_connect import LndConnection


@dataclass(frozen=True, slots=True)
class LndSettings:
    """How the node reaches its own LND."""

    #: host:port of LND's gRPC interface.
    host: str
    #: LND's tls.cert (pinned; no certificate authority is trusted for it).
    tls_cert: Path | None
    #: The macaroon baked for this role (README, "Least privilege").
    macaroon: Path | None
    #: An lndconnect:// URI, instead of host, tls_cert and macaroon.
    lndconnect: str | None = None
    #: Start even if the macaroon allows more than the role needs.
    allow_broad_macaroon: bool = False

    def connection(self) -> LndConnection:
        if self.lndconnect:
            return LndConnection.from_lndconnect(self.lndconnect)
        assert self.tls_cert is not None
        assert self.macaroon is not None
        return LndConnection.from_files(self.host, self.tls_cert, self.macaroon)


@dataclass(frozen=True, slots=True)
class BuyerEntry:
    """One buyer a seller sells to, bound to its own meter and relay."""

    #: A name for logs and the dashboard.
    name: str
    #: The buyer's key fingerprint (64 hex digits), exchanged out of band.
    fingerprint: str
    #: The buyer's certificate (PEM), exchanged with the fingerprint.
    certificate: Path
    #: The id of the [[hardware.meters]] entry that measures this buyer's supply.
    meter: str
    #: The relay that switches this buyer's supply, as in [hardware.relay].
    relay: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class NodeSettings:
    role: str
    #: Folder holding the node's node.key and node.crt (from 'gridnode init').
    identity_dir: Path
    #: The SQLite ledger.
    ledger: Path
    #: The local status socket (mode 0600) the dashboard reads.
    status_socket: Path
    lnd: LndSettings
    #: The raw [hardware] table, checked by gridnode.hardware.config.
    hardware: Mapping[str, Any]
    #: Seller: where to listen for buyers ("0.0.0.0:9735").
    listen: str | None
    #: Seller: the buyers it sells to.
    buyers: tuple[BuyerEntry, ...]
    #: Seller: its sale terms.
    terms: OfferTemplate | None
    #: Buyer: the seller's address, fingerprint and certificate.
    seller_address: str | None
    seller_fingerprint: str | None
    seller_certificate: Path | None
    #: Buyer: what it accepts.
    limits: BuyerLimits | None
    #: Buyer: where the live rate is published (ZeroMQ endpoint).
    rate_feed: str
    #: The folder of the configuration file; relative paths start here.
    base: Path
    #: The meters' energy register step (an SDM120 counts in 0.01 kWh).
    register_step_mwh: int = 10_000
    #: Buyer: the rate feed's CurveZMQ keys and subscriber allow-list (docs/loads.md).
    rate_feed_curve: CurveServer | None = None
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


def load_settings(path: Path | str, env: Mapping[str, str] | None = None) -> NodeSettings:
    """Read and check a node configuration; raises :class:`ConfigError` listing every
    mistake."""
    path = Path(path)
    doc = load_toml(path, env)
    problems = Problems(str(path))
    settings = read_settings(doc, path.resolve().parent, problems)
    problems.raise_if_any()
    assert settings is not None
    return settings


def read_settings(doc: Mapping[str, Any], base: Path, problems: Problems) -> NodeSettings | None:
    top = Table(doc, "", problems)
    role = top.choice("role", ("seller", "buyer"))
    identity_dir = top.path_value("identity_dir", base, ".")
    ledger = top.path_value("ledger", base, "ledger.sqlite")
    status_socket = top.path_value("status_socket", base, "status.sock")
    lnd = _read_lnd(top.table("lnd"), base)
    hardware = top.table("hardware").doc
    buyers: tuple[BuyerEntry, ...] = ()
    terms = limits = None
    listen = seller_address = seller_fingerprint = None
    seller_certificate = None
    rate_feed = "tcp://127.0.0.1:5556"
    rate_feed_curve = None
    register_step_mwh = top.positive("register_step_mwh", 10_000, hint="0.01 kWh is 10000")
    budget_mb = top.positive("storage_budget_mb_per_day", 20, hint="MB per day, like 20")
    raw_window_days = top.positive("ledger_raw_window_days", 7, hint="days, like 7")
    lnd_data_dir = top.path_value("lnd_data_dir", base) if top.has("lnd_data_dir") else None
    require_clock_sync = top.get("require_clock_sync", bool, True)
    link = read_link(top.table("link", required=False))
    if role == "seller":
        listen = top.get("listen", str, hint='address and port, like "0.0.0.0:7878"')
        buyers = tuple(_read_buyer(t, base) for t in top.tables("buyers"))
        if not buyers and "buyers" not in doc:
            problems.add("[[buyers]] is missing: a seller needs at least one buyer to sell to")
        terms = read_terms(top.table("terms"), register_step_mwh=register_step_mwh)
    elif role == "buyer":
        seller = top.table("seller")
        seller_address = seller.get("address", str, hint='like "192.168.1.10:9735"')
        seller_fingerprint = _fingerprint(seller, "fingerprint")
        seller_certificate = seller.path_value("certificate", base)
        seller.unknown_keys()
        limits = read_limits(top.table("limits"), "", register_step_mwh=register_step_mwh)
        rate_feed = top.get("rate_feed", str, rate_feed)
        rate_feed_curve = read_feed_curve(top, base)
    top.unknown_keys(
        {"buyers", "terms", "seller", "limits", "listen", "rate_feed", "rate_feed_curve"}
    )
    if problems.items:
        return None
    return NodeSettings(
        role=role,
        identity_dir=identity_dir,
        ledger=ledger,
        status_socket=status_socket,
        lnd=lnd,
        hardware=hardware,
        listen=listen,
        buyers=buyers,
        terms=terms,
        seller_address=seller_address,
        seller_fingerprint=seller_fingerprint,
        seller_certificate=seller_certificate,
        limits=limits,
        rate_feed=rate_feed,
        base=base,
        register_step_mwh=register_step_mwh,
        rate_feed_curve=rate_feed_curve,
        storage_budget_mb_per_day=budget_mb,
        ledger_raw_window_days=raw_window_days,
        lnd_data_dir=lnd_data_dir,
        link=link,
        require_clock_sync=require_clock_sync,
    )


#: The [link] keys a person may set, each with the range it must lie in (seconds); the
#: defaults are LinkSettings' own. The rest of LinkSettings (frame size, buffers, queue
#: lengths) is part of the protocol's behaviour, not a site's choice.
LINK_RANGES: dict[str, tuple[float, float]] = {
    "handshake_timeout_s": (1, 120),
    "read_timeout_s": (1, 300),
    "heartbeat_interval_s": (1, 300),
    "idle_timeout_s": (2, 900),
    "drain_timeout_s": (1, 300),
    "max_clock_skew_s": (0.5, 300),
    "session_expiry_s": (10, 86_400),
    "reconnect_initial_s": (0.1, 60),
    "reconnect_max_s": (1, 3_600),
}
_LINK_DEFAULTS = {f.name: f.default for f in fields(LinkSettings)}


def read_link(table: Table) -> LinkSettings:
    """The optional [link] table: each key within its range, and the keys consistent with
    each other; a missing key keeps LinkSettings' default."""
    problems_before = len(table.problems.items)
    values: dict[str, Any] = {}
    for key, (low, high) in LINK_RANGES.items():
        default = _LINK_DEFAULTS[key]
        assert isinstance(default, float)
        values[key] = table.number_in(key, default, low, high)
    values["outbox_synchronous"] = table.choice(
        "outbox_synchronous", ("NORMAL", "FULL"), str(_LINK_DEFAULTS["outbox_synchronous"])
    )
    table.unknown_keys()
    heartbeat, idle = values["heartbeat_interval_s"], values["idle_timeout_s"]
    if idle < 2 * heartbeat:
        table.problems.add(
            f"link.idle_timeout_s ({idle:g} s) must be at least twice "
            f"link.heartbeat_interval_s ({heartbeat:g} s), or a healthy link whose PING comes "
            "a little late is dropped; three times is usual"
        )
    first, longest = values["reconnect_initial_s"], values["reconnect_max_s"]
    if longest < first:
        table.problems.add(
            f"link.reconnect_max_s ({longest:g} s) must be at least "
            f"link.reconnect_initial_s ({first:g} s): the wait doubles up to it"
        )
    expiry = values["session_expiry_s"]
    if longest >= expiry:
        table.problems.add(
            f"link.reconnect_max_s ({longest:g} s) must be below link.session_expiry_s "
            f"({expiry:g} s), or the session expires while the buyer waits to reconnect"
        )
    if len(table.problems.items) > problems_before:
        return LinkSettings()  # each mistake is reported once, above
    try:
        return LinkSettings(**values)
    except UsageError as exc:  # a rule of LinkSettings' own the checks above missed
        table.problems.add(f"link: {exc}")
        return LinkSettings()


def _read_lnd(table: Table, base: Path) -> LndSettings:
    allow_broad = table.get("allow_broad_macaroon", bool, False)
    if table.has("lndconnect"):
        uri = table.get("lndconnect", str)
        table.unknown_keys()
        try:
            LndConnection.from_lndconnect(uri)
        except UsageError as exc:
            table.problems.add(f"lnd.{exc}")
        return LndSettings("", None, None, uri, allow_broad)
    host = table.get("host", str, hint='like "127.0.0.1:10009"')
    tls_cert = table.path_value("tls_cert", base)
    macaroon = table.path_value("macaroon", base)
    if table.has("tls_cert") and not tls_cert.is_file():
        table.problems.add(f"lnd.tls_cert: {tls_cert} does not exist (LND's tls.cert)")
    if table.has("macaroon") and not macaroon.is_file():
        table.problems.add(f"lnd.macaroon: {macaroon} does not exist; bake it as the README says")
    table.unknown_keys()
    return LndSettings(host, tls_cert, macaroon, None, allow_broad)


def _read_buyer(table: Table, base: Path) -> BuyerEntry:
    entry = BuyerEntry(
        name=table.get("name", str),
        fingerprint=_fingerprint(table, "fingerprint"),
        certificate=table.path_value("certificate", base),
        meter=table.get("meter", str, hint="the id of a [[hardware.meters]] entry"),
        relay=table.table("relay").doc,
    )
    table.unknown_keys()
    return entry


def _fingerprint(table: Table, key: str) -> str:
    text = table.get(key, str, hint="64 hex digits from 'gridnode fingerprint'")
    cleaned = text.replace(":", "").replace(" ", "").lower()
    if table.has(key) and (len(cleaned) != 64 or any(c not in "0123456789abcdef" for c in cleaned)):
        table.problems.add(
            f"{table.path}.{key} must be 64 hex digits (the SHA-256 printed by "
            f"'gridnode fingerprint'), not {text!r}"
        )
    return cleaned
