"""A PeerLink arms its session expiry each time it goes down, also after it was closed
and reopened (a buyer pausing and resuming). :meth:`PeerLink.close` cancelled the timer
but left it in place, so :meth:`PeerLink.arm_expiry` on a link reopened while still down
did nothing (latent: today a reopened link reconnects before it can go down again, and a
new connection clears the timer). The timer runs on the event loop's time; this checks
whether it is armed, without waiting for it."""

from __future__ import annotations

from pathlib import Path

from gridnode.identity import Role, create_identity
from gridnode.peer import CloseCode, LinkSettings, PeerLink, PinnedPeer
from gridnode.peer.connection import Connection
from gridnode.peer.frames import Frame
from gridnode.peer.outbox import Outbox


class _Quiet(Connection):
    """A connection with no stream behind it: writes go nowhere."""

    def __init__(self) -> None:  # no super().__init__: there is no TLS stream to frame
        self.rtt_s = None
        self.label = "quiet"

    def send(self, frame: Frame) -> None:
        pass

    def close(self, code: CloseCode, reason: str) -> None:
        pass


def _link(folder: Path) -> PeerLink:
    me = create_identity(folder / "buyer", Role.BUYER)
    seller = create_identity(folder / "seller", Role.SELLER)
    return PeerLink(
        me,
        Role.BUYER,
        PinnedPeer.of("seller", seller.certificate),
        Outbox(folder / "outbox.sqlite3"),
        LinkSettings(session_expiry_s=600),
    )


def _armed(link: PeerLink) -> bool:
    return link._expiry is not None and not link._expiry.cancelled()


async def test_a_link_closed_and_reopened_arms_its_expiry_when_it_goes_down(
    tmp_path: Path,
) -> None:
    link = _link(tmp_path)
    connection = _Quiet()
    link.attach(connection, link.make_hello(), 0)
    link.detach(connection, CloseCode.TIMEOUT, "cable pulled")
    assert _armed(link)
    link.close("buying is paused by hand")
    assert not _armed(link)
    link.reopen()
    connection = _Quiet()
    link.attach(connection, link.make_hello(), 0)
    link.detach(connection, CloseCode.TIMEOUT, "cable pulled again")
    assert _armed(link)
    link.close()
    link.close_store()


async def test_a_link_closed_while_down_and_reopened_can_arm_again(tmp_path: Path) -> None:
    link = _link(tmp_path)
    link.arm_expiry()  # a seller at start-up: the buyer may never come back
    assert _armed(link)
    link.close("buying is paused by hand")
    link.reopen()
    link.arm_expiry()
    assert _armed(link)
    link.close()
    link.close_store()
