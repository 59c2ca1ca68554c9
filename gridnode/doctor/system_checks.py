"""The checks around the node: the clock is synchronised, each peer is reachable and
presents its pinned fingerprint, and the disk has room for the storage budget."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gridnode.doctor.model import Check, failure, ok, skipped, warning
from gridnode.doctor.ports import ClockProbe, MeasureDisk, ProbePeer, RunningNode
from gridnode.errors import GridnodeError
from gridnode.ocmf import ClockStatus

MB = 1_000_000
#: Free space below this many days of the storage budget is a failure, below the
#: second a warning (the node itself warns when a week's growth does not fit).
FAIL_DAYS, WARN_DAYS = 7, 30


def clock_check(probe: ClockProbe, *, require_sync: bool) -> Check:
    status = probe()
    if status is ClockStatus.SYNCHRONIZED:
        return ok("clock", "the system clock is synchronised")
    found = f"the system clock is not synchronised (status {status.value})"
    fix = (
        "Enable time synchronisation ('sudo timedatectl set-ntp true', or chrony) until "
        "'timedatectl status' says 'System clock synchronized: yes'."
    )
    if require_sync:
        return failure("clock", f"{found}, so the node starts no session", fix)
    return ok(
        "clock",
        f"{found}; the configuration accepts that (require_clock_sync = false), so "
        "readings are flagged unsynchronised",
    )


def storage_check(measure: MeasureDisk, paths: Sequence[Path], budget_mb_per_day: int) -> Check:
    used, free = measure(paths)
    budget = budget_mb_per_day * MB
    days = free // budget if budget else 0
    found = (
        f"{free / MB:,.0f} MB free, {days} day(s) of the {budget_mb_per_day} MB/day budget "
        f"(the node's files take {used / MB:,.1f} MB)"
    )
    fix = (
        "Free space, move the ledger to a larger disk, or archive old sessions with "
        "'gridnode ledger prune' (docs/storage.md)."
    )
    if days < FAIL_DAYS:
        return failure("storage", found, fix)
    if days < WARN_DAYS:
        return warning("storage", found, fix)
    return ok("storage", found)


@dataclass(frozen=True, slots=True)
class PinnedPeerView:
    """A configured peer: its name, pinned fingerprint and (for a seller) address."""

    name: str
    fingerprint: str
    address: str = ""


def peers_from_node(node: RunningNode, peers: Sequence[PinnedPeerView]) -> list[Check]:
    """Each peer as the running node sees it: connected, with the pinned key."""
    checks = []
    for peer in peers:
        name = f"peer {peer.name}"
        seen = [s for s in node.sessions if s.peer_fingerprint == peer.fingerprint]
        if any(s.peer_connected for s in seen):
            checks.append(
                ok(name, f"connected, presenting the pinned fingerprint {peer.fingerprint[:16]}…")
            )
        else:
            checks.append(
                warning(
                    name,
                    "not connected to the running node now",
                    f"Check {peer.name}'s node runs, can reach this one, and pins this "
                    "node's fingerprint ('gridnode fingerprint'); its log says why it "
                    "does not connect.",
                )
            )
    return checks


def buyers_when_stopped(peers: Sequence[PinnedPeerView]) -> list[Check]:
    """A stopped seller cannot see its buyers: they connect to it."""
    return [
        skipped(
            f"peer {p.name}",
            "buyers connect to the seller, and this seller is not running",
            "Start the node and run the doctor again to see each buyer connected.",
        )
        for p in peers
    ]


async def probe_seller(probe: ProbePeer, peer: PinnedPeerView) -> Check:
    """A stopped buyer knocks at its seller's address and compares the key it presents."""
    name = f"peer {peer.name}"
    try:
        presented = await probe(peer.address)
    except (OSError, GridnodeError) as exc:
        return failure(
            name,
            f"{peer.address} does not answer ({exc})",
            "Check the seller's node runs and that this machine can reach its address "
            "and port (firewall, [seller] address).",
        )
    if presented != peer.fingerprint:
        return failure(
            name,
            f"{peer.address} presents {presented[:16]}…, not the pinned {peer.fingerprint[:16]}…",
            "Compare fingerprints with the seller aloud ('gridnode fingerprint') and pin "
            "the right certificate in [seller].",
        )
    return ok(name, f"{peer.address} answers with the pinned fingerprint {presented[:16]}…")
