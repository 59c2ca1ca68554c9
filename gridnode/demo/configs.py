"""Everything the demo's seller and buyers need on disk: identities, least-privilege
macaroons baked by their own LND, and TOML configurations like a real installation's.

The demo's terms are a realistic supply (230 V, 16 A, a 2.3 kW base load with a 1 kW
appliance cycling on top) with short periods and a contactor policy of their own, and a
rate that moves between cheap and dear every few minutes.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from gridnode.demo import bus
from gridnode.demo.circuit import RELAY_BASE
from gridnode.demo.ports import free_port
from gridnode.identity import NodeIdentity, Role, create_identity
from gridnode.regtest.daemons import LndNode
from gridnode.wallet import macaroon
from gridnode.wallet.lnd_connect import lndconnect_uri

#: The rate swings between these every ``SWING_MINUTES`` (msat per kWh).
CHEAP, DEAR = 150_000, 250_000
SWING_MINUTES = 3


@dataclass(frozen=True)
class DemoTerms:
    """The demo's own profile: seconds of exposure and a payment every couple of
    seconds, so something happens on screen (a real install pays every few minutes:
    gridnode.config.trade.REAL_INSTALL_PAYMENTS, docs/cadence.md)."""

    period_s: int = 60
    min_payment_msat: int = 100
    max_payment_msat: int = 600
    prepayment_msat: int = 900
    prepayment_s: float = 5.0
    deposit_msat: int = 50_000
    #: The seller waits about 2 s for a payment (the payment lead) before cutting.
    unpaid_msat: int = 500
    unpaid_s: float = 2.0
    #: Three phases (``--three-phase``): 16 A on each, the phases at most this far apart
    #: (20 A: 4.6 kVA at 230 V, the unbalanced load German grid rules allow, VDE-AR-N
    #: 4100) and the neutral at most 20 A.
    three_phase: bool = False
    imbalance_max_a: str = "20"


@dataclass(frozen=True)
class Outside:
    """What the demo's nodes show outside: MQTT for Home Assistant, Prometheus metrics."""

    #: The broker every node publishes to ("mqtt://127.0.0.1:1883"); None: no MQTT.
    mqtt: str | None = None
    #: Each node serves metrics on a free loopback port.
    metrics: bool = False

    def top(self, files: NodeFiles) -> list[str]:
        """The top-level lines (before any table): where the node serves metrics."""
        if not self.metrics:
            return []
        files.metrics = f"127.0.0.1:{free_port()}"
        return [f'metrics_listen = "{files.metrics}"']

    def tables(self, files: NodeFiles, *, buyer: bool) -> list[str]:
        """The [mqtt] table, named for the node (a buyer gets the pause switch)."""
        if self.mqtt is None:
            return []
        lines = ["[mqtt]", f'url = "{self.mqtt}"', f'name = "demo {files.name}"']
        if buyer:
            lines.append("pause_switch = true")
        return [*lines, ""]


NO_OUTSIDE = Outside()


@dataclass
class NodeFiles:
    name: str
    directory: Path
    config: Path
    identity: NodeIdentity
    status_socket: Path
    ledger: Path
    #: Where the node serves its metrics ("127.0.0.1:PORT"), when it does.
    metrics: str | None = None
    #: A buyer without a meter of its own (``--seller-metered``): no [hardware], its
    #: LND by an lndconnect URI, and its seller's entry says so.
    seller_metered: bool = False


#: Both nodes run on this machine, so they share one clock and the skew check holds
#: whatever it says; and in a container (CI, the regtest tests) timedatectl cannot tell
#: whether it is synchronised (no systemd: status U), which would keep a real node from
#: ever trading. A real installation keeps the default (true).
_CLOCK_SYNC = (
    "# one machine, one clock; a container cannot tell if it is synchronised",
    "require_clock_sync = false",
)

#: The simulated SDM120s keep exact mWh as a float32 of kWh, which steps by well under
#: 10 mWh below 100 kWh (a real SDM120's register steps by 10 Wh, gridnode's default).
#: The step is also the least fixed dual-metering tolerance a node accepts.
_REGISTER_STEP = ("register_step_mwh = 10  # the simulated meters' register step",)


def _bake(node: LndNode, role: str, path: Path) -> Path:
    admin = node.admin()
    try:
        path.write_bytes(admin.bake_macaroon(sorted(macaroon.ROLE_PERMISSIONS[role])))
    finally:
        admin.close()
    path.chmod(0o600)
    return path


