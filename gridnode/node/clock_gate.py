"""Trading waits for a synchronised clock: the system clock's status and the gate it opens.

Signed readings carry the clock's synchronisation (the OCMF ``TM`` suffix) and a Pi has no
real-time clock: it may boot into a stale time. With ``require_clock_sync`` (the default)
a node whose clock is not synchronised starts no session (:func:`clock_gate` decides,
:class:`ClockGate` re-checks, tells the log once per change, and wakes the runtime when it
opens). Sessions already running go on; only new ones wait.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
from collections.abc import Awaitable, Callable

from gridnode.clock import Clock
from gridnode.ocmf import ClockStatus, clock_status

log = logging.getLogger("gridnode.node")

#: How often a closed gate asks the clock again, and an open one (to notice a lost sync).
RECHECK_CLOSED_S = 5.0
RECHECK_OPEN_S = 60.0


def system_clock_status() -> ClockStatus:
    """S when systemd says the clock is synchronised (NTP), else U (also when it cannot
    be asked: no timedatectl, as in a container or on macOS)."""
    timedatectl = shutil.which("timedatectl")
    if timedatectl is None:
        return clock_status(None)
    try:
        done = subprocess.run(
            [timedatectl, "show", "-p", "NTPSynchronized", "--value"],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return clock_status(None)
    answer = done.stdout.strip().lower() if done.returncode == 0 else ""
    return clock_status({"yes": True, "no": False}.get(answer))


def clock_gate(status: ClockStatus, require_sync: bool) -> str | None:
    """None when the node may start a session; otherwise the sentence for the log: what
    is wrong and how to fix it. Only S (synchronised) opens the gate: a Pi has no
    real-time clock and may boot into a stale time, and U (cannot tell) is no better."""
    if not require_sync or status is ClockStatus.SYNCHRONIZED:
        return None
    return (
        f"the system clock is not synchronised (clock status {status.value}), so this node "
        "starts no trading session: enable time synchronisation ('sudo timedatectl "
        "set-ntp true', or run chrony) and check 'timedatectl status' says "
        "'System clock synchronized: yes'; or set require_clock_sync = false if this "
        f"clock is known to be right. Checking again every {RECHECK_CLOSED_S:g} s."
    )


class ClockGate:
    """Keeps a node from starting sessions while its clock is not synchronised.

    :meth:`run` asks ``status`` (in a thread: ``timedatectl`` may take up to 2 s) every
    few seconds while the gate is closed and every minute while it is open, on the
    injected clock, and logs once on each change; ``warning`` holds the sentence while it
    is closed, for the snapshot. ``on_open`` is called when the gate opens, ``on_status``
    with every status checked (the live sessions flag their readings with it).
    """

    def __init__(
        self,
        require_sync: bool,
        clock: Clock,
        status: Callable[[], ClockStatus] = system_clock_status,
        *,
        recheck_closed_s: float = RECHECK_CLOSED_S,
        recheck_open_s: float = RECHECK_OPEN_S,
        offload: Callable[[Callable[[], ClockStatus]], Awaitable[ClockStatus]] = asyncio.to_thread,
    ) -> None:
        """``offload`` runs the status check off the event loop (a test passes one that
        runs it inline)."""
        self.require_sync = require_sync
        self.offload = offload
        self.clock = clock
        self.status = status
        self.recheck_closed_s = recheck_closed_s
        self.recheck_open_s = recheck_open_s
        self.warning: str | None = None
        self.on_status: Callable[[ClockStatus], None] | None = None
        self.on_open: Callable[[], None] | None = None
        self._open = not require_sync
        self._checked = not require_sync
        #: the latest status asked, and when (monotonic seconds on the clock)
        self._latest: tuple[ClockStatus, float] | None = None

    @property
    def is_open(self) -> bool:
        return self._open

    async def current(self) -> ClockStatus:
        """The clock's status for a session starting now: the latest check if it is
        recent (within the open gate's recheck period), else asked now."""
        now = self.clock.monotonic()
        if self._latest is not None and now - self._latest[1] < self.recheck_open_s:
            return self._latest[0]
        status = await self.offload(self.status)
        self._latest = (status, now)
        return status

    def update(self, status: ClockStatus) -> None:
        """Take a fresh clock status; log when the gate closes or opens."""
        self._latest = (status, self.clock.monotonic())
        warning = clock_gate(status, self.require_sync)
        if not self._checked or (warning is None) != (self.warning is None):
            if warning is not None:
                log.warning("%s", warning)
            else:
                log.info("the system clock is synchronised: trading may start")
        self.warning, self._checked = warning, True
        if self.on_status is not None:
            self.on_status(status)
        opened = warning is None and not self._open
        self._open = warning is None
        if opened and self.on_open is not None:
            self.on_open()

    async def run(self) -> None:
        """Re-check until cancelled (returns at once when no sync is required)."""
        if not self.require_sync:
            return
        while True:
            self.update(await self.offload(self.status))
            await self.clock.sleep(self.recheck_open_s if self.is_open else self.recheck_closed_s)
