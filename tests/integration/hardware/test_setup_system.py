"""scripts/setup_system installs only what is missing, and never blocks a non-root set-up."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "setup_system"
BASH = shutil.which("bash") or "/bin/bash"


def _run(path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BASH, str(SCRIPT)],
        # Debian's /usr/sbin is looked at for mosquitto too: here, only the test's folder
        env={"PATH": path, "SETUP_SYSTEM_SBIN": path},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_nothing_to_do_when_the_tools_are_there(tmp_path: Path) -> None:
    for name in ("systemd-analyze", "openssl", "xxd", "mosquitto"):
        tool = shutil.which(name) or shutil.which(name, path="/usr/sbin")
        assert tool, f"{name} is missing: run scripts/setup_system as root"
        (tmp_path / name).symlink_to(tool)
    result = _run(str(tmp_path))
    assert result.returncode == 0
    assert "present" in result.stderr


def test_not_root_says_what_to_install_and_exits_0(tmp_path: Path) -> None:
    fake_id = tmp_path / "id"
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    result = _run(str(tmp_path))  # no systemd-analyze, no apt-get on this PATH
    assert result.returncode == 0
    assert "Not root" in result.stderr
    assert "apt-get install -y systemd openssl xxd mosquitto" in result.stderr
