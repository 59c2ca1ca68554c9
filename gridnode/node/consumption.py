"""How far a node has durably handled its peer's messages, told to the peer link in order.

The nodes run their links with ``keep_until_consumed``: a message handed up is kept on
disk until the node says it is consumed, so one that a crash cut short before its ledger
record is handed up again after the restart (docs/peer-link.md).
"""

from __future__ import annotations

import collections
import functools
import itertools
from collections.abc import Callable

from gridnode.node.runner import Handled


class Consumption:
    """Tells the peer link, in order, how far the node has durably handled its messages.

    With ``keep_until_consumed`` the link keeps each message it hands up until
    ``consumed(seq)``, which releases every message up to ``seq``. The node handles some
    messages at once (a stale frame dropped, a late reading stored) and queues the rest
    for a session's runner, so they finish out of order: a seq is released only when it
    and every message taken before it are handled, never past one still waiting.
    """

    def __init__(self, consumed: Callable[[int], None]) -> None:
        self._consumed = consumed
        #: ticket -> (seq, handled), in the order the messages were taken
        self._open: collections.OrderedDict[int, tuple[int, bool]] = collections.OrderedDict()
        self._tickets = itertools.count(1)
        self._last_seq = 0

    def taken(self, seq: int) -> Handled:
        """Message ``seq`` was taken from the link; call the result once it is handled
        (its ledger record committed, or dropped on purpose). Calling it again is harmless."""
        if seq <= self._last_seq:
            # The peer's stream started over (it lost its store); the link has already
            # dropped what it kept of the old stream, whose seqs mean nothing now.
            self._open.clear()
        self._last_seq = seq
        ticket = next(self._tickets)
        self._open[ticket] = (seq, False)
        return functools.partial(self._handled, ticket)

    @property
    def waiting(self) -> int:
        """Messages taken and not yet released to the link."""
        return len(self._open)

    def _handled(self, ticket: int) -> None:
        entry = self._open.get(ticket)
        if entry is None:
            return
        self._open[ticket] = (entry[0], True)
        released = 0
        while self._open:
            first, (seq, done) = next(iter(self._open.items()))
            if not done:
                break
            del self._open[first]
            released = seq
        if released:
            self._consumed(released)
