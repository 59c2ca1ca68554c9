"""The demo watching its nodes: each node's status socket followed, and a line of what
each is doing."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from gridnode.demo.summary import Sampler
from gridnode.errors import GridnodeError
from gridnode.status import client
from gridnode.status.pb import status_pb2 as pb
from gridnode.status.text import on_both_sides, side_words


async def follow_status(
    name: str, socket: Path, latest: dict[str, pb.NodeStatus], sampler: Sampler
) -> None:
    """Keep ``latest[name]`` and the sampler fed from a node's status socket, through
    its restarts."""
    while True:
        with contextlib.suppress(GridnodeError, OSError):
            async for status in client.subscribe(socket, max_interval_ms=200):
                latest[name] = status
                sampler.add(name, status)
        await asyncio.sleep(0.5)


def status_line(name: str, status: pb.NodeStatus) -> str:
    """One line of what a node is doing, for the demo's progress output; on a node on
    both sides each session says which side it is on ("sells to flat-1: supplying")."""
    if not status.sessions:
        return f"{name}: no session"
    both = on_both_sides(status)
    parts = []
    for s in status.sessions:
        who = s.peer_name if status.role == "seller" else name
        if both:  # a battery node, a prosumer: the side it is on says who the peer is
            who = side_words(s, status.role)
        parts.append(
            f"{who}: {s.state}"
            f"{' (relay on)' if s.relay_on else ''}, {s.power_mw / 1e6:.2f} kW, "
            f"rate {s.rate_msat_per_kwh / 1000:.0f} sat/kWh, credit {s.credit_msat} msat"
        )
    return f"{name}: " + "; ".join(parts)
