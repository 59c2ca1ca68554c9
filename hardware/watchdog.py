"""The seller's watchdog: kick an external watchdog (and systemd's) while healthy.

A GPIO pin keeps its level when the process is killed, so fail-safe in software is not
enough for a seller. The node kicks a watchdog output while its health check passes;
when the process dies, hangs or turns unhealthy the kicks stop, and the external
watchdog drops the contactor (hardware/deploy/WIRING.md). The same loop tells systemd
``WATCHDOG=1`` when the unit has ``WatchdogSec=``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger(__name__)


class WatchdogOutput(Protocol):
    def kick(self) -> None:
        """One sign of life (a pin toggle, a coil write)."""
        ...


def sd_notify(state: str) -> bool:
    """Send ``state`` to systemd's notify socket; False when not run by systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(state.encode())
    return True


def systemd_watchdog_period_s() -> float | None:
    """Half of systemd's ``WatchdogSec=`` (from WATCHDOG_USEC), or None if unset."""
    usec = os.environ.get("WATCHDOG_USEC")
    if not usec:
        return None
    return int(usec) / 2e6


async def run_watchdog(
    output: WatchdogOutput | None,
    healthy: Callable[[], bool],
    *,
    period_s: float = 0.5,
    notify: Callable[[str], bool] = sd_notify,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    offload: Callable[[Callable[[], None]], Awaitable[None]] = asyncio.to_thread,
) -> None:
    """Kick ``output`` and systemd every ``period_s`` while ``healthy()``; runs until cancelled.

    Start it once the node is up: it first tells systemd ``READY=1`` (the units are
    ``Type=notify``), then ``WATCHDOG=1`` with every kick.

    An unhealthy node stops kicking and says so once; a failed kick is logged and
    retried on the next period (the external watchdog tolerates a missed kick).
    ``sleep`` waits (the node's clock) and ``offload`` runs a kick off the event loop.
    """
    notify("READY=1")
    was_healthy = True
    while True:
        ok = healthy()
        if ok:
            try:
                if output is not None:
                    await offload(output.kick)
                notify("WATCHDOG=1")
            except Exception as exc:
                log.error("watchdog kick failed: %s", exc)
        elif was_healthy and output is not None:
            log.error("node unhealthy: watchdog kicks stopped, the contactor will drop")
        elif was_healthy:
            log.error("node unhealthy: systemd watchdog notifications stopped")
        was_healthy = ok
        await sleep(period_s)
