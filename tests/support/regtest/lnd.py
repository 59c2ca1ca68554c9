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
