"""The node's process: :func:`run_node` builds a runtime from its settings and runs it
until SIGTERM or SIGINT; a seller reloads its configuration on SIGHUP (issue 18,
:mod:`gridnode.node.reload`), a buyer stops on it as on SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

from gridnode.clock import SYSTEM_CLOCK, Clock, ShiftedClock
from gridnode.config.settings import AnySettings, NodeSettings, SellerSettings
from gridnode.node.factory import build_runtime

log = logging.getLogger("gridnode.node")

#: Names a file, relative to the node's configuration folder, holding an offset (ms) for
#: the node's wall clock: the fault drills' clock jumps (docs/drill.md). Not GRIDNODE_...:
#: those variables override settings.
CLOCK_SHIFT_ENV = "DEMO_CLOCK_SHIFT_FILE"


def node_clock(settings: AnySettings) -> Clock:
    """The system clock; in a demo's node (``require_clock_sync = false``, which a real
    installation never writes) shifted by the file ``DEMO_CLOCK_SHIFT_FILE`` names, so
    a drill can jump one node's clock by an hour without moving the machine's."""
    name = os.environ.get(CLOCK_SHIFT_ENV)
    if not name or settings.require_clock_sync:
        return SYSTEM_CLOCK
    log.warning("the node's wall clock follows the offset in %s (a demo drill)", name)
    return ShiftedClock(settings.base / name)


def run_node(
    settings: NodeSettings, *, allow_control: bool = False, config_path: Path | None = None
) -> None:
    """Run a node until SIGTERM or SIGINT: each stops it cleanly (relays off, sessions
    closed). SIGHUP is the daemons' "read your configuration again" for a seller given
    its ``config_path`` (issue 18); a buyer stops on it cleanly, as on a closed terminal."""
    reloads = isinstance(settings, SellerSettings) and config_path is not None

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        # while it starts, a seller ignores SIGHUP: it starts on the file it just read
        loop.add_signal_handler(signal.SIGHUP, (lambda: None) if reloads else stop.set)
        runtime = await build_runtime(
            settings,
            allow_control=allow_control,
            clock=node_clock(settings),
            config_path=config_path,
        )
        if reloads:
            spawn = runtime.ctx.tasks.spawn
            loop.add_signal_handler(
                signal.SIGHUP, lambda: spawn(runtime.reload("SIGHUP"), name="reload")
            )
        await runtime.run(stop)

    asyncio.run(main())
