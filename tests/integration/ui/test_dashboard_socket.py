"""The dashboard on a real status socket (a real StatusServer on a tmp path): values
appear, many dashboards read one node at once, the node goes away and comes back, and
the one control is refused or carried out as the node says."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

from gridnode.status.pb import status_pb2 as pb
from gridnode.status.server import StatusServer
from gridnode.ui.app import Dashboard
from gridnode.ui.factory import build_app
from gridnode.ui.screens import ConfirmStop
from tests.support.ui import samples
from tests.support.ui.helpers import fast_settings, screen_text, shows, until

SIZE = (100, 30)


class Node:
    """A status server whose snapshot a test changes as it goes."""

    def __init__(self, path: Path, *, allow_control: bool = False) -> None:
        self.path = path
        self.status = samples.seller_status()
        self.stopped: list[tuple[str, str]] = []
        self.server = self._server(allow_control)

    def _server(self, allow_control: bool) -> StatusServer:
        return StatusServer(
            self.path,
            lambda: self.status,
            allow_control=allow_control,
            stop_session=self._stop,
            min_interval_s=0.02,
            max_interval_s=0.1,
        )

    async def _stop(self, session_id: str, reason: str) -> str | None:
        self.stopped.append((session_id, reason))
        return None if session_id.startswith("s-") else f"no session {session_id}"


def _app(path: Path) -> Dashboard:
    return build_app(fast_settings(node=path, max_interval_ms=100))


async def test_a_real_nodes_values_appear(tmp_path: Path) -> None:
    node = Node(tmp_path / "status.sock")
    await node.server.start()
    try:
        app = _app(node.path)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await shows(pilot, "gridnode seller", "flat-3", "230.4 V", "✔ live 12:00:00")
            node.status = samples.seller_status(samples.T0_MS + 3000)
            node.status.sessions[1].state = "suspended_fault"
            await node.server.changed()
            await shows(pilot, "✔ live 12:00:03", "■ suspended: fault")
    finally:
        await node.server.close()


async def test_many_dashboards_read_one_node_at_once(tmp_path: Path) -> None:
    node = Node(tmp_path / "status.sock")
    await node.server.start()
    apps = [_app(node.path) for _ in range(4)]
    try:
        async with contextlib.AsyncExitStack() as stack:
            pilots = [await stack.enter_async_context(a.run_test(size=SIZE)) for a in apps]
            for pilot in pilots:
                await shows(pilot, "✔ live 12:00:00", "flat-1")
            assert node.server.readers == 4
            node.status = samples.seller_status(samples.T0_MS + 7000)
            await node.server.changed()
            for pilot in pilots:
                await shows(pilot, "✔ live 12:00:07")
            await pilots[0].press("q")
            await until(pilots[1], lambda: node.server.readers == 3)
            await shows(pilots[1], "✔ live 12:00:07")  # the others read on, unaffected
    finally:
        await node.server.close()


def _spawn_node(path: Path, at_ms: int) -> subprocess.Popen[str]:
    """A node process serving its status on ``path``, started and ready."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.ui.status_node", str(path), str(at_ms)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


async def test_a_node_that_is_killed_and_comes_back(tmp_path: Path) -> None:
    path = tmp_path / "status.sock"
    node = _spawn_node(path, samples.T0_MS)
    try:
        app = _app(path)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await shows(pilot, "✔ live 12:00:00")
            node.kill()  # kill -9: no goodbye, the socket file stays behind
            node.wait()
            await shows(pilot, "NODE GONE")
            assert "flat-1" in screen_text(app)  # the last figures stay, marked as old
            await pilot.pause(0.3)  # refused attempts meanwhile
            assert "NODE GONE" in screen_text(app)
            node = _spawn_node(path, samples.T0_MS + 60_000)  # replaces the stale socket
            await shows(pilot, "✔ live 12:01:00", "reconnected")
    finally:
        node.kill()
        node.wait()


async def test_a_node_without_control_refuses_the_stop_in_its_words(tmp_path: Path) -> None:
    node = Node(tmp_path / "status.sock", allow_control=False)
    node.status.control_allowed = False
    await node.server.start()
    try:
        app = _app(node.path)
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await shows(pilot, "flat-1")
            await pilot.press("s")
            await until(pilot, lambda: isinstance(app.screen, ConfirmStop))
            await shows(pilot, "Stop the session with flat-1")
            await pilot.pause()
            await pilot.press("y")
            await shows(pilot, "the node refused", "stopping a session by hand is refused")
            assert node.stopped == []
    finally:
        await node.server.close()


async def test_a_node_with_control_stops_the_chosen_session(tmp_path: Path) -> None:
    node = Node(tmp_path / "status.sock", allow_control=True)
    await node.server.start()
    try:
        app = _app(node.path)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await shows(pilot, "flat-1")
            await pilot.press("n", "n", "s")
            await until(pilot, lambda: isinstance(app.screen, ConfirmStop))
            await shows(pilot, "Stop the session with flat-3")
            await pilot.pause()
            await pilot.press("y")
            await until(pilot, lambda: len(node.stopped) == 1)
            assert node.stopped[0][0] == "s-flat-3-0001"
            await shows(pilot, "stopping s-flat-3-0001")
    finally:
        await node.server.close()


def test_empty_status_round_trips_through_the_wire() -> None:
    """What an old node sends (no ledger_path) decodes with the field empty, not missing."""
    old = pb.NodeStatus(role="seller").SerializeToString()
    assert pb.NodeStatus.FromString(old).ledger_path == ""
