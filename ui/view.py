"""How numbers and states read on the dashboard (pure: no Textual, no I/O).

Every function takes proto3 values as they arrive, where a field the node did not fill
is 0 or "", and says "-" or a word for it rather than a misleading zero. States and
connections always carry a symbol and a word, so they keep their meaning without colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridnode.status import text
from gridnode.status.pb import status_pb2 as pb

# the numbers read as `gridnode status` prints them (re-exported: the panels use view.*)
from gridnode.status.text import BUYER as BUYER
from gridnode.status.text import MISSING as MISSING
from gridnode.status.text import SELLER as SELLER
from gridnode.status.text import energy as energy
from gridnode.status.text import msat as msat
from gridnode.status.text import power as power
from gridnode.status.text import rate as rate

#: state -> (symbol, word, style). Symbols and words carry the meaning; style only helps.
_STATES: dict[str, tuple[str, str, str]] = {
    "supplying": ("▶", "supplying", "green"),
    "receiving": ("▶", "receiving", "green"),
    "negotiating": ("…", "negotiating", "yellow"),
    "awaiting_offer": ("…", "awaiting offer", "yellow"),
    "awaiting_deposit": ("…", "awaiting deposit", "yellow"),
    "suspended_credit": ("■", "suspended: credit", "red"),
    "suspended_fault": ("■", "suspended: fault", "red"),
    "suspended": ("■", "suspended", "red"),
    "stopped": ("✖", "stopped: breach", "red"),
    "closing": ("◌", "closing", "yellow"),
    "closed": ("◌", "closed", "dim"),
    # what the node says before a session exists (gridnode/node/status_view.py)
    "waiting for the buyer": ("…", "waiting for the buyer", "yellow"),
    "waiting for an offer": ("…", "waiting for an offer", "yellow"),
}


#: What a state means, said when the node gives no cause (from gridnode/trade/states.py).
_MEANINGS: dict[str, str] = {
    "negotiating": "offer sent; waiting for the buyer's answer",
    "awaiting_deposit": "terms agreed; the deposit is not locked yet",
    "supplying": "relay on: deposit locked, credit above the cut-off, reading fresh",
    "suspended_credit": "relay off: credit at or below the cut-off",
    "suspended_fault": "relay off: a stale reading, overcurrent or outside the period",
    "closing": "relay off for good; the deposit is being released or settled",
    "closed": "nothing left to do",
    "awaiting_offer": "waiting for the seller's hello and offer",
    "receiving": "paying ahead as energy is used",
    "suspended": "the seller says supply is off (credit or fault)",
    "stopped": "the seller breached the terms: no more payments",
    "waiting for the buyer": "no session yet: the buyer has not connected and agreed",
    "waiting for an offer": "no session yet: the seller has not made an offer",
}


def state_meaning(state: str) -> str:
    return _MEANINGS.get(state, "no cause given")


@dataclass(frozen=True)
class Badge:
    symbol: str
    word: str
    style: str

    @property
    def text(self) -> str:
        return f"{self.symbol} {self.word}"


def state_badge(state: str) -> Badge:
    if not state:
        return Badge("?", "no state yet", "dim")
    symbol, word, style = _STATES.get(state, ("•", state.replace("_", " "), ""))
    return Badge(symbol, word, style)


def relay_badge(session: pb.SessionStatus, role: str) -> Badge:
    """The relay a seller switches; none where this node buys (by the session's side)."""
    if text.session_side(session, role) != SELLER:
        return Badge("", "", "")
    return Badge("●", "ON", "green") if session.relay_on else Badge("○", "off", "dim")


def link_badge(connected: bool) -> Badge:
    return Badge("✔", "connected", "green") if connected else Badge("✖", "not connected", "red")


def short_fingerprint(fingerprint: str, keep: int = 16) -> str:
    if not fingerprint:
        return MISSING
    return fingerprint if len(fingerprint) <= keep else fingerprint[:keep] + "…"


def voltage(mv: int) -> str:
    return f"{mv / 1e3:.1f} V" if mv else MISSING


def current(ma: int) -> str:
    return f"{ma / 1e3:.2f} A"


def duration_ms(ms: int) -> str:
    seconds = max(0, ms) // 1000
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def age(now_ms: int, at_ms: int) -> str:
    """How old a reading is, or '-' when there is none."""
    if not at_ms:
        return "no reading yet"
    return f"{duration_ms(now_ms - at_ms)} ago"


def clock(at_ms: int) -> str:
    """HH:MM:SS UTC of an instant (the node's snapshot time, never the local clock)."""
    if not at_ms:
        return MISSING
    seconds = at_ms // 1000 % 86400
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def owed_msat(session: pb.SessionStatus) -> int:
    """Delivered and not yet paid: what a negative credit means, in plain words."""
    return max(0, -session.credit_msat)


def exposure(session: pb.SessionStatus) -> str:
    text = msat(session.exposure_msat)
    if session.exposure_ms:
        text += f" ({duration_ms(session.exposure_ms)} at max power)"
    return text


def market(session: pb.SessionStatus) -> str:
    """The seller's place in the buyer's market, with its score over the period."""
    if not session.market_scored:
        return session.market
    return f"{session.market}, {msat(session.market_score_msat)} this period"


#: A seller's place in a buyer's market -> (symbol, style); refusals start "refused: ".
_PLACES: dict[str, tuple[str, str]] = {
    "active": ("▶", "bold green"),
    "next best": ("◇", "cyan"),
    "scored": ("·", ""),
    "offer held": ("…", "dim"),
}


def market_place(session: pb.SessionStatus) -> Badge:
    """The seller's place in the market as a badge for the table (the refusal's reasons
    are in the detail's market row)."""
    place = session.market
    if not place:
        return Badge(MISSING, "", "dim")
    if place.startswith("refused"):
        return Badge("✖", "refused", "red")
    symbol, style = _PLACES.get(place, ("•", ""))
    return Badge(symbol, place, style)


def market_score(session: pb.SessionStatus) -> str:
    """The seller's score over the period ("-" when it was not scored)."""
    return msat(session.market_score_msat) if session.market_scored else MISSING


def period(session: pb.SessionStatus, now_ms: int) -> str:
    if not session.period_stop_ms:
        return "no sale period yet"
    left = session.period_stop_ms - now_ms
    if left <= 0:
        return f"ended {clock(session.period_stop_ms)}"
    span = f"{clock(session.period_start_ms)}-{clock(session.period_stop_ms)}"
    return f"{span}, {duration_ms(left)} left"


def payment_line(payment: pb.PaymentInfo) -> str:
    hash_hex = payment.payment_hash.hex()[:10] or MISSING
    return (
        f"{clock(payment.at_ms)} {payment.kind or 'payment'} {msat(payment.amount_msat)} "
        f"{payment.status or '?'} {hash_hex}"
    )


def breach_line(breach: pb.Breach) -> str:
    return f"{clock(breach.at_ms)} ! {breach.kind or 'breach'}: {breach.text}"


def session_label(session: pb.SessionStatus, index: int) -> str:
    return session.peer_name or session.meter_id or session.session_id[:8] or f"session {index + 1}"


def session_key(session: pb.SessionStatus, index: int) -> str:
    """A stable key for a row: the peer's name or fingerprint outlives its session ids."""
    return session.peer_fingerprint or session.peer_name or session.meter_id or f"#{index}"


def side_badge(session: pb.SessionStatus, role: str) -> Badge:
    """Which way the energy goes in a session of a node on both sides."""
    side = text.session_side(session, role)
    if side == SELLER:
        return Badge("→", "sells", "green")
    if side == BUYER:
        return Badge("←", "buys", "cyan")
    return Badge("?", side or "side not known", "dim")


def table_kind(status: pb.NodeStatus) -> str:
    """Which columns the session table takes: a seller's (relay, power), a buyer's
    (the market) or both sides' (a battery node: each row by its own side)."""
    if text.on_both_sides(status):
        return "both"
    sides = {text.session_side(s, status.role) for s in status.sessions}
    return BUYER if sides == {BUYER} or (not sides and status.role == BUYER) else SELLER
