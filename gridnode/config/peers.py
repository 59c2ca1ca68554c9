"""The pinned peers of a node's configuration: a seller's ``[[buyers]]`` and a buyer's
``[seller]`` (or ``[[sellers]]``, the estate market: docs/market.md), each with the
fingerprint compared aloud and the certificate file, which must hold a key with that
fingerprint (docs/peer-link.md, section 2). The certificates are read at load, so a
wrong or missing file stops the node before it connects to anything, in the same list as
every other mistake.

.. code-block:: toml

    listen = "0.0.0.0:7878"          # a seller: where buyers connect
    [[buyers]]
    name = "flat-2"
    fingerprint = "9e7b b4dc ..."    # 64 hex digits; spaces, colons, any case
    certificate = "peers/flat-2.crt"
    meter = "flat-2"                 # the [[hardware.meters]] id of this buyer's supply
    relay = { kind = "gpio", pin = 17 }
    lightning_node = "03a1..."       # optional: the buyer's LND node id (66 hex digits)
    tariff = "night"                 # optional: a [tariffs.NAME]; without it, [terms]
    metering = "seller"              # optional: a tenant without a meter of its own

    [seller]                         # a buyer: the seller it buys from
    address = "192.0.2.10:7878"
    fingerprint = "d3d7 dd50 ..."
    certificate = "peers/seller.crt"
    lightning_node = "02b7..."       # optional: the seller's LND node id

    [[sellers]]                      # or several sellers (instead of [seller])
    name = "roof"
    address = "192.0.2.10:7878"
    fingerprint = "d3d7 dd50 ..."
    certificate = "peers/roof.crt"
    priority = 1                     # optional: ties go to the smallest (default: the order)
    premium_msat_per_kwh = 2000      # optional: paid gladly above the others (default 0)
    feed = "roof"                    # optional: the feed into the circuit (default: the name)
    seller_meter_id = "roof-meter"   # optional: instead of [limits] seller_meter_id

``lightning_node`` names the peer's end of the direct channel that carries the sessions:
``gridnode doctor`` checks that channel and the liquidity watch measures it. Without it
they can only look at every channel together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from gridnode.config.hardware import read_relay
from gridnode.config.reader import Table
from gridnode.hardware.config import RelayConfig
from gridnode.identity import IdentityError
from gridnode.peer.tls import PinnedPeer

#: The port buyers connect to when an example needs one (not LND's 9735).
DEFAULT_PORT = 7878
_HEX64 = re.compile(r"[0-9a-f]{64}")
_NODE_ID = re.compile(r"0[23][0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class BuyerEntry:
    """One buyer a seller sells to, bound to its own meter and relay."""

    #: A name for logs and the dashboard.
    name: str
    #: The buyer's key fingerprint (64 lowercase hex digits), exchanged out of band.
    fingerprint: str
    #: The buyer's certificate (PEM), exchanged with the fingerprint.
    certificate: Path
    #: The id of the [[hardware.meters]] entry that measures this buyer's supply.
    meter: str
    #: The relay that switches this buyer's supply.
    relay: RelayConfig
    #: The buyer's Lightning node id (66 hex digits): the far end of the direct channel
    #: that carries its payments; "" when not configured.
    lightning_node: str = ""
    #: The ``[tariffs.NAME]`` this buyer is sold on; "" for the default ``[terms]``.
    tariff: str = ""
    #: The buyer has no meter of its own (``metering = "seller"``): its offers say it
    #: pays against this seller's signed readings alone (docs/trade.md).
    seller_metered: bool = False


@dataclass(frozen=True, slots=True)
class SellerEntry:
    """One seller a buyer buys from: the ``[seller]`` table, or one of ``[[sellers]]``."""

    #: A name for logs and the dashboard.
    name: str
    #: host:port the seller listens on.
    address: str
    #: The seller's key fingerprint (64 lowercase hex digits), exchanged out of band.
    fingerprint: str
    #: The seller's certificate (PEM), exchanged with the fingerprint.
    certificate: Path
    #: The seller's Lightning node id (66 hex digits): the far end of the direct channel
    #: the buyer pays through; "" when not configured.
    lightning_node: str = ""
    #: Breaks a tie between equal scores in the market: the smallest number wins.
    priority: int = 1
    #: What the buyer gladly pays this seller above the others (a friend, local solar):
    #: subtracted from the seller's score over each period.
    premium_msat_per_kwh: int = 0
    #: The feed into the buyer's circuit this seller's supply arrives on.
    feed: str = "seller"
    #: The meter the seller sells from; "" means ``[limits] seller_meter_id``.
    seller_meter_id: str = ""


def parse_address(text: object) -> tuple[str, int]:
    """``host:port`` (IPv6 in brackets) as a pair; ValueError with a phrase otherwise."""
    if not isinstance(text, str) or ":" not in text:
        raise ValueError(f'must be "host:port", like "192.0.2.10:{DEFAULT_PORT}", not {text!r}')
    host, _, port_text = text.rpartition(":")
    host = host.strip("[]")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f'must be "host:port" with a port from 1 to 65535, not {text!r}')
    return host, int(port_text)


def read_address(table: Table, key: str, *, hint: str) -> str:
    """A ``host:port`` setting, kept as written once it parses."""
    text = table.get(key, str, hint=hint)
    if table.has(key) and isinstance(table.doc[key], str):
        try:
            parse_address(text)
        except ValueError as exc:
            table.problems.add(f"{table.name(key)} {exc}")
    return text


def read_buyers(top: Table, base: Path) -> dict[str, BuyerEntry]:
    """A seller's ``[[buyers]]``, each pinned from its files, each name and key once: the
    entries without mistakes, by where they are written (``"buyers[0]"``)."""
    buyers: dict[str, BuyerEntry] = {}
    for table in top.tables("buyers"):
        before = len(table.problems.items)
        relay_table = table.table("relay")  # a missing one is reported here
        relay = read_relay(relay_table) if table.has("relay") else None
        entry = BuyerEntry(
            name=table.get("name", str, hint='a name for logs and the dashboard, like "flat-2"'),
            fingerprint=read_fingerprint(table),
            certificate=table.path_value("certificate", base),
            meter=table.get("meter", str, hint="the id of a [[hardware.meters]] entry"),
            relay=relay or RelayConfig("gpio"),  # a placeholder: the entry is dropped
            lightning_node=read_lightning_node(table),
            tariff=table.get("tariff", str, "", hint='a [tariffs.NAME], like "night"'),
            seller_metered=table.choice("metering", ("dual", "seller"), "dual") == "seller",
        )
        table.unknown_keys()
        check_certificate(table, entry.name, entry.fingerprint, entry.certificate)
        if len(table.problems.items) == before:
            buyers[table.path] = entry
    if "buyers" not in top.doc:
        top.problems.add("[[buyers]] is missing: a seller needs at least one buyer to sell to")
    for what, values in (
        ("name", [b.name for b in buyers.values()]),
        ("fingerprint", [b.fingerprint for b in buyers.values()]),
    ):
        for value in sorted({v for v in values if values.count(v) > 1}):
            top.problems.add(
                f"buyers: the {what} {value!r} is listed twice; each buyer needs its own "
                "name and its own key"
            )
    return buyers


def read_sellers(top: Table, base: Path) -> tuple[SellerEntry, ...]:
    """A buyer's sellers: the one ``[seller]`` table, or the entries of ``[[sellers]]``
    (each name, key, priority and feed once), in the order written."""
    if top.has("seller") and top.has("sellers"):
        top.problems.add(
            "[seller] and [[sellers]] are both written: keep one; move the [seller] table "
            "into a [[sellers]] entry (with a name) to buy from several sellers"
        )
        top.table("seller")
        top.tables("sellers")
        return ()
    if not top.has("sellers"):
        return (_read_seller(top.table("seller"), base, None, 1),)
    entries = [
        _read_seller(table, base, "", position)
        for position, table in enumerate(top.tables("sellers"), start=1)
    ]
    if not entries and not top.problems.items:
        top.problems.add("[[sellers]] is empty: a buyer needs at least one seller to buy from")
    extra = {
        "priority": " (a tie in the market goes to the smallest)",
        "feed": " (its own supply into the circuit)",
    }
    for what, values in (
        ("name", [e.name for e in entries]),
        ("fingerprint", [e.fingerprint for e in entries if e.fingerprint]),
        ("priority", [str(e.priority) for e in entries]),
        ("feed", [e.feed for e in entries]),
    ):
        for value in sorted({v for v in values if values.count(v) > 1}):
            shown = value if what == "priority" else repr(value)
            top.problems.add(
                f"sellers: the {what} {shown} is listed twice; each seller needs its own "
                f"{what}{extra.get(what, '')}"
            )
    return tuple(entries)


def _read_seller(table: Table, base: Path, name: str | None, position: int) -> SellerEntry:
    """One seller's table: ``[seller]`` (``name`` None: named "seller") or an entry of
    ``[[sellers]]`` (its ``name`` required; priority by ``position`` unless written)."""
    if name is None:
        name = table.get("name", str, "seller")
    else:
        name = table.get("name", str, hint='a name for logs and the dashboard, like "roof"')
    priority = table.get("priority", int, position)
    if table.has("priority") and isinstance(table.doc["priority"], int) and priority < 1:
        table.problems.add(
            f"{table.name('priority')} must be 1 or more (1 wins a tie), not {priority}"
        )
    premium = table.get("premium_msat_per_kwh", int, 0)
    if premium < 0:
        table.problems.add(
            f"{table.name('premium_msat_per_kwh')} must be 0 or more msat per kWh (what "
            f"this buyer gladly pays the seller above the others), not {premium}"
        )
    feed = table.get("feed", str, name or "seller")
    if not feed.strip():
        table.problems.add(
            f"{table.name('feed')} must name the feed this seller's supply arrives on, "
            'like "roof"; leave it out to use the seller\'s name'
        )
    meter = table.get("seller_meter_id", str, "") if table.has("seller_meter_id") else ""
    entry = SellerEntry(
        name=name,
        address=read_address(table, "address", hint='like "192.168.1.10:7878"'),
        fingerprint=read_fingerprint(table),
        certificate=table.path_value("certificate", base),
        lightning_node=read_lightning_node(table),
        priority=priority,
        premium_msat_per_kwh=premium,
        feed=feed,
        seller_meter_id=meter,
    )
    table.unknown_keys()
    check_certificate(table, entry.name, entry.fingerprint, entry.certificate)
    return entry


def read_fingerprint(table: Table, key: str = "fingerprint") -> str:
    """64 hex digits as a person types them (spaces, colons, any case), normalised."""
    text = table.get(key, str, hint="64 hex digits from 'gridnode fingerprint'")
    cleaned = re.sub(r"[\s:]", "", text).lower()
    if table.has(key) and isinstance(table.doc[key], str) and not _HEX64.fullmatch(cleaned):
        table.problems.add(
            f"{table.name(key)} must be 64 hex digits (the SHA-256 printed by "
            f"'gridnode fingerprint'), not {text!r}"
        )
        return ""
    return cleaned


def read_lightning_node(table: Table) -> str:
    """The optional ``lightning_node``: a Lightning node id, 66 hex digits from 02 or 03."""
    if not table.has("lightning_node"):
        return ""
    text = table.get("lightning_node", str)
    cleaned = text.strip().lower() if isinstance(text, str) else ""
    if isinstance(text, str) and not _NODE_ID.fullmatch(cleaned):
        table.problems.add(
            f"{table.name('lightning_node')} must be a Lightning node id, 66 hex digits "
            f"starting 02 or 03 (the peer's 'lncli getinfo' identity_pubkey), not {text!r}"
        )
        return ""
    return cleaned


def check_certificate(table: Table, name: str, fingerprint: str, certificate: Path) -> None:
    """The certificate file must be readable and hold the key of ``fingerprint``."""
    if not fingerprint or not table.has("certificate"):
        return  # a missing or malformed key is reported already
    try:
        PinnedPeer.from_files(name or "?", fingerprint, certificate)
    except IdentityError as exc:
        table.problems.add(f"{table.name('certificate')}: {str(exc).rstrip('.')}")
