"""Who has a ledger open: a shared lock for everyone who uses it, an exclusive one to prune.

SQLite in WAL mode lets a node and a reader share the file, and that stays allowed: every
:meth:`Database.open` takes a *shared* ``flock`` on ``<ledger>.lock``. Archiving a ledger
(``gridnode ledger prune``) ends with a VACUUM, which needs the file to itself and would
hold a node's money writes back for longer than their busy timeout on a large ledger, so
it takes the lock *exclusively*, and a node cannot start while it runs (docs/storage.md).

The lock lives in its own file, never on the database: SQLite's POSIX locks on the
database are dropped when any descriptor of that file is closed by the process.
A lock is released when its holder closes it or dies (kill -9 included).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from gridnode.ledger.errors import LedgerInUseError

#: This process's exclusive locks by lock file: a ledger opened again by the process
#: that prunes it (the receipt builder reads it) shares the pruner's lock.
_EXCLUSIVE: dict[Path, int] = {}


class LedgerLock:
    """A held lock on one ledger; :meth:`release` (or process exit) lets it go."""

    def __init__(self, path: Path, fd: int | None, exclusive: bool) -> None:
        self.path = path
        self._fd = fd
        self.exclusive = exclusive

    @classmethod
    def take(cls, ledger_path: Path, *, exclusive: bool) -> LedgerLock:
        path = lock_path(ledger_path)
        if not exclusive and path in _EXCLUSIVE:
            return cls(path, None, False)  # inside our own prune: already ours
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if exclusive:
                raise LedgerInUseError(
                    f"ledger: {ledger_path} is open in another gridnode process (a running "
                    "node, a dashboard's receipt or another prune); stop the node "
                    "(systemctl stop gridnode) and run the prune again."
                ) from None
            raise LedgerInUseError(
                f"ledger: {ledger_path} is being pruned by 'gridnode ledger prune'; start "
                "again when it has finished."
            ) from None
        if exclusive:
            _EXCLUSIVE[path] = fd
        return cls(path, fd, exclusive)

    def release(self) -> None:
        if self._fd is None:
            return
        if self.exclusive:
            _EXCLUSIVE.pop(self.path, None)
        os.close(self._fd)  # closing the descriptor releases the flock
        self._fd = None


def lock_path(ledger_path: Path) -> Path:
    return ledger_path.with_name(ledger_path.name + ".lock")
