"""Daemon processes of a regtest network: start detached, stop by recorded PID only."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gridnode.errors import GridnodeError


class RegtestError(GridnodeError):
    """The regtest network could not be started, reached or stopped."""


def free_ports(count: int) -> list[int]:
    """``count`` distinct free TCP ports on 127.0.0.1 (bound together, then released)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass(frozen=True, slots=True)
class Daemon:
    """A started daemon: its name, PID, command line and log file."""

    name: str
    pid: int
    argv: tuple[str, ...]
    log: Path

    def is_running(self) -> bool:
        """True only if ``pid`` is alive and is still this daemon (not a reused PID)."""
        try:
            cmdline = Path(f"/proc/{self.pid}/cmdline").read_bytes()
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return False
        if stat.rsplit(")", 1)[-1].split()[0] == "Z":  # a zombie has exited
            return False
        return cmdline.split(b"\0")[: len(self.argv)] == [a.encode() for a in self.argv]

    def stop(self, timeout_s: float = 20.0, sig: signal.Signals = signal.SIGTERM) -> None:
        """Stop this daemon (SIGTERM, then SIGKILL after ``timeout_s``) if it still runs."""
        if not self.is_running():
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, sig)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            _reap(self.pid)
            if not self.is_running():
                return
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        while self.is_running():
            _reap(self.pid)
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        self.stop(timeout_s=0.0, sig=signal.SIGKILL)

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "pid": self.pid, "argv": list(self.argv), "log": str(self.log)}

    @classmethod
    def from_json(cls, doc: dict[str, object]) -> Daemon:
        argv = doc["argv"]
        assert isinstance(argv, list)
        return cls(
            str(doc["name"]), int(str(doc["pid"])), tuple(map(str, argv)), Path(str(doc["log"]))
        )


def _reap(pid: int) -> None:
    """Collect the exit status of a child we started, so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def spawn(name: str, argv: Sequence[str], log: Path) -> Daemon:
    """Start ``argv`` detached from our session, output appended to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        try:
            process = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            raise RegtestError(f"could not start {name} ({argv[0]}): {exc.strerror}") from exc
    return Daemon(name, process.pid, tuple(argv), log)


_LEVEL = re.compile(r"\[(ERR|CRT)\]")


def log_errors(log: Path, allowed: Iterable[re.Pattern[str]]) -> list[str]:
    """Lines at error or critical level in ``log`` that no ``allowed`` pattern explains."""
    patterns = list(allowed)
    try:
        lines = log.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return []
    return [
        line for line in lines if _LEVEL.search(line) and not any(p.search(line) for p in patterns)
    ]


def wait_for(check: Callable[[], bool], what: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except RegtestError as exc:
            last_error = exc
        time.sleep(0.1)
    detail = f" (last error: {last_error})" if last_error else ""
    raise RegtestError(f"timed out after {timeout_s:.0f} s waiting for {what}{detail}")
