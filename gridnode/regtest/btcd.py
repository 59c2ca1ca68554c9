"""A small JSON-RPC client for btcd over its own TLS certificate."""

from __future__ import annotations

import base64
import http.client
import json
import ssl
import time
from dataclasses import dataclass
from pathlib import Path

from gridnode.regtest.processes import RegtestError


@dataclass(frozen=True, slots=True)
class BtcdRpc:
    host: str  # "127.0.0.1:PORT"
    user: str
    password: str
    cert: Path

    def call(self, method: str, *params: object, timeout_s: float = 60.0) -> object:
        try:
            context = ssl.create_default_context(cafile=str(self.cert))
        except OSError as exc:  # ssl.SSLError too: btcd writes its certificate as it starts
            text = f"btcd's certificate {self.cert} is not complete yet: {exc}"
            raise RegtestError(text) from exc
        context.check_hostname = False  # pinned to btcd's own certificate file instead
        hostname, port = self.host.rsplit(":", 1)
        conn = http.client.HTTPSConnection(hostname, int(port), context=context, timeout=timeout_s)
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        body = json.dumps({"jsonrpc": "1.0", "id": 1, "method": method, "params": list(params)})
        try:
            conn.request(
                "POST",
                "/",
                body,
                {"Authorization": f"Basic {token}", "Content-Type": "application/json"},
            )
            reply = json.loads(conn.getresponse().read() or b"null")
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise RegtestError(f"btcd at {self.host} did not answer {method}: {exc}") from exc
        finally:
            conn.close()
        if not isinstance(reply, dict):
            raise RegtestError(f"btcd at {self.host} gave no JSON-RPC reply to {method}")
        if reply.get("error"):
            raise RegtestError(f"btcd {method} failed: {reply['error']}")
        return reply.get("result")

    def block_count(self) -> int:
        count = self.call("getblockcount")
        assert isinstance(count, int)
        return count

    def mempool(self) -> list[str]:
        txids = self.call("getrawmempool")
        assert isinstance(txids, list)
        return [str(t) for t in txids]

    def generate(self, blocks: int) -> list[str]:
        hashes = self.call("generate", blocks, timeout_s=600.0)
        assert isinstance(hashes, list)
        return [str(h) for h in hashes]

    def wait_ready(self, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                self.block_count()
                return
            except RegtestError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
