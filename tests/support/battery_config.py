"""A battery node's and a prosumer's configuration files, for tests: the support seller's
and buyer's tables (:mod:`tests.support.node_config`) in one file, with an inverter
meter, the shipped [battery] sample (or a [pv]) and a macaroon for both roles."""

from __future__ import annotations

from pathlib import Path

from gridnode.config.battery_node import BatterySettings
from gridnode.config.examples import example
from gridnode.config.settings import load_settings
from gridnode.wallet.macaroon import ROLE_PERMISSIONS
from tests.support.macaroons import bake
from tests.support.node_config import BUYER, SELLER, write

_SELLER_TOP, _SELLER_REST = SELLER.split("[lnd]", 1)
_HARDWARE_AND_REST = _SELLER_REST[_SELLER_REST.index("[hardware.bus]") :]
_BUYING = BUYER[BUYER.index("[seller]") :]

LND = """
[lnd]
host = "127.0.0.1:10009"
tls_cert = "tls.cert"
macaroon = "node.macaroon"
"""

INVERTER = """
[[hardware.meters]]
id = "inverter"
model = "sim_inverter"
address = 2
"""

PV_METERS = """
[[hardware.meters]]
id = "pv"
model = "sdm120"
address = 3

[[hardware.meters]]
id = "grid"
model = "sdm120"
address = 4
"""

PV = """
[pv]
production_meter = "pv"
connection_meter = "grid"
price_msat_per_kwh = 180_000
"""


def battery_text() -> str:
    """A complete battery node: the support seller's buyer and terms, the support
    buyer's seller and limits (its seller's meter is "tenant-1" on that seller's side),
    the inverter as the node's own meter and the shipped [battery]."""
    top = _SELLER_TOP.replace('role = "seller"', 'role = "battery"')
    top += 'inverter_meter = "inverter"\n'
    hardware = _HARDWARE_AND_REST.replace("[[buyers]]", INVERTER + "\n[[buyers]]", 1)
    return top + LND + "\n" + hardware + "\n" + _BUYING + "\n" + example("battery")


def prosumer_text() -> str:
    """A prosumer: the battery node's file with [pv] and its two meters instead of the
    inverter and [battery]."""
    top = _SELLER_TOP.replace('role = "seller"', 'role = "prosumer"')
    hardware = _HARDWARE_AND_REST.replace("[[buyers]]", PV_METERS + "\n[[buyers]]", 1)
    return top + LND + "\n" + hardware + "\n" + _BUYING + "\n" + PV


def write_node(folder: Path, text: str, permissions: frozenset[str] | None = None) -> Path:
    """``text`` in ``folder`` with the files it names, and ``node.macaroon`` baked with
    ``permissions`` (by default both roles')."""
    path = write(folder, text)
    both = ROLE_PERMISSIONS["seller"] | ROLE_PERMISSIONS["buyer"]
    (folder / "node.macaroon").write_bytes(
        bake(sorted(both if permissions is None else permissions))
    )
    return path


def battery_settings(folder: Path, text: str | None = None) -> BatterySettings:
    settings = load_settings(write_node(folder, battery_text() if text is None else text), env={})
    assert isinstance(settings, BatterySettings)
    return settings
