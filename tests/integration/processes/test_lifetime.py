"""Processes gridnode starts end with what started them (gridnode.regtest.lifetime):
a tied child dies when its parent is killed with SIGKILL, even when the thread that
asked for it is long gone; SIGINT, SIGTERM and SIGHUP are one clean stop that a second
signal does not cut short; what a killed start-up left behind is stopped by its
recorded PIDs only. Real processes (``sleep``, a Python parent), no Lightning."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridnode.demo.records import DemoBusyError, RunRecord, clean_leftovers, fresh_network_dir
from gridnode.regtest.btcd import BtcdRpc
from gridnode.regtest.daemons import Btcd, LndNode
from gridnode.regtest.leftovers import StartLog, stop_leftovers
from gridnode.regtest.lifetime import StopSignals, popen
from gridnode.regtest.network import RegtestNetwork
from gridnode.regtest.processes import Daemon, spawn, stop_all

#: How long the kernel and init may take to end and reap a killed parent's tied child.
GONE_WITHIN_S = 5.0

PARENT = textwrap.dedent(
    """
    import sys, threading, time
    from gridnode.regtest.lifetime import popen
    started = []
    def ask():
        started.append(popen(["sleep", "300"], tied=sys.argv[1] == "tied"))
    worker = threading.Thread(target=ask)
    worker.start()
    worker.join()  # the thread that asked for the child has exited
    print(started[0].pid, flush=True)
    time.sleep(300)
    """
)


def alive(pid: int) -> bool:
    """Running, not a zombie (a zombie has exited; only its exit status is left)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def wait_gone(pid: int, within_s: float = GONE_WITHIN_S) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return not alive(pid)


def wait_for_command_line(pid: int) -> None:
    """/proc shows no command line for the moment exec takes."""
    deadline = time.monotonic() + GONE_WITHIN_S
    while not Path(f"/proc/{pid}/cmdline").read_bytes() and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.fixture
def strays() -> Iterator[list[int]]:
    """PIDs a test started that may outlive it: killed at teardown."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def _parent_and_child(tied: str) -> tuple[subprocess.Popen[str], int]:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, tied], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    return parent, int(parent.stdout.readline())


def test_a_tied_child_dies_when_its_parent_is_killed(strays: list[int]) -> None:
    parent, child = _parent_and_child("tied")
    strays += [parent.pid, child]
    time.sleep(0.5)  # the thread that asked is gone: the child must not go with it
    assert alive(child)
    parent.kill()
    parent.wait()
    assert wait_gone(child), f"tied child {child} outlived its parent's SIGKILL"


def test_an_untied_child_outlives_its_parent_as_regtest_up_needs(strays: list[int]) -> None:
    parent, child = _parent_and_child("untied")
    strays += [parent.pid, child]
    parent.kill()
    parent.wait()
    time.sleep(0.5)
    assert alive(child)


def test_a_tied_child_is_the_program_itself_under_its_own_pid(strays: list[int]) -> None:
    """The tie is made by a wrapper that execs in place: the PID the demo records is the
    program's, and its command line is the program's (no Python left in between)."""
    child = popen(["sleep", "300"], tied=True)
    strays.append(child.pid)
    deadline = time.monotonic() + GONE_WITHIN_S
    cmdline = b""
    while time.monotonic() < deadline:
        cmdline = Path(f"/proc/{child.pid}/cmdline").read_bytes()
        if cmdline.startswith(b"sleep\0"):
            break
        time.sleep(0.02)  # the wrapper has not exec'd yet
    assert cmdline.split(b"\0")[:2] == [b"sleep", b"300"]
    child.kill()
    child.wait()


def test_a_tied_program_that_does_not_exist_fails_in_the_parent() -> None:
    with pytest.raises(FileNotFoundError, match="no-such-gridnode-program"):
        popen(["no-such-gridnode-program", "--help"], tied=True)


def test_tied_children_spawn_while_grpc_threads_run() -> None:
    """A process that talks gRPC (as the tests and the demo do) spawns tied children
    without a fork of its own threads' state: a hundred in a row all exec and exit 0."""
    import grpc

    server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=4))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        children = [popen(["true"], tied=True) for _ in range(100)]
        assert [c.wait(timeout=60) for c in children] == [0] * 100
    finally:
        channel.close()
        server.stop(None)


