"""A running seller reads its configuration again (issue 18): on SIGHUP, and on
``gridnode tariff reload`` (the status socket's Reload).

The file is loaded and checked as at start (:func:`gridnode.config.settings.load_settings`,
every mistake at once); then :func:`plan_reload` holds it against what runs. What a
reload changes: the default ``[terms]``, the ``[tariffs.NAME]`` and each buyer's
``tariff`` (at each buyer's next offer or renewal: a running period keeps the terms both
sides signed), buyers added (a slot each, on a meter the running node already reads) and
buyers removed (closed at the end of their period, their credit paid back). What needs a
restart (the hardware, LND, the listening address, ...) is named and left as it runs.

A file with a mistake changes nothing: the sentence goes to the log, to the node's
warnings (the status socket and the dashboard show it) and to whoever asked, until a
reload works. The node keeps running either way.

A battery node's or a prosumer's seller part reloads the same way
(:mod:`gridnode.node.battery_reload` adds what its own part may change).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from gridnode.config.battery_node import BatterySettings
from gridnode.config.peers import BuyerEntry
from gridnode.config.reader import ConfigError
from gridnode.config.settings import (
    AnySettings,
    BuyerSettings,
    CommonSettings,
    SellerSettings,
    load_settings,
)
from gridnode.errors import GridnodeError
from gridnode.node.liquidity import WatchedPeer
from gridnode.node.seller_role import SellerRole
from gridnode.node.seller_slot import BuyerSlot
from gridnode.trade.terms import OfferTemplate

log = logging.getLogger("gridnode.node")

#: What a buyer entry may not change while the buyer is sold to (its meter, relay, key).
_FIXED = ("fingerprint", "certificate", "meter", "relay")
#: Settings a reload does not apply (the node runs on what it opened at start).
_RESTART_ONLY = tuple(
    f.name for f in dataclasses.fields(CommonSettings) if f.name not in ("warnings", "base")
)


class ReloadRefusedError(GridnodeError):
    """The file cannot be applied: nothing changed. ``problems``: one sentence each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, slots=True)
class ReloadPlan:
    """What a reload changes in the running seller."""

    #: the new default terms ([terms])
    terms: OfferTemplate
    #: each buyer sold to after the reload (kept or added): its tariff's terms, or None
    #: for the default
    buyer_terms: dict[str, OfferTemplate | None]
    #: the buyers added, as configured
    added: tuple[BuyerEntry, ...]
    #: the buyers removed, as they were configured
    removed: tuple[BuyerEntry, ...]
    #: settings that changed in the file but take effect only at the next restart
    restart_only: tuple[str, ...]

    def describe(self) -> str:
        parts = [f"{len(self.buyer_terms)} buyer(s)"]
        if self.added:
            parts.append(f"added {', '.join(b.name for b in self.added)}")
        if self.removed:
            names = ", ".join(b.name for b in self.removed)
            parts.append(f"removed {names} (closed at the end of the period)")
        text = "configuration reloaded: " + ", ".join(parts)
        text += "; new terms reach each buyer at its next renewal"
        if self.restart_only:
            text += f"; {', '.join(self.restart_only)} changed and take effect at the next restart"
        return text


#: A node that sells: a seller, or a battery node's or a prosumer's seller part.
SellingNode = SellerSettings | BatterySettings


def plan_reload(
    running: SellingNode,
    new: AnySettings,
    *,
    meters: Collection[str],
    leaving: Sequence[BuyerEntry] = (),
) -> ReloadPlan:
    """Hold ``new`` (loaded and checked) against the ``running`` seller (or a battery
    node's seller part), whose bus reads ``meters`` and which is still letting go of
    ``leaving``; raises :class:`ReloadRefusedError` naming every reason it cannot be
    applied."""
    if isinstance(new, BuyerSettings) or new.role != running.role:
        role = running.role
        raise ReloadRefusedError([f"role is {new.role!r}: a running {role} stays a {role}"])
    problems: list[str] = []
    old = {b.name: b for b in running.selling.buyers}
    by_name = {b.name: b for b in new.selling.buyers}
    for index, entry in enumerate(new.selling.buyers):
        where = f"buyers[{index}] ({entry.name})"
        before = old.get(entry.name)
        if before is not None:
            changed = [k for k in _FIXED if getattr(before, k) != getattr(entry, k)]
            if changed:
                problems.append(
                    f"{where}: its {', '.join(changed)} changed, which needs a restart (or "
                    "remove the buyer, reload, and add it back once it has left)"
                )
            continue
        problems.extend(_added_problems(where, entry, meters, leaving))
    removed = tuple(entry for name, entry in old.items() if name not in by_name)
    restart_only = tuple(
        key for key in (*_RESTART_ONLY, "listen") if _value(new, key) != _value(running, key)
    )
    if problems:
        raise ReloadRefusedError(problems)
    selling = new.selling
    return ReloadPlan(
        terms=selling.terms,
        buyer_terms={
            b.name: selling.tariffs[b.tariff] if b.tariff else None for b in selling.buyers
        },
        added=tuple(b for b in selling.buyers if b.name not in old),
        removed=removed,
        restart_only=restart_only,
    )


