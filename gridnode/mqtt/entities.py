"""What a node shows Home Assistant: one entity per value, each with the device class,
state class and unit Home Assistant's rules allow together, and its value read from the
snapshot.

Units and classes (Home Assistant's sensor rules, docs/home-assistant.md):

- power W, voltage V, current A: ``measurement``;
- the meter's import register in kWh: device class ``energy``, ``total_increasing``, so
  it can be added to the energy dashboard as it is;
- money in sat: no device class, since ``monetary`` requires an ISO 4217 currency code
  and a satoshi has none; paid and cost grow within a session and start again at the
  next (``total_increasing`` treats the drop as a new cycle), credit and exposure go up
  and down (``measurement``);
- the live rate in ``sat/kWh``: a unit ending in ``/kWh`` is what the energy dashboard
  accepts for an entity with the current price.

Values are exact: integer milli-units scaled by decimal arithmetic, never a float.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from gridnode.snapshot import SELLER, NodeSnapshot, SessionView

#: What Home Assistant reads as "unknown" in a sensor's state topic.
UNKNOWN = "None"
ON, OFF = "ON", "OFF"
#: Home Assistant refuses a state longer than this.
MAX_STATE = 255


def scaled(value: int, shift: int, places: int) -> str:
    """``value`` x 10^-``shift``, written with ``places`` decimals (exact)."""
    return f"{Decimal(value).scaleb(-shift).quantize(Decimal(1).scaleb(-places))}"


def on_off(value: bool) -> str:
    return ON if value else OFF


@dataclass(frozen=True, slots=True)
class Entity:
    """One Home Assistant entity of a node or of a session partner."""

    #: The Home Assistant platform: sensor, binary_sensor, button, switch.
    component: str
    #: The topic's last level and the unique id's suffix.
    key: str
    name: str
    device_class: str | None = None
    state_class: str | None = None
    unit: str | None = None
    #: Decimals Home Assistant shows.
    precision: int | None = None
    #: "diagnostic" for what is about the node rather than the energy.
    category: str | None = None
    icon: str | None = None
    #: A JSON attributes topic beside the state (the warnings' texts).
    attributes: bool = False


SessionValue = Callable[[SessionView], str]
NodeValue = Callable[[NodeSnapshot], str]


def _reading(pick: Callable[[SessionView], int | None], shift: int, places: int) -> SessionValue:
    def value(view: SessionView) -> str:
        number = pick(view)
        return UNKNOWN if number is None else scaled(number, shift, places)

    return value


def _rate(view: SessionView) -> str:
    rate = view.rate_msat_per_kwh
    return UNKNOWN if rate is None else scaled(rate, 3, 3)


def _sat(pick: Callable[[SessionView], int]) -> SessionValue:
    return lambda view: scaled(pick(view), 3, 3)


def _energy(role: str) -> Entity:
    name = "Energy delivered" if role == SELLER else "Energy imported"
    return Entity("sensor", "energy", name, "energy", "total_increasing", "kWh", 3)


def partner_entities(role: str) -> list[tuple[Entity, SessionValue]]:
    """A session partner's entities where this node is on side ``role`` ("seller" or
    "buyer")."""
    found: list[tuple[Entity, SessionValue]] = [
        (
            Entity("sensor", "power", "Power", "power", "measurement", "W", 0),
            _reading(lambda v: v.reading.power_mw if v.reading else None, 3, 1),
        ),
        (
            Entity("sensor", "voltage", "Voltage", "voltage", "measurement", "V", 1),
            _reading(lambda v: v.reading.voltage_mv if v.reading else None, 3, 1),
        ),
        (
            Entity("sensor", "current", "Current", "current", "measurement", "A", 2),
            _reading(lambda v: v.reading.current_ma if v.reading else None, 3, 3),
        ),
        (
            _energy(role),
            _reading(lambda v: v.reading.energy_total_mwh if v.reading else None, 6, 6),
        ),
        (
            Entity("sensor", "rate", "Rate", None, "measurement", "sat/kWh", 3, icon="mdi:cash"),
            _rate,
        ),
        (
            Entity("sensor", "paid", "Paid", None, "total_increasing", "sat", 3, icon="mdi:cash"),
            _sat(lambda v: v.paid_msat),
        ),
        (
            Entity("sensor", "cost", "Cost", None, "total_increasing", "sat", 3, icon="mdi:cash"),
            _sat(lambda v: v.cost_msat),
        ),
        (
            Entity("sensor", "credit", "Credit", None, "measurement", "sat", 3, icon="mdi:scale"),
            _sat(lambda v: v.credit_msat),
        ),
        (
            Entity("sensor", "exposure", "Exposure", None, "measurement", "sat", 3),
            _sat(lambda v: v.exposure_msat),
        ),
        (
            Entity("sensor", "exposure_time", "Exposure time", "duration", "measurement", "s", 1),
            lambda v: scaled(v.exposure_ms, 3, 3),
        ),
        (
            Entity("sensor", "state", "Session state", icon="mdi:handshake"),
            lambda v: (v.state or UNKNOWN)[:MAX_STATE],
        ),
        (
            Entity(
                "binary_sensor", "connected", "Connected", "connectivity", category="diagnostic"
            ),
            lambda v: on_off(v.peer_connected),
        ),
    ]
    if role == SELLER:
        found.append(
            (Entity("binary_sensor", "relay", "Relay", "power"), lambda v: on_off(v.relay_on))
        )
    return found


#: The seller's button to stop a partner's session by hand.
STOP = Entity("button", "stop", "Stop session", icon="mdi:stop-circle")
#: The buyer's switch: ON buys, OFF pauses buying.
BUYING = Entity("switch", "buying", "Buying", icon="mdi:transmission-tower-import")


def active_seller(snapshot: NodeSnapshot) -> SessionView | None:
    """The session a buyer buys through now: the first with agreed terms not closed
    (on a battery node, among those it buys in)."""
    for view in snapshot.sessions:
        if view.side == SELLER:
            continue
        if view.terms is not None and view.state != "closed":
            return view
    return None


def _live_rate(snapshot: NodeSnapshot) -> str:
    view = active_seller(snapshot)
    return UNKNOWN if view is None else _rate(view)


def _active_seller_name(snapshot: NodeSnapshot) -> str:
    view = active_seller(snapshot)
    return "none" if view is None else view.peer_name[:MAX_STATE]


def node_entities(role: str) -> list[tuple[Entity, NodeValue]]:
    """The node's own entities."""
    found: list[tuple[Entity, NodeValue]] = [
        (
            Entity("binary_sensor", "lnd", "LND", "connectivity", category="diagnostic"),
            lambda s: on_off(s.lnd_reachable),
        ),
        (
            Entity(
                "sensor",
                "warnings",
                "Warnings",
                state_class="measurement",
                category="diagnostic",
                icon="mdi:alert",
                attributes=True,
            ),
            lambda s: str(len(s.warnings)),
        ),
    ]
    if "buyer" in role.split("+"):
        found += [
            (
                Entity("sensor", "rate", "Live rate", None, "measurement", "sat/kWh", 3),
                _live_rate,
            ),
            (
                Entity("sensor", "active_seller", "Active seller", icon="mdi:account-cash"),
                _active_seller_name,
            ),
        ]
    return found


def warnings_attributes(snapshot: NodeSnapshot) -> str:
    """The warnings' texts, as the warnings entity's JSON attributes."""
    return json.dumps({"warnings": list(snapshot.warnings)})
