"""50 buyers exchanging heartbeats and messages for 30 s through one seller while
hostile clients flood it: every honest buyer's round trips keep flowing.

The figures (p50/p99 round trip) are printed, not asserted: scripts/bench_peer.py is the
place for speed. What is asserted is that nobody is starved: no honest link drops, every
buyer keeps getting echoes, and no echo waits anywhere near the idle timeout.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.loadtest import SOAK_SETTINGS, run_load

SOAK_S = float(os.environ.get("GRIDNODE_PEER_SOAK_S", "30"))


@pytest.mark.slow
@pytest.mark.timeout(SOAK_S + 60)
async def test_fifty_buyers_keep_flowing_while_a_flooder_attacks(
    tmp_path: Path, no_link_errors: pytest.LogCaptureFixture
) -> None:
    report = await run_load(tmp_path, buyers=50, duration_s=SOAK_S, flood=True)
    print(json.dumps(report.as_json(), indent=2))
    assert report.flood_connections > 10, "the flooder did not get going"
    assert report.seller_refusals > 10
    assert report.honest_link_drops == 0
    assert report.fewest_round_trips_one_buyer >= SOAK_S  # at least one a second, each
    assert report.longest_wait_for_echo_ms < SOAK_SETTINGS.idle_timeout_s * 1000
