"""The load agent's asyncio runtime: the feed in, the decision core, the relays out.

Every relay is off at start, on exit and on any error (the relays are
:class:`~gridnode.hardware.relay.FailSafeRelay`, each switch read back). A switch that
fails is logged, the load is held off and rests its minimum off time. Decisions are
logged with the price that caused them and, when asked, written as one JSON object a
line. Under systemd (``Type=notify``) it says READY=1 once up and WATCHDOG=1 while its
loop runs. After each round it sends the buyer its plan (:mod:`gridnode.loads.power_plan`)
when the plan changed, and at least every ``PLAN_RESEND_S``, for the buyer's market.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from gridnode.errors import GridnodeError
from gridnode.hardware.relay import FailSafeRelay, RelayDriver, SimulatedRelay
from gridnode.hardware.watchdog import sd_notify, systemd_watchdog_period_s
from gridnode.loads.decide import Core, Decision
from gridnode.loads.needs_file import load_needs, save_needs
from gridnode.loads.power_plan import power_plan
from gridnode.loads.settings import LoadsSettings
from gridnode.ratefeed.subscriber import RateSubscriber

log = logging.getLogger("gridnode.loads")

#: The plan is sent again at least this often (the buyer uses one heard lately).
PLAN_RESEND_S = 5.0


def clock_ms() -> int:
    return time.time_ns() // 1_000_000


def open_drivers(settings: LoadsSettings, *, pin_factory: Any = None) -> dict[str, RelayDriver]:
    """One driver per load, every one off; gpio and modbus as a real installation has."""
    drivers: dict[str, RelayDriver] = {}
    bus = None
    for entry in settings.loads:
        config = entry.relay
        if config is None:
            drivers[entry.spec.name] = SimulatedRelay()
        elif config.kind == "gpio":
            from gridnode.hardware.gpio import GpioRelay

            assert config.pin is not None
            drivers[entry.spec.name] = GpioRelay(
                config.pin, active_high=config.active_high, pin_factory=pin_factory
            )
        else:
            from gridnode.hardware.bus import ModbusBus
            from gridnode.hardware.modbus_relay import ModbusRelay

            assert settings.bus is not None
            assert config.address is not None
            if bus is None:
                b = settings.bus
                bus = ModbusBus(
                    b.port, b.baud, timeout_s=b.timeout_ms / 1000, gap_s=b.gap_ms / 1000
                )
            drivers[entry.spec.name] = ModbusRelay(bus, config.address, config.coil)
    for driver in drivers.values():
        driver.off_now()
    return drivers


class LoadAgent:
    def __init__(
        self,
        settings: LoadsSettings,
        drivers: dict[str, RelayDriver],
        *,
        clock: Callable[[], int] = clock_ms,
        on_decision: Callable[[Decision], None] | None = None,
        notify: Callable[[str], bool] = sd_notify,
    ) -> None:
        self.settings = settings
        self.drivers = drivers
        self.relays = {name: FailSafeRelay(d, name=name) for name, d in drivers.items()}
        self.clock = clock
        self.on_decision = on_decision
        self.notify = notify
        self.core = Core(
            tuple(e.spec for e in settings.loads),
            silence_ms=settings.silence_ms,
            zone=settings.zone,
            max_power_w=settings.max_power_w,
            slot_ms=settings.slot_ms,
        )
        self.decisions: list[Decision] = []
        #: the plans sent to the buyer (how many), and the steps and time of the last
        self.plans_sent = 0
        self._plan_sent: tuple[object, float] | None = None
        self.ready = asyncio.Event()
        if settings.state_file is not None:
            self.core.restore_needs(load_needs(settings.state_file), clock())

    async def run(self, stop: asyncio.Event) -> None:
        subscriber = RateSubscriber(self.settings.endpoint, curve=self.settings.curve)
        listener = asyncio.create_task(self._listen(subscriber), name="rate feed")
        watchdog_s = systemd_watchdog_period_s()
        last_kick = last_save = 0.0
        log.info(
            "load agent: %d load(s), following %s", len(self.settings.loads), self.settings.endpoint
        )
        try:
            self.notify("READY=1")
            self.ready.set()
            while not stop.is_set():
                await self.step()
                await self.send_plan(subscriber)
                if watchdog_s is not None and time.monotonic() - last_kick >= watchdog_s:
                    self.notify("WATCHDOG=1")
                    last_kick = time.monotonic()
                if time.monotonic() - last_save >= 60:
                    self._save_needs()
                    last_save = time.monotonic()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.tick_ms / 1000)
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)
            subscriber.close()
            self._save_needs()
            for name, driver in self.drivers.items():
                driver.off_now()
                log.info("%s off: the load agent stops", name)

    def _save_needs(self) -> None:
        if self.settings.state_file is not None:
            save_needs(self.settings.state_file, self.core.needs())

    async def _listen(self, subscriber: RateSubscriber) -> None:
        async for message in subscriber.messages():
            self.core.heard(message, self.clock())

    async def send_plan(self, subscriber: RateSubscriber) -> None:
        """Send the plan when it changed or was sent over ``PLAN_RESEND_S`` ago."""
        plan = power_plan(self.core, self.plans_sent + 1, self.clock())
        if plan is None:
            return
        key = (plan.steps[1:], plan.steps[0][1])  # the first step starts now: its power
        last = self._plan_sent
        if last is not None and last[0] == key and time.monotonic() - last[1] < PLAN_RESEND_S:
            return
        await subscriber.send_plan(plan)
        self.plans_sent += 1
        self._plan_sent = (key, time.monotonic())

    async def step(self) -> list[Decision]:
        """One decision round; switches the relays it names."""
        decisions = self.core.tick(self.clock())
        for decision in decisions:
            await self._apply(decision)
        return decisions

    async def _apply(self, decision: Decision) -> None:
        relay = self.relays[decision.load]
        price = decision.price_msat_per_kwh
        log.info(
            "%s %s at %s msat/kWh: %s",
            decision.load,
            "on" if decision.on else "off",
            "no price" if price is None else price,
            decision.reason,
        )
        try:
            await (relay.switch_on() if decision.on else relay.switch_off())
        except GridnodeError as exc:
            log.error(
                "%s could not be switched %s: %s",
                decision.load,
                "on" if decision.on else "off",
                exc,
            )
            self.core.switch_failed(decision.load, self.clock())
            return
        self.decisions.append(decision)
        if self.on_decision is not None:
            self.on_decision(decision)