def _knots() -> str:
    """A daily table that swings between cheap and dear every few minutes, today in UTC."""
    knots = []
    for minute in range(0, 24 * 60, SWING_MINUTES):
        price = CHEAP if (minute // SWING_MINUTES) % 2 == 0 else DEAR
        knots.append(f'["{minute // 60:02d}:{minute % 60:02d}", {price}]')
    return "[" + ", ".join(knots) + "]"


def _lnd_table(node: LndNode, macaroon_path: Path, *, lndconnect: bool = False) -> str:
    if lndconnect:  # one URI, as a buyer on another machine would be given it
        uri = lndconnect_uri(node.grpc_host, node.tls_cert.read_bytes(), macaroon_path.read_bytes())
        return f'[lnd]\nlndconnect = "{uri}"\n'
    return (
        f'[lnd]\nhost = "{node.grpc_host}"\ntls_cert = "{node.tls_cert}"\n'
        f'macaroon = "{macaroon_path}"\n'
    )


def write_seller(
    root: Path,
    lnd: LndNode,
    circuit: dict[str, object],
    buyers: list[NodeFiles],
    terms: DemoTerms,
    outside: Outside = NO_OUTSIDE,
    buyer_nodes: list[str] | None = None,
    buses: bus.SellerBuses | None = None,
    name: str = "seller",
) -> tuple[NodeFiles, str]:
    """Write the seller's configuration; ``buyer_nodes`` are the buyers' Lightning node
    ids, in order (each buyer's ``lightning_node``, which the doctor checks); ``buses``:
    the seller's buses (default: as many as the bus budget needs at the demo's round),
    their ports in the circuit's ``seller_ports``."""
    buses = buses or bus.seller_buses(len(buyers), _model(terms))
    directory = root / name
    identity = create_identity(directory, Role.SELLER, force=True)
    mac = _bake(lnd, "seller", directory / "seller.macaroon")
    listen = f"127.0.0.1:{free_port()}"
    files = _files(name, directory, directory / "seller.toml", identity)
    lines = [
        "# The demo seller (written by gridnode demo).",
        'role = "seller"',
        f'listen = "{listen}"',
        'identity_dir = "."',
        'ledger = "ledger.sqlite"',
        'status_socket = "status.sock"',
        *_CLOCK_SYNC,
        *_REGISTER_STEP,
        *outside.top(files),
        "",
        _lnd_table(lnd, mac),
        "[hardware.watchdog]",
        'kind = "modbus"',
        f"address = {RELAY_BASE + 1}",
        "coil = 1",
        "period_ms = 500",
        "",
    ]
    lines += bus.seller_bus_lines(circuit, len(buyers), _model(terms), buses)
    for i, buyer in enumerate(buyers, start=1):
        lines += [
            "[[buyers]]",
            f'name = "{buyer.name}"',
            f'fingerprint = "{buyer.identity.fingerprint}"',
            f'certificate = "{buyer.identity.certificate_path}"',
            f'meter = "seller-meter-{i}"',
            f'relay = {{ kind = "modbus", address = {RELAY_BASE + i}, coil = 0 }}',
            *([f'lightning_node = "{buyer_nodes[i - 1]}"'] if buyer_nodes else []),
            *(['metering = "seller"'] if buyer.seller_metered else []),
            "",
        ]
    lines += [
        "[terms]",
        f"period_s = {terms.period_s}",
        f"min_payment_msat = {terms.min_payment_msat}",
        f"max_payment_msat = {terms.max_payment_msat}",
        f"prepayment_msat = {terms.prepayment_msat}",
        f'prepayment_s = "{terms.prepayment_s}"',
        f"deposit_msat = {terms.deposit_msat}",
        f"unpaid_msat = {terms.unpaid_msat}",
        f'unpaid_s = "{terms.unpaid_s}"',
        'voltage_min_v = "207"',
        'voltage_nominal_v = "230"',
        'voltage_max_v = "253"',
        'current_max_a = "16"',
        *_three_phase_terms(terms),
        'tolerance_percent = "1"',
        "tolerance_fixed_mwh = 20",
        "",
        "[terms.policy]",
        # the real-install contactor rules (5 s freshness, 3 min off) with real terms
        f'preset = "{"real" if terms.prepayment_s >= 60 else "demo"}"',
        "",
        "[terms.profile]",
        'kind = "daily"',
        'zone = "UTC"',
        f"knots = {_knots()}",
        "",
        *outside.tables(files, buyer=False),
    ]
    files.config.write_text("\n".join(lines))
    return files, listen


def _model(terms: DemoTerms) -> str:
    return "sdm630" if terms.three_phase else "sdm120"


def _three_phase_terms(terms: DemoTerms) -> list[str]:
    if not terms.three_phase:
        return []
    return [
        "phases = 3",
        f'imbalance_max_a = "{terms.imbalance_max_a}"',
        'neutral_current_max_a = "20"',
        'frequency_min_hz = "49.5"',
        'frequency_max_hz = "50.5"',
    ]


def prepare_buyer(root: Path, index: int, *, seller_metered: bool = False) -> NodeFiles:
    name = f"buyer-{index}"
    directory = root / name
    identity = create_identity(directory, Role.BUYER, force=True)
    files = _files(name, directory, directory / "buyer.toml", identity)
    return dataclasses.replace(files, seller_metered=seller_metered)


def write_buyer(
    files: NodeFiles,
    index: int,
    lnd: LndNode,
    circuit: dict[str, object],
    seller: NodeFiles,
    listen: str,
    rate_feed: str | None = None,
    outside: Outside = NO_OUTSIDE,
    terms: DemoTerms | None = None,
    gap_ms: int = 20,
    seller_node: str = "",
) -> str:
    """Write the buyer's configuration; returns its rate feed endpoint (``rate_feed``, or
    a free loopback port when None, so buyers on one machine never collide);
    ``seller_node`` is the seller's Lightning node id (its ``lightning_node``)."""
    terms = terms or DemoTerms()
    mac = _bake(lnd, "buyer", files.directory / "buyer.macaroon")
    rate_feed = rate_feed or f"tcp://127.0.0.1:{free_port()}"
    ports = circuit["buyer_ports"]
    assert isinstance(ports, list)
    files.config.write_text(
        "\n".join(
            [
                f"# Demo buyer {index} (written by gridnode demo).",
                'role = "buyer"',
                'identity_dir = "."',
                'ledger = "ledger.sqlite"',
                'status_socket = "status.sock"',
                f'rate_feed = "{rate_feed}"',
                *_CLOCK_SYNC,
                *_REGISTER_STEP,
                *outside.top(files),
                "",
                *(['metering = "seller"  # no meter of its own'] if files.seller_metered else []),
                _lnd_table(lnd, mac, lndconnect=files.seller_metered),
                *(
                    []
                    if files.seller_metered
                    else _buyer_hardware(ports[index - 1], index, gap_ms, terms)
                ),
                "[seller]",
                f'address = "{listen}"',
                f'fingerprint = "{seller.identity.fingerprint}"',
                f'certificate = "{seller.identity.certificate_path}"',
                *([f'lightning_node = "{seller_node}"'] if seller_node else []),
                "",
                *limits_lines(terms, f"seller-meter-{index}"),
                "[limits.ceiling]",
                'kind = "constant"',
                f"price_msat_per_kwh = {DEAR}",
                "",
                *outside.tables(files, buyer=True),
            ]
        )
    )
    return rate_feed


def limits_lines(terms: DemoTerms, seller_meter_id: str) -> list[str]:
    """A demo buyer's ``[limits]`` table (its ceiling apart), its seller's meter
    ``seller_meter_id`` (the estate day's battery buys with the same)."""
    return [
        "[limits]",
        *bus.buyer_limits(terms),
        "voltage_min_v = 200",
        "voltage_max_v = 260",
        "nominal_min_v = 220",
        "nominal_max_v = 240",
        "current_needed_a = 10",
        *(["phases = 3"] if terms.three_phase else []),
        f'seller_meter_id = "{seller_meter_id}"',
        'own_tolerance_percent = "1"',
        "own_tolerance_fixed_mwh = 10",
        'max_tolerance_percent = "2"',
        "max_tolerance_fixed_mwh = 50",
        "max_period_cost_msat = 10_000_000",
        "",
    ]


def _buyer_hardware(port: str, index: int, gap_ms: int, terms: DemoTerms) -> list[str]:
    """A buyer's own meter on its bus of the simulated circuit."""
    return [
        "[hardware.bus]",
        f'port = "{port}"',
        "baud = 9600",
        f"gap_ms = {gap_ms}",
        "",
        "[[hardware.meters]]",
        f'id = "house-{index}"',
        f'model = "{_model(terms)}"',
        "address = 1",
        "",
    ]


def _files(name: str, directory: Path, config: Path, identity: NodeIdentity) -> NodeFiles:
    return NodeFiles(
        name, directory, config, identity, directory / "status.sock", directory / "ledger.sqlite"
    )


def started_at() -> float:
    return time.time()


def write_loads(
    files: NodeFiles, feed: str, board: dict[str, object], band: tuple[int, int] | None = None
) -> Path:
    """The first buyer's load agent: its appliances on the demo's Modbus load board,
    on when the rate is cheap and off when it is dear (with a few seconds of hysteresis
    in time, since the demo's rate swings every few minutes)."""
    loads = board["loads"]
    assert isinstance(loads, list)
    on_below, off_above = band or ((CHEAP + DEAR) // 2 - 10_000, (CHEAP + DEAR) // 2 + 10_000)
    lines = [
        "# The demo's smart loads (written by gridnode demo).",
        'zone = "UTC"',
        "",
        "[feed]",
        f'endpoint = "{feed}"',
        "silence_s = 15",
        "",
        "[bus]",
        f'port = "{board["port"]}"',
        "baud = 9600",
        "gap_ms = 20",
        "",
    ]
    for load in loads:
        assert isinstance(load, dict)
        lines += [
            "[[loads]]",
            f'name = "{load["name"]}"',
            f'relay = {{ kind = "modbus", address = {board["address"]}, coil = {load["coil"]} }}',
            f"power_w = {int(load['watts'])}",
            f"on_below_msat_per_kwh = {on_below}",
            f"off_above_msat_per_kwh = {off_above}",
            "min_on_s = 10",
            "min_off_s = 10",
            "",
        ]
    path = files.directory / "loads.toml"
    path.write_text("\n".join(lines))
    return path
