"""Background tasks never lose their exceptions (issue 15: failures are events)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from gridnode.node.tasks import TaskFailure, TaskGroup
from tests.support.clock import VirtualClock


async def test_a_failing_task_is_logged_kept_and_reported_to_its_owner(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reported: list[TaskFailure] = []
    group = TaskGroup(lambda: 1_000, on_failure=reported.append)

    async def broken() -> None:
        raise RuntimeError("the wallet stream broke")

    with caplog.at_level(logging.ERROR, logger="gridnode.node"):
        task = group.spawn(broken(), name="settled invoices")
        await asyncio.gather(task, return_exceptions=True)
    assert [f.name for f in reported] == ["settled invoices"]
    assert (
        reported[0].describe() == "settled invoices failed: RuntimeError: the wallet stream broke"
    )
    assert reported[0].at_ms == 1_000
    assert group.failures == reported
    assert "the wallet stream broke" in caplog.text
    assert group.running == 0


async def test_a_task_of_its_own_handler_reports_there_and_others_keep_running() -> None:
    group_reports: list[TaskFailure] = []
    own: list[TaskFailure] = []
    group = TaskGroup(lambda: 0, on_failure=group_reports.append)
    done: list[str] = []
    healthy = group.spawn(VirtualClock().sleep(3600), name="pruner")  # never woken

    async def broken() -> None:
        raise ValueError("bad")

    failing = group.spawn(
        broken(), name="session 1", on_failure=own.append, on_done=lambda: done.append("x")
    )
    await asyncio.gather(failing, return_exceptions=True)
    assert [f.name for f in own] == ["session 1"]
    assert group_reports == []
    assert done == ["x"]
    assert not healthy.done()  # a failure does not cancel the others
    await group.cancel_all()
    assert healthy.cancelled()


async def test_cancelling_is_not_a_failure_and_on_done_still_runs() -> None:
    reported: list[TaskFailure] = []
    group = TaskGroup(lambda: 0, on_failure=reported.append)
    done: list[str] = []
    group.spawn(VirtualClock().sleep(3600), name="meter", on_done=lambda: done.append("meter"))
    await asyncio.sleep(0)
    await group.cancel_all()
    assert reported == []
    assert done == ["meter"]
    assert group.running == 0
