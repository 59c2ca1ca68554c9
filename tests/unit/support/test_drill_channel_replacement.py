"""A channel the harness cannot replace is a problem of the drill, not its end: the
full drill once crashed there (the miner had banned the backend, so mining timed out)
and lost 47 minutes of findings."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from gridnode.regtest.processes import RegtestError
from tests.support.drill import drill
from tests.support.drill.channels import DeadChannel
from tests.support.drill.drill import _replace_dead_channels, _World


def _world(said: list[str]) -> _World:
    parts = SimpleNamespace(network="the network")
    demo = SimpleNamespace(parts=parts)
    injector = SimpleNamespace(say=said.append)
    return cast(
        _World, SimpleNamespace(demo=demo, injector=injector, problems=[], lnd_channels_replaced=[])
    )


def _dead() -> DeadChannel:
    return cast(DeadChannel, SimpleNamespace(channel_point="ab:0"))


def test_a_failed_replacement_is_a_problem_and_the_wait_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_: Any) -> dict[str, Any]:
        raise RegtestError("timed out after 30 s waiting for the miner")

    monkeypatch.setattr(drill, "dead_channels", lambda network: [_dead()])
    monkeypatch.setattr(drill, "replace_channel", refuse)
    said: list[str] = []
    world = _world(said)
    assert _replace_dead_channels(world, "trading after lnd_restart_seller") is False
    [(when, problem)] = world.problems
    assert when == "trading after lnd_restart_seller"
    assert problem.check == "channel_replaced"
    assert "waiting for the miner" in problem.text
    assert world.lnd_channels_replaced == []
    assert said == [problem.text]


def test_a_replaced_channel_is_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drill, "dead_channels", lambda network: [_dead()])
    monkeypatch.setattr(drill, "replace_channel", lambda *_: {"closed": "ab:0"})
    world = _world([])
    assert _replace_dead_channels(world, "trading after kill_both") is True
    assert world.problems == []
    assert world.lnd_channels_replaced == [
        {"while_waiting_for": "trading after kill_both", "closed": "ab:0"}
    ]
