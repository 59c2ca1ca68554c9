"""One place moves the ledger's blocking calls off the event loop: the offloader. Its
worker thread keeps the calls in the order they came; the inline one runs them at once;
and nothing else in the package hands a ledger call to a thread."""

from __future__ import annotations

import ast
import asyncio
import threading
from pathlib import Path

import pytest

from gridnode.ledger import InlineOffloader, ThreadOffloader

REPO = Path(__file__).resolve().parents[3]


async def test_the_worker_thread_runs_calls_in_the_order_they_came() -> None:
    offloader = ThreadOffloader()
    loop_thread = threading.get_ident()
    ran: list[tuple[int, int]] = []
    go = threading.Event()

    def call(n: int) -> int:
        if n == 0:
            go.wait(5)  # a slow first commit: every later call is queued behind it
        ran.append((n, threading.get_ident()))
        return n * n

    work = asyncio.gather(*(offloader.run(call, n) for n in range(60)))
    for _ in range(5):
        await asyncio.sleep(0)  # every call handed over while the first still waits
    assert ran == []
    go.set()
    results = await work
    await offloader.close()
    assert results == [n * n for n in range(60)]
    assert [n for n, _ in ran] == list(range(60))
    threads = {thread for _, thread in ran}
    assert len(threads) == 1  # one worker: only one thread ever waits on the database
    assert loop_thread not in threads  # and never the event loop


async def test_the_loop_runs_on_while_the_worker_waits() -> None:
    offloader = ThreadOffloader()
    go = threading.Event()
    slow = asyncio.create_task(offloader.run(go.wait, 5))
    ticks = 0
    while not slow.done() and ticks < 5:
        await asyncio.sleep(0)  # the loop is free: other tasks run
        ticks += 1
    assert not slow.done()
    go.set()
    assert await slow is True
    await offloader.close()


async def test_a_call_cancelled_before_it_started_never_runs() -> None:
    offloader = ThreadOffloader()
    go = threading.Event()
    ran: list[str] = []
    first = asyncio.create_task(offloader.run(go.wait, 5))
    await asyncio.sleep(0)
    second = asyncio.create_task(offloader.run(ran.append, "second"))
    await asyncio.sleep(0)
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second
    go.set()
    await first
    await offloader.run(ran.append, "third")
    assert ran == ["third"]
    await offloader.close()


async def test_errors_come_back_to_the_caller() -> None:
    for offloader in (ThreadOffloader(), InlineOffloader()):

        def fail() -> None:
            raise ValueError("the disk is full")

        with pytest.raises(ValueError, match="disk is full"):
            await offloader.run(fail)
        await offloader.close()


async def test_the_inline_offloader_runs_each_call_at_once_on_the_loop() -> None:
    offloader = InlineOffloader()
    threads: list[int] = []

    def where() -> int:
        threads.append(threading.get_ident())
        return 42

    assert await offloader.run(where) == 42
    assert threads == [threading.get_ident()]


def _calls_to_thread_with_a_ledger(path: Path) -> list[str]:
    """Calls that hand work to a thread (``to_thread``, ``run_in_executor``) and name a
    ledger in what they hand over."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr not in ("to_thread", "run_in_executor"):
            continue
        handed = " ".join(ast.unparse(a) for a in [*node.args, *node.keywords])
        if "ledger" in handed.lower() or "store" in handed.lower():
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_moves_a_ledger_call_off_the_loop_but_the_offloader() -> None:
    sources = [
        p
        for folder in ("gridnode", "hardware", "ui")
        for p in sorted((REPO / folder).rglob("*.py"))
        if "_pb2" not in p.name
    ]
    assert len(sources) > 50
    found = [hit for path in sources for hit in _calls_to_thread_with_a_ledger(path)]
    assert found == []
    # and the ledger's callers in the node runtime use no thread at all for it
    node = REPO / "gridnode" / "node"
    for name in ("runner.py", "reconcile.py", "settlements.py", "evidence.py", "payments.py"):
        assert "to_thread" not in (node / name).read_text(encoding="utf-8"), name
