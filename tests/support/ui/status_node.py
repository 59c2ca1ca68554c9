"""A real StatusServer in its own process, serving the sample seller: kill it and the
socket really goes away, as when a node dies (``python -m tests.support.ui.status_node
PATH AT_MS``; prints "ready" once it serves)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from gridnode.status.server import StatusServer
from tests.support.ui import samples


async def main(path: Path, at_ms: int) -> None:
    server = StatusServer(
        path, lambda: samples.seller_status(at_ms), min_interval_s=0.02, max_interval_s=0.1
    )
    await server.start()
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
