"""``gridnode dashboard`` and ``gridnode demo --dashboard`` read as the rest of the tool."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gridnode.cli import dashboard as dashboard_cli
from gridnode.cli.main import cli
from gridnode.ui.app import Dashboard


def test_dashboard_help_shows_an_example_and_the_keys() -> None:
    result = CliRunner().invoke(cli, ["dashboard", "--help"])
    assert result.exit_code == 0
    assert "gridnode dashboard --node" in result.output
    assert "q quit" in result.output


def test_demo_has_the_dashboard_switch() -> None:
    result = CliRunner().invoke(cli, ["demo", "--help"])
    assert result.exit_code == 0
    assert "--dashboard / --no-dashboard" in result.output


def test_dashboard_takes_the_socket_from_the_node_configuration(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ran: list[Path] = []
    monkeypatch.setattr(Dashboard, "run", lambda self, **_: ran.append(self.settings.node))
    config = tmp_path / "buyer.toml"
    config.write_text("placeholder")

    class Settings:
        status_socket = tmp_path / "node" / "status.sock"

    monkeypatch.setattr("gridnode.config.settings.load_settings", lambda _path: Settings())
    result = CliRunner().invoke(cli, ["dashboard", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert ran == [tmp_path / "node" / "status.sock"]
    assert dashboard_cli.dashboard.name == "dashboard"


def test_dashboard_node_option_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ran: list[Path] = []
    monkeypatch.setattr(Dashboard, "run", lambda self, **_: ran.append(self.settings.node))
    result = CliRunner().invoke(cli, ["dashboard", "--node", str(tmp_path / "s.sock")])
    assert result.exit_code == 0, result.output
    assert ran == [tmp_path / "s.sock"]
