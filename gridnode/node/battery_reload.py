"""A running battery node or prosumer reads its configuration again: on SIGHUP, and on
``gridnode tariff reload`` (issue 22, with issue 18's reload; docs/battery.md).

Its seller part reloads as a seller's does (:mod:`gridnode.node.reload`): ``[terms]`` and
``[tariffs]`` (the price still follows the book or the surplus each period; the rest of
the terms, its period, payments and electrical guarantee, reach each buyer at its next
renewal) and buyers added or removed. Its own part:

- a battery's reserve floor and maximum charge take effect at once (the issue's reserve
  "raised on demand": the pledges beyond the new bounds are cut, and the sessions that
  used them up with them); its ``[battery.prices]`` and zone from the next period;
- a prosumer's ``[pv]`` price, offered share, smallest offer and tolerance, and zone,
  from the next period.

What describes the hardware or the buying side (the battery's capacity, power and
efficiencies, the node's own meters, ``[[sellers]]``, ``[limits]``, ...) is named and
left as it runs until the next restart: the book's arithmetic and the buying side's
sessions were built on them. A file with a mistake changes nothing, as for a seller.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from gridnode.config.battery import BatteryConfig
from gridnode.config.battery_node import BatterySettings
from gridnode.config.parts import BuyingSettings
from gridnode.config.peers import BuyerEntry
from gridnode.config.pv import PvConfig
from gridnode.config.settings import AnySettings, load_settings
from gridnode.hardware.ports import HardwarePorts
from gridnode.node.battery_desk import BatteryDesk
from gridnode.node.battery_role import BatteryRole
from gridnode.node.context import NodeContext
from gridnode.node.prosumer_desk import ProsumerDesk
from gridnode.node.reload import (
    ReloadPlan,
    ReloadResult,
    SellerReloader,
    SlotBuilder,
    plan_reload,
)
from gridnode.node.seller_role import SellerRole
from gridnode.node.seller_slot import BuyerSlot

#: The battery's facts (its [battery] keys): the book's arithmetic rests on them.
_FACTS = {
    "capacity_mwh": "capacity_kwh",
    "power_limit_mw": "power_limit_kw",
    "charge_efficiency_ppm": "charge_efficiency_percent",
    "discharge_efficiency_ppm": "discharge_efficiency_percent",
    "self_discharge_ppm_per_hour": "self_discharge_ppm_per_hour",
}
#: The buying side's settings, by the key a person writes.
_BUYING = {
    "sellers": "[[sellers]]",
    "limits": "[limits]",
    "breach_hold_ms": "limits.breach_hold_s",
    "rate_feed": "rate_feed",
    "rate_feed_curve": "rate_feed_curve",
    "market_period_ms": "market_period_s",
    "switch_threshold": "switch_threshold_msat",
}
PPM_PER_PERCENT = 10_000


@dataclass(frozen=True, slots=True)
class BatteryReloadPlan(ReloadPlan):
    """What a reload changes in a running battery node or prosumer: the seller part's
    plan, and the node's own part."""

    #: the [battery] the node runs on after the reload (its new levels, prices, zone)
    battery: BatteryConfig | None
    #: the [pv] the node runs on after the reload (its new rule and zone)
    pv: PvConfig | None
    #: what of the node's own part changes, one phrase each
    applied: tuple[str, ...]

    def describe(self) -> str:
        seller = ReloadPlan.describe(dataclasses.replace(self, restart_only=()))
        parts = [seller, *self.applied]
        if self.restart_only:
            parts.append(
                f"{', '.join(self.restart_only)} changed and take effect at the next restart "
                "(the hardware, LND, the battery's facts and the buying side run as opened)"
            )
        return "; ".join(parts)


def plan_battery_reload(
    running: BatterySettings,
    new: AnySettings,
    *,
    meters: Collection[str],
    leaving: Sequence[BuyerEntry] = (),
) -> BatteryReloadPlan:
    """Hold ``new`` (loaded and checked) against the ``running`` node (pure); raises
    :class:`~gridnode.node.reload.ReloadRefusedError` naming every reason the seller
    part cannot be applied (another role, a buyer's meter changed, ...)."""
    seller = plan_reload(running, new, meters=meters, leaving=leaving)
    assert isinstance(new, BatterySettings)  # plan_reload refused any other role
    waiting = list(seller.restart_only)
    waiting += [
        _BUYING.get(f.name, f.name)
        for f in dataclasses.fields(BuyingSettings)
        if getattr(new.buying, f.name) != getattr(running.buying, f.name)
    ]
    if new.own_meter != running.own_meter:
        waiting.append("inverter_meter" if running.battery is not None else "pv.connection_meter")
    applied: list[str] = []
    battery = running.battery
    if running.battery is not None and new.battery is not None:
        battery = _battery_part(running.battery, new.battery, applied, waiting)
    pv = running.pv
    if running.pv is not None and new.pv is not None:
        pv = _pv_part(running.pv, new.pv, applied, waiting)
    kept = {f.name: getattr(seller, f.name) for f in dataclasses.fields(ReloadPlan)}
    kept["restart_only"] = tuple(waiting)
    return BatteryReloadPlan(**kept, battery=battery, pv=pv, applied=tuple(applied))


