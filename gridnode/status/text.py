"""A node's status in plain words: what ``gridnode status`` prints, and what the dashboard
says of a node on both sides of the market (pure: protobuf in, strings out).

A battery node (and a prosumer) sells to some peers and buys from others in one
runtime, so its role ("seller+buyer+battery") cannot say how to show a session: each
session carries the side this node is on (:func:`session_side`), and a node older than
the battery node, which leaves it empty, is on its role's side of every session.
"""

from __future__ import annotations

from gridnode.status.pb import status_pb2 as pb

SELLER, BUYER = "seller", "buyer"
MISSING = "-"


def session_side(session: pb.SessionStatus, role: str) -> str:
    """The side this node is on in ``session``: its own, else (an older node) the role."""
    return session.side or role


def on_both_sides(status: pb.NodeStatus) -> bool:
    """Whether the node sells and buys (a battery node, a prosumer), by its role or by
    its sessions."""
    if "+" in status.role:
        return True
    sides = {session_side(s, status.role) for s in status.sessions}
    return {SELLER, BUYER} <= sides


def node_kind(status: pb.NodeStatus) -> str:
    """What the node is: "seller", "buyer", or for one on both sides what it sells from
    ("battery", "prosumer")."""
    if status.HasField("battery") and status.battery.kind:
        return status.battery.kind
    own = [part for part in status.role.split("+") if part not in ("", SELLER, BUYER)]
    if own:
        return own[0]
    return "node" if on_both_sides(status) else status.role or "?"


def node_title(status: pb.NodeStatus) -> str:
    """ "gridnode seller", or for a node on both sides how many it sells to and buys
    from: "gridnode battery: sells to 2, buys from 3"."""
    if not on_both_sides(status):
        return f"gridnode {status.role or '?'}"
    sides = [session_side(s, status.role) for s in status.sessions]
    return (
        f"gridnode {node_kind(status)}: sells to {sides.count(SELLER)}, "
        f"buys from {sides.count(BUYER)}"
    )


def side_words(session: pb.SessionStatus, role: str) -> str:
    """ "sells to flat-1" or "buys from grid"."""
    side = session_side(session, role)
    peer = session.peer_name or session.meter_id or "its peer"
    if side == SELLER:
        return f"sells to {peer}"
    if side == BUYER:
        return f"buys from {peer}"
    return peer


# -- numbers ------------------------------------------------------------------------------
def power(mw: int) -> str:
    if abs(mw) >= 1_000_000:
        return f"{mw / 1e6:.2f} kW"
    return f"{mw / 1e3:.0f} W"


def energy(mwh: int) -> str:
    if abs(mwh) >= 1_000_000:
        return f"{mwh / 1e6:.3f} kWh"
    return f"{mwh / 1e3:.1f} Wh"


def rate(msat_per_kwh: int) -> str:
    if not msat_per_kwh:
        return MISSING
    return f"{msat_per_kwh / 1000:,.1f} sat/kWh"


def msat(amount_msat: int) -> str:
    """Satoshis with the millisatoshis kept: 12,345.678 sat."""
    sign = "-" if amount_msat < 0 else ""
    whole, rest = divmod(abs(amount_msat), 1000)
    return f"{sign}{whole:,}.{rest:03d} sat"


# -- the battery's book -------------------------------------------------------------------
def charge_share(book: pb.BatteryStatus) -> int:
    """How full the usable band is, in whole percent: 0 at the reserve, 100 at the
    maximum (what may be sold or bought lies between them)."""
    span = book.max_mwh - book.reserve_mwh
    if span <= 0:
        return 0
    return max(0, min(100, (book.stored_mwh - book.reserve_mwh) * 100 // span))


def charge_bar(book: pb.BatteryStatus, width: int = 20) -> str:
    """The charge between the reserve (left end) and the maximum (right end)."""
    filled = charge_share(book) * width // 100
    return "▕" + "█" * filled + "░" * (width - filled) + "▏"


def charge_line(book: pb.BatteryStatus) -> str:
    if not book.charge_known:
        return "charge not known yet: waiting for the inverter's first reading"
    return (
        f"charge {energy(book.stored_mwh)} of {energy(book.capacity_mwh)}, "
        f"{charge_share(book)}% between reserve {energy(book.reserve_mwh)} "
        f"and maximum {energy(book.max_mwh)}"
    )


def pledge_line(book: pb.BatteryStatus) -> str:
    return (
        f"pledged {energy(book.pledged_sales_mwh)} to sales, "
        f"{energy(book.pledged_purchases_mwh)} to purchases"
    )


def offer_line(book: pb.BatteryStatus) -> str:
    """This period's offer, or why there is none."""
    if book.offer_msat_per_kwh:
        return f"offers {energy(book.offer_energy_mwh)} at {rate(book.offer_msat_per_kwh)}"
    return f"offers nothing: {book.not_offering or 'no reason given'}"


def bid_line(book: pb.BatteryStatus) -> str:
    """The cap the battery buys under, or why it bids nothing."""
    if book.bid_msat_per_kwh:
        return f"buys at up to {rate(book.bid_msat_per_kwh)}"
    return f"bids nothing: {book.not_buying or 'no reason given'}"


def floor_line(book: pb.BatteryStatus) -> str:
    return f"sells at no less than {rate(book.floor_msat_per_kwh)} (cost after losses)"


def surplus_line(book: pb.BatteryStatus) -> str:
    if not book.surplus_known:
        return "PV surplus not measured yet"
    return f"PV surplus {power(book.surplus_power_mw)}"


def book_lines(book: pb.BatteryStatus) -> list[str]:
    """The battery's book, or the prosumer's surplus, a line a figure."""
    if book.kind == "prosumer":
        return [surplus_line(book), offer_line(book)]
    lines = [charge_line(book)]
    if book.charge_known:
        lines.append(pledge_line(book))
    lines += [offer_line(book), bid_line(book)]
    if book.charge_known:
        lines.append(floor_line(book))
    return lines


# -- the whole node -----------------------------------------------------------------------
def session_line(session: pb.SessionStatus, role: str) -> str:
    """One session in a line: who, which side, its state and money."""
    parts = [side_words(session, role), session.state or "no state yet"]
    if session.session_id:
        parts.append(f"{power(session.power_mw)}, rate {rate(session.rate_msat_per_kwh)}")
        parts.append(f"credit {msat(session.credit_msat)}")
        if session_side(session, role) == SELLER:
            parts.append("relay on" if session.relay_on else "relay off")
    if session.market:
        parts.append(f"market: {session.market}")
    return ", ".join(parts)


def status_lines(status: pb.NodeStatus) -> list[str]:
    """What ``gridnode status`` prints: the node, its book, its sessions, its warnings."""
    lines = [f"{node_title(status)}  fp {status.fingerprint[:16] or MISSING}"]
    if not status.lnd_reachable:
        lines.append("! LND unreachable")
    if status.HasField("battery"):
        lines += [f"  {line}" for line in book_lines(status.battery)]
    if not status.sessions:
        lines.append("no peers")
    lines += [f"- {session_line(s, status.role)}" for s in status.sessions]
    lines += [f"! warning: {warning}" for warning in status.warnings]
    return lines
