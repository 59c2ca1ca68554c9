"""A battery node's and a prosumer's settings: a seller's part and a buyer's part in one
file, with one identity, one LND and one ledger (issue 22, docs/battery.md).

``role = "battery"`` has a seller's ``listen``, ``[[buyers]]``, ``[terms]`` and
``[tariffs]``, a buyer's ``[[sellers]]`` (or ``[seller]``) and ``[limits]``, the
``[battery]`` table and ``inverter_meter``: the ``[[hardware.meters]]`` id of the battery
inverter, read like a meter; its readings feed the book, and it is the buying side's own
meter. ``role = "prosumer"`` has ``[pv]`` instead of ``[battery]`` and ``inverter_meter``;
its buying side reads the connection meter ``[pv]`` names.

The one macaroon must allow what a seller needs and what a buyer needs: the node issues
invoices and pays them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from gridnode.config.battery import BatteryConfig, read_battery
from gridnode.config.lnd import LndSettings
from gridnode.config.parts import BuyingSettings, CommonSettings, SellingSettings
from gridnode.config.pv import PvConfig, read_pv
from gridnode.config.reader import Table
from gridnode.errors import UsageError
from gridnode.wallet import macaroon

#: The roles that buy and sell in one process.
BATTERY_ROLES = ("battery", "prosumer")


@dataclass(frozen=True, slots=True, kw_only=True)
class BatterySettings(CommonSettings):
    """A node that sells and buys (a battery, a prosumer): both parts, one identity."""

    #: "battery" (a [battery]) or "prosumer" (a [pv]).
    role: Literal["battery", "prosumer"] = "battery"
    #: What it sells, and to whom (its [[buyers]], [terms], [tariffs]).
    selling: SellingSettings
    #: What it buys, and from whom (its [[sellers]], [limits]).
    buying: BuyingSettings
    #: The [[hardware.meters]] id the buying side reads as its own meter; for a battery,
    #: the inverter, whose stored energy feeds the book.
    own_meter: str
    #: The [battery] table (a battery node).
    battery: BatteryConfig | None = None
    #: The [pv] table (a prosumer).
    pv: PvConfig | None = None


def read_battery_node(
    top: Table,
    role: str,
    common: Mapping[str, Any],
    selling: SellingSettings | None,
    buying: BuyingSettings | None,
) -> BatterySettings | None:
    """The settings of a ``role`` in :data:`BATTERY_ROLES` from its two parts (read as a
    seller's and a buyer's); None when ``top.problems`` holds mistakes (each is there)."""
    problems = top.problems
    before = len(problems.items)
    _check_macaroon(top, common["lnd"])
    if top.doc.get("metering") == "seller":
        problems.add(
            f'metering = "seller": a {role} node reads its own meter when it buys (its '
            f"{'inverter' if role == 'battery' else 'connection meter'}); remove metering"
        )
    battery: BatteryConfig | None = None
    pv: PvConfig | None = None
    if role == "battery":
        battery = read_battery(top)
        own = top.get("inverter_meter", str, hint='a [[hardware.meters]] id, like "inverter"')
        meters = [("inverter_meter", own)] if top.has("inverter_meter") else []
    else:
        pv = read_pv(top)
        own = pv.connection_meter if pv is not None else ""
        meters = [] if pv is None else [("pv.production_meter", pv.production_meter)]
        meters += [("pv.connection_meter", own)] if pv is not None else []
    _check_meters(top, common, meters, selling)
    if selling is None or buying is None or len(problems.items) > before:
        return None
    return BatterySettings(
        **common,
        role="battery" if role == "battery" else "prosumer",
        selling=selling,
        buying=buying,
        own_meter=own,
        battery=battery,
        pv=pv,
    )


def _check_meters(
    top: Table,
    common: Mapping[str, Any],
    named: list[tuple[str, str]],
    selling: SellingSettings | None,
) -> None:
    """The node's own meters are configured, and none of them is a buyer's."""
    hardware = common["hardware"]
    if hardware is None:
        return
    buyers = {entry.meter: entry.name for entry in selling.buyers} if selling else {}
    for key, meter_id in named:
        if hardware.meter(meter_id) is None:
            top.problems.add(
                f"{key}: no [[hardware.meters]] has id {meter_id!r}; add the meter or fix the id"
            )
        elif meter_id in buyers:
            top.problems.add(
                f"{key}: {meter_id!r} is buyer {buyers[meter_id]!r}'s meter; the node's own "
                "meter needs a meter of its own"
            )


def _check_macaroon(top: Table, lnd: LndSettings) -> None:
    """The macaroon allows both roles' calls (never more is not checked: the union of two
    least privileges is what a node that sells and buys needs)."""
    if any(item.startswith("lnd") for item in top.problems.items):
        return  # the [lnd] table's own mistakes come first
    try:
        found = macaroon.parse(lnd.connection().macaroon)
    except UsageError as exc:
        top.problems.add(f"lnd.{str(exc).rstrip('.')}")
        return
    missing = sorted(set(found.missing_for("seller")) | set(found.missing_for("buyer")))
    if missing:
        top.problems.add(
            f"lnd.macaroon: a node that sells and buys needs both roles' permissions, and "
            f"its macaroon lacks {', '.join(missing)}; bake one with the permissions of "
            f"{macaroon.BAKE_COMMANDS['seller']} and of {macaroon.BAKE_COMMANDS['buyer']}"
        )
