"""Serves the node's live status on a local Unix socket, mode 0600.

Each client sends one request. ``Subscribe`` gets a snapshot at once, again whenever the
node says something changed (at most every ``min_interval_s``) and at least every
``max_interval_s``. ``StopSession`` is a control, refused unless the node runs with
``--allow-control``; so is ``Credit`` that waives a buyer's credit (it gives money up),
while ``Credit`` that asks for it back is always served (``credit`` callback).
``Reload`` asks a seller to read its configuration again (as SIGHUP does; the socket is
its owner's alone, mode 0600) and answers what changed or why nothing did.
``GetReceipt`` gets one session's receipt, which the node builds from its ledger and
checks (the ``receipt`` callback), so the dashboard needs nothing of the node but this
socket. A client that sends garbage gets an error and is closed; one that stops reading
is dropped; neither slows the node or another reader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

from gridnode.errors import UsageError
from gridnode.status.framing import Decoder, StatusFrameError, encode
from gridnode.status.pb import status_pb2 as pb

log = logging.getLogger("gridnode.status")

Snapshot = Callable[[], pb.NodeStatus]
StopSession = Callable[[str, str], Awaitable[str | None]]  # returns an error sentence or None
#: (waive, seller name or "") -> (done, the sentence saying what was done or why not)
CreditControl = Callable[[bool, str], Awaitable[tuple[bool, str]]]


class ReceiptAnswer(Protocol):
    """A session's receipt as the node answers ``GetReceipt`` (plain values: the node's
    :class:`gridnode.receipt.summary.ReceiptSummary`; this package imports no receipt)."""

    @property
    def session_id(self) -> str: ...

    @property
    def ok(self) -> bool: ...

    @property
    def verdict(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def command(self) -> str: ...


GetReceipt = Callable[[str], Awaitable[ReceiptAnswer]]


class ReloadAnswer(Protocol):
    """What a reload did (the node's :class:`gridnode.node.reload.ReloadResult`)."""

    @property
    def ok(self) -> bool: ...

    @property
    def text(self) -> str: ...


Reload = Callable[[], Awaitable[ReloadAnswer]]

ERROR_BAD_REQUEST = 400
ERROR_CONTROL_REFUSED = 403
ERROR_UNKNOWN_SESSION = 404
ERROR_FAILED = 500
ERROR_NOT_SERVED = 501


class StatusServer:
    def __init__(
        self,
        path: Path,
        snapshot: Snapshot,
        *,
        allow_control: bool = False,
        stop_session: StopSession | None = None,
        receipt: GetReceipt | None = None,
        credit: CreditControl | None = None,
        reload: Reload | None = None,
        min_interval_s: float = 0.2,
        max_interval_s: float = 1.0,
        request_timeout_s: float = 5.0,
        write_timeout_s: float = 5.0,
    ) -> None:
        self.path = path
        self.snapshot = snapshot
        self.allow_control = allow_control
        self.stop_session = stop_session
        self.receipt = receipt
        self.credit = credit
        self.reload = reload
        self.min_interval_s = min_interval_s
        self.max_interval_s = max_interval_s
        self.request_timeout_s = request_timeout_s
        self.write_timeout_s = write_timeout_s
        #: one wake-up per subscriber, set by :meth:`notify`
        self._wakes: set[asyncio.Event] = set()
        self._server: asyncio.Server | None = None
        self.readers = 0

    async def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_socket(self.path)
        old_umask = os.umask(0o177)  # the socket is born 0600: no window for others
        try:
            self._server = await asyncio.start_unix_server(self._client, path=str(self.path))
        finally:
            os.umask(old_umask)
        os.chmod(self.path, 0o600)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def notify(self) -> None:
        """Wake every subscriber: the node's state has changed (safe to call from any
        callback on the event loop; never blocks)."""
        for wake in self._wakes:
            wake.set()

    async def changed(self) -> None:
        """Wake every subscriber (as :meth:`notify`, for callers that await)."""
        self.notify()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(self._read_request(reader), self.request_timeout_s)
            match request.WhichOneof("kind"):
                case "subscribe":
                    self.readers += 1
                    try:
                        await self._stream(writer, request.subscribe)
                    finally:
                        self.readers -= 1
                case "stop_session":
                    await self._send(writer, await self._control(request.stop_session))
                case "get_receipt":
                    await self._send(writer, await self._receipt(request.get_receipt))
                case "credit":
                    await self._send(writer, await self._credit(request.credit))
                case "reload":
                    await self._send(writer, await self._reload())
                case _:
                    await self._error(writer, ERROR_BAD_REQUEST, "the request names no action")
        except StatusFrameError as exc:
            await self._error(writer, ERROR_BAD_REQUEST, str(exc))
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError) as exc:
            log.debug("status reader gone: %s", exc)
        except asyncio.CancelledError:
            # the node is shutting down: end quietly. Python 3.11's stream server asks a
            # cancelled handler task for its exception, which raises and is logged as an
            # error (fixed in 3.12); a handler that returns leaves nothing to report.
            log.debug("status reader closed at shutdown")
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 1.0)

    async def _read_request(self, reader: asyncio.StreamReader) -> pb.Request:
        decoder = Decoder(pb.Request)
        while True:
            data = await reader.read(4096)
            if not data:
                raise asyncio.IncompleteReadError(b"", None)
            for request in decoder.feed(data):
                return request

    async def _stream(self, writer: asyncio.StreamWriter, subscribe: pb.Subscribe) -> None:
        ceiling = subscribe.max_interval_ms / 1000 if subscribe.max_interval_ms else 0
        interval = max(self.min_interval_s, ceiling or self.max_interval_s)
        wake = asyncio.Event()
        self._wakes.add(wake)
        try:
            while True:
                wake.clear()
                await self._send(writer, pb.Update(status=self.snapshot()))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), interval)
                await asyncio.sleep(self.min_interval_s)
        finally:
            self._wakes.discard(wake)

    async def _control(self, stop: pb.StopSession) -> pb.Update:
        if not self.allow_control or self.stop_session is None:
            return _error_update(
                ERROR_CONTROL_REFUSED,
                "stopping a session by hand is refused: start the node with --allow-control",
            )
        problem = await self.stop_session(stop.session_id, stop.reason or "stopped by hand")
        if problem is not None:
            return _error_update(ERROR_UNKNOWN_SESSION, problem)
        return pb.Update(control=pb.ControlResult(ok=True, text=f"stopping {stop.session_id}"))

    async def _credit(self, request: pb.Credit) -> pb.Update:
        if self.credit is None:
            return _error_update(ERROR_NOT_SERVED, "only a buyer asks for or waives credit")
        if request.waive and not self.allow_control:
            return _error_update(
                ERROR_CONTROL_REFUSED,
                "waiving credit gives money up and is refused: start the node with "
                "--allow-control to allow it",
            )
        done, text = await self.credit(request.waive, request.seller)
        if not done:
            return _error_update(ERROR_UNKNOWN_SESSION, text)
        return pb.Update(control=pb.ControlResult(ok=True, text=text))

    async def _reload(self) -> pb.Update:
        if self.reload is None:
            return _error_update(ERROR_NOT_SERVED, "this node does not reload its configuration")
        answer = await self.reload()
        return pb.Update(control=pb.ControlResult(ok=answer.ok, text=answer.text))

    async def _receipt(self, request: pb.GetReceipt) -> pb.Update:
        if self.receipt is None:
            return _error_update(ERROR_NOT_SERVED, "this node does not serve receipts")
        if not request.session_id:
            return _error_update(ERROR_BAD_REQUEST, "name the session whose receipt to show")
        try:
            answer = await self.receipt(request.session_id)
        except Exception as exc:  # a bug in building it: said to the reader and logged
            log.exception("the receipt of %s could not be made", request.session_id)
            return _error_update(ERROR_FAILED, f"the receipt could not be made: {exc}")
        return pb.Update(
            receipt=pb.Receipt(
                session_id=answer.session_id,
                ok=answer.ok,
                verdict=answer.verdict,
                text=answer.text,
                command=answer.command,
            )
        )

    async def _send(self, writer: asyncio.StreamWriter, update: pb.Update) -> None:
        writer.write(encode(update))
        await asyncio.wait_for(writer.drain(), self.write_timeout_s)

    async def _error(self, writer: asyncio.StreamWriter, code: int, text: str) -> None:
        with contextlib.suppress(Exception):
            await self._send(writer, _error_update(code, text))


def _error_update(code: int, text: str) -> pb.Update:
    return pb.Update(error=pb.Error(code=code, text=text))


def _remove_stale_socket(path: Path) -> None:
    """Remove a socket left by a node that died; refuse to clobber anything else."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise UsageError(f"status_socket: {path} exists and is not a socket; choose another path.")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except (ConnectionRefusedError, FileNotFoundError):
        path.unlink()
        return
    finally:
        probe.close()
    raise UsageError(f"status_socket: another node is already serving {path}.")
