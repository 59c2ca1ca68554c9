"""Running the agent as a process: signals, relays opened and closed, JSON lines."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys

from gridnode.loads.agent import LoadAgent, open_drivers
from gridnode.loads.decide import Decision
from gridnode.loads.settings import LoadsSettings
from gridnode.ratefeed.message import iso_utc

log = logging.getLogger("gridnode.loads")


def decision_line(decision: Decision) -> str:
    return json.dumps(
        {
            "time": iso_utc(decision.at_ms),
            "load": decision.load,
            "on": decision.on,
            "rate_msat_per_kwh": decision.price_msat_per_kwh,
            "reason": decision.reason,
        }
    )


def run_agent(settings: LoadsSettings, *, json_lines: bool = False) -> None:
    """Run until SIGTERM, SIGINT or SIGHUP; every relay is off when it returns."""
    for warning in settings.warnings:
        log.warning("%s", warning)

    def emit(decision: Decision) -> None:
        sys.stdout.write(decision_line(decision) + "\n")
        sys.stdout.flush()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # HUP: terminal closed
            loop.add_signal_handler(sig, stop.set)
        drivers = open_drivers(settings)
        try:
            agent = LoadAgent(settings, drivers, on_decision=emit if json_lines else None)
            await agent.run(stop)
        finally:
            for driver in drivers.values():
                driver.off_now()
                close = getattr(driver, "close", None)
                if callable(close):
                    close()

    asyncio.run(main())
