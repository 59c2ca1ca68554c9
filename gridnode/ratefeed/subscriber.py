"""The SUB side of the rate feed: yields decoded messages, skips malformed ones with a log
line (never raises on what a peer sends), and sends the load agent's plan up.

The socket is an XSUB: a SUB that may also send to the publisher, which is how the
agent's plan reaches the buyer (:mod:`gridnode.ratefeed.plan`); a buyer whose feed is a
plain PUB drops what it sends."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import zmq
import zmq.asyncio

from gridnode.ratefeed.keys import CurvePair
from gridnode.ratefeed.message import TOPIC, MalformedRateMessageError, RateMessage, decode
from gridnode.ratefeed.plan import PlanMessage

log = logging.getLogger("gridnode.ratefeed")


@dataclass(frozen=True, slots=True)
class CurveClient:
    """The subscriber's own key pair and the publisher's public key it expects."""

    pair: CurvePair
    server_public: str


class RateSubscriber:
    def __init__(self, endpoint: str, *, curve: CurveClient | None = None) -> None:
        self.endpoint = endpoint
        self.context = zmq.asyncio.Context()
        self.socket = self.context.socket(zmq.XSUB)
        self.socket.setsockopt(zmq.LINGER, 0)
        if curve is not None:
            self.socket.curve_serverkey = curve.server_public.encode()
            self.socket.curve_publickey = curve.pair.public.encode()
            self.socket.curve_secretkey = curve.pair.secret.encode()
        self.socket.connect(endpoint)
        # an XSUB subscribes by sending; the subscription is queued until connected
        self.socket.send(b"\x01" + TOPIC)
        #: messages skipped as malformed
        self.malformed = 0

    async def receive(self) -> RateMessage:
        """The next well-formed message (malformed ones are logged and skipped)."""
        while True:
            frames = await self.socket.recv_multipart()
            try:
                return decode(frames)
            except MalformedRateMessageError as exc:
                self.malformed += 1
                log.warning("rate feed: skipped a malformed message: %s", exc)

    async def send_plan(self, plan: PlanMessage) -> None:
        """Send the agent's plan to the buyer (never blocks: dropped when not connected)."""
        try:
            await self.socket.send_multipart(plan.encode(), flags=zmq.NOBLOCK)
        except zmq.Again:
            log.info("rate feed: the plan was not sent (not connected)")

    async def messages(self) -> AsyncIterator[RateMessage]:
        while True:
            yield await self.receive()

    def close(self) -> None:
        self.socket.close(linger=0)
        self.context.term()
