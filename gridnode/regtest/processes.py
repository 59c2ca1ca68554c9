"""Daemon processes of a regtest network and the demo: started in a session of their own
(a terminal's Ctrl-C or hang-up reaches only the command, which stops them in order),
tied to the command's life when asked (:mod:`gridnode.regtest.lifetime`), and stopped
by recorded PID only, after checking /proc that the PID is still that process."""

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
from gridnode.regtest.lifetime import popen

#: The longest spawn waits for a started process's command line to show in /proc (s):
#: a bound, not a delay (a tied child execs through a short Python wrapper first).
EXEC_WAIT_S = 10.0


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
    """A started daemon: its name, PID, command line and log file; ``tied``: it dies with
    the process that started it (a restart keeps that)."""

    name: str
    pid: int
    argv: tuple[str, ...]
    log: Path
    tied: bool = False

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

    def stopped_text(self, lines: int = 6) -> str:
        """Why this daemon is not running, as far as its log tells: its last ``lines``
        lines, so that a run's output (a CI log) shows the cause without the file."""
        try:
            tail = self.log.read_text(errors="replace").splitlines()[-lines:]
        except OSError as exc:
            tail = [f"(its log cannot be read: {exc.strerror})"]
        said = "\n".join(f"  | {line[:300]}" for line in tail) or "  | (its log is empty)"
        return f"{self.name} stopped; see {self.log}; its last lines:\n{said}"

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "pid": self.pid,
            "argv": list(self.argv),
            "log": str(self.log),
            "tied": self.tied,
        }

    @classmethod
    def from_json(cls, doc: dict[str, object]) -> Daemon:
        argv = doc["argv"]
        assert isinstance(argv, list)
        return cls(
            str(doc["name"]),
            int(str(doc["pid"])),
            tuple(map(str, argv)),
            Path(str(doc["log"])),
            bool(doc.get("tied", False)),
        )


def stop_all(daemons: Iterable[Daemon], timeout_s: float = 20.0) -> list[str]:
    """Stop ``daemons`` together: SIGTERM to all, then SIGKILL to those still running
    after ``timeout_s`` (one deadline for all, so the bound is ``timeout_s``, not the
    sum). Returns the names of those that were running."""
    running = [d for d in daemons if d.is_running()]
    for daemon in running:
        with contextlib.suppress(ProcessLookupError):
            os.kill(daemon.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for daemon in running:
        daemon.stop(timeout_s=max(0.0, deadline - time.monotonic()))
    return [d.name for d in running]


def _reap(pid: int) -> None:
    """Collect the exit status of a child we started, so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def spawn(name: str, argv: Sequence[str], log: Path, *, tied: bool = False) -> Daemon:
    """Start ``argv`` in a session of its own, output appended to ``log``; ``tied``: it
    is killed when this process ends (``gridnode demo``), else it may outlive it
    (``gridnode regtest up``)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        try:
            process = popen(
                list(argv),
                tied=tied,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            raise RegtestError(f"could not start {name} ({argv[0]}): {exc.strerror}") from exc
    daemon = Daemon(name, process.pid, tuple(argv), log, tied)
    # /proc shows no command line for the moment exec takes: wait it out, so that what
    # spawn returns reads as running (unless it exits at once)
    deadline = time.monotonic() + EXEC_WAIT_S
    while not daemon.is_running() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    return daemon


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
