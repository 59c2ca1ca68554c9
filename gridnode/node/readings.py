"""The node's side of signed readings: the clock status and each series' state.

The trade core signs OCMF records but does no I/O; the node tells it how far the series
for a meter has got (rebuilt from the last record in the ledger) and whether the system
clock is synchronised (``timedatectl``), and stores the records the sessions emit.

The same clock status gates trading: with ``require_clock_sync`` (the default) a node
whose clock is not synchronised starts no session (:func:`clock_gate` decides,
:class:`ClockGate` re-checks and tells the log).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
from collections.abc import Callable

from gridnode.ledger import Ledger, ReadingRow, ReadingSide
from gridnode.ocmf import ClockStatus, OcmfError, SeriesState, clock_status, parse_record
from gridnode.trade.readings import OwnSeries
from gridnode.trade.signing import Signer, fingerprint

log = logging.getLogger("gridnode.node")


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


#: How often a closed gate asks the clock again, and an open one (to notice a lost sync).
RECHECK_CLOSED_S = 5.0
RECHECK_OPEN_S = 60.0


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
    few seconds while the gate is closed and every minute while it is open, and logs
    once on each change; ``warning`` holds the sentence while it is closed, for the
    status socket. Sessions already running go on; only new ones wait.
    """

    def __init__(
        self,
        require_sync: bool,
        status: Callable[[], ClockStatus] = system_clock_status,
        *,
        recheck_closed_s: float = RECHECK_CLOSED_S,
        recheck_open_s: float = RECHECK_OPEN_S,
    ) -> None:
        self.require_sync = require_sync
        self.status = status
        self.recheck_closed_s = recheck_closed_s
        self.recheck_open_s = recheck_open_s
        self.warning: str | None = None
        #: told every status checked, to flag the live sessions' readings with it
        self.on_status: Callable[[ClockStatus], None] | None = None
        self._open = asyncio.Event()
        self._checked = not require_sync
        if not require_sync:
            self._open.set()

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    async def wait_open(self) -> None:
        await self._open.wait()

    def update(self, status: ClockStatus) -> None:
        """Take a fresh clock status; log when the gate closes or opens."""
        warning = clock_gate(status, self.require_sync)
        if not self._checked or (warning is None) != (self.warning is None):
            if warning is not None:
                log.warning("%s", warning)
            else:
                log.info("the system clock is synchronised: trading may start")
        self.warning, self._checked = warning, True
        if self.on_status is not None:
            self.on_status(status)
        if warning is None:
            self._open.set()
        else:
            self._open.clear()

    async def run(self) -> None:
        """Re-check until cancelled (returns at once when no sync is required)."""
        if not self.require_sync:
            return
        while True:
            self.update(await asyncio.to_thread(self.status))
            await asyncio.sleep(self.recheck_open_s if self.is_open else self.recheck_closed_s)


async def series_state(
    ledger: Ledger, signer: Signer, meter_id: str, clock: ClockStatus, now_ms: int
) -> SeriesState | None:
    """Where this node's OCMF series for ``meter_id`` goes on, from its last own record.

    A transaction an earlier session left open (the node stopped before its End) is
    ended here as aborted (A), stored with that session, so a new session begins
    cleanly. None for a new series (no record yet, or one signed by another key).
    """
    last = await ledger.evidence.last_reading(ReadingSide.OWN, meter_id)
    if last is None:
        return None
    session_id = last.session_id
    try:
        state = SeriesState.following(parse_record(last.record))
    except OcmfError as exc:
        log.error("the last OCMF record of meter %s cannot be continued: %s", meter_id, exc)
        raise
    if state.key_fingerprint != fingerprint(signer.public_key_der):
        return None  # another key: its own series
    own = OwnSeries(signer, meter_id, state, clock)
    aborted = own.abort(now_ms)
    if aborted is not None:
        at_ms = aborted.payload.RD[-1].TM.unix_ms
        await ledger.evidence.reading(
            ReadingRow(session_id, ReadingSide.OWN, meter_id, aborted.page, at_ms, aborted.text)
        )
        log.info(
            "meter %s: session %s left its readings open; ended as aborted", meter_id, session_id
        )
    return own.state
