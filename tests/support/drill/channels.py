"""A channel LND itself failed for good, replaced as its operator would replace it.

Found by the full drill (seed 16, its 48th fault): the buyer's LND stopped cleanly with
a payment in flight and started again; from then on, at every reconnection, the
seller's LND failed the channel's link ("unable to settle htlc: No HTLC with ID 213 in
channel 501:1:0 ... resuming link failed: link failed while processing remote adds"),
so the channel stayed inactive with both LNDs up and connected to each other. A manual
disconnect and connect did the same again; lnd#1642 shows the same symptom. No trading
node can mend it (both said "no active channel with ..." and started no session), and
the drill then only timed out, fault after fault. An operator force-closes such a
channel and opens another; so does the harness, and the drill's JSON records it as
LND's fault, with the log line, not as gridnode's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gridnode.regtest.daemons import LndNode
from gridnode.regtest.network import CHANNEL_CAPACITY_SAT, CHANNEL_PUSH_SAT, RegtestNetwork

#: What LND logs when it gives a channel's link up (the channel then stays inactive).
FAILED_LINK = "resuming link failed"


@dataclass(frozen=True)
class DeadChannel:
    opener: LndNode
    peer: LndNode
    channel_point: str
    #: the LND log line that says the link failed
    evidence: str


def dead_channels(network: RegtestNetwork) -> list[DeadChannel]:
    """The topology's channels that are inactive while both ends run and are connected,
    where an end's LND logged that it gave the link up."""
    found = []
    for opener, peer in network.channel_pairs():
        if not (opener.daemon.is_running() and peer.daemon.is_running()):
            continue
        admin = opener.admin()
        try:
            if peer.pubkey not in admin.peers():
                continue
            inactive = [
                c for c in admin.channels() if c.remote_pubkey == peer.pubkey and not c.active
            ]
        finally:
            admin.close()
        for channel in inactive:
            evidence = _last_failed_link(opener) or _last_failed_link(peer)
            if evidence is not None:
                found.append(DeadChannel(opener, peer, channel.channel_point, evidence))
    return found


def replace_channel(
    network: RegtestNetwork, dead: DeadChannel, say: Callable[[str], None]
) -> dict[str, Any]:
    """Force-close ``dead`` and open a channel of the topology's size in its place (the
    opener funds it and pushes the same share), then wait until every channel is active
    and pays both ways."""
    say(f"LND failed the channel {dead.opener.name} - {dead.peer.name} for good: replacing it")
    admin = dead.opener.admin()
    try:
        closing_txid = admin.force_close(dead.channel_point)
        network.mine(1)
        admin.open_channel(dead.peer.pubkey, CHANNEL_CAPACITY_SAT, CHANNEL_PUSH_SAT)
    finally:
        admin.close()
    network.mine(6)
    network.wait_channels_active()
    network.wait_payable()  # its routing policy known both ways (1-sat probes, told apart)
    return {
        "opener": dead.opener.name,
        "peer": dead.peer.name,
        "closed": dead.channel_point,
        "closing_txid": closing_txid,
        "lnd_log": dead.evidence,
    }


def _last_failed_link(node: LndNode) -> str | None:
    """The last line of ``node``'s LND log saying it gave a link up, if any."""
    try:
        with node.log_file.open("rb") as log:
            log.seek(0, 2)
            log.seek(max(0, log.tell() - 1_000_000))  # the last MB is plenty
            tail = log.read().decode("utf-8", "replace")
    except OSError:
        return None
    lines = [line for line in tail.splitlines() if FAILED_LINK in line]
    return lines[-1] if lines else None