def _added_problems(
    where: str, entry: BuyerEntry, meters: Collection[str], leaving: Sequence[BuyerEntry]
) -> list[str]:
    problems = []
    if entry.meter not in meters:
        problems.append(
            f"{where}.meter {entry.meter!r} is not a meter the running node reads; a new "
            "meter needs a restart"
        )
    for gone in leaving:
        if entry.fingerprint == gone.fingerprint or entry.name == gone.name:
            what = "is still leaving"
        elif entry.meter == gone.meter or entry.relay == gone.relay:
            what = "still uses its meter or relay"
        else:
            continue
        problems.append(
            f"{where}: the removed buyer {gone.name} {what} (its session ends with its "
            "period, then its credit is paid back): add this buyer once the log says "
            f"'{gone.name} let go'"
        )
    return problems


def _value(settings: AnySettings, key: str) -> object:
    if key == "listen":
        return None if isinstance(settings, BuyerSettings) else settings.selling.listen
    return getattr(settings, key)


#: Builds the slots of added buyers (pinning them on the peer link first).
SlotBuilder = Callable[[Sequence[BuyerEntry]], list[BuyerSlot]]


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    text: str


class SellerReloader:
    """Reloads a running seller's configuration file; one reload at a time."""

    def __init__(
        self,
        path: Path,
        settings: SellingNode,
        role: SellerRole,
        build_slots: SlotBuilder,
        *,
        meters: Collection[str],
        load: Callable[[Path], AnySettings] = load_settings,
    ) -> None:
        self.path = path
        #: the settings the node runs on (the buyers and terms of the last reload)
        self.settings = settings
        self.role = role
        self.build_slots = build_slots
        self.meters = frozenset(meters)
        self.load = load
        self.reloads = 0
        #: buyers removed by a reload whose slot is still being let go
        self.leaving: dict[str, BuyerEntry] = {}

    async def reload(self) -> ReloadResult:
        """Read the file again and apply it, or change nothing and say why."""
        try:
            new = self.load(self.path)
            slots = self.role.slots
            self.leaving = {
                name: entry
                for name, entry in self.leaving.items()
                if name in slots and slots[name].removed is not None
            }
            plan = self.plan(new, list(self.leaving.values()))
            added = self.build_slots(plan.added) if plan.added else []
        except (ConfigError, ReloadRefusedError) as exc:
            problems = exc.problems
        except Exception as exc:  # an unreadable file, a relay that would not open
            problems = [str(exc)]
        else:
            self.apply(plan, new, added)
            self.role.reload_problem = None
            self.reloads += 1
            text = plan.describe()
            log.info("%s (%s)", text, self.path)
            return ReloadResult(True, text)
        text = (
            f"the reload of {self.path} changed nothing: "
            + "; ".join(problems)
            + " (the node runs on as before; fix the file and reload again)"
        )
        log.warning("%s", text)
        self.role.reload_problem = text
        self.role.ctx.changed()
        return ReloadResult(False, text)

    def plan(self, new: AnySettings, leaving: Sequence[BuyerEntry]) -> ReloadPlan:
        """What ``new`` changes (raises :class:`ReloadRefusedError` when it cannot)."""
        return plan_reload(self.settings, new, meters=self.meters, leaving=leaving)

    def apply(self, plan: ReloadPlan, new: AnySettings, added: Sequence[BuyerSlot]) -> None:
        """Apply a checked plan: the seller role's terms, its buyers added and removed."""
        assert not isinstance(new, BuyerSettings)
        removed = [entry.name for entry in plan.removed]
        self.role.reconfigure(plan.terms, plan.buyer_terms, added=added, removed=removed)
        self.leaving.update((entry.name, entry) for entry in plan.removed)
        if (watch := self.role.ctx.liquidity) is not None:  # their channels too
            watch.peers.extend(
                WatchedPeer(b.name, b.fingerprint, b.lightning_node, "seller")
                for b in plan.added
                if b.lightning_node
            )
        self.settings = dataclasses.replace(self.settings, selling=new.selling)
