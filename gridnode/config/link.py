"""The optional ``[link]`` table: the peer link's timeouts a site may have reason to change.

Each key lies within its range and the keys agree with each other (docs/peer-link.md,
"Setting them in the node's configuration"); a key left out keeps
:class:`~gridnode.peer.settings.LinkSettings`' default.

.. code-block:: toml

    [link]
    heartbeat_interval_s = 5
    idle_timeout_s = 15
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from gridnode.config.reader import Table
from gridnode.errors import UsageError
from gridnode.peer.settings import LinkSettings

#: The [link] keys a person may set, each with the range it must lie in (seconds); the
#: defaults are LinkSettings' own. The rest of LinkSettings (frame size, buffers, queue
#: lengths) is part of the protocol's behaviour, not a site's choice.
LINK_RANGES: dict[str, tuple[float, float]] = {
    "handshake_timeout_s": (1, 120),
    "read_timeout_s": (1, 300),
    "heartbeat_interval_s": (1, 300),
    "idle_timeout_s": (2, 900),
    "drain_timeout_s": (1, 300),
    "max_clock_skew_s": (0.5, 300),
    "session_expiry_s": (10, 86_400),
    "reconnect_initial_s": (0.1, 60),
    "reconnect_max_s": (1, 3_600),
}
_LINK_DEFAULTS = {f.name: f.default for f in fields(LinkSettings)}


def read_link(table: Table) -> LinkSettings:
    """The optional [link] table: each key within its range, and the keys consistent with
    each other; a missing key keeps LinkSettings' default."""
    problems_before = len(table.problems.items)
    values: dict[str, Any] = {}
    for key, (low, high) in LINK_RANGES.items():
        default = _LINK_DEFAULTS[key]
        assert isinstance(default, float)
        values[key] = table.number_in(key, default, low, high)
    values["outbox_synchronous"] = table.choice(
        "outbox_synchronous", ("NORMAL", "FULL"), str(_LINK_DEFAULTS["outbox_synchronous"])
    )
    table.unknown_keys()
    heartbeat, idle = values["heartbeat_interval_s"], values["idle_timeout_s"]
    if idle < 2 * heartbeat:
        table.problems.add(
            f"link.idle_timeout_s ({idle:g} s) must be at least twice "
            f"link.heartbeat_interval_s ({heartbeat:g} s), or a healthy link whose PING comes "
            "a little late is dropped; three times is usual"
        )
    first, longest = values["reconnect_initial_s"], values["reconnect_max_s"]
    if longest < first:
        table.problems.add(
            f"link.reconnect_max_s ({longest:g} s) must be at least "
            f"link.reconnect_initial_s ({first:g} s): the wait doubles up to it"
        )
    expiry = values["session_expiry_s"]
    if longest >= expiry:
        table.problems.add(
            f"link.reconnect_max_s ({longest:g} s) must be below link.session_expiry_s "
            f"({expiry:g} s), or the session expires while the buyer waits to reconnect"
        )
    if len(table.problems.items) > problems_before:
        return LinkSettings()  # each mistake is reported once, above
    try:
        return LinkSettings(**values)
    except UsageError as exc:  # a rule of LinkSettings' own the checks above missed
        table.problems.add(f"link: {exc}")
        return LinkSettings()
