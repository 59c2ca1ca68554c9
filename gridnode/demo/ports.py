"""Ports for a demo's nodes: free now, and never handed out twice by this process.

A demo writes every node's configuration before any node starts, so a port found free
is only bound later, by the node it was chosen for. Checking that it is free is not
enough: it is still free when the next node's port is chosen, and two buyers of the
twenty-tenant demo could be given the same rate-feed port (about one demo in seven, by
the birthday bound over 12,000 ports), the second then failing to bind and stopping.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading

#: Below Linux's ephemeral range (32768-60999), where no outgoing connection takes a
#: port before the process it was chosen for binds it.
_RANGE = range(20_000, 32_000)
_given: set[int] = set()
_lock = threading.Lock()


def free_port() -> int:
    """A port of :data:`_RANGE` free on 127.0.0.1 and not handed out before."""
    with _lock:
        for port in random.sample(_RANGE, 200):
            if port in _given:
                continue
            with socket.socket() as sock, contextlib.suppress(OSError):
                sock.bind(("127.0.0.1", port))
                _given.add(port)
                return port
    raise OSError(f"no free port in {_RANGE.start}-{_RANGE.stop - 1} on 127.0.0.1")
