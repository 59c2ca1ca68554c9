"""What a running node looks like at one moment, as plain frozen values.

The node runtime builds a :class:`NodeSnapshot` on demand; everything that shows the
node to the outside (the status socket and through it the dashboard, the rate feed, MQTT
for Home Assistant, the Prometheus metrics) renders one of these and imports no node
class. Amounts are
integer msat, energy integer mWh, times Unix ms, like everywhere else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from gridnode.trade.profiles import RateProfile


@dataclass(frozen=True, slots=True)
class MeterReading:
    """The latest sample of the meter a session bills or pays by."""

    voltage_mv: int
    current_ma: int
    power_mw: int
    #: The meter's import energy register.
    energy_total_mwh: int
    at_ms: int
    #: A three-phase meter's voltage and current on each phase, L1 first (empty for one
    #: phase).
    phase_voltages_mv: tuple[int, ...] = ()
    phase_currents_ma: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class MoneyEvent:
    """One of a session's latest invoices, payments or deposits."""

    #: The ledger kind: ``invoice``, ``payment_made``, ``payment_settled``, ``deposit``.
    kind: str
    payment_hash: bytes
    amount_msat: int
    #: What happened, in words ("settled", "in flight", ...).
    status: str
    at_ms: int


@dataclass(frozen=True, slots=True)
class BreachEvent:
    text: str
    at_ms: int


@dataclass(frozen=True, slots=True)
class Terms:
    """The parts of the agreed terms a display needs."""

    period_start_ms: int
    period_stop_ms: int
    max_power_mw: int
    #: The agreed rate profile (the forecast and the rate feed evaluate it).
    profile: RateProfile


@dataclass(frozen=True, slots=True)
class SessionView:
    """One trading partner of this node and its live session, if any."""

    #: The partner's name (a buyer's name on a seller; the seller's on a buyer).
    peer_name: str
    peer_fingerprint: str
    peer_connected: bool
    #: The meter this node bills or pays by.
    meter_id: str
    #: The session state as the trade engine names it, or what the node waits for when
    #: no session runs ("waiting for the buyer").
    state: str
    session_id: str = ""
    reading: MeterReading | None = None
    relay_on: bool = False
    #: The price the session last published; None while no sale is agreed.
    rate_msat_per_kwh: int | None = None
    paid_msat: int = 0
    #: The metered cost by this node's meter.
    cost_msat: int = 0
    credit_msat: int = 0
    #: Buyer: paid ahead; seller: delivered unpaid.
    exposure_msat: int = 0
    #: The same in ms of energy at the contracted maximum power (0 when unknown).
    exposure_ms: int = 0
    energy_period_mwh: int = 0
    terms: Terms | None = None
    #: Why the session is where it is: its latest note.
    cause: str = ""
    #: The latest notes, oldest first, and how many there have been.
    notes: tuple[str, ...] = ()
    notes_total: int = 0
    recent: tuple[MoneyEvent, ...] = ()
    breaches: tuple[BreachEvent, ...] = ()
    #: A buyer of several sellers (the estate market, docs/market.md): this seller's
    #: place in the latest choice ("active", "next best", "offer held", "refused: ..."),
    #: and its score over the period in whole msat (None when not scored); "" with one
    #: seller.
    market: str = ""
    market_score_msat: int | None = None
    #: The offer this seller was scored on in the latest choice (its held offer; the
    #: session's own for the active one): the rate feed publishes the next best's.
    market_offer: Terms | None = None
    #: Which side of the session this node is on: :data:`SELLER` or :data:`BUYER` (a
    #: battery node is on both, one per session, so its role cannot say).
    side: str = ""


@dataclass(frozen=True, slots=True)
class StorageView:
    """What the node's files take and how fast they grow (the storage warning's figures)."""

    #: The ledger with its write-ahead log.
    ledger_bytes: int
    #: LND's data folder; None when ``lnd_data_dir`` is not configured.
    lnd_bytes: int | None
    #: Free space on the file system that fills first.
    free_bytes: int
    #: Net growth per day over the sampled span; None until the span is long enough.
    growth_bytes_per_day: int | None
    #: The configured ``storage_budget_mb_per_day``, in bytes.
    budget_bytes_per_day: int


@dataclass(frozen=True, slots=True)
class Liquidity:
    """The node's Lightning channel balances, as LND last reported them."""

    #: What the node can still pay (its channels' local balance).
    sendable_msat: int
    #: What the node can still receive (its channels' remote balance).
    receivable_msat: int
    at_ms: int


#: A session's :attr:`SessionView.side`.
SELLER = "seller"
BUYER = "buyer"


class StoreKind(enum.Enum):
    """What a node that both sells and buys sells from."""

    #: A battery bank: its book (issue 22, docs/battery.md).
    BATTERY = "battery"
    #: A household with PV: its surplus.
    PROSUMER = "prosumer"


@dataclass(frozen=True, slots=True)
class BatteryView:
    """A battery node's book, or a prosumer's surplus, as its desk last knew it.

    Copied from what the desk and its role computed (the dashboard prices nothing
    itself). Charge, reserve, maximum and pledges are stored energy in the cells; the
    offer is metered energy (what a buyer's meter counts)."""

    kind: StoreKind
    #: What it would offer for the coming market period: the rate (None when it offers
    #: nothing, ``not_offering`` then says why) and the energy.
    offer_msat_per_kwh: int | None = None
    offer_energy_mwh: int = 0
    not_offering: str = ""
    #: A battery: whether the inverter told the charge yet (nothing is offered before).
    charge_known: bool = False
    capacity_mwh: int = 0
    stored_mwh: int = 0
    reserve_mwh: int = 0
    max_mwh: int = 0
    #: Stored energy still to leave the cells for running sales, and to enter them for
    #: running purchases (and this period's bid).
    pledged_sales_mwh: int = 0
    pledged_purchases_mwh: int = 0
    #: The cap it buys under this period (None: it bids nothing, ``not_buying`` says why).
    bid_msat_per_kwh: int | None = None
    not_buying: str = ""
    #: The least it sells a kWh at: the stored cost after losses, plus the margin.
    floor_msat_per_kwh: int = 0
    #: A prosumer: the PV surplus's power over the window (None before it is measured).
    surplus_power_mw: int | None = None


@dataclass(frozen=True, slots=True)
class NodeSnapshot:
    #: The roles this node plays ("seller", "buyer"; both on a battery node).
    role: str
    #: This node's key fingerprint.
    fingerprint: str
    at_ms: int
    #: Whether the node's LND answered its latest health check.
    lnd_reachable: bool
    #: Whether the status socket's control (stopping a session by hand) works.
    control_allowed: bool
    ledger_path: str
    sessions: tuple[SessionView, ...] = ()
    #: Things a person should act on (storage, clock, LND, a meter, a failed effect).
    warnings: tuple[str, ...] = field(default=())
    #: A buyer whose buying is paused by hand: no session runs until it is resumed.
    buying_paused: bool = False
    #: The node's storage figures; None until the first sample.
    storage: StorageView | None = None
    #: The channel balances; None where the node does not ask (a buyer's least-privilege
    #: macaroon cannot read them) or before the first answer.
    liquidity: Liquidity | None = None
    #: A battery node's book or a prosumer's surplus; None on a seller or a buyer.
    battery: BatteryView | None = None

    def session(self, session_id: str) -> SessionView | None:
        return next((s for s in self.sessions if s.session_id == session_id), None)