def _battery_part(
    old: BatteryConfig, new: BatteryConfig, applied: list[str], waiting: list[str]
) -> BatteryConfig:
    """The [battery] to run on: the new levels, prices and zone on the old facts."""
    waiting += [
        f"battery.{key}"
        for name, key in _FACTS.items()
        if getattr(old.spec, name) != getattr(new.spec, name)
    ]
    if new.stored_cost_msat_per_kwh != old.stored_cost_msat_per_kwh:
        waiting.append("battery.stored_cost_msat_per_kwh")
    levels = (("reserve_ppm", "reserve"), ("max_charge_ppm", "maximum charge"))
    for name, said in levels:
        before, after = getattr(old.spec, name), getattr(new.spec, name)
        if before != after:
            applied.append(f"the battery's {said} {_percent(before)} -> {_percent(after)} at once")
    if new.pricing != old.pricing:
        applied.append("[battery.prices] from the next period")
    if new.zone_name != old.zone_name:
        applied.append(f"the offers' zone {new.zone_name} from the next period")
    spec = dataclasses.replace(
        old.spec, reserve_ppm=new.spec.reserve_ppm, max_charge_ppm=new.spec.max_charge_ppm
    )
    return dataclasses.replace(old, spec=spec, pricing=new.pricing, zone_name=new.zone_name)


def _pv_part(old: PvConfig, new: PvConfig, applied: list[str], waiting: list[str]) -> PvConfig:
    """The [pv] to run on: the new rule and zone on the old meters."""
    if new.production_meter != old.production_meter:
        waiting.append("pv.production_meter")
    if new.rule != old.rule:
        applied.append(
            f"[pv] price {new.rule.price_msat_per_kwh} msat/kWh, offering "
            f"{_percent(new.rule.share_ppm)} of the surplus, from the next period"
        )
    if new.zone_name != old.zone_name:
        applied.append(f"the offers' zone {new.zone_name} from the next period")
    return dataclasses.replace(old, rule=new.rule, zone_name=new.zone_name)


def _percent(ppm: int) -> str:
    whole, part = divmod(ppm, PPM_PER_PERCENT)
    return f"{whole} %" if not part else f"{whole}.{part:04d}".rstrip("0") + " %"


class BatteryReloader(SellerReloader):
    """Reloads a running battery node's or prosumer's file: the seller part as a
    seller's, then its own part on its desk."""

    def __init__(
        self,
        path: Path,
        settings: BatterySettings,
        role: SellerRole,
        build_slots: SlotBuilder,
        *,
        meters: Collection[str],
        desk: BatteryDesk | ProsumerDesk,
        battery: BatteryRole | None = None,
        load: Callable[[Path], AnySettings] = load_settings,
    ) -> None:
        super().__init__(path, settings, role, build_slots, meters=meters, load=load)
        #: the settings the node runs on, as a battery node's (``settings``, typed)
        self.node = settings
        self.desk = desk
        #: the battery's part, whose book is made fresh at the inverter's first reading
        self.battery = battery

    def plan(self, new: AnySettings, leaving: Sequence[BuyerEntry]) -> ReloadPlan:
        return plan_battery_reload(self.node, new, meters=self.meters, leaving=leaving)

    def apply(self, plan: ReloadPlan, new: AnySettings, added: Sequence[BuyerSlot]) -> None:
        super().apply(plan, new, added)
        assert isinstance(plan, BatteryReloadPlan)
        desk = self.desk
        if plan.battery is not None and isinstance(desk, BatteryDesk):
            spec = plan.battery.spec
            desk.set_levels(spec.reserve_ppm, spec.max_charge_ppm)
            desk.rule, desk.zone_name = plan.battery.pricing, plan.battery.zone_name
            if self.battery is not None and self.battery.fresh is not None:
                self.battery.fresh = plan.battery.book  # not read yet: made on the new levels
        if plan.pv is not None and isinstance(desk, ProsumerDesk):
            desk.rule, desk.zone_name = plan.pv.rule, plan.pv.zone_name
        assert isinstance(self.settings, BatterySettings)  # its selling part reloaded
        self.node = dataclasses.replace(self.settings, battery=plan.battery, pv=plan.pv)
        self.settings = self.node


def battery_reload(
    config_path: Path | None,
    settings: BatterySettings,
    seller: SellerRole,
    ctx: NodeContext,
    hardware: HardwarePorts,
    poll_s: float,
    desk: BatteryDesk | ProsumerDesk,
    battery: BatteryRole | None = None,
) -> Callable[[], Awaitable[ReloadResult]] | None:
    """The runtime's reload of a node started from ``config_path`` (None: a node built
    without its file, in tests, reloads nothing)."""
    if config_path is None:
        return None
    from gridnode.node.factory import _slot_builder

    reloader = BatteryReloader(
        config_path,
        settings,
        seller,
        _slot_builder(seller, ctx, hardware, poll_s),
        meters=set(hardware.meters),
        desk=desk,
        battery=battery,
    )
    return reloader.reload
