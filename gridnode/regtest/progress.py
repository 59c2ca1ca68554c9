"""Waits that follow progress, for a regtest network of any size.

A fixed timeout per node does not scale: fifty LND nodes syncing 500 blocks on two
cores take minutes, and one slow node used to end ``regtest up`` with "timed out after
60 s waiting for node0 to sync". :func:`follow` waits for every node at once, says what
it waits for (how many are there, and the slowest), and gives up only when nothing has
moved for ``stall_s``: a network that is slow but getting there is waited for.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from gridnode.regtest.lnd_admin import LndAdmin
from gridnode.regtest.processes import RegtestError

T = TypeVar("T")

#: Give up once nothing has moved for this long (s).
STALL_S = 60.0
#: Say how far the wait is at most this often (s).
SAY_EVERY_S = 5.0


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a wait is: ``done`` of ``total`` (any unit that only grows), and a line
    for a person (which nodes are behind)."""

    done: int
    total: int
    detail: str = ""


def follow(
    measure: Callable[[], Progress],
    what: str,
    say: Callable[[str], None],
    *,
    stall_s: float = STALL_S,
    poll_s: float = 0.25,
) -> None:
    """Wait until ``measure`` reports done; raise once it has not moved for ``stall_s``."""
    best = -1
    moved_at = said_at = time.monotonic()
    last_error: RegtestError | None = None
    latest = Progress(0, 1)
    while True:
        try:
            latest = measure()
            last_error = None
        except RegtestError as exc:  # a node still starting: try again
            last_error = exc
        now = time.monotonic()
        if latest.done >= latest.total and last_error is None:
            return
        if latest.done > best:
            best, moved_at = latest.done, now
        elif now - moved_at > stall_s:
            detail = f"; last error: {last_error}" if last_error else ""
            raise RegtestError(
                f"gave up waiting for {what}: no progress for {stall_s:.0f} s at "
                f"{latest.done}/{latest.total} ({latest.detail}){detail}. The machine may be "
                "overloaded; the daemons' logs are under the network's folder."
            )
        if now - said_at >= SAY_EVERY_S:
            said_at = now
            say(f"waiting for {what}: {latest.done}/{latest.total} {latest.detail}".rstrip())
        time.sleep(poll_s)


class Admins:
    """One open admin connection per node for the length of a wait (not one per poll)."""

    def __init__(self, admins: Sequence[tuple[str, LndAdmin]]) -> None:
        self.admins = list(admins)

    def __enter__(self) -> Admins:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for _, admin in self.admins:
            admin.close()

    def count(self, check: Callable[[LndAdmin], bool], unit: str = "") -> Progress:
        """How many nodes pass ``check``; the detail names those that do not yet."""
        behind = [name for name, admin in self.admins if not _passes(check, admin)]
        detail = f"{unit} (not yet: {_names(behind)})" if behind else unit
        return Progress(len(self.admins) - len(behind), len(self.admins), detail.strip())

    def heights(self, height: int) -> Progress:
        """Blocks synced over all nodes toward ``height``, plus one for each node that
        says it is synced to the chain (LND's graph catches up block by block after its
        wallet: a node at the height may still be busy)."""
        done, lagging, catching_up = 0, [], 0
        for name, admin in self.admins:
            try:
                info = admin.get_info()
                at, synced = info.block_height, info.synced_to_chain
            except RegtestError:
                at, synced = 0, False
            done += max(0, min(at, height)) + (1 if synced and at >= height else 0)
            if at < height:
                lagging.append((at, name))
            elif not synced:
                catching_up += 1
        lagging.sort()
        parts = []
        if lagging:
            parts.append(f"{len(lagging)} below it, slowest {lagging[0][1]} at {lagging[0][0]}")
        if catching_up:
            parts.append(f"{catching_up} at it, not yet synced to the chain")
        detail = f"({'; '.join(parts)})" if parts else ""
        return Progress(done, (height + 1) * len(self.admins), detail)


def _passes(check: Callable[[LndAdmin], bool], admin: LndAdmin) -> bool:
    try:
        return check(admin)
    except RegtestError:
        return False


def _names(names: list[str], shown: int = 4) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def batches(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` in consecutive batches of at most ``size``."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
