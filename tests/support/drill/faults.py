"""The faults a drill injects into a running demo, each as the real thing would happen.

- kill -9 of the seller, a buyer or both; each restarted after ``restart_s`` as systemd
  would (``Restart=on-failure``, ``RestartSec`` of hardware/deploy's units);
- LND restarted under a node mid-session: stopped cleanly, or killed (-9), then started;
- link faults on the TCP fault proxy between a buyer and the seller (:mod:`.proxy`);
- the disk under a node's ledger full: the node's folder is its own size-limited tmpfs
  (:mod:`.disk`), shrunk to what it holds, and given room again later;
- meter faults in the circuit's process (timeouts, CRC errors, a stuck counter) through
  its control socket (gridnode.demo.circuit_control);
- a node's wall clock jumped an hour either way (the demo's ShiftedClock: the offset in a
  file the node reads, ``DEMO_CLOCK_SHIFT_FILE``), and back after a while.
"""

from __future__ import annotations

import enum

#: The file, in each node's folder, that holds its clock offset in ms (the demo's nodes
#: read it because the drill sets DEMO_CLOCK_SHIFT_FILE to this name).
CLOCK_SHIFT_FILE = "clock-shift-ms"
HOUR_MS = 3_600_000


class FaultKind(enum.Enum):
    KILL_SELLER = "kill_seller"
    KILL_BUYER = "kill_buyer"
    KILL_BOTH = "kill_both"
    LND_SELLER = "lnd_restart_seller"
    LND_BUYER = "lnd_restart_buyer"
    LINK_DELAY = "link_delay"
    LINK_LOSS = "link_loss"
    LINK_DROP = "link_drop"
    LINK_RESET = "link_reset"
    LINK_BLACK_HOLE = "link_black_hole"
    LINK_PARTITION = "link_partition"
    DISK_FULL_SELLER = "disk_full_seller"
    DISK_FULL_BUYER = "disk_full_buyer"
    METER_TIMEOUT = "meter_timeout"
    METER_CRC = "meter_crc"
    METER_STUCK = "meter_stuck_counter"
    CLOCK_FORWARD = "clock_jump_forward"
    CLOCK_BACK = "clock_jump_back"

    @property
    def is_kill(self) -> bool:
        return self in (FaultKind.KILL_SELLER, FaultKind.KILL_BUYER, FaultKind.KILL_BOTH)

    @property
    def is_disk(self) -> bool:
        return self in (FaultKind.DISK_FULL_SELLER, FaultKind.DISK_FULL_BUYER)


#: The short drill the regtest tier runs: 10 kills, 3 LND restarts, one partition.
SHORT_DRILL: dict[FaultKind, int] = {
    FaultKind.KILL_SELLER: 4,
    FaultKind.KILL_BUYER: 3,
    FaultKind.KILL_BOTH: 3,
    FaultKind.LND_SELLER: 2,
    FaultKind.LND_BUYER: 1,
    FaultKind.LINK_PARTITION: 1,
}

#: The full drill (scripts/drill.py, docs/drill.json): 50 kills of each kind, 20 LND
#: restarts under each side, and every other fault a few times.
FULL_DRILL: dict[FaultKind, int] = {
    FaultKind.KILL_SELLER: 50,
    FaultKind.KILL_BUYER: 50,
    FaultKind.KILL_BOTH: 50,
    FaultKind.LND_SELLER: 20,
    FaultKind.LND_BUYER: 20,
    FaultKind.LINK_DELAY: 3,
    FaultKind.LINK_LOSS: 3,
    FaultKind.LINK_DROP: 3,
    FaultKind.LINK_RESET: 3,
    FaultKind.LINK_BLACK_HOLE: 3,
    FaultKind.LINK_PARTITION: 3,
    FaultKind.DISK_FULL_SELLER: 2,
    FaultKind.DISK_FULL_BUYER: 2,
    FaultKind.METER_TIMEOUT: 3,
    FaultKind.METER_CRC: 3,
    FaultKind.METER_STUCK: 3,
    FaultKind.CLOCK_FORWARD: 3,
    FaultKind.CLOCK_BACK: 3,
}
