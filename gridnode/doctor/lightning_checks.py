"""The Lightning checks: the macaroon has exactly the role's permissions, LND answers
and is synced, and each configured peer has an active direct channel whose minimum HTLC
lets the session's smallest payment through and whose balance carries its largest.

A node that sells and buys (a battery, a prosumer) needs both roles' permissions in its
one macaroon, and checks each peer's channel the way money flows with it: inbound from
each buyer, outbound to each seller (:attr:`PeerChannel.side`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gridnode.doctor.model import Check, failure, ok, warning
from gridnode.doctor.ports import LightningProbe
from gridnode.errors import GridnodeError
from gridnode.money import Msat
from gridnode.wallet import macaroon
from gridnode.wallet.port import ChannelInfo

#: The roles that sell and buy in one process: their macaroon has both roles' permissions.
BOTH_SIDES = ("battery", "prosumer")


def _sides(role: str) -> tuple[str, ...]:
    """The one-sided roles whose permissions a node of ``role`` needs."""
    return ("seller", "buyer") if role in BOTH_SIDES else (role,)


def bake_hint(role: str) -> str:
    """How to bake ``role``'s macaroon (a node that sells and buys: one macaroon with
    the permissions of both lines)."""
    if role in BOTH_SIDES:
        lines = " and of ".join(macaroon.BAKE_COMMANDS[side] for side in _sides(role))
        return f"one macaroon with the permissions of {lines}"
    return macaroon.BAKE_COMMANDS[role]


def macaroon_check(data: bytes, role: str, *, allow_broad: bool) -> Check:
    """The macaroon read from its own bytes, against the role's least privilege (a
    node that sells and buys: the union of a seller's and a buyer's)."""
    name = "macaroon"
    bake = bake_hint(role)
    try:
        parsed = macaroon.parse(data)
    except macaroon.MacaroonError as exc:
        return failure(name, str(exc), f"Bake one with: {bake}")
    sides = _sides(role)
    missing = sorted({p for side in sides for p in parsed.missing_for(side)})
    excess = sorted(set.intersection(*(set(parsed.excess_for(side)) for side in sides)))
    if missing:
        return failure(
            name, f"it lacks {', '.join(missing)}, which a {role} needs", f"Bake it with: {bake}"
        )
    if excess:
        found = f"it also allows {', '.join(excess)}, more than a {role} needs"
        fix = f"Bake a least-privilege one with: {bake}"
        return warning(name, found, fix) if allow_broad else failure(name, found, fix)
    both = " (a seller's and a buyer's)" if len(sides) > 1 else ""
    return ok(name, f"exactly the {role}'s {len(parsed.permissions)} permissions{both}")


@dataclass(frozen=True, slots=True)
class PeerChannel:
    """What one configured peer's direct channel must allow."""

    #: The peer's name ("flat-2", "seller").
    peer: str
    #: Its Lightning node id ("" when the configuration does not name it).
    node_id: str
    #: Where the configuration would name it ("[[buyers]] flat-2", "[seller]").
    where: str
    #: The smallest payment of a session, and the most one payment step locks.
    min_payment: Msat
    largest_payment: Msat
    #: The node's side towards the peer: "seller" (it receives: inbound) or "buyer"
    #: (it pays: outbound); "" for the node's role (a battery node is both).
    side: str = ""


async def lnd_checks(probe: LightningProbe, role: str, peers: Sequence[PeerChannel]) -> list[Check]:
    """LND reachable and synced, then a channel line per peer."""
    try:
        info = await probe.node_info()
    except GridnodeError as exc:
        return [
            failure(
                "lnd",
                f"LND does not answer: {exc}",
                "Start LND and unlock its wallet, and check [lnd] host, tls_cert and macaroon.",
            )
        ]
    version = info.version.split(" ")[0]
    found = f"{info.alias or info.pubkey[:16]} (LND {version}), block {info.block_height}"
    if not info.synced_to_chain:
        return [
            failure(
                "lnd",
                f"{found} is not synced to the chain",
                "Wait for LND to catch up with its bitcoin backend ('lncli getinfo' shows "
                "synced_to_chain true); payments fail until it has.",
            )
        ]
    checks = [ok("lnd", f"{found}, synced to the chain")]
    try:
        channels = await probe.channels()
    except GridnodeError as exc:
        checks.append(
            failure(
                "channels",
                f"LND did not list the channels: {exc}",
                f"Bake the macaroon with: {bake_hint(role)}",
            )
        )
        return checks
    for peer in peers:
        checks.append(channel_check(role, peer, channels))
    return checks


def channel_check(role: str, peer: PeerChannel, channels: Sequence[ChannelInfo]) -> Check:
    """One peer's direct channel: active, small HTLCs accepted, balance for a payment."""
    name = f"channel to {peer.peer}"
    if not peer.node_id:
        count = sum(1 for c in channels if c.active)
        return warning(
            name,
            f"the configuration does not say which Lightning node {peer.peer} is "
            f"({count} active channel(s) in all)",
            f"Set lightning_node = \"<its node id>\" in {peer.where} (its 'lncli getinfo' "
            "identity_pubkey), so its channel can be checked.",
        )
    mine = [c for c in channels if c.remote_pubkey == peer.node_id]
    if not mine:
        return failure(
            name,
            f"no channel with {peer.peer}'s node {peer.node_id[:16]}…",
            "Open a direct channel between the two nodes (README, 'Open a direct "
            "channel'): routed payments pay a base fee on every step.",
        )
    active = [c for c in mine if c.active]
    if not active:
        return failure(
            name,
            f"the channel with {peer.peer} is not active",
            f"Check {peer.peer}'s LND is running and connected ('lncli listpeers').",
        )
    # the seller receives: its own minimum applies; the buyer pays: the seller's does
    receiving = (peer.side or role) == "seller"
    best = max(active, key=lambda c: c.remote if receiving else c.local)
    min_htlc = best.local_min_htlc if receiving else best.remote_min_htlc
    if min_htlc > peer.min_payment:
        side = "this node" if receiving else f"{peer.peer}"
        return failure(
            name,
            f"{side} refuses HTLCs under {min_htlc}, above the smallest payment {peer.min_payment}",
            "Open the channel with 'lncli openchannel --min_htlc_msat 1' and run LND with "
            "bitcoin.minhtlc=1 (README).",
        )
    room = best.remote - best.remote_reserve if receiving else best.local - best.local_reserve
    direction = "inbound" if receiving else "outbound"
    if room < peer.largest_payment:
        return failure(
            name,
            f"{direction} room {room} cannot carry one payment of {peer.largest_payment}",
            "Add liquidity: a new channel, a loop out or a splice (README, 'Liquidity').",
        )
    return ok(
        name,
        f"active, {direction} room {room.sat_floor} sat, minimum HTLC {min_htlc.msat} msat "
        f"(smallest payment {peer.min_payment.msat} msat)",
    )
