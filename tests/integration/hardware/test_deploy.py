"""The Pi deployment files: systemd units pass ``systemd-analyze verify`` with no
warning, run unprivileged with a watchdog and only their devices, and the udev rule
gives the adapter the name the units allow."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[3] / "hardware" / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))
INSTALLED_BINARY = "/opt/gridnode/venv/bin/gridnode"


def _systemd_analyze() -> str:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.fail(
            "systemd-analyze is not installed, so the systemd units cannot be verified. "
            "Run scripts/setup_system as root (it installs the Debian package systemd) "
            "and run the tests again."
        )
    return tool


class UnitFile(configparser.ConfigParser):
    """A systemd unit as configparser reads it: keys keep their case (ExecStart)."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def _unit(path: Path) -> configparser.ConfigParser:
    parser = UnitFile(strict=False, interpolation=None)
    parser.read_string(path.read_text())
    return parser


def test_the_three_units_are_there() -> None:
    assert [u.name for u in UNITS] == [
        "gridnode-buyer.service",
        "gridnode-loads.service",
        "gridnode-seller.service",
    ]


def test_systemd_analyze_verify_passes_without_warnings(tmp_path: Path) -> None:
    tool = _systemd_analyze()
    gridnode = Path(sys.executable).parent / "gridnode"
    assert gridnode.exists(), f"{gridnode} is missing: install gridnode into the venv"
    copies = []
    for unit in UNITS:
        text = unit.read_text()
        assert INSTALLED_BINARY in text
        # verify checks that ExecStart's binary exists: point it at this checkout's.
        copy = tmp_path / unit.name
        copy.write_text(text.replace(INSTALLED_BINARY, str(gridnode)))
        copies.append(str(copy))
    result = subprocess.run(
        [tool, "verify", *copies], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", f"systemd-analyze warned:\n{result.stderr}"


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_units_run_unprivileged_with_a_watchdog_and_restart(unit: Path) -> None:
    service = _unit(unit)["Service"]
    assert service["User"] not in ("", "root")
    assert service["Type"] == "notify"
    assert int(service["WatchdogSec"]) > 0
    assert service["Restart"] == "on-failure"
    assert service["DevicePolicy"] == "closed"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"


def test_the_seller_may_use_the_adapter_the_udev_rule_names() -> None:
    rules = [
        line
        for line in (DEPLOY / "99-gridnode-rs485.rules").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert rules
    for rule in rules:
        assert 'SUBSYSTEM=="tty"' in rule
        assert 'SYMLINK+="gridnode-rs485"' in rule
        assert re.search(r'ATTRS\{idVendor\}=="[0-9a-f]{4}"', rule)
    seller = (DEPLOY / "gridnode-seller.service").read_text()
    assert "DeviceAllow=/dev/gridnode-rs485 rw" in seller
    assert "DeviceAllow=char-gpiochip rw" in seller


def _service_env(unit: configparser.ConfigParser) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in unit["Service"].get("Environment", "").splitlines():
        for word in line.split():
            key, _, value = word.partition("=")
            env[key] = value
    return env


@pytest.mark.parametrize("role", ["seller", "buyer"])
def test_a_node_unit_starts_on_the_configuration_gridnode_init_writes(
    role: str, tmp_path: Path
) -> None:
    """The node's unit runs it in its state directory on the gridnode.toml that
    `gridnode init --dir` writes there (then filled in); everything relative in it
    (ledger, status socket, identity, link outboxes, macaroon) resolves inside that
    writable folder, and the unit's environment holds no variable the node would refuse
    as an unknown setting."""
    from gridnode.config.examples import example
    from gridnode.config.settings import load_settings
    from tests.support.macaroons import bake_for
    from tests.support.node_config import EXAMPLE_FPR, FPR, peer_certificate_pem

    unit = _unit(DEPLOY / f"gridnode-{role}.service")
    service = unit["Service"]
    state = Path("/var/lib") / service["StateDirectory"]
    assert service["WorkingDirectory"] == str(state)
    config = re.search(r"--config (\S+)", service["ExecStart"])
    assert config is not None
    assert Path(config.group(1)) == state / "gridnode.toml"
    # the state directory, as `gridnode init --role ROLE --dir` leaves it, plus the
    # macaroon the README says to bake into it and LND's certificate
    folder = tmp_path / "var-lib-gridnode"
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "gridnode.cli.main", "init", "--role", role, "--dir", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # step 6 of the README: the person fills in the pairing (here: the whole example,
    # with the peer's certificate under peers/ and its fingerprint compared aloud)
    (folder / "gridnode.toml").write_text(example(role).replace(EXAMPLE_FPR, FPR))
    peer = "flat-2" if role == "seller" else "seller"
    (folder / "peers" / f"{peer}.crt").write_bytes(peer_certificate_pem())
    (folder / f"{role}.macaroon").write_bytes(bake_for(role))
    lnd_cert = tmp_path / "tls.cert"
    lnd_cert.write_bytes(peer_certificate_pem())  # any PEM certificate, read offline
    env = _service_env(unit) | {"GRIDNODE_LND__TLS_CERT": str(lnd_cert)}
    settings = load_settings(folder / "gridnode.toml", env)
    for written in (settings.ledger, settings.status_socket):
        assert written.parent == folder


def test_reloading_the_seller_is_its_sighup_and_a_buyer_has_no_reload() -> None:
    seller = _unit(DEPLOY / "gridnode-seller.service")["Service"]
    assert seller["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert "ExecReload" not in _unit(DEPLOY / "gridnode-buyer.service")["Service"]
