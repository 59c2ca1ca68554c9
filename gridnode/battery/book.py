"""The battery's book: its charge, the cost of what it holds, and the energy pledged.

A session that sells from the battery, or buys into it, first *pledges* its energy; an
offer for the next period pledges too. The book accepts a pledge only when every pledge
together still keeps the charge within its bounds, so however the sessions interleave:

- the charge less every sale still to come stays at or above the reserve, and
- the charge plus every purchase still to come stays at or below the maximum.

A session then *settles* the metered energy as it flows (never more than it pledged:
the seller cuts first) and *releases* what is left when it ends. Pledges are kept in
metered energy with what was settled so far, and their claim on the cells is the
difference of two roundings of the whole (:meth:`Pledge.remaining_stored_mwh`), so
partial settlements add up to exactly the pledged whole.

What no session controls moves the charge too: self-discharge at rest (:meth:`rest`),
a reading of the inverter that corrects the book (:meth:`observe`), a reserve raised on
demand (:meth:`with_reserve`). Each then trims the newest pledges until the bounds hold
again and says which (a :class:`Trim` each): those sessions are told at their next
renewal and cut at the reserve.

The cost of the stored energy is the sum paid for it (``cost_msat``): a purchase adds
what it paid, a sale takes away its share at the average cost, self-discharge takes
none (the energy left carries the cost of what was lost, so its average cost rises).
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass

from gridnode.battery.errors import PledgeError
from gridnode.battery.spec import BatterySpec
from gridnode.money import Msat
from gridnode.trade.units import MS_PER_HOUR, MWH_PER_KWH, PPM


class Direction(enum.Enum):
    """Which way a pledge moves energy."""

    #: Energy sold out of the battery (a session it sells on, or its offer).
    SALE = "sale"
    #: Energy bought into the battery (a session it buys on, or its bid).
    PURCHASE = "purchase"


class Refusal(enum.Enum):
    """Why the book refuses a pledge."""

    #: The sale would take the charge, less every other sale pledged, below the reserve.
    BELOW_RESERVE = "below_reserve"
    #: The purchase would take the charge, plus every other purchase, above the maximum.
    ABOVE_MAXIMUM = "above_maximum"
    #: The inverter's power limit is pledged to running sessions already.
    POWER_LIMIT = "power_limit"


class PledgeRefusedError(PledgeError):
    """The book has no room for this pledge; ``reason`` says which bound it would break."""

    def __init__(self, reason: Refusal, message: str) -> None:
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Pledge:
    """Energy a session (or an offer) may still move, in metered mWh."""

    pledge_id: str
    direction: Direction
    #: The whole metered energy pledged.
    energy_mwh: int
    #: Metered energy settled so far (at most ``energy_mwh``).
    settled_mwh: int
    #: The power the session may draw or push, counted against the inverter's limit.
    power_mw: int

    def remaining_stored_mwh(self, spec: BatterySpec) -> int:
        """The stored energy this pledge may still take out of the cells (a sale), or
        put into them (a purchase): rounded so that the bounds hold, and 0 once settled."""
        if self.settled_mwh >= self.energy_mwh:
            return 0
        if self.direction is Direction.SALE:
            return spec.drawn_for_sale(self.energy_mwh) - spec.drawn_for_sale(self.settled_mwh)
        return spec.room_for_charge(self.energy_mwh) - spec.stored_by_charge(self.settled_mwh)


@dataclass(frozen=True, slots=True)
class Trim:
    """A pledge cut short to keep the bounds: the session is told and cut at the bound."""

    pledge_id: str
    direction: Direction
    energy_before_mwh: int
    energy_after_mwh: int


@dataclass(frozen=True, slots=True)
class BatteryBook:
    """The battery's state; every operation returns a new book."""

    spec: BatterySpec
    #: Stored energy in the cells.
    soc_mwh: int
    #: What the stored energy cost, in msat (the weighted average cost times the energy).
    cost_msat: int = 0
    pledges: tuple[Pledge, ...] = ()
    #: Self-discharge below one mWh, carried to the next rest (numerator over
    #: ``PPM * MS_PER_HOUR``), so short rests add up to the hourly rate.
    loss_carry: int = 0

    def __post_init__(self) -> None:
        if self.soc_mwh < 0 or self.cost_msat < 0:
            raise PledgeError(
                f"A battery book needs a charge and a cost of 0 or more; got {self.soc_mwh} "
                f"mWh and {self.cost_msat} msat."
            )

    # -- what is pledged and what is free -----------------------------------------------
    def _sum(self, direction: Direction) -> int:
        spec = self.spec
        return sum(p.remaining_stored_mwh(spec) for p in self.pledges if p.direction is direction)

    @property
    def pledged_out_mwh(self) -> int:
        """Stored energy every sale pledge may still take out."""
        return self._sum(Direction.SALE)

    @property
    def pledged_in_mwh(self) -> int:
        """Stored energy every purchase pledge may still put in."""
        return self._sum(Direction.PURCHASE)

    @property
    def pledged_power_mw(self) -> int:
        """Power pledged to open pledges, both ways (one limit for both)."""
        return sum(p.power_mw for p in self.pledges if p.settled_mwh < p.energy_mwh)

    @property
    def sellable_stored_mwh(self) -> int:
        """Stored energy free to pledge for sale above the reserve."""
        return max(0, self.soc_mwh - self.spec.reserve_mwh - self.pledged_out_mwh)

    @property
    def sellable_mwh(self) -> int:
        """Metered energy free to sell (after the discharge loss)."""
        return self.spec.sale_from_stored(self.sellable_stored_mwh)

    @property
    def room_stored_mwh(self) -> int:
        """Stored energy free to pledge for purchase below the maximum."""
        return max(0, self.spec.max_mwh - self.soc_mwh - self.pledged_in_mwh)

    @property
    def buyable_mwh(self) -> int:
        """Metered energy free to buy (before the charge loss)."""
        return self.spec.charge_from_room(self.room_stored_mwh)

    @property
    def free_power_mw(self) -> int:
        return max(0, self.spec.power_limit_mw - self.pledged_power_mw)

    @property
    def average_cost_msat_per_kwh(self) -> int:
        """The weighted average cost of a stored kWh (rounded up; 0 when empty)."""
        if self.soc_mwh == 0:
            return 0
        return -(-self.cost_msat * MWH_PER_KWH // self.soc_mwh)

    def pledge_of(self, pledge_id: str) -> Pledge:
        for pledge in self.pledges:
            if pledge.pledge_id == pledge_id:
                return pledge
        raise PledgeError(
            f"No pledge {pledge_id!r} in the battery book: pledge before settling or releasing."
        )

    # -- pledges ------------------------------------------------------------------------
    def pledge(
        self, pledge_id: str, direction: Direction, energy_mwh: int, power_mw: int
    ) -> BatteryBook:
        """The book with a new pledge, or :class:`PledgeRefusedError` when it does not fit."""
        if any(p.pledge_id == pledge_id for p in self.pledges):
            raise PledgeError(f"Pledge {pledge_id!r} exists already: give each pledge its own id.")
        if energy_mwh <= 0 or power_mw <= 0:
            raise PledgeError(
                f"A pledge needs energy and power above 0; got {energy_mwh} mWh and {power_mw} mW."
            )
        new = Pledge(pledge_id, direction, energy_mwh, 0, power_mw)
        need = new.remaining_stored_mwh(self.spec)
        if power_mw > self.free_power_mw:
            raise PledgeRefusedError(
                Refusal.POWER_LIMIT,
                f"Pledge {pledge_id!r} needs {power_mw} mW, but only {self.free_power_mw} mW of "
                "the inverter's limit is free: offer less power or wait for a session to end.",
            )
        if direction is Direction.SALE and need > self.sellable_stored_mwh:
            raise PledgeRefusedError(
                Refusal.BELOW_RESERVE,
                f"Selling {energy_mwh} mWh would take the battery below its reserve: at most "
                f"{self.sellable_mwh} mWh is free to sell.",
            )
        if direction is Direction.PURCHASE and need > self.room_stored_mwh:
            raise PledgeRefusedError(
                Refusal.ABOVE_MAXIMUM,
                f"Buying {energy_mwh} mWh would take the battery above its maximum charge: at "
                f"most {self.buyable_mwh} mWh is free to buy.",
            )
        return dataclasses.replace(self, pledges=(*self.pledges, new))

    def release(self, pledge_id: str) -> BatteryBook:
        """The book without the pledge: its session ended, or its offer lapsed."""
        self.pledge_of(pledge_id)
        return dataclasses.replace(
            self, pledges=tuple(p for p in self.pledges if p.pledge_id != pledge_id)
        )

    def settle_sale(self, pledge_id: str, delivered_mwh: int) -> BatteryBook:
        """The book after a sale delivered ``delivered_mwh`` more metered energy."""
        pledge = self._open(pledge_id, Direction.SALE, delivered_mwh)
        spec = self.spec
        done = pledge.settled_mwh + delivered_mwh
        drawn = spec.drawn_for_sale(done) - spec.drawn_for_sale(pledge.settled_mwh)
        soc = self.soc_mwh - drawn
        cost = 0 if soc <= 0 else self.cost_msat - self.cost_msat * drawn // self.soc_mwh
        return self._with(pledge, done, soc=max(0, soc), cost=cost)

    def settle_purchase(self, pledge_id: str, received_mwh: int, paid: Msat) -> BatteryBook:
        """The book after a purchase brought ``received_mwh`` more metered energy, paid
        ``paid`` (what the stored energy now costs more)."""
        pledge = self._open(pledge_id, Direction.PURCHASE, received_mwh)
        if paid < Msat(0):
            raise PledgeError(f"A purchase cannot be paid a negative amount; got {paid}.")
        spec = self.spec
        done = pledge.settled_mwh + received_mwh
        added = spec.stored_by_charge(done) - spec.stored_by_charge(pledge.settled_mwh)
        return self._with(pledge, done, soc=self.soc_mwh + added, cost=self.cost_msat + paid.msat)

    def _open(self, pledge_id: str, direction: Direction, energy_mwh: int) -> Pledge:
        pledge = self.pledge_of(pledge_id)
        if pledge.direction is not direction:
            raise PledgeError(
                f"Pledge {pledge_id!r} is a {pledge.direction.value}: settle it as one."
            )
        left = pledge.energy_mwh - pledge.settled_mwh
        if not 0 <= energy_mwh <= left:
            raise PledgeError(
                f"Pledge {pledge_id!r} has {left} mWh left, but {energy_mwh} mWh was settled: "
                "the session must cut when its pledge is used up."
            )
        return pledge

    def _with(self, pledge: Pledge, settled_mwh: int, *, soc: int, cost: int) -> BatteryBook:
        done = dataclasses.replace(pledge, settled_mwh=settled_mwh)
        pledges = tuple(done if p is pledge else p for p in self.pledges)
        return dataclasses.replace(self, soc_mwh=soc, cost_msat=cost, pledges=pledges)

    # -- what moves the charge without a session ----------------------------------------
    def rest(self, duration_ms: int) -> tuple[BatteryBook, tuple[Trim, ...]]:
        """The book after ``duration_ms`` of self-discharge, and the pledges it trimmed."""
        if duration_ms < 0:
            raise PledgeError(f"A rest cannot last a negative time; got {duration_ms} ms.")
        exact = self.soc_mwh * self.spec.self_discharge_ppm_per_hour * duration_ms
        loss, carry = divmod(exact + self.loss_carry, PPM * MS_PER_HOUR)
        soc = max(0, self.soc_mwh - loss)
        cost = self.cost_msat if soc else 0
        return dataclasses.replace(self, soc_mwh=soc, cost_msat=cost, loss_carry=carry)._fit()

    def observe(self, soc_mwh: int) -> tuple[BatteryBook, tuple[Trim, ...]]:
        """The book set to the inverter's reading of the charge (it drifts from the
        book's arithmetic), and the pledges that no longer fit."""
        if soc_mwh < 0:
            raise PledgeError(f"A state of charge cannot be negative; got {soc_mwh} mWh.")
        cost = self.cost_msat if soc_mwh else 0
        return dataclasses.replace(self, soc_mwh=soc_mwh, cost_msat=cost)._fit()

    def with_reserve(self, reserve_ppm: int) -> tuple[BatteryBook, tuple[Trim, ...]]:
        """The book keeping another reserve (raised on demand), and the sales it trimmed."""
        return dataclasses.replace(self, spec=self.spec.with_reserve(reserve_ppm))._fit()

    def with_levels(
        self, reserve_ppm: int, max_charge_ppm: int
    ) -> tuple[BatteryBook, tuple[Trim, ...]]:
        """The book keeping another reserve and maximum charge (a reloaded
        configuration), and the pledges they trimmed."""
        spec = dataclasses.replace(
            self.spec, reserve_ppm=reserve_ppm, max_charge_ppm=max_charge_ppm
        )
        return dataclasses.replace(self, spec=spec)._fit()

    def _fit(self) -> tuple[BatteryBook, tuple[Trim, ...]]:
        """Trim the newest pledges until the charge less every sale is at or above the
        reserve, and plus every purchase at or below the maximum."""
        spec = self.spec
        pledges = list(self.pledges)
        trims: list[Trim] = []
        room = {
            Direction.SALE: self.soc_mwh - spec.reserve_mwh,
            Direction.PURCHASE: spec.max_mwh - self.soc_mwh,
        }
        for direction, allowed in room.items():
            over = self._sum(direction) - max(0, allowed)
            for index in reversed(range(len(pledges))):
                pledge = pledges[index]
                if over <= 0:
                    break
                if pledge.direction is not direction:
                    continue
                has = pledge.remaining_stored_mwh(spec)
                energy = _trimmed_energy(spec, pledge, max(0, has - over))
                if energy == pledge.energy_mwh:
                    continue
                pledges[index] = dataclasses.replace(pledge, energy_mwh=energy)
                over -= has - pledges[index].remaining_stored_mwh(spec)
                trims.append(Trim(pledge.pledge_id, direction, pledge.energy_mwh, energy))
        return dataclasses.replace(self, pledges=tuple(pledges)), tuple(trims)


def _trimmed_energy(spec: BatterySpec, pledge: Pledge, keep_stored: int) -> int:
    """The largest whole metered energy, at least what was settled, whose remaining
    claim on the cells is at most ``keep_stored``."""
    if pledge.direction is Direction.SALE:
        fits = spec.sale_from_stored(keep_stored + spec.drawn_for_sale(pledge.settled_mwh))
    else:
        fits = spec.charge_from_room(keep_stored + spec.stored_by_charge(pledge.settled_mwh))
    return max(pledge.settled_mwh, min(pledge.energy_mwh, fits))
