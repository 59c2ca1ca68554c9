"""The log tells the story at the default level (issue 18 §6): each side logs the start,
the deposit locked and returned as such, a summary every few minutes, the credit left and
the close with its totals, over a trading pair in virtual time."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from gridnode.node.context import RuntimeTimings
from tests.support.node import trading_pair


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "gridnode.node"]


async def test_both_nodes_tell_the_session_story_at_info(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gridnode")
    timings = RuntimeTimings(close_grace_s=10, peer_end_grace_s=3, summary_interval_s=60)
    pair = await trading_pair(tmp_path, timings=timings)
    async with pair.trading():
        await pair.clock.run_until(lambda: pair.wire.relay_on, limit_s=30)
        await pair.clock.advance(130)
    lines = _lines(caplog)
    text = "\n".join(lines)
    # the start, on each side, naming the peer
    assert "session with buyer-1 started: offer accepted" in lines
    assert "session with seller started: offer accepted" in lines
    # the deposit, locked and returned as such on both sides
    assert re.search(r"^deposit of [\d,]+ sat from buyer-1 locked", text, re.M), text
    assert re.search(r"^deposit of [\d,]+ sat locked with seller", text, re.M), text
    assert re.search(r"^deposit of [\d,]+ sat returned to buyer-1 \(hold released\)", text, re.M)
    assert re.search(
        r"^deposit of [\d,]+ sat returned by (the )?seller \(hold released", text, re.M
    )
    assert "payment failed" not in text  # a released hold is no failed payment
    # a summary every minute (here), with energy and money
    summaries = [line for line in lines if re.match(r"session with buyer-1, \d+ min in: ", line)]
    assert len(summaries) == 2, lines
    assert re.search(r"[\d.]+ Wh, [\d,.]+ sat .*paid in \d+ payments, deposit", summaries[0])
    # the credit left, and the close with its totals
    assert any(line.startswith("closing statement: ") for line in lines)
    closes = [line for line in lines if re.match(r"session with \S+ closed \(", line)]
    assert len(closes) == 2, lines
    for close in closes:
        assert re.search(r"min: [\d,.]+ Wh, [\d,.]+ sat .*paid in \d+ payments", close), close
        assert "credit" in close
    energy = {m.group(1) for c in closes if (m := re.search(r": ([\d,.]+) Wh", c))}
    assert all(float(e.replace(",", "")) > 0 for e in energy)
    assert len([line for line in lines if line.startswith("credit returned: ")]) == 2
