"""The buyer's ``[rate_feed_curve]`` table: the feed's CurveZMQ keys and allow-list.

.. code-block:: toml

    rate_feed = "tcp://0.0.0.0:5556"

    [rate_feed_curve]
    secret_key = "feed.key_secret"     # from 'gridnode keys curve --name feed'
    allowed_clients = ["loads.key"]    # the load agents' public keys (files or text)
"""

from __future__ import annotations

from pathlib import Path

from gridnode.config.checks import warn_if_shared
from gridnode.config.reader import Table
from gridnode.errors import UsageError
from gridnode.ratefeed import keys
from gridnode.ratefeed.keys import CurveServer


def read_feed_curve(top: Table, base: Path) -> CurveServer | None:
    if not top.has("rate_feed_curve"):
        return None
    table = top.table("rate_feed_curve")
    secret = table.get("secret_key", str, hint="a .key_secret file from 'gridnode keys curve'")
    allowed = table.get("allowed_clients", list, hint='like ["loads.key"]')
    table.unknown_keys()
    if not allowed and table.has("allowed_clients"):
        table.problems.add(
            "rate_feed_curve.allowed_clients is empty: with CurveZMQ every client key would "
            "be accepted; list the load agents' public keys"
        )
    if secret:
        risk = "pose as this node's rate feed to its load agents"
        warn_if_shared(
            keys.key_path(secret, base), "rate_feed_curve.secret_key", risk, top.problems
        )
    try:
        pair = keys.read_secret(secret, base, "rate_feed_curve.secret_key") if secret else None
        clients = frozenset(
            keys.read_public(str(v), base, f"rate_feed_curve.allowed_clients[{i}]")
            for i, v in enumerate(allowed)
        )
    except UsageError as exc:
        table.problems.add(str(exc))
        return None
    return CurveServer(pair, clients) if pair is not None and clients else None
