"""No process of a `gridnode demo` outlives it, however it ends (issue 16, part 1).

A real `gridnode demo` (btcd, the miner, two LND nodes, the circuit, a seller and a
buyer) is started as a person starts it, and ended each way a demo ends in the field:
Ctrl-C (SIGINT), a process manager or `timeout` (SIGTERM), a closed terminal or SSH
session (SIGHUP), the OOM killer or `kill -9` (SIGKILL), an exception inside the harness
(a node dies, and the demo stops with its error), and SIGTERM while it is still starting.
Afterwards no process of the run is left: none of the PIDs the run recorded
(processes.json, regtest/network.json) is still that process, and no command line in
/proc names the run's folder.

The bounds: a clean stop takes at most the sum of the demo's stop timeouts
(gridnode.demo.stopping.STOP_TIMEOUTS_S); the test allows that plus MARGIN_S for the summary
and receipts, and then GONE_WITHIN_S for the kernel and init to end and reap what a
SIGKILL orphaned (the tied children are killed by the kernel at once).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gridnode.demo.records import recorded_daemons
from gridnode.demo.stopping import stop_bound_s

pytestmark = [pytest.mark.regtest, pytest.mark.timeout(420)]

#: Beyond the stop timeouts: the summary, the receipts, the interpreter's exit (s).
MARGIN_S = 15.0
#: After the demo is gone: the kernel and init ending and reaping its orphans (s).
GONE_WITHIN_S = 5.0
#: Starting the regtest network and the first payments, on a loaded machine (s).
START_WITHIN_S = 240.0


def _start(root: Path) -> tuple[subprocess.Popen[str], Path]:
    errors = root.parent / f"{root.name}.stderr"
    demo = subprocess.Popen(
        [sys.executable, "-m", "gridnode.cli.main", "demo", "--dir", str(root), "--json"],
        stdout=subprocess.PIPE,
        stderr=errors.open("w"),
        text=True,
    )
    return demo, errors


def _wait_for_line(errors: Path, text: str, demo: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_WITHIN_S
    while time.monotonic() < deadline:
        if text in errors.read_text():
            return
        assert demo.poll() is None, f"the demo ended early:\n{errors.read_text()[-3000:]}"
        time.sleep(0.5)
    pytest.fail(f"no {text!r} within {START_WITHIN_S} s:\n{errors.read_text()[-3000:]}")


def _left_running(root: Path) -> list[str]:
    """What of the run still runs: recorded PIDs that are still their process, and any
    process whose command line names the run's folder."""
    owner, daemons = recorded_daemons(root)
    recorded = [*daemons, *([owner] if owner is not None else [])]
    found = [f"{d.name} (pid {d.pid})" for d in recorded if d.is_running()]
    needle = str(root).encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if needle in cmdline:
            shown = cmdline.replace(b"\0", b" ")[:160].decode(errors="replace")
            found.append(f"pid {entry.name}: {shown}")
    return found


def _assert_nothing_left(root: Path) -> None:
    deadline = time.monotonic() + GONE_WITHIN_S
    left = _left_running(root)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = _left_running(root)
    assert left == [], f"still running {GONE_WITHIN_S} s after the demo ended: {left}"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_closes_the_sessions_writes_the_summary_and_leaves_nothing(
    tmp_path: Path, sig: signal.Signals
) -> None:
    root = tmp_path / "demo"
    demo, errors = _start(root)
    try:
        _wait_for_line(errors, "supplying (relay on)", demo)
        demo.send_signal(sig)
        out, _ = demo.communicate(timeout=stop_bound_s() + MARGIN_S)
    finally:
        if demo.poll() is None:
            demo.kill()
    said = errors.read_text()
    assert demo.returncode == 0, said[-3000:]
    assert f"{sig.name}: stopping cleanly" in said
    summary = json.loads(out)
    assert summary["payments"] > 0
    # every session was closed, not cut: its receipt (from the buyer's ledger) says so
    assert summary["receipts"], summary
    for path in summary["receipts"]:
        assert json.loads(Path(path).read_text())["exported"]["state"] == "closed"
    _assert_nothing_left(root)


def test_sigkill_of_the_demo_leaves_nothing_running(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    demo, errors = _start(root)
    try:
        _wait_for_line(errors, "supplying (relay on)", demo)
        owner, daemons = recorded_daemons(root)
        assert owner is not None
        assert owner.pid == demo.pid
        assert {"btcd", "miner", "node0", "node1", "circuit", "seller", "buyer-1"} <= {
            d.name for d in daemons
        }
        demo.kill()
        demo.wait()
    finally:
        if demo.poll() is None:
            demo.kill()
    _assert_nothing_left(root)


def test_an_exception_inside_the_harness_stops_everything(tmp_path: Path) -> None:
    """A node that dies is the harness's own exception (DemoError): the demo stops the
    rest in order and exits with that error's sentence."""
    root = tmp_path / "demo"
    demo, errors = _start(root)
    try:
        _wait_for_line(errors, "supplying (relay on)", demo)
        _, daemons = recorded_daemons(root)
        buyer = next(d for d in daemons if d.name == "buyer-1")
        os.kill(buyer.pid, signal.SIGKILL)
        demo.communicate(timeout=stop_bound_s() + MARGIN_S)
    finally:
        if demo.poll() is None:
            demo.kill()
    said = errors.read_text()
    assert demo.returncode == 1, said[-3000:]
    assert "error: buyer-1 stopped" in said
    _assert_nothing_left(root)


def test_sigterm_while_starting_stops_what_was_started(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    demo, errors = _start(root)
    try:
        _wait_for_line(errors, "node1 up", demo)  # btcd and both LND nodes run
        demo.send_signal(signal.SIGTERM)
        demo.communicate(timeout=stop_bound_s() + MARGIN_S)
    finally:
        if demo.poll() is None:
            demo.kill()
    said = errors.read_text()
    assert demo.returncode == 1, said[-3000:]
    assert "stopped by SIGTERM while it was starting" in said
    _assert_nothing_left(root)
