"""A TCP relay between buyer and seller that a test can black-hole, like a pulled cable."""

from __future__ import annotations

import asyncio
import contextlib


class CablePuller:
    """Relays bytes 127.0.0.1:<port> -> target. ``blackhole()`` stops forwarding without
    closing anything (neither side gets a FIN: only heartbeats can notice);
    ``heal()`` forwards new connections again."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._holes = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    def blackhole(self) -> None:
        self._holes = True

    def heal(self) -> None:
        """Drop the black-holed connections silently and forward new ones."""
        for writer in self._writers:
            writer.transport.abort()
        self._writers.clear()
        self._holes = False

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        self.heal()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._holes:
            self._writers.append(writer)
            return
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._writers += [writer, up_writer]
        pumps = [
            asyncio.create_task(self._pump(reader, up_writer)),
            asyncio.create_task(self._pump(up_reader, writer)),
        ]
        self._tasks.update(pumps)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                if self._holes:
                    await asyncio.Event().wait()  # swallowed for good, like a dead cable
                writer.write(data)
                await writer.drain()
        if not self._holes:
            writer.close()
