"""A node's folder on a size-limited filesystem, filled and given room again: the disk
under its ledger full, for real (SQLite gets ENOSPC from the kernel, not from a mock).

Each node folder gets a tmpfs of its own, mounted before the demo writes into it. Mounting
needs a private mount namespace, so the mounts are the drill's alone and vanish with it:
``scripts/drill.py`` runs itself again under ``unshare --mount`` when a disk fault is
planned (root, or a user allowed to create namespaces). To fill the disk the tmpfs is
shrunk to what it holds; to give room again it is grown back.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

#: Set in the drill's environment once it runs in a private mount namespace.
MOUNT_NS_ENV = "DRILL_MOUNT_NS"  # not GRIDNODE_...: those override settings
#: A node folder's tmpfs when it has room (RAM is used only for what is written).
ROOMY_MB = 256


class DiskError(RuntimeError):
    """A tmpfs could not be mounted or resized."""


def in_private_mount_namespace() -> bool:
    return os.environ.get(MOUNT_NS_ENV) == "1"


def rerun_in_private_mount_namespace(argv: list[str]) -> NoReturn:
    """Run this script again in a private mount namespace (mounts stay ours alone)."""
    env = {**os.environ, MOUNT_NS_ENV: "1"}
    command = ["unshare", "--mount", "--propagation", "private", "--", sys.executable, *argv]
    os.execvpe("unshare", command, env)


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DiskError(f"mount {' '.join(args)}: {done.stderr.strip()}")


class Tmpfs:
    """A tmpfs on ``path`` (an empty folder, made if missing)."""

    def __init__(self, path: Path) -> None:
        if not in_private_mount_namespace():
            raise DiskError(
                "a disk fault needs a private mount namespace: run the drill through "
                "scripts/drill.py, which re-runs itself under `unshare --mount`"
            )
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        _mount("-t", "tmpfs", "-o", f"size={ROOMY_MB}m,mode=0755", "tmpfs", str(path))
        self.full = False

    def used_bytes(self) -> int:
        stat = os.statvfs(self.path)
        return (stat.f_blocks - stat.f_bfree) * stat.f_frsize

    def fill(self) -> int:
        """Leave no room: the filesystem shrinks to what it holds (one page spare, which
        the next write takes). Returns its size in bytes."""
        size_kb = self.used_bytes() // 1024 + 4
        _mount("-o", f"remount,size={size_kb}k", str(self.path))
        self.full = True
        return size_kb * 1024

    def free(self) -> None:
        _mount("-o", f"remount,size={ROOMY_MB}m", str(self.path))
        self.full = False

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True, check=False)
