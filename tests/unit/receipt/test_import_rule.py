"""The verifier runs on an auditor's laptop: importing it pulls in no part of the node
that does I/O (no SQLite, gRPC, ZeroMQ, serial ports, sockets, processes, event loop),
only the pure trade core and the OCMF module. Checked in a fresh interpreter, so what
other tests imported does not hide anything."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = {
    "sqlite3", "grpc", "zmq", "serial", "socket", "ssl", "asyncio", "subprocess", "textual",
    "minimalmodbus", "selectors", "lnd_grpc", "gpiozero",
}  # fmt: skip
PURE_GRIDNODE = (
    "gridnode.receipt.verify", "gridnode.receipt.accounting", "gridnode.receipt.model",
    "gridnode.receipt.text", "gridnode.receipt", "gridnode.ocmf", "gridnode.trade",
    "gridnode.money", "gridnode.errors",
)  # fmt: skip
NODE_PARTS = (
    "gridnode.node", "gridnode.ledger", "gridnode.wallet", "gridnode.peer", "gridnode.status",
    "gridnode.receipt.export", "gridnode.hardware", "gridnode.regtest",
)  # fmt: skip


def _modules_after(statement: str) -> list[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return list(json.loads(done.stdout))


def test_the_verifier_imports_no_io() -> None:
    modules = _modules_after("import gridnode.receipt.verify, gridnode.receipt.text")
    io = sorted(m for m in modules if m.split(".")[0] in FORBIDDEN)
    assert io == []
    ours = [m for m in modules if m == "gridnode" or m.startswith("gridnode.")]
    assert not [m for m in ours if m.startswith(NODE_PARTS)]
    assert all(m == "gridnode" or m.startswith(PURE_GRIDNODE) for m in ours), ours
