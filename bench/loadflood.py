"""The flooders of the peer link's load test: garbage over plain TCP, and a pinned buyer
sending garbage frames after its hello. Run in a child process of their own by
:mod:`bench.loadtest`, so their busy loops do not stall the loop being measured.
Only ever pointed at your own seller on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path
from typing import Any

from gridnode.identity import NodeIdentity, Role, load_certificate, load_identity
from gridnode.peer.frames import PREFIX, Hello, encode, hello_frame
from gridnode.peer.tls import PinnedPeer, client_context


class _Tally:
    """Flood counters in shared memory, read by the parent."""

    def __init__(self, counters: Any) -> None:
        self._counters = counters

    def connection(self) -> None:
        self._counters[0] += 1

    def sent(self, count: int) -> None:
        self._counters[1] += count


def flood_main(host: str, port: int, hostile_dir: str, seller_cert: str, counters: Any) -> None:
    """The flooders' child process: both floods until terminated."""
    hostile = load_identity(Path(hostile_dir))
    seller = PinnedPeer.of("seller", load_certificate(Path(seller_cert)))
    asyncio.run(_flood_forever(host, port, hostile, seller, _Tally(counters)))


async def _flood_forever(
    host: str, port: int, hostile: NodeIdentity, seller: PinnedPeer, tally: _Tally
) -> None:
    await asyncio.gather(
        _flood_plain(host, port, tally), _flood_framed(host, port, hostile, seller, tally)
    )


async def _flood_plain(host: str, port: int, tally: _Tally) -> None:
    """Random bytes over plain TCP, as fast as the seller takes them, reconnecting."""
    junk = os.urandom(64 * 1024)
    while True:
        tally.connection()
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection(host, port)
            try:
                while True:
                    writer.write(junk)
                    await writer.drain()
                    tally.sent(len(junk))
            except OSError:
                pass
            finally:
                writer.transport.abort()
        await asyncio.sleep(0.001)


async def _flood_framed(
    host: str, port: int, hostile: NodeIdentity, seller: PinnedPeer, tally: _Tally
) -> None:
    """A pinned buyer that says hello, then floods garbage frames, reconnecting."""
    ctx = client_context(hostile, seller)
    junk = PREFIX.pack(1024) + os.urandom(1024)
    while True:
        tally.connection()
        with contextlib.suppress(OSError, TimeoutError):
            async with asyncio.timeout(5):
                _, writer = await asyncio.open_connection(host, port, ssl=ctx)
            try:
                hello = Hello(
                    Role.BUYER,
                    int(time.time() * 1000),
                    bytes.fromhex(hostile.fingerprint),
                    os.urandom(16),
                    bytes(16),
                    500,
                )
                writer.write(encode(hello_frame(hello, 0)))
                while True:
                    writer.write(junk * 16)
                    await writer.drain()
                    tally.sent(len(junk) * 16)
            except OSError:
                pass
            finally:
                writer.transport.abort()
        await asyncio.sleep(0.01)
