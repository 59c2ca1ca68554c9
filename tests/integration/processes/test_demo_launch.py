"""The demos start their circuit process through one helper (gridnode.demo.launch): it
reads the circuit's first line (its ports) and records the process so a failed start
stops it; a circuit that exits before it tells its ports is the demo's own error,
pointing at its log. Real processes, no Lightning."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gridnode.demo.launch import DemoError, start_circuit
from gridnode.demo.records import RunRecord
from gridnode.demo.run import DemoOptions
from gridnode.demo.stopping import Begun


def _begun(root: Path) -> Begun:
    return Begun(RunRecord.claim(root, False, lambda _m: None))


def test_the_circuit_tells_its_ports_and_a_failed_start_stops_it(tmp_path: Path) -> None:
    begun = _begun(tmp_path)
    argv = [sys.executable, "-m", "gridnode.demo.feeds", "--sellers", "2", "--buyers", "1"]
    circuit, info = start_circuit(tmp_path, [*argv, "--state", str(tmp_path / "c.json")], begun)
    try:
        assert info["feeds"] == ["seller-1", "seller-2"]
        assert [d.name for d in begun.daemons] == ["circuit"]
        assert begun.daemons[0].pid == circuit.pid
    finally:
        begun.undo(keep_network=False)
        begun.record.finish()
    assert circuit.wait(timeout=10) is not None


def test_a_circuit_that_exits_at_once_is_a_demo_error_naming_its_log(tmp_path: Path) -> None:
    begun = _begun(tmp_path)
    argv = [sys.executable, "-c", "import sys; sys.stderr.write('no ports\\n'); sys.exit(3)"]
    try:
        with pytest.raises(DemoError, match=r"did not start; see .*circuit\.log"):
            start_circuit(tmp_path, argv, begun)
    finally:
        begun.undo(keep_network=False)
        begun.record.finish()
    assert "no ports" in (tmp_path / "circuit.log").read_text()


def test_a_network_dies_with_its_process_unless_a_command_leaves_it_to_the_user() -> None:
    assert DemoOptions().network_tied
    assert not DemoOptions(keep_network=True).network_tied  # gridnode demo --keep-network
    # a drill, a soak or a test keeps it to read LND afterwards, in the same process: a
    # harness killed mid-run (SIGKILL included) must not leave btcd and LND behind
    assert DemoOptions(keep_network=True, tie_network=True).network_tied
