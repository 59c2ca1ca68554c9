"""An in-process world for scenario tests: a seller and a buyer session wired through
their codec, a simulated circuit (energy flows only while the relay is on), two meters,
a fake Lightning wallet and a peer link with latency."""

from __future__ import annotations

import hashlib
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from gridnode.money import Msat
from gridnode.trade.actions import (
    Action,
    CancelHoldInvoice,
    CloseSession,
    CreateInvoice,
    PayInvoice,
    SendMessage,
    SettleHoldInvoice,
    SwitchRelay,
)
from gridnode.trade.buyer import BuyerSession
from gridnode.trade.events import (
    Event,
    FrameReceived,
    HoldInvoiceAccepted,
    InvoiceCanceled,
    InvoiceCreated,
    InvoiceSettled,
    LinkDown,
    LinkUp,
    MeterSample,
    PaymentFailed,
    PaymentSucceeded,
    Start,
    Tick,
)
from gridnode.trade.seller import SellerSession
from tests.support.bolt11s import make_bolt11

SELLER, BUYER = "seller", "buyer"
REGISTER_STEP_MWH = 10_000  # an SDM120's 0.01 kWh register step


@dataclass
class Invoice:
    amount: Msat
    hold: bool
    preimage: bytes
    state: str = "open"  # open, accepted, settled, canceled


