"""``gridnode battery`` runs a battery node's or a prosumer's file only, and the one-role
daemons send such a file to it by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gridnode.cli.main import cli
from gridnode.config.battery_node import BatterySettings
from gridnode.node import battery_factory
from tests.support.battery_config import battery_text, prosumer_text, write_node
from tests.support.node_config import SELLER, write


def _run(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(cli, list(args))
    return done.exit_code, done.output


def test_a_sellers_file_is_sent_to_gridnode_sell(tmp_path: Path) -> None:
    code, output = _run("battery", "--config", str(write(tmp_path, SELLER)))
    assert code == 2
    assert "configures a seller; use 'gridnode sell'" in output


def test_a_battery_nodes_file_is_sent_to_gridnode_battery(tmp_path: Path) -> None:
    config = str(write_node(tmp_path, battery_text()))
    for command in ("sell", "buy"):
        code, output = _run(command, "--config", config)
        assert code == 2
        assert "configures a battery; use 'gridnode battery'" in output


def test_gridnode_battery_runs_a_prosumers_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[BatterySettings] = []

    def run_battery(
        settings: BatterySettings, *, allow_control: bool = False, config_path: Path | None = None
    ) -> None:
        ran.append(settings)
        assert config_path is not None  # SIGHUP reads it again

    monkeypatch.setattr(battery_factory, "run_battery", run_battery)
    code, output = _run("battery", "--config", str(write_node(tmp_path, prosumer_text())))
    assert code == 0, output
    (settings,) = ran
    assert settings.role == "prosumer"
    assert settings.pv is not None
