"""Typed errors of the trade engine, each a sentence a person can act on."""

from __future__ import annotations

from gridnode.errors import GridnodeError


class TradeError(GridnodeError):
    """Base class of every error the trade engine raises."""


class ProfileError(TradeError):
    """A rate profile is not valid (the message names the field and the fix)."""


class TermsError(TradeError):
    """Sale terms or buyer limits are not internally consistent."""


class IllegalTransitionError(TradeError):
    """A session was asked to move between two states its transition table forbids."""

    def __init__(self, role: str, current: str, wanted: str) -> None:
        super().__init__(
            f"The {role} session cannot go from {current} to {wanted}: that transition is "
            "not in its table. This is a bug in the session logic; please report it."
        )
        self.current = current
        self.wanted = wanted


class DecodeError(TradeError):
    """Bytes from the peer could not be turned into a trade message.

    ``code`` is the wire error code sent back to the peer in an Error message.
    """

    code = 1


class UnknownMessageError(DecodeError):
    """The bytes parse, but name a message kind or protocol version we do not know."""

    code = 2


class MalformedMessageError(DecodeError):
    """The bytes do not parse, or a field is missing or out of range."""

    code = 3


class OversizedMessageError(DecodeError):
    """The bytes are longer than any trade message may be."""

    code = 4


class SignatureError(TradeError):
    """A signature does not verify against the peer's pinned public key."""
