"""``gridnode battery`` runs a battery node's file only, and the one-role daemons send a
battery node's file to it by name."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gridnode.cli.main import cli
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


def test_a_prosumer_is_told_its_runtime_is_not_built_yet(tmp_path: Path) -> None:
    code, output = _run("battery", "--config", str(write_node(tmp_path, prosumer_text())))
    assert code == 2
    assert "a prosumer's runtime (its offer from the PV surplus) is not built yet" in output
