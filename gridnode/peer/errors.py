"""Typed errors of the peer link, each a sentence a person can act on.

Frame errors carry the wire code a CLOSE frame reports (:class:`CloseCode`); parse errors
split into malformed and unknown (STYLE.md rule 8).
"""

from __future__ import annotations

from enum import IntEnum

from gridnode.errors import DependencyUnreachableError, GridnodeError


class CloseCode(IntEnum):
    """Why a link was closed or refused; sent in CLOSE frames."""

    NORMAL = 0  # a clean close: the node is shutting down or the session ended
    PROTOCOL = 1  # a malformed, unknown or out-of-order frame
    TOO_LARGE = 2  # a length prefix above the maximum frame size
    CLOCK_SKEW = 3  # the clocks differ by more than the configured limit
    WRONG_ROLE = 4  # a buyer talked to a buyer, or a seller to a seller
    IDENTITY = 5  # the hello names a key other than the one in the TLS handshake
    TIMEOUT = 6  # a handshake, read, idle or drain timeout
    REPLACED = 7  # the same peer connected again; the older connection is closed
    VERSION = 8  # an unsupported link protocol version


class PeerLinkError(GridnodeError):
    """Base of the peer link's errors; ``code`` is what a CLOSE frame reports."""

    code: CloseCode = CloseCode.PROTOCOL


class FrameError(PeerLinkError):
    """Bytes on the wire that are not a valid frame."""


class MalformedFrameError(FrameError):
    """A frame of a known kind whose body does not parse."""


class UnknownFrameError(FrameError):
    """A frame kind or version this node does not know."""


class FrameTooLargeError(FrameError):
    """A length prefix above the maximum frame size."""

    code = CloseCode.TOO_LARGE


class LinkTimeoutError(PeerLinkError):
    """The peer took longer than a configured timeout."""

    code = CloseCode.TIMEOUT


class PeerRefusedError(PeerLinkError):
    """The other node closed or refused the link and said why."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(f"The peer closed the link ({code.name.lower()}): {reason}")
        self.code = code
        self.reason = reason


class HelloRefusedError(PeerLinkError):
    """This node refuses the peer's hello (clock skew, wrong role, wrong identity)."""

    def __init__(self, code: CloseCode, sentence: str) -> None:
        super().__init__(sentence)
        self.code = code


class FingerprintMismatchError(PeerLinkError):
    """The peer's key is not a pinned one; names the presented and expected keys."""

    code = CloseCode.IDENTITY

    def __init__(self, presented: str | None, expected: list[str], detail: str = "") -> None:
        shown = presented or "no certificate"
        pins = describe_pins(expected)
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"The peer presented key {shown}, which is not pinned here (pinned: {pins}){extra}. "
            "Compare fingerprints with its owner (`gridnode fingerprint`) and fix the pin."
        )
        self.presented = presented
        self.expected = expected


class OutboxFullError(PeerLinkError):
    """Too many messages wait for the peer's acknowledgement."""


class PeerUnreachableError(DependencyUnreachableError):
    """The peer could not be reached or refused the link (exit code 3)."""


def describe_pins(fingerprints: list[str], most: int = 3) -> str:
    """The pinned keys for a log line: listed when few, counted when many."""
    if not fingerprints:
        return "none"
    if len(fingerprints) <= most:
        return ", ".join(fingerprints)
    return f"{len(fingerprints)} keys"