STOPPER = textwrap.dedent(
    """
    import time
    from gridnode.regtest.lifetime import StopRequested, StopSignals
    with StopSignals(lambda m: print(m, flush=True)) as stops:
        try:
            print("ready", flush=True)
            time.sleep(60)
        except StopRequested as exc:
            print("stopping after", exc.signal.name, flush=True)
            stops.hold()
            print("holding", flush=True)
            time.sleep(1.0)  # the clean stop under way
            print("stopped cleanly", flush=True)
    """
)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_each_stop_signal_is_one_clean_stop_a_second_does_not_cut_short(
    sig: signal.Signals,
) -> None:
    process = subprocess.Popen([sys.executable, "-c", STOPPER], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    process.send_signal(sig)
    assert process.stdout.readline().strip() == f"stopping after {sig.name}"
    assert process.stdout.readline().strip() == "holding"
    process.send_signal(signal.SIGTERM)
    rest, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "already stopping" in rest
    assert rest.strip().endswith("stopped cleanly")


async def test_a_stop_signal_reaches_a_watching_event_loop_without_raising() -> None:
    stop = asyncio.Event()
    with StopSignals() as stops, stops.watching(stop.set):
        os.kill(os.getpid(), signal.SIGHUP)
        await asyncio.wait_for(stop.wait(), 10)
    assert stops.received is signal.SIGHUP


def test_a_daemon_that_stopped_says_why_with_the_last_lines_of_its_log(tmp_path: Path) -> None:
    script = "for i in 1 2 3 4 5 6 7 8; do echo line $i; done; echo 'fatal: no LND' >&2; exit 3"
    daemon = spawn("quitter", ["sh", "-c", script], tmp_path / "quitter.log")
    while daemon.is_running():
        time.sleep(0.01)
    text = daemon.stopped_text(lines=3)
    assert text.splitlines() == [
        f"quitter stopped; see {tmp_path / 'quitter.log'}; its last lines:",
        "  | line 7",
        "  | line 8",
        "  | fatal: no LND",
    ]


def test_stop_all_stops_together_within_one_timeout(tmp_path: Path) -> None:
    # a shell that ignores SIGTERM: only the SIGKILL after the timeout ends it
    stubborn = [
        spawn(f"stubborn-{i}", ["sh", "-c", "trap '' TERM; sleep 300"], tmp_path / "log")
        for i in range(3)
    ]
    time.sleep(0.3)  # the traps are set
    started = time.monotonic()
    assert sorted(stop_all(stubborn, timeout_s=1.0)) == [d.name for d in stubborn]
    assert time.monotonic() - started < 1.0 * 2  # one deadline for all, not one each
    assert not any(d.is_running() for d in stubborn)


def test_a_killed_regtest_up_leaves_a_record_the_next_one_stops(tmp_path: Path) -> None:
    log = StartLog(tmp_path)
    left = spawn("btcd", ["sleep", "300"], tmp_path / "btcd.log")
    log.append(left)
    # a recorded PID that is now another program is left alone
    other = subprocess.Popen(["sleep", "301"])
    wait_for_command_line(other.pid)
    log.append(Daemon("lnd", other.pid, ("lnd", "--lnddir=x"), tmp_path / "lnd.log"))
    try:
        assert stop_leftovers(tmp_path, timeout_s=5.0) == ["btcd"]
        assert not left.is_running()
        assert other.poll() is None
        assert not (tmp_path / "starting.json").exists()
    finally:
        other.kill()
        other.wait()


def test_a_demo_folder_refuses_a_second_demo_while_the_first_runs(tmp_path: Path) -> None:
    owner = subprocess.Popen(["sleep", "300"])
    try:
        wait_for_command_line(owner.pid)
        record = {
            "owner": Daemon("demo", owner.pid, ("sleep", "300"), Path()).to_json(),
            "keep_network": True,
            "daemons": [],
        }
        (tmp_path / "processes.json").write_text(json.dumps(record))
        with pytest.raises(DemoBusyError, match=f"process {owner.pid}"):
            clean_leftovers(tmp_path, lambda _m: None)
    finally:
        owner.kill()
        owner.wait()


def test_a_demo_folder_stops_what_a_killed_demo_left(tmp_path: Path) -> None:
    said: list[str] = []
    record = RunRecord(tmp_path, keep_network=True)
    record.owner = Daemon("demo", 2**22 + 1, ("gone",), Path())  # no such process
    record.add(spawn("seller", ["sleep", "300"], tmp_path / "seller.log"))
    seller = record.daemons["seller"]
    assert seller.is_running()
    RunRecord.claim(tmp_path, keep_network=False, say=said.append)
    assert not seller.is_running()
    assert said == [f"stopped seller, left running by a demo killed in {tmp_path}"]


def _recorded_network(folder: Path, btcd: Daemon) -> None:
    """A network.json whose btcd is ``btcd`` and whose other daemons are long gone."""
    folder.mkdir(parents=True)
    gone = Daemon("gone", 2**22 + 1, ("gone",), folder / "gone.log")
    rpc = BtcdRpc("127.0.0.1:1", "user", "pass", folder / "rpc.cert")
    node = LndNode("node0", folder / "node0", "127.0.0.1:2", "127.0.0.1:3", gone)
    RegtestNetwork(folder, Btcd(rpc, "", btcd), Btcd(rpc, "", gone), [node]).save()


def test_a_stopped_networks_files_go_a_running_ones_stay(tmp_path: Path) -> None:
    """A new demo network cannot start on an old chain: a stopped one's files are
    removed; one that still runs is left for RegtestNetwork.up to refuse by name."""
    stopped = tmp_path / "stopped"
    _recorded_network(stopped, Daemon("btcd", 2**22 + 2, ("gone",), tmp_path / "log"))
    fresh_network_dir(stopped)
    assert not stopped.exists()
    running = tmp_path / "running"
    btcd = spawn("btcd", ["sleep", "300"], tmp_path / "btcd.log")
    try:
        _recorded_network(running, btcd)
        fresh_network_dir(running)
        assert (running / "network.json").exists()
    finally:
        stop_all([btcd], timeout_s=5.0)
