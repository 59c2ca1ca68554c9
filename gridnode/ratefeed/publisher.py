"""The rate feed's PUB socket and the loop that keeps it current.

:class:`RatePublisher` binds (127.0.0.1 by default, see the buyer's ``rate_feed``),
optionally as a CurveZMQ server whose subscribers must hold a key on the allow-list: a
ZAP handler (:class:`zmq.auth.asyncio.AsyncioAuthenticator`) checks every client key,
since CurveZMQ alone accepts any. :class:`RateFeed` publishes a change at once (the
node calls :meth:`RateFeed.changed` whenever what a person sees may have changed: a new
rate, a session's state) and re-sends the last value every ``resend_s`` so late
subscribers catch up. Between the two it sleeps: it neither polls the node nor builds a
snapshot (issue 17), and the forecast is built once per change of terms
(:class:`~gridnode.ratefeed.state.Forecasts`).

The socket is an XPUB (a PUB to every subscriber) so that it also hands up what a
subscriber sends: a load agent's plan (:mod:`gridnode.ratefeed.plan`), which the feed
gives to ``on_plan``; subscriptions and anything else are read and let go.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import zmq
import zmq.asyncio
from zmq.auth.asyncio import AsyncioAuthenticator

from gridnode.errors import UsageError
from gridnode.ratefeed.keys import CurvePair as CurvePair
from gridnode.ratefeed.keys import CurveServer as CurveServer
from gridnode.ratefeed.message import MalformedRateMessageError, RateMessage
from gridnode.ratefeed.plan import PLAN_TOPIC, PlanMessage, decode_plan
from gridnode.ratefeed.state import FeedState, Forecasts, build_message

log = logging.getLogger("gridnode.ratefeed")

#: The issue's bound: the last value is re-sent at least this often.
MAX_RESEND_S = 5.0


class _AllowList:
    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = {k.encode() for k in allowed}

    def callback(self, domain: str, key: bytes) -> bool:
        ok = key in self.allowed
        if not ok:
            log.warning("rate feed: refused a subscriber with key %s", key.decode())
        return ok


def _is_local(endpoint: str) -> bool:
    return endpoint.startswith(
        ("ipc://", "inproc://", "tcp://127.", "tcp://[::1]", "tcp://localhost")
    )


class RatePublisher:
    def __init__(self, endpoint: str, *, curve: CurveServer | None = None) -> None:
        self.endpoint = endpoint
        self.curve = curve
        self.context = zmq.asyncio.Context()
        self.socket: zmq.asyncio.Socket | None = None
        self.auth: AsyncioAuthenticator | None = None
        #: the endpoint actually bound (port 0 becomes a real port)
        self.bound = ""

    def start(self) -> str:
        socket = self.context.socket(zmq.XPUB)
        socket.setsockopt(zmq.LINGER, 0)
        socket.setsockopt(zmq.SNDHWM, 100)
        if self.curve is not None:
            if not self.curve.allowed:
                raise UsageError(
                    "rate_feed_curve.allowed_clients is empty: with CurveZMQ every client key "
                    "would be accepted. List the load agents' public keys."
                )
            self.auth = AsyncioAuthenticator(self.context)
            self.auth.start()
            self.auth.configure_curve_callback("*", _AllowList(self.curve.allowed))
            socket.curve_server = True
            socket.curve_publickey = self.curve.pair.public.encode()
            socket.curve_secretkey = self.curve.pair.secret.encode()
        elif not _is_local(self.endpoint):
            log.warning(
                "rate feed on %s without CurveZMQ: anyone who reaches it reads your price",
                self.endpoint,
            )
        try:
            socket.bind(self.endpoint)
        except zmq.ZMQError as exc:
            socket.close()
            raise UsageError(
                f"rate_feed: cannot bind {self.endpoint} ({exc.strerror}); choose a free "
                'endpoint such as "tcp://127.0.0.1:5557"'
            ) from exc
        self.socket = socket
        self.bound = socket.getsockopt_string(zmq.LAST_ENDPOINT)
        log.info("rate feed published on %s%s", self.bound, " (CurveZMQ)" if self.curve else "")
        return self.bound

    async def send(self, message: RateMessage) -> None:
        assert self.socket is not None
        await self.socket.send_multipart(message.encode())

    async def receive(self) -> list[bytes]:
        """What a subscriber sent up: a subscription, or a plan."""
        assert self.socket is not None
        return await self.socket.recv_multipart()

    def close(self) -> None:
        if self.auth is not None:
            self.auth.stop()
        if self.socket is not None:
            self.socket.close(linger=200)  # time for the farewell to leave
        self.context.term()


class RateFeed:
    """Publishes ``snapshot()`` on every change and re-sends it every ``resend_s``."""

    def __init__(
        self,
        publisher: RatePublisher,
        snapshot: Callable[[], FeedState],
        clock_ms: Callable[[], int],
        *,
        resend_s: float = 2.0,
        poll_s: float | None = None,
        on_plan: Callable[[PlanMessage, int], None] | None = None,
    ) -> None:
        if not 0 < resend_s <= MAX_RESEND_S:
            raise ValueError(f"resend_s must be in (0, {MAX_RESEND_S}]; got {resend_s}")
        self.publisher = publisher
        self.snapshot = snapshot
        self.clock_ms = clock_ms
        self.resend_s = resend_s
        #: With a value, also look at ``snapshot()`` this often (for a source that cannot
        #: say when it changed); the node says, so it leaves this None.
        self.poll_s = poll_s
        #: Given each load agent's plan and when it came (the node's clock).
        self.on_plan = on_plan
        #: plans skipped as malformed
        self.malformed_plans = 0
        self.forecasts = Forecasts()
        self.next_forecasts = Forecasts()  # the next best seller's (the estate market)
        self.seq = 0
        self.sent: RateMessage | None = None
        self._wake = asyncio.Event()

    def changed(self) -> None:
        """The rate changed: publish now (safe to call from the node's callbacks)."""
        self._wake.set()

    async def publish_now(self) -> RateMessage:
        self.seq += 1
        message = build_message(
            self.seq, self.clock_ms(), self.snapshot(), self.forecasts, self.next_forecasts
        )
        await self.publisher.send(message)
        self.sent = message
        return message

    async def farewell(self) -> None:
        """Say the node is going away (no price, state ``offline``), so agents switch
        their loads off at once instead of after their silence time."""
        last = self.snapshot()
        self.seq += 1
        message = build_message(self.seq, self.clock_ms(), FeedState(None, "offline", last.seller))
        try:
            await self.publisher.send(message)
        except zmq.ZMQError as exc:
            log.warning("rate feed: could not send the farewell (%s)", exc)

    async def run(self) -> None:
        listener = asyncio.create_task(self._listen(), name="rate feed plans")
        try:
            await self._publish()
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)

    async def _listen(self) -> None:
        """Read what subscribers send up (the XPUB queues it otherwise): plans go to
        ``on_plan``, a malformed one is logged and skipped, subscriptions let go."""
        while True:
            try:
                frames = await self.publisher.receive()
            except zmq.ZMQError as exc:
                log.warning("rate feed: could not read from subscribers (%s)", exc)
                return
            if not frames or frames[0] != PLAN_TOPIC:
                continue  # a subscription (or its end)
            try:
                plan = decode_plan(frames)
            except MalformedRateMessageError as exc:
                self.malformed_plans += 1
                log.warning("rate feed: skipped a malformed plan: %s", exc)
                continue
            if self.on_plan is not None:
                self.on_plan(plan, self.clock_ms())

    async def _publish(self) -> None:
        loop = asyncio.get_running_loop()
        last_key = None
        last_at = -1e9
        while True:
            wait_s = max(0.0, last_at + self.resend_s - loop.time())
            if self.poll_s is not None:
                wait_s = min(wait_s, self.poll_s)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait_s)
            self._wake.clear()
            key = self.snapshot().key()
            if key != last_key or loop.time() - last_at >= self.resend_s:
                try:
                    await self.publish_now()
                except zmq.ZMQError as exc:  # never silent: the agent's fail-safe will act
                    log.error("rate feed: could not publish (%s)", exc)
                    last_at = loop.time()  # try again at the next re-send, not at once
                    continue
                last_key, last_at = key, loop.time()
