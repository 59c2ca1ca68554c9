"""Where a node publishes and listens: one topic tree per node, and Home Assistant's
discovery topics.

.. code-block:: text

    <base_topic>/<node id>/availability         online | offline (retained; the last will)
    <base_topic>/<node id>/<key>                a node value (lnd, warnings, ...)
    <base_topic>/<node id>/<partner>/<key>      a session partner's value (power, rate, ...)
    <base_topic>/<node id>/<partner>/stop       command: stop that partner's session
    <base_topic>/<node id>/buying/set           command: ON resumes buying, OFF pauses it
    <base_topic>/<node id>/control/result       what became of the latest command
    <discovery_prefix>/<component>/<unique id>/config

The node id is the start of the node's key fingerprint: stable across restarts and
unique per node. A partner is named by a slug of its configured name (never a session
id), so its topics and entities outlive its sessions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Hex digits of the fingerprint in the node id (48 bits: no two nodes of a home collide).
NODE_ID_DIGITS = 12

_NOT_SLUG = re.compile(r"[^a-z0-9_-]+")


def slug(name: str) -> str:
    """``name`` in the characters Home Assistant allows in ids and gridnode in topics."""
    return _NOT_SLUG.sub("_", name.lower()).strip("_") or "partner"


def partner_slugs(names: Iterable[str]) -> dict[str, str]:
    """Each partner's slug, unique within the node ("flat 2" and "flat-2" both exist:
    the second gets a suffix), in the order given."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = candidate = slug(name)
        n = 2
        while candidate in taken:
            candidate, n = f"{base}_{n}", n + 1
        slugs[name] = candidate
        taken.add(candidate)
    return slugs


@dataclass(frozen=True, slots=True)
class Topics:
    """The topics of one node."""

    #: ``<base_topic>/<node id>``
    root: str
    discovery_prefix: str
    node_id: str
    #: Each session partner's slug, by its configured name.
    partners: dict[str, str]

    @classmethod
    def of(
        cls, fingerprint: str, base_topic: str, discovery_prefix: str, partners: Iterable[str]
    ) -> Topics:
        node_id = fingerprint[:NODE_ID_DIGITS].lower()
        return cls(f"{base_topic}/{node_id}", discovery_prefix, node_id, partner_slugs(partners))

    @property
    def availability(self) -> str:
        return f"{self.root}/availability"

    @property
    def buying_set(self) -> str:
        return f"{self.root}/buying/set"

    @property
    def stop_commands(self) -> str:
        """The wildcard every stop command matches."""
        return f"{self.root}/+/stop"

    @property
    def control_result(self) -> str:
        return f"{self.root}/control/result"

    def node(self, key: str) -> str:
        return f"{self.root}/{key}"

    def partner(self, name: str, key: str) -> str:
        return f"{self.root}/{self.partners[name]}/{key}"

    def stop(self, name: str) -> str:
        return self.partner(name, "stop")

    def stopped_partner(self, topic: str) -> str | None:
        """The partner a stop command's topic names (None: not a stop command)."""
        for name, partner_slug in self.partners.items():
            if topic == f"{self.root}/{partner_slug}/stop":
                return name
        return None

    def config(self, component: str, unique_id: str) -> str:
        """A discovery configuration's topic (the object id is the unique id, as Home
        Assistant's documentation advises)."""
        return f"{self.discovery_prefix}/{component}/{unique_id}/config"

    def unique_id(self, key: str, partner: str | None = None) -> str:
        if partner is None:
            return f"gridnode_{self.node_id}_{key}"
        return f"gridnode_{self.node_id}_{self.partners[partner]}_{key}"
