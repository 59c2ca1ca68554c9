"""One TLS connection: frames in and out, heartbeats, timeouts, a clean close.

Each connection runs its own reader, writer and heartbeat tasks, with a bounded write
buffer and a drain timeout, so a slow, silent or hostile peer only ever stalls itself.
The delivery rules (seq, ack_seq, resend) live in :mod:`gridnode.peer.link`; this class
calls back into a :class:`FrameSink` for each frame after the hello.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections import deque
from dataclasses import replace
from typing import Protocol

from gridnode.peer.errors import (
    CloseCode,
    FrameError,
    LinkTimeoutError,
    MalformedFrameError,
    PeerLinkError,
    PeerRefusedError,
)
from gridnode.peer.frames import (
    PREFIX,
    Frame,
    FrameDecoder,
    FrameKind,
    close_frame,
    encode,
    ping_frame,
)
from gridnode.peer.settings import LinkSettings

log = logging.getLogger("gridnode.peer")

#: Most bytes taken from the socket at once. With the largest frame this bounds what a
#: connection holds: the decoder keeps at most one incomplete frame plus one chunk, and
#: no more is read until every frame decoded from the last chunk has been handed over.
READ_CHUNK_BYTES = 64 * 1024


class FrameSink(Protocol):
    """What a running connection reports to its link."""

    def received_seq(self) -> int:
        """The ack_seq to put on outgoing frames."""
        ...

    def on_frame(self, connection: Connection, frame: Frame) -> None:
        """A DATA or ACK frame arrived (after the hello). May raise a PeerLinkError."""
        ...

    async def wait_for_room(self) -> None:
        """Return when the application has room for more messages (backpressure)."""
        ...


class Connection:
    """Frames over one established TLS stream."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        settings: LinkSettings,
        label: str,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.settings = settings
        self.label = label
        self.rtt_s: float | None = None
        self._decoder = FrameDecoder(settings.max_frame_bytes)
        self._ready: deque[Frame] = deque()  # decoded, not yet handed over
        self._broken: FrameError | None = None  # what the decoder raised, once
        self._frame_deadline = 0.0  # loop time by which the incomplete frame is due
        self._queue: asyncio.Queue[Frame | None] = asyncio.Queue()
        self._ack_queued = False
        self._pong_queued = False
        self._close_sent: tuple[CloseCode, str] | None = None
        self._abort_timer: asyncio.TimerHandle | None = None
        transport = writer.transport
        transport.set_write_buffer_limits(high=settings.write_buffer_bytes)

    @property
    def ssl_object(self) -> ssl.SSLObject | None:
        obj = self.writer.get_extra_info("ssl_object")
        return obj if isinstance(obj, ssl.SSLObject) else None

    async def read_frame(self, first_byte_timeout: float) -> Frame:
        """The next frame: its first byte within ``first_byte_timeout``, the rest within
        the read timeout of that. Raises PeerLinkError, or EOFError when the peer hung up.

        Bytes go through this connection's :class:`FrameDecoder` (the decoder the fuzz
        tests drive), so frames that share a TCP segment, or a hello that arrives with
        the frames after it, wait here in order for the next call.
        """
        while not self._ready:
            await self._read_more(first_byte_timeout)
        return self._ready.popleft()

    async def _read_more(self, first_byte_timeout: float) -> None:
        """Read what the socket has (at most READ_CHUNK_BYTES) into the decoder."""
        if self._broken is not None:
            raise self._broken
        loop = asyncio.get_running_loop()
        mid_frame = self._decoder.pending > 0
        deadline = self._frame_deadline if mid_frame else loop.time() + first_byte_timeout
        try:
            async with asyncio.timeout_at(deadline):
                chunk = await self.reader.read(READ_CHUNK_BYTES)
        except TimeoutError:
            if mid_frame:
                raise LinkTimeoutError(
                    f"A frame did not arrive whole within {self.settings.read_timeout_s:g} s "
                    f"({self._decoder.pending} bytes of it came)."
                ) from None
            raise LinkTimeoutError(
                f"Nothing arrived for {first_byte_timeout:g} s; the link is considered dead."
            ) from None
        if not chunk:
            raise EOFError(self._eof_sentence())
        decoded = len(self._ready)
        try:
            for frame in self._decoder.feed(chunk):
                self._ready.append(frame)
        except FrameError as exc:
            # The frames before the bad one are still handed over; the error comes next.
            self._broken = exc
            if not self._ready:
                raise
        if self._decoder.pending and (not mid_frame or len(self._ready) > decoded):
            # A new frame began in this chunk: its rest is due within the read timeout.
            self._frame_deadline = loop.time() + self.settings.read_timeout_s

    def _eof_sentence(self) -> str:
        held = self._decoder.pending
        if held == 0:
            return "The peer hung up."
        if held < PREFIX.size:
            return f"The peer hung up after {held} bytes of a frame's length."
        return f"The peer hung up in the middle of a frame ({held} bytes of it came)."

    async def write_now(self, frame: Frame) -> None:
        """Write one frame directly (used for the hello, before the writer task runs)."""
        self.writer.write(encode(frame))
        await self._drain()

    def send(self, frame: Frame) -> None:
        """Queue a frame; it goes out in order with the current ack_seq."""
        if self._close_sent is None:
            self._queue.put_nowait(frame)

    def queue_ack(self) -> None:
        if not self._ack_queued:
            self._ack_queued = True
            self.send(Frame(FrameKind.ACK))

    def close(self, code: CloseCode, reason: str) -> None:
        """Send CLOSE after what is queued, then end; abort if that takes too long."""
        if self._close_sent is not None:
            return
        self._queue.put_nowait(close_frame(code, reason))
        self._queue.put_nowait(None)
        self._close_sent = (code, reason)
        loop = asyncio.get_running_loop()
        self._abort_timer = loop.call_later(self.settings.close_grace_s, self.abort)

    def abort(self) -> None:
        self.writer.transport.abort()

    async def run(self, sink: FrameSink) -> tuple[CloseCode, str]:
        """Serve the connection until it ends; return why, as (code, sentence)."""
        tasks = [
            asyncio.create_task(self._read_loop(sink), name=f"peer-read {self.label}"),
            asyncio.create_task(self._write_loop(sink), name=f"peer-write {self.label}"),
            asyncio.create_task(self._heartbeat_loop(), name=f"peer-ping {self.label}"),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        result = self._outcome(next(iter(done)))
        if result[0] is not CloseCode.NORMAL and self._close_sent is None:
            # Tell the peer why before hanging up, if it is still listening.
            code = result[0] if result[0] != CloseCode.REPLACED else CloseCode.PROTOCOL
            self._close_sent = (code, result[1])
            with contextlib.suppress(Exception):
                self.writer.write(encode(close_frame(code, result[1])))
        await self.shutdown()
        return result

    async def shutdown(self) -> None:
        """Close the stream, aborting if the peer does not finish the TLS close."""
        if self._abort_timer is not None:
            self._abort_timer.cancel()
        self.writer.close()
        try:
            await asyncio.wait_for(self.writer.wait_closed(), self.settings.close_grace_s)
        except (TimeoutError, OSError, ssl.SSLError):
            self.abort()

    def _outcome(self, task: asyncio.Task[None]) -> tuple[CloseCode, str]:
        exc = task.exception()
        if exc is None:
            if self._close_sent is not None:
                return self._close_sent
            return CloseCode.NORMAL, "the connection ended"
        if isinstance(exc, PeerRefusedError):
            return exc.code, f"the peer closed the link: {exc.reason}"
        if isinstance(exc, PeerLinkError):
            return exc.code, str(exc)
        if isinstance(exc, EOFError):
            return CloseCode.NORMAL, str(exc)
        if isinstance(exc, ssl.SSLError | OSError):
            return CloseCode.PROTOCOL, f"the connection failed: {exc}"
        log.error("peer link %s: unexpected error", self.label, exc_info=exc)
        return CloseCode.PROTOCOL, f"an internal error ended the connection: {exc!r}"

    async def _read_loop(self, sink: FrameSink) -> None:
        while True:
            frame = await self.read_frame(self.settings.idle_timeout_s)
            if frame.kind is FrameKind.PING:
                # One PONG in the queue at a time: a peer pinging at line rate must not
                # grow our queue while its own reading is slow.
                if not self._pong_queued:
                    self._pong_queued = True
                    self.send(ping_frame(FrameKind.PONG, frame.nonce()))
            elif frame.kind is FrameKind.PONG:
                self.rtt_s = (time.monotonic_ns() - frame.nonce()) / 1e9
            elif frame.kind is FrameKind.CLOSE:
                code, reason = frame.close_reason()
                raise PeerRefusedError(code, reason)
            elif frame.kind is FrameKind.HELLO:
                raise MalformedFrameError("The peer sent a second HELLO on one connection.")
            sink.on_frame(self, frame)
            # An application that falls behind stops us reading, so TCP pushes back on
            # the peer instead of messages piling up in memory.
            await sink.wait_for_room()

    async def _write_loop(self, sink: FrameSink) -> None:
        while True:
            frame = await self._queue.get()
            if frame is None:
                return
            if frame.kind is FrameKind.ACK:
                self._ack_queued = False
            elif frame.kind is FrameKind.PONG:
                self._pong_queued = False
            if frame.kind is not FrameKind.CLOSE:
                frame = replace(frame, ack_seq=sink.received_seq())
            self.writer.write(encode(frame))
            if self._queue.empty() or self.writer.transport.get_write_buffer_size() > (
                self.settings.write_buffer_bytes
            ):
                await self._drain()

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.heartbeat_interval_s)
            self.send(ping_frame(FrameKind.PING, time.monotonic_ns()))

    async def _drain(self) -> None:
        try:
            async with asyncio.timeout(self.settings.drain_timeout_s):
                await self.writer.drain()
        except TimeoutError:
            raise LinkTimeoutError(
                f"The peer has not read what we sent for {self.settings.drain_timeout_s:g} s."
            ) from None