@dataclass
class World:
    seller: SellerSession
    buyer: BuyerSession
    load_mw: Callable[[int], int] = lambda t: 3_680_000
    voltage_mv: Callable[[int], int] = lambda t: 230_000
    #: Three phases: each phase's voltage at t (``voltage_mv`` is then unused), and how
    #: the load splits over them (weights, L1 first).
    phase_voltages_mv: Callable[[int], tuple[int, ...]] | None = None
    load_split: tuple[int, ...] = (1,)
    frequency_mhz: Callable[[int], int] = lambda t: 50_000
    seller_meter_ppm: int = 0  # the seller's meter over-reports by this share
    tick_ms: int = 250
    sample_ms: int = 500
    link_ms: int = 20
    pay_ms: Callable[[int], int] = lambda t: 80
    drop_payments_after_ms: int | None = None
    # Perturbations for property tests (defaults: a well-behaved world).
    #: For each frame: the delays (ms) of its deliveries: [] drops it, two replays it.
    deliveries: Callable[[str, bytes], list[int]] | None = None
    #: For each payment: "ok", "fail" or "never" (stuck in flight).
    pay_outcome: Callable[[int], str] = lambda t: "ok"
    #: Whether a meter sample due at t is lost.
    sample_lost: Callable[[str, int], bool] = lambda who, t: False
    #: Whether the buyer's meter's energy counter is stuck at t: its register keeps the
    #: value it had when it stuck, and the fine estimate stops one register step above
    #: it (as the node's PowerIntegrator caps it) while power goes on.
    buyer_counter_stuck: Callable[[int], bool] = lambda t: False
    #: The same for the seller's meter.
    seller_counter_stuck: Callable[[int], bool] = lambda t: False
    #: The meters' register step (the sessions must be built with the same).
    register_step_mwh: int = REGISTER_STEP_MWH
    #: Where each stuck meter's register stays (by who), while it is stuck.
    stuck_register_mwh: dict[str, int] = field(default_factory=dict)
    #: What each session's clock reads, given the true time (clock jumps).
    clock: Callable[[str, int], int] = lambda who, t: t
    start_ms: int = 0
    # state
    now_ms: int = 0
    relay_on: bool = False
    energy_mwh: Fraction = field(default_factory=Fraction)
    last_ms: int = 0
    #: (due ms, order, who, what): an event for a session, or a meter reading due
    queue: list[tuple[int, int, str, Event | SampleDue]] = field(default_factory=list)
    order: itertools.count[int] = field(default_factory=itertools.count)
    invoices: dict[bytes, Invoice] = field(default_factory=dict)
    actions: list[tuple[int, str, Action]] = field(default_factory=list)
    events: list[tuple[int, str, Event]] = field(default_factory=list)
    relay_timeline: list[tuple[int, bool]] = field(default_factory=list)
    link_up: bool = True
    held_frames: list[tuple[str, bytes]] = field(default_factory=list)
    closed: set[str] = field(default_factory=set)
    expiries: list[tuple[int, bytes]] = field(default_factory=list)
    max_seller_unpaid_msat: Fraction = field(default_factory=Fraction)
    max_buyer_ahead_msat: Fraction = field(default_factory=Fraction)
    observers: list[Callable[[World, str, Event, list[Action]], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.now_ms = self.last_ms = self.start_ms
        self.at(self.start_ms, SELLER, Start())
        self.at(self.start_ms, BUYER, Start())
        self.at(self.start_ms, SELLER, Tick())
        self.at(self.start_ms, BUYER, Tick())
        self.at(self.start_ms, SELLER, SampleDue())
        self.at(self.start_ms, BUYER, SampleDue())

    # -- scheduling --------------------------------------------------------------------
    def at(self, t: int, who: str, event: Event | SampleDue) -> None:
        heapq.heappush(self.queue, (t, next(self.order), who, event))

    def run(self, until_ms: int) -> None:
        while self.queue and self.queue[0][0] <= until_ms:
            t, _, who, event = heapq.heappop(self.queue)
            self._advance(t)
            if isinstance(event, SampleDue):
                event = self.sample(who, t)
            if isinstance(event, LinkDown | LinkUp) and who == SELLER:
                self._switch_link(isinstance(event, LinkUp))
            if who in self.closed and not isinstance(event, Tick | MeterSample):
                continue
            self._expire(t)
            if isinstance(event, MeterSample) and self.sample_lost(who, t):
                self._reschedule(who, event)
                continue
            session = self.seller if who == SELLER else self.buyer
            out = session.handle(event, self.clock(who, t))
            self.events.append((t, who, event))
            for action in out:
                self.actions.append((t, who, action))
                self._carry_out(who, action)
            for observe in self.observers:
                observe(self, who, event, out)
            self._measure()
            self._reschedule(who, event)
        self._advance(until_ms)

    def _reschedule(self, who: str, event: Event) -> None:
        if who in self.closed:
            return
        if isinstance(event, Tick):
            self.at(self.now_ms + self.tick_ms, who, Tick())
        elif isinstance(event, MeterSample):
            self.at(self.now_ms + self.sample_ms, who, SampleDue())

    def set_link(self, t: int, up: bool) -> None:
        self.at(t, SELLER, LinkUp() if up else LinkDown())
        self.at(t, BUYER, LinkUp() if up else LinkDown())

    def _expire(self, t: int) -> None:
        """Open invoices past their expiry are cancelled by the wallet."""
        due = [(at, h) for at, h in self.expiries if at <= t]
        self.expiries = [(at, h) for at, h in self.expiries if at > t]
        for at, payment_hash in due:
            invoice = self.invoices[payment_hash]
            if invoice.state == "open":
                invoice.state = "canceled"
                self.at(max(at, t), SELLER, InvoiceCanceled(payment_hash))

    def _switch_link(self, up: bool) -> None:
        self.link_up = up
        if up:  # the peer link re-sends what it held, in order
            for k, (other, frame) in enumerate(self.held_frames):
                self.at(self.now_ms + self.link_ms + k, other, FrameReceived(frame))
            self.held_frames.clear()

    # -- the physical world ------------------------------------------------------------
    def _advance(self, t: int) -> None:
        if t > self.last_ms and self.relay_on:
            self.energy_mwh += Fraction(self.load_mw(self.last_ms) * (t - self.last_ms), 3_600_000)
        self.last_ms = max(self.last_ms, t)
        self.now_ms = t

    def sample(self, who: str, t: int) -> MeterSample:
        """What ``who``'s meter reads now: a coarse register, the fine integral, and
        voltage and current (zero while the relay is open)."""
        energy = self.meter_energy(who)
        fine = energy.numerator // energy.denominator
        step = self.register_step_mwh
        register = fine // step * step
        stuck = self.buyer_counter_stuck if who == BUYER else self.seller_counter_stuck
        if stuck(t):
            register = self.stuck_register_mwh.setdefault(who, register)
            fine = min(fine, register + step)
        else:  # it counts again: its register shows what flowed meanwhile
            self.stuck_register_mwh.pop(who, None)
        phases = len(self.load_split) if self.phase_voltages_mv is not None else 1
        if not self.relay_on:
            return MeterSample(t, register, fine, 0, (0,) * phases, (0,) * phases, 0)
        power = self.load_mw(t)
        if self.phase_voltages_mv is None:
            volts = self.voltage_mv(t)
            current = power * 1000 // volts if volts else 0
            return MeterSample(
                t, register, fine, power, (volts,), (current,), self.frequency_mhz(t)
            )
        voltages = self.phase_voltages_mv(t)
        weights = sum(self.load_split) or 1
        currents = tuple(
            power * w * 1000 // (weights * v) if v else 0
            for w, v in zip(self.load_split, voltages, strict=True)
        )
        return MeterSample(t, register, fine, power, voltages, currents, self.frequency_mhz(t))

    def meter_energy(self, who: str) -> Fraction:
        if who == SELLER:
            return self.energy_mwh * (1_000_000 + self.seller_meter_ppm) / 1_000_000
        return self.energy_mwh

    def _measure(self) -> None:
        self.max_seller_unpaid_msat = max(self.max_seller_unpaid_msat, -self.seller.credit)
        self.max_buyer_ahead_msat = max(
            self.max_buyer_ahead_msat,
            self.buyer.payments.committed.msat - self.buyer.meter.cost_msat,
        )

    # -- the fake wallet and the link --------------------------------------------------
    def _carry_out(self, who: str, action: Action) -> None:
        t = self.now_ms
        other = BUYER if who == SELLER else SELLER
        match action:
            case SendMessage():
                if self.link_up:
                    delays = [0] if self.deliveries is None else self.deliveries(who, action.frame)
                    for delay in delays:
                        self.at(t + self.link_ms + delay, other, FrameReceived(action.frame))
                else:
                    self.held_frames.append((other, action.frame))
            case CreateInvoice():
                preimage = hashlib.sha256(
                    b"pre" + bytes([action.request_id % 256]) + action.request_id.to_bytes(8, "big")
                ).digest()
                payment_hash = hashlib.sha256(preimage).digest()
                self.invoices[payment_hash] = Invoice(action.amount, action.hold, preimage)
                bolt11 = make_bolt11(payment_hash, action.amount, expiry_s=action.expiry_s)
                self.at(t + 5, SELLER, InvoiceCreated(action.request_id, bolt11, payment_hash))
                self.expiries.append((t + action.expiry_s * 1000, payment_hash))
            case PayInvoice():
                if self.drop_payments_after_ms is not None and t >= self.drop_payments_after_ms:
                    return  # the buyer's wallet silently never pays
                invoice = self.invoices.get(action.payment_hash)
                done = t + self.pay_ms(t)
                outcome = self.pay_outcome(t)
                if outcome == "never":
                    return
                if invoice is None or invoice.state != "open" or outcome == "fail":
                    self.at(done, BUYER, PaymentFailed(action.payment_hash, "no such invoice"))
                elif invoice.hold:
                    invoice.state = "accepted"
                    self.at(done, SELLER, HoldInvoiceAccepted(action.payment_hash, action.amount))
                else:
                    invoice.state = "settled"
                    self.at(done, SELLER, InvoiceSettled(action.payment_hash, action.amount))
                    self.at(
                        done,
                        BUYER,
                        PaymentSucceeded(action.payment_hash, invoice.preimage, action.amount),
                    )
            case SettleHoldInvoice():
                invoice = self.invoices[action.payment_hash]
                invoice.state = "settled"
                self.at(t + 5, SELLER, InvoiceSettled(action.payment_hash, invoice.amount))
                self.at(
                    t + 5,
                    BUYER,
                    PaymentSucceeded(action.payment_hash, invoice.preimage, invoice.amount),
                )
            case CancelHoldInvoice():
                invoice = self.invoices[action.payment_hash]
                was_paid = invoice.state == "accepted"
                invoice.state = "canceled"
                self.at(t + 5, SELLER, InvoiceCanceled(action.payment_hash))
                if was_paid:
                    self.at(t + 5, BUYER, PaymentFailed(action.payment_hash, "refunded"))
            case SwitchRelay():
                self.relay_on = action.on
                self.relay_timeline.append((t, action.on))
            case CloseSession():
                self.closed.add(who)
            case _:
                pass


class SampleDue:
    """Internal: read the meter when this comes up in the queue."""


# -- what the world saw, for assertions (from the circuit and the fake wallet, never from
# the sessions' own books) ------------------------------------------------------------------
def relay_on_ms(world: World) -> int:
    """How long the relay was closed up to the world's present, from its switch log."""
    total, since = 0, None
    for t, on in world.relay_timeline:
        if on and since is None:
            since = t
        elif not on and since is not None:
            total, since = total + t - since, None
    return total if since is None else total + world.now_ms - since


def settled_msat(world: World, *, hold: bool = False) -> int:
    """What the fake wallet settled: prepayments (plain invoices), or deposits (hold)."""
    return sum(
        i.amount.msat for i in world.invoices.values() if i.hold is hold and i.state == "settled"
    )


def deposit_states(world: World) -> list[str]:
    """Each deposit's state in the fake wallet: accepted (locked), settled or canceled."""
    return [i.state for i in world.invoices.values() if i.hold]
