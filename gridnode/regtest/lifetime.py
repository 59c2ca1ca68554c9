"""How long the processes gridnode starts may live: no longer than what started them.

Two tools, used by ``gridnode demo`` and ``gridnode regtest up``:

- :func:`popen` with ``tied=True`` starts a child that Linux kills when this process
  ends, however it ends (SIGKILL and the OOM killer included): the child asks for it with
  ``prctl(PR_SET_PDEATHSIG)`` and then execs the program, through a few lines of Python
  (:data:`_TIE`) run with ``-I -S`` (isolated, no site: ~10 ms). Not in a ``preexec_fn``:
  that forces a plain fork() of this whole multi-threaded process and runs Python in the
  copy, where gRPC's and the interpreter's state, copied mid-flight from other threads,
  aborted or crashed the child now and then (a regtest run lost an LND to it); without
  it, :mod:`subprocess` spawns with vfork and runs nothing of ours before exec. The
  kernel sends the signal when the *thread* that spawned the child exits, not the
  process; a worker thread that an executor retires would take its children with it. So
  every child is spawned by one long-lived thread of this module (:class:`_Spawner`),
  whichever thread asks. The wrapper execs in place, so the child's PID is the
  program's.
  The signal is SIGKILL: it only matters when this process died without stopping its
  children itself, and then nobody is left to escalate a stop that hangs; they go the
  way a power cut takes them, which the node is built to survive (its ledger is written
  before it acts; the relays fall back to off by the external watchdog).
- :class:`StopSignals` makes SIGINT, SIGTERM and SIGHUP (a process manager's stop, a
  closed terminal or SSH session) one clean stop, the one Ctrl-C always made.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import errno
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from types import FrameType, TracebackType
from typing import Any, TypeVar

log = logging.getLogger("gridnode.regtest")

T = TypeVar("T")
#: The signals that ask a gridnode command to stop cleanly.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def popen(argv: list[str], *, tied: bool, **options: Any) -> subprocess.Popen[Any]:
    """:class:`subprocess.Popen` of ``argv``; ``tied``: killed when this process ends."""
    if not tied:
        return subprocess.Popen(argv, **options)
    if not _has_prctl():
        log.warning("this system has no prctl: %s will outlive a killed parent", argv[0])
        return subprocess.Popen(argv, **options)
    program = _resolve(argv[0], options)
    wrapped = [sys.executable, "-I", "-S", "-c", _TIE, str(os.getpid()), program, *argv]
    return _SPAWNER.call(lambda: subprocess.Popen(wrapped, **options))


#: Run in the child: ask for SIGKILL when the parent (thread) goes, make sure the parent
#: is still the one that asked (it may have died before the tie was made), then become
#: the program. Arguments: the parent's PID, the program's path, its argv as given.
_TIE = """\
import ctypes, os, signal, sys
ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
if os.getppid() != int(sys.argv[1]):
    os._exit(1)
os.execv(sys.argv[2], sys.argv[3:])
"""


def _resolve(program: str, options: dict[str, Any]) -> str:
    """The program's path, found as Popen would find it, so that a missing one raises
    :class:`FileNotFoundError` here, as an untied spawn does, not in the child."""
    env = options.get("env")
    path = env.get("PATH") if env is not None else None
    cwd = options.get("cwd")
    if os.sep in program:
        candidate = program if cwd is None else os.path.join(cwd, program)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return os.path.abspath(candidate)
        raise FileNotFoundError(errno.ENOENT, "no such program", program)
    found = shutil.which(program, path=path)
    if found is None:
        raise FileNotFoundError(errno.ENOENT, "no such program on the PATH", program)
    return found


_PRCTL: list[bool] = []


def _has_prctl() -> bool:
    """Whether libc has prctl (Linux), looked up once."""
    if not _PRCTL:
        name = ctypes.util.find_library("c")
        try:
            _PRCTL.append(callable(ctypes.CDLL(name).prctl))
        except (OSError, AttributeError):
            _PRCTL.append(False)
    return _PRCTL[0]


class _Spawner:
    """One daemon thread that forks every tied child and lives as long as the process."""

    def __init__(self) -> None:
        self._requests: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def call(self, work: Callable[[], T]) -> T:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._serve, name="gridnode-spawner", daemon=True
                )
                self._thread.start()
        if threading.current_thread() is self._thread:
            return work()
        done: Future[T] = Future()
        self._requests.put((work, done))
        return done.result()

    def _serve(self) -> None:
        while True:
            work, done = self._requests.get()
            try:
                done.set_result(work())
            except BaseException as exc:  # handed to the caller, who raises it
                done.set_exception(exc)


_SPAWNER = _Spawner()


class StopRequested(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP arrived: a KeyboardInterrupt, so whatever cleans up
    after Ctrl-C cleans up after all three."""

    def __init__(self, signum: int) -> None:
        self.signal = signal.Signals(signum)
        super().__init__(f"stopped by {self.signal.name}")


class StopSignals:
    """Inside ``with StopSignals(say) as stops:``, SIGINT, SIGTERM and SIGHUP each ask
    for one clean stop. The first raises :class:`StopRequested` in the main thread, as
    Ctrl-C raises KeyboardInterrupt, unless an event loop watches for it
    (:meth:`watching`), which then stops at its next step. Any later one is only
    reported: the stop under way is bounded by its own timeouts, and cutting it short
    would orphan what it was stopping (SIGKILL still ends everything: see :func:`popen`).
    Installed from the main thread only (Python runs signal handlers there).
    """

    def __init__(self, say: Callable[[str], None] = lambda _m: None) -> None:
        self.say = say
        self.received: signal.Signals | None = None
        self._wake: Callable[[], None] | None = None
        self._holding = False
        self._previous: dict[signal.Signals, Any] = {}

    def __enter__(self) -> StopSignals:
        for sig in STOP_SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._previous.clear()

    def hold(self) -> None:
        """The stop is under way (for whatever reason): from now on a stop signal is
        only reported."""
        self._holding = True

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        sig = signal.Signals(signum)
        if self.received is not None or self._holding:
            self.say(f"{sig.name}: already stopping; each step is bounded by its timeout")
            self.received = self.received or sig
            return
        self.received = sig
        if self._wake is not None:
            self.say(f"{sig.name}: stopping cleanly")
            self._wake()
            return
        raise StopRequested(signum)

    @contextlib.contextmanager
    def watching(self, on_stop: Callable[[], None]) -> Iterator[None]:
        """While open (inside a running event loop), a stop signal calls ``on_stop`` in
        the loop instead of raising; one that came before calls it at once."""
        loop = asyncio.get_running_loop()

        def wake() -> None:
            loop.call_soon_threadsafe(on_stop)

        self._wake = wake
        try:
            if self.received is not None:
                on_stop()
            yield
        finally:
            self._wake = None
