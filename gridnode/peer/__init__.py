"""The peer link: mutually pinned TLS 1.3 between a seller and its buyers.

Layers, bottom up (each its own module; see docs/peer-link.md):

- ``tls``: SSL contexts that trust only pinned peers, and the fingerprint check;
- ``frames``: the sans-I/O frame codec (length prefix, seq, ack_seq, opaque payload);
- ``connection``: one TLS stream: frames, heartbeats, timeouts, bounded writes, close;
- ``handshake``: the hello (role, identity, clock, resume point);
- ``outbox`` and ``link``: exactly-once, ordered delivery across reconnects;
- ``server`` and ``client``: the seller serving many buyers, the buyer reconnecting;
- ``fetch``: a pin from a fingerprint on first contact (pins from gridnode.toml are
  read by gridnode.config.peers).

Payloads are opaque bytes: the trade engine's encoded messages.
"""

from gridnode.peer.client import BuyerClient
from gridnode.peer.errors import CloseCode, PeerLinkError
from gridnode.peer.fetch import pin_on_first_contact
from gridnode.peer.link import LinkDown, LinkEvent, LinkExpired, LinkUp, Message, PeerLink
from gridnode.peer.server import SellerServer
from gridnode.peer.settings import LinkSettings
from gridnode.peer.tls import PinnedPeer, client_context, server_context

__all__ = [
    "BuyerClient",
    "CloseCode",
    "LinkDown",
    "LinkEvent",
    "LinkExpired",
    "LinkSettings",
    "LinkUp",
    "Message",
    "PeerLink",
    "PeerLinkError",
    "PinnedPeer",
    "SellerServer",
    "client_context",
    "pin_on_first_contact",
    "server_context",
]
