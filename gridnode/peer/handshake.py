"""The link-level hello: who each side is, its clock, and where to resume.

Both sides send HELLO as soon as TLS is up and wait for the other's within the handshake
timeout. A hello is refused (a CLOSE frame with a sentence, then the connection ends)
when the peer has the wrong role, names a key other than the one it showed in TLS, or
its clock differs from ours by more than the configured limit: a Raspberry Pi has no
real-time clock, and trading on a wrong clock bills the wrong rate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from gridnode.identity import Role
from gridnode.peer.connection import Connection
from gridnode.peer.errors import (
    CloseCode,
    HelloRefusedError,
    LinkTimeoutError,
    MalformedFrameError,
    PeerRefusedError,
)
from gridnode.peer.frames import FrameKind, Hello, hello_frame


@dataclass(frozen=True)
class PeerHello:
    """The peer's hello, checked, and how far it has received our stream."""

    hello: Hello
    ack_seq: int


async def exchange_hello(
    connection: Connection,
    mine: Hello,
    my_ack_seq: int,
    *,
    expected_role: Role,
    expected_fingerprint: str,
    clock: Callable[[], float],
) -> PeerHello:
    """Send our hello, read and check theirs. Raises PeerLinkError on any refusal."""
    settings = connection.settings
    await connection.write_now(hello_frame(mine, my_ack_seq))
    try:
        frame = await asyncio.wait_for(
            connection.read_frame(settings.handshake_timeout_s), settings.handshake_timeout_s
        )
    except TimeoutError:
        raise LinkTimeoutError(
            f"The peer sent no hello within {settings.handshake_timeout_s:g} s."
        ) from None
    if frame.kind is FrameKind.CLOSE:
        code, reason = frame.close_reason()
        raise PeerRefusedError(code, reason)
    if frame.kind is not FrameKind.HELLO:
        raise MalformedFrameError(f"The peer's first frame was {frame.kind.name}, not HELLO.")
    theirs = frame.hello()
    check_hello(
        theirs,
        expected_role=expected_role,
        expected_fingerprint=expected_fingerprint,
        now_s=clock(),
        max_skew_s=settings.max_clock_skew_s,
    )
    return PeerHello(theirs, frame.ack_seq)


def check_hello(
    hello: Hello,
    *,
    expected_role: Role,
    expected_fingerprint: str,
    now_s: float,
    max_skew_s: float,
) -> None:
    """Pure checks of a peer's hello; raises HelloRefusedError with a sentence."""
    if hello.role is not expected_role:
        raise HelloRefusedError(
            CloseCode.WRONG_ROLE,
            f"The peer says it is a {hello.role.value}, but a {expected_role.value} was "
            "expected here: a buyer connects to a seller, never to another buyer.",
        )
    if hello.fingerprint.hex() != expected_fingerprint:
        raise HelloRefusedError(
            CloseCode.IDENTITY,
            f"The peer's hello names key {hello.fingerprint.hex()}, but its TLS "
            f"certificate is key {expected_fingerprint}.",
        )
    skew_s = hello.clock_ms / 1000 - now_s
    if abs(skew_s) > max_skew_s:
        direction = "ahead of" if skew_s > 0 else "behind"
        raise HelloRefusedError(
            CloseCode.CLOCK_SKEW,
            f"The seller's and buyer's clocks differ by {abs(skew_s):.1f} s (the peer is "
            f"{direction} this node; the limit is {max_skew_s:g} s). Trading waits until "
            "both clocks are synchronised: check `timedatectl status` shows "
            "'System clock synchronized: yes' on both nodes.",
        )
