"""The one place where the ledger's blocking calls leave the event loop.

SQLite with ``synchronous=FULL`` waits for the disk on every commit, and an SD card can
take a good part of a second: a ledger call made on the event loop would stall every
session's control tick (DESIGN.md invariant 2). So the async ledger
(:class:`gridnode.ledger.sqlite.SqliteLedger`) hands each repository call to an
:class:`Offloader`:

- :class:`ThreadOffloader` (production) runs them on one worker thread, one at a time,
  in the order they were handed over: a write and the read after it are never swapped,
  and only one thread ever waits on the database.
- :class:`InlineOffloader` (unit tests) runs each call at once on the caller's thread:
  deterministic, so a test stepping a virtual clock sees every write done when the
  awaiting coroutine resumes.

A call cancelled before it starts does not run; one already running finishes (a commit
is never cut in half), like :func:`asyncio.to_thread`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Offloader(Protocol):
    """Runs blocking calls for coroutines."""

    async def run(self, call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``call(*args, **kwargs)``'s result (or exception), without blocking the loop."""
        ...

    async def close(self) -> None:
        """No more calls: let the worker go."""
        ...


class ThreadOffloader:
    """One worker thread that runs the calls in the order they came."""

    def __init__(self, name: str = "gridnode-ledger") -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def run(self, call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(call, *args, **kwargs))

    async def close(self) -> None:
        # every call was awaited before this: the worker is idle and leaves at once
        self._executor.shutdown(wait=False)


class InlineOffloader:
    """Runs each call at once, on the event loop (unit tests only: it blocks the loop)."""

    async def run(self, call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return call(*args, **kwargs)

    async def close(self) -> None:
        return None
