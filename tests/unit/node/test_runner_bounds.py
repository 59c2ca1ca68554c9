"""What a session runner keeps in memory is bounded: a tenant's session renewed for years
sends notes without end, and the runner keeps the newest and counts them all."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from gridnode.node.runner import NOTES_KEPT
from gridnode.trade.actions import Action, CloseSession, Notify
from gridnode.trade.events import Event, Start
from gridnode.trade.messages import Cause
from tests.support.ledger import open_ledger
from tests.support.recording_session import recording_runner

NOTES_SENT = NOTES_KEPT * 4


@dataclass
class _Chatty:
    """A session that says many things at its start, then closes."""

    state: str = "open"

    def handle(self, event: Event, now_ms: int) -> list[Action]:
        if not isinstance(event, Start):
            return []
        self.state = "closed"
        notes: list[Action] = [Notify(f"note {n}") for n in range(NOTES_SENT)]
        return [*notes, CloseSession(Cause.REQUESTED)]


async def test_a_runner_keeps_its_newest_notes_and_counts_them_all(tmp_path: Path) -> None:
    ledger = await open_ledger(tmp_path / "seller.sqlite", "seller")
    runner = await recording_runner(ledger, [], session=_Chatty())
    runner.post(Start())
    await asyncio.wait_for(runner.run(), 5)
    assert list(runner.notes) == [f"note {n}" for n in range(NOTES_SENT - NOTES_KEPT, NOTES_SENT)]
    assert runner.notes_total == NOTES_SENT
    await ledger.close()
