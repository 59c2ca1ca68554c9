"""A regtest network's start-up steps that grow with its size: the LND nodes starting
together, the channels opened in batches, and every channel becoming active, each
waited for as long as it makes progress (:mod:`gridnode.regtest.progress`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from gridnode.regtest.daemons import LndNode
from gridnode.regtest.lnd_admin import LndAdmin
from gridnode.regtest.progress import Admins, Progress, batches, follow

#: Channels one node opens in one funding transaction (BatchOpenChannel).
CHANNEL_BATCH = 10

Say = Callable[[str], None]
Pair = tuple[LndNode, LndNode]


def wait_started(nodes: Sequence[LndNode], say: Say) -> None:
    """Until every LND node answers (they start together and share the machine)."""
    with Admins([(n.name, n.admin()) for n in nodes]) as admins:

        def answers(admin: LndAdmin) -> bool:
            admin.wait_ready(timeout_s=0.0)  # one try: its files written, then GetInfo
            return True

        follow(lambda: admins.count(answers), f"{len(nodes)} LND node(s) to start", say)


def open_in_batches(
    pairs: Sequence[Pair], capacity_sat: int, push_sat: int, mine: Callable[[int], int], say: Say
) -> None:
    """Each opener's channels in funding transactions of up to :data:`CHANNEL_BATCH`, a
    block mined between two batches of one opener (the next spends confirmed coins)."""
    openers: dict[str, list[LndNode]] = {}
    for left, right in pairs:
        openers.setdefault(left.name, [left]).append(right)
    funders = [(group[0].name, group[0].admin()) for group in openers.values()]
    with Admins(funders) as admins:
        check = functools.partial(_has_funds, sat=capacity_sat * 2)
        follow(lambda: admins.count(check), "the openers to see their mined funds", say)
    for opener, *peers in openers.values():
        admin = opener.admin()
        try:
            groups = batches(peers, CHANNEL_BATCH)
            for i, batch in enumerate(groups):
                say(f"opening {len(batch)} channel(s) {opener.name} -> " + _names(batch))
                for peer in batch:
                    admin.connect(peer.pubkey, peer.p2p_host)
                admin.open_channels([p.pubkey for p in batch], capacity_sat, push_sat)
                if i + 1 < len(groups):
                    mine(1)
        finally:
            admin.close()


def wait_active(nodes: Sequence[LndNode], pairs: Sequence[Pair], say: Say, stall_s: float) -> None:
    """Until every node has its channels active; gives up after ``stall_s`` with no
    channel coming up."""
    wanted = {n.name: sum(n in pair for pair in pairs) for n in nodes}
    with Admins([(n.name, n.admin()) for n in nodes]) as admins:

        def active() -> Progress:
            done, behind = 0, []
            for name, admin in admins.admins:
                count = min(len(admin.active_channels()), wanted[name])
                done += count
                if count < wanted[name]:
                    behind.append(name)
            return Progress(done, sum(wanted.values()), f"(not yet: {', '.join(behind[:4])})")

        follow(active, "the channels to become active", say, stall_s=stall_s)


def _names(nodes: Sequence[LndNode]) -> str:
    if len(nodes) <= 4:
        return ", ".join(n.name for n in nodes)
    return f"{nodes[0].name} ... {nodes[-1].name}"


def _has_funds(admin: LndAdmin, sat: int) -> bool:
    return admin.confirmed_balance_sat() > sat
