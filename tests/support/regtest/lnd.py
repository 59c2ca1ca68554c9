"""The regtest tier's ways to reach a node's LND: the adapter's connection settings, and
an independent second client (lnd-grpc-client, run in its own process by
:mod:`tests.support.regtest.lndgrpc_probe`) that cross-checks what the adapter reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from gridnode.regtest.daemons import LndNode
from gridnode.wallet.lnd_connect import LndConnection

PROBE = Path(__file__).with_name("lndgrpc_probe.py")


def connection(node: LndNode) -> LndConnection:
    return LndConnection.from_files(node.grpc_host, node.tls_cert, node.admin_macaroon)


def lndgrpc(what: str, node: LndNode) -> Any:
    """Ask LND through lnd-grpc-client, in its own process."""
    out = subprocess.run(
        [
            sys.executable,
            str(PROBE),
            what,
            node.grpc_host,
            str(node.tls_cert),
            str(node.admin_macaroon),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return json.loads(out)


class LndProbe:
    """The second client kept running: one lnd-grpc-client process answering request
    after request (a drill asks after every fault; a process per question costs seconds)."""

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, str(PROBE), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, what: str, node: LndNode) -> Any:
        """What LND says (``invoices``, ``payments`` or ``balance``); raises
        :class:`RuntimeError` with LND's error when it cannot answer."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        request = f"{what} {node.grpc_host} {node.tls_cert} {node.admin_macaroon}\n"
        self._process.stdin.write(request)
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the lnd-grpc-client probe process ended")
        answer = json.loads(line)
        if isinstance(answer, dict) and "error" in answer:
            raise RuntimeError(f"{what} from {node.name}: {answer['error']}")
        return answer

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
