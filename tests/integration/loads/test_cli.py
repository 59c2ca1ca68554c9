"""``gridnode loads`` as a process: reads loads.toml, follows a real feed, writes each
decision as a JSON line, and exits cleanly on SIGTERM with every load off."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from gridnode.ratefeed.publisher import RateFeed, RatePublisher
from gridnode.ratefeed.state import FeedState
from gridnode.trade.profiles import ConstantProfile
from gridnode.trade.units import MsatPerKwh


def _ms() -> int:
    return time.time_ns() // 1_000_000


async def test_the_agent_process_switches_and_stops_cleanly(tmp_path: Path) -> None:
    publisher = RatePublisher("tcp://127.0.0.1:0")
    endpoint = publisher.start()
    rate = 100_000

    def state() -> FeedState:
        return FeedState(
            rate, "receiving", "ab" * 32, ConstantProfile(MsatPerKwh(rate)), _ms() + 60_000
        )

    feed = RateFeed(publisher, state, _ms, resend_s=0.5)
    task = asyncio.create_task(feed.run())
    config = tmp_path / "loads.toml"
    config.write_text(
        f'[feed]\nendpoint = "{endpoint}"\nsilence_s = 10\n\n'
        '[[loads]]\nname = "heater"\nrelay = { kind = "simulated" }\n'
        "on_below_msat_per_kwh = 150000\noff_above_msat_per_kwh = 200000\n"
    )
    argv = [sys.executable, "-m", "gridnode.cli.main", "loads", "--config", str(config), "--json"]
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 20)
        first = json.loads(line)
        assert first["load"] == "heater"
        assert first["on"] is True
        assert first["rate_msat_per_kwh"] == 100_000
        rate = 250_000
        feed.changed()
        second = json.loads(await asyncio.wait_for(process.stdout.readline(), 5))
        assert second["on"] is False
        assert second["rate_msat_per_kwh"] == 250_000
    finally:
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 10)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        publisher.close()
    assert process.stderr is not None
    stderr = (await process.stderr.read()).decode()
    assert code == 0, stderr
    assert "heater off: the load agent stops" in stderr
