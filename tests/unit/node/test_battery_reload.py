"""A running battery node reads its configuration again (SIGHUP, ``gridnode tariff
reload``) and keeps running: a raised reserve reaches its book at once while it sells
and buys, a file with a mistake changes nothing and says why; SIGHUP never stops it."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from gridnode.config.battery import BatteryConfig
from gridnode.config.battery_node import BatterySettings
from gridnode.config.reader import ConfigError
from gridnode.config.settings import AnySettings
from gridnode.node import battery_factory
from gridnode.node.battery_reload import BatteryReloader
from gridnode.node.reload import ReloadResult
from tests.support.battery_config import battery_settings
from tests.support.battery_parts import FLAT_RULE, LOSSLESS_SPEC, half_full_estate

SPEC, RULE = LOSSLESS_SPEC, FLAT_RULE


async def test_a_reload_raises_the_reserve_of_a_running_battery_and_it_runs_on(
    tmp_path: Path,
) -> None:
    desk, estate = await half_full_estate(tmp_path)
    # the file the node runs on, as the estate's battery: no buyers of its own to add or
    # remove, its terms the seller role's, its [battery] the desk's
    loaded = battery_settings(tmp_path / "config")
    running = dataclasses.replace(
        loaded,
        selling=dataclasses.replace(
            loaded.selling, buyers=(), terms=estate.battery_seller.terms, tariffs={}
        ),
        battery=BatteryConfig(SPEC, RULE),
    )
    raised = dataclasses.replace(running, battery=BatteryConfig(SPEC.with_reserve(300_000), RULE))
    files: list[AnySettings | Exception] = [raised]

    def load(path: Path) -> AnySettings:
        found = files[-1]
        if isinstance(found, Exception):
            raise found
        return found

    reloader = BatteryReloader(
        tmp_path / "battery.toml",
        running,
        estate.battery_seller,
        lambda entries: [],
        meters={"inverter"},
        desk=desk,
        battery=estate.battery_role,
        load=load,
    )
    estate.battery._reload = reloader.reload
    await estate.start()
    try:
        slot, partner = await estate.both_sides_trading()
        result = await estate.battery.reload("SIGHUP")
        assert result.ok, result.text
        assert "the battery's reserve 10 % -> 30 % at once" in result.text
        assert desk.book.spec.reserve_ppm == 300_000
        assert reloader.node.battery is not None
        assert reloader.node.battery.spec.reserve_ppm == 300_000
        await estate.clock.advance(30)
        assert slot.live is not None  # it sells on, above the new reserve
        assert partner.live is not None  # and buys on
        assert (
            desk.book.soc_mwh - desk.book.pledged_out_mwh >= SPEC.with_reserve(300_000).reserve_mwh
        )
        # a file with a mistake changes nothing, says why, and the node runs on
        files.append(ConfigError("battery.toml", ["battery.reserve_percent must be from 0"]))
        refused = await estate.battery.reload("SIGHUP")
        assert not refused.ok
        assert "changed nothing: battery.reserve_percent must be from 0" in refused.text
        assert desk.book.spec.reserve_ppm == 300_000
        assert refused.text in estate.battery.snapshot().warnings
        await estate.clock.advance(10)
        assert not any(task.done() for task in estate.tasks)
        assert slot.live is not None
    finally:
        await estate.shutdown()


class _Runtime:
    """A runtime that asks for SIGHUP once it runs and ends when the reload came."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.reloaded: asyncio.Event | None = None
        self.ctx: Any = dataclasses.make_dataclass("Ctx", ["tasks"])(
            dataclasses.make_dataclass("Tasks", [("spawn", Any)])(self.spawn)
        )

    def spawn(self, coroutine: Any, name: str = "") -> asyncio.Task[Any]:
        return asyncio.ensure_future(coroutine)

    async def reload(self, asked_by: str = "") -> ReloadResult:
        self.asked.append(asked_by)
        assert self.reloaded is not None
        self.reloaded.set()
        return ReloadResult(True, "configuration reloaded")

    async def run(self, stop: asyncio.Event) -> None:
        self.reloaded = asyncio.Event()
        os.kill(os.getpid(), signal.SIGHUP)
        async with asyncio.timeout(10):
            await self.reloaded.wait()
        assert not stop.is_set()  # SIGHUP did not stop it


def test_sighup_reloads_and_never_stops_the_node(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings: BatterySettings = battery_settings(tmp_path)
    fake = _Runtime()
    paths: list[Path | None] = []

    async def build(settings: BatterySettings, **kwargs: Any) -> _Runtime:
        paths.append(kwargs["config_path"])
        return fake

    monkeypatch.setattr(battery_factory, "build_battery_runtime", build)
    battery_factory.run_battery(settings, config_path=tmp_path / "node.toml")
    assert fake.asked == ["SIGHUP"]
    assert paths == [tmp_path / "node.toml"]
