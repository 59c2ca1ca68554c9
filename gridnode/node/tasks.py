"""Background tasks that never lose their exceptions.

A task created with ``asyncio.create_task`` and forgotten takes its exception with it: at
best Python prints "Task exception was never retrieved" when it is garbage collected, and
the node goes on without the work that task did. Every task the runtime starts goes
through a :class:`TaskGroup` instead: a failure is logged with its traceback, kept for the
snapshot (a warning a person sees) and handed to the ``on_failure`` callback of that task,
which turns it into an event for whoever owns the work (a session, the runtime).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("gridnode.node")

#: How many failures a group keeps for the snapshot (the newest).
KEPT_FAILURES = 20


@dataclass(frozen=True, slots=True)
class TaskFailure:
    """A task that ended with an exception."""

    name: str
    error: BaseException
    at_ms: int

    def describe(self) -> str:
        return f"{self.name} failed: {type(self.error).__name__}: {self.error}"


OnFailure = Callable[[TaskFailure], None]


class TaskGroup:
    """Starts named tasks, keeps them until they end, and reports every failure.

    Unlike :class:`asyncio.TaskGroup` a failure does not cancel the others: a node whose
    pruner failed must go on switching relays. Cancelling is not a failure.
    """

    def __init__(self, clock_ms: Callable[[], int], *, on_failure: OnFailure | None = None):
        self._clock_ms = clock_ms
        #: told of every failure of a task started without its own handler
        self.on_failure = on_failure
        self._tasks: set[asyncio.Task[Any]] = set()
        self.failures: list[TaskFailure] = []

    def spawn(
        self,
        work: Coroutine[Any, Any, Any],
        *,
        name: str,
        on_failure: OnFailure | None = None,
        on_done: Callable[[], None] | None = None,
    ) -> asyncio.Task[Any]:
        """Run ``work`` as a task. A failure goes to ``on_failure`` (else the group's);
        ``on_done`` is called however the task ends (returned, failed or cancelled)."""
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._ended(t, on_failure, on_done))
        return task

    def _ended(
        self,
        task: asyncio.Task[Any],
        on_failure: OnFailure | None,
        on_done: Callable[[], None] | None,
    ) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            self._report(TaskFailure(task.get_name(), error, self._clock_ms()), on_failure)
        if on_done is not None:
            on_done()

    def _report(self, failure: TaskFailure, on_failure: OnFailure | None) -> None:
        log.error("%s", failure.describe(), exc_info=failure.error)
        self.failures.append(failure)
        del self.failures[:-KEPT_FAILURES]
        handler = on_failure or self.on_failure
        if handler is not None:
            handler(failure)

    def keep_running(
        self,
        work: Callable[[], Coroutine[Any, Any, Any]],
        *,
        name: str,
        sleep: Callable[[float], Coroutine[Any, Any, None]],
        first_pause_s: float = 1.0,
        longest_pause_s: float = 60.0,
    ) -> asyncio.Task[Any]:
        """Run ``work()`` for the life of the node: a long-lived loop (the settled-invoice
        stream, a meter poller, a partner's event loop) that fails is reported like any
        task and started again after a pause that doubles up to ``longest_pause_s``."""

        async def forever() -> None:
            pause = first_pause_s
            while True:
                try:
                    await work()
                    return
                except Exception as error:  # reported, then started again
                    self._report(TaskFailure(name, error, self._clock_ms()), None)
                await sleep(pause)
                pause = min(pause * 2, longest_pause_s)

        return self.spawn(forever(), name=name)

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def cancel_all(self) -> None:
        """Cancel every task still running and wait until each has ended."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
