"""LND's reachability is checked for real and every change is told (issue 15: the
dashboard's "LND unreachable" alarm can fire)."""

from __future__ import annotations

import asyncio

from gridnode.money import Msat
from gridnode.node.health import WalletHealth
from gridnode.wallet.port import NodeInfo
from tests.support.clock import VirtualClock
from tests.support.wallet import FakeLightning, FakeWallet


async def test_a_wallet_that_stops_answering_is_reported_once_and_again_when_back() -> None:
    clock = VirtualClock()
    wallet = FakeWallet(FakeLightning(), "seller", Msat(0))
    changes: list[tuple[bool, str]] = []
    health = WalletHealth(
        wallet, clock, period_s=1.0, on_change=lambda ok, why: changes.append((ok, why))
    )
    task = asyncio.create_task(health.run())
    await clock.advance(2.0)
    assert health.reachable
    assert changes == []
    wallet.offline = True
    await clock.advance(1.0)
    assert not health.reachable
    assert health.warning == "LND is unreachable: fake wallet seller is offline"
    await clock.advance(3.0)
    assert changes == [(False, "fake wallet seller is offline")]
    wallet.offline = False
    await clock.advance(1.0)
    assert health.reachable
    assert health.warning is None
    assert changes[-1] == (True, "")
    task.cancel()


async def test_an_answer_that_never_comes_counts_as_unreachable() -> None:
    clock = VirtualClock()

    class Hanging(FakeWallet):
        async def node_info(self) -> NodeInfo:
            await asyncio.Event().wait()
            raise AssertionError("never answers")

    health = WalletHealth(Hanging(FakeLightning(), "buyer"), clock, timeout_s=3.0)
    checking = asyncio.create_task(health.check())
    await clock.advance(3.1)
    assert await checking is False
    assert health.problem == "no answer within 3 s"


async def test_a_failed_call_elsewhere_marks_it_at_once() -> None:
    health = WalletHealth(FakeWallet(FakeLightning(), "x"), VirtualClock())
    health.failed("LND at 127.0.0.1:10009 is unreachable")
    assert not health.reachable
