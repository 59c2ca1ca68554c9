"""Delivery under any schedule of sends, partial deliveries, dropped links, reconnects and
restarts: each side's messages arrive at the other exactly once and in order.

Two real PeerLinks with real SQLite outboxes; the wire is a list of frames per direction
that the schedule delivers, or loses when the link drops. No sockets (the integration
tests cover those): this checks the seq / ack_seq / resend / dedupe rules themselves.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridnode.identity import NodeIdentity, Role, create_identity
from gridnode.peer import CloseCode, LinkSettings, Message, PeerLink, PinnedPeer
from gridnode.peer.connection import Connection
from gridnode.peer.errors import OutboxFullError
from gridnode.peer.frames import Frame, FrameKind
from gridnode.peer.outbox import Outbox

_DIR = Path(tempfile.mkdtemp(prefix="gridnode-model-"))
_IDS = {
    Role.SELLER: create_identity(_DIR / "seller", Role.SELLER),
    Role.BUYER: create_identity(_DIR / "buyer", Role.BUYER),
}
SETTINGS = LinkSettings(session_expiry_s=3600)


class FakeConnection(Connection):
    """Collects what a link writes; the schedule decides what reaches the peer. No stream
    behind it: only what the link calls on its current connection is overridden."""

    def __init__(self) -> None:  # no super().__init__: there is no TLS stream to frame
        self.out: list[Frame] = []
        self.closed = False
        self.rtt_s = None
        self.label = "fake"

    def send(self, frame: Frame) -> None:
        if not self.closed:
            self.out.append(frame)

    def queue_ack(self) -> None:
        self.send(Frame(FrameKind.ACK))

    def close(self, code: CloseCode, reason: str) -> None:
        self.closed = True


@dataclass
class Side:
    role: Role
    store: Path
    settings: LinkSettings = SETTINGS
    link: PeerLink = field(init=False)
    conn: FakeConnection | None = None
    sent: list[bytes] = field(default_factory=list)
    got: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.open()

    def open(self) -> None:
        me: NodeIdentity = _IDS[self.role]
        other = _IDS[Role.BUYER if self.role is Role.SELLER else Role.SELLER]
        self.link = PeerLink(
            me,
            self.role,
            PinnedPeer.of("peer", other.certificate),
            Outbox(self.store / "o.sqlite3"),
            self.settings,
        )

    def collect(self) -> None:
        while (event := self.link.event_nowait()) is not None:
            if isinstance(event, Message):
                self.got.append(event.payload)


def _deliver(src: Side, dst: Side, count: int) -> None:
    assert src.conn is not None
    assert dst.conn is not None
    for _ in range(min(count, len(src.conn.out))):
        frame = src.conn.out.pop(0)
        if frame.kind is not FrameKind.CLOSE:
            frame = replace(frame, ack_seq=src.link.received_seq())
        dst.link.on_frame(dst.conn, frame)
    dst.collect()


def _connect(a: Side, b: Side, overlap: int = 0) -> None:
    """Hellos, then the new connection. With ``overlap``, the old connection (if any) still
    delivers that many frames each way after the hellos were written: the hellos' ack_seq
    is stale, so the resend includes payloads the peer already has."""
    hello_a, ack_a = a.link.make_hello(), a.link.received_seq()
    hello_b, ack_b = b.link.make_hello(), b.link.received_seq()
    if overlap and a.conn is not None and b.conn is not None:
        _deliver(a, b, overlap)
        _deliver(b, a, overlap)
    a.conn, b.conn = FakeConnection(), FakeConnection()
    a.link.attach(a.conn, hello_b, ack_b)
    b.link.attach(b.conn, hello_a, ack_a)


def _drop(a: Side, b: Side) -> None:
    for side in (a, b):
        if side.conn is not None:
            side.link.detach(side.conn, CloseCode.TIMEOUT, "cable pulled")
            side.conn = None


#: One step of a schedule: what, and its numbers (a side, a count).
Op = tuple[str, *tuple[int, ...]]

ops: st.SearchStrategy[list[Op]] = st.lists(
    st.one_of(
        st.tuples(st.just("send"), st.sampled_from([0, 1])),
        st.tuples(st.just("deliver"), st.sampled_from([0, 1]), st.integers(1, 5)),
        st.tuples(st.just("drop")),
        st.tuples(st.just("reconnect")),
        st.tuples(st.just("overlap"), st.integers(1, 5)),
        st.tuples(st.just("restart"), st.sampled_from([0, 1])),
    ),
    max_size=60,
)


@given(ops)
def test_every_message_arrives_once_in_order_whatever_happens(schedule: list[Op]) -> None:
    asyncio.run(_run(schedule))


# RAM-backed when the machine has it: each example makes fresh SQLite files.
_TMP_ROOT = "/dev/shm" if Path("/dev/shm").is_dir() else None


async def _run(schedule: list[Op]) -> None:
    with tempfile.TemporaryDirectory(dir=_TMP_ROOT) as tmp:
        sides = [Side(Role.SELLER, Path(tmp) / "s"), Side(Role.BUYER, Path(tmp) / "b")]
        a, b = sides
        _connect(a, b)
        for what, *n in schedule:
            if what == "send":
                side = sides[n[0]]
                payload = f"{side.role.value}-{len(side.sent)}".encode()
                side.sent.append(payload)
                side.link.send(payload)
            elif what == "deliver" and a.conn is not None:
                src = sides[n[0]]
                _deliver(src, sides[1 - n[0]], n[1])
            elif what == "drop":
                _drop(a, b)
            elif what == "reconnect":
                _drop(a, b)
                _connect(a, b)
            elif what == "overlap":
                _connect(a, b, overlap=n[0])
            elif what == "restart":
                _drop(a, b)
                side = sides[n[0]]
                side.link.close_store()
                side.open()
        _drop(a, b)
        _connect(a, b)
        for _ in range(1000):
            if not (a.conn and a.conn.out) and not (b.conn and b.conn.out):
                break
            _deliver(a, b, 10)
            _deliver(b, a, 10)
        assert b.got == a.sent
        assert a.got == b.sent
        assert a.link.unacknowledged == 0 or not a.sent
        for side in sides:
            side.link.close_store()


async def test_a_node_that_lost_its_store_still_accepts_the_peer_stream(tmp_path: Path) -> None:
    a, b = Side(Role.SELLER, tmp_path / "s"), Side(Role.BUYER, tmp_path / "b")
    _connect(a, b)
    for i in range(3):
        a.link.send(f"old {i}".encode())
    _deliver(a, b, 10)
    _deliver(b, a, 10)  # acknowledged: the seller forgets them
    a.link.send(b"unacknowledged")
    _drop(a, b)
    b.link.close_store()
    b.store = tmp_path / "b-new"  # the buyer's store is gone
    b.open()
    b.got.clear()
    _connect(a, b)
    _deliver(a, b, 10)
    a.link.send(b"after")
    _deliver(a, b, 10)
    assert b.got == [b"unacknowledged", b"after"]
    for side in (a, b):
        side.link.close_store()


async def test_unconsumed_messages_are_handed_up_again_after_a_crash(tmp_path: Path) -> None:
    keep = replace(SETTINGS, keep_until_consumed=True)
    a = Side(Role.SELLER, tmp_path / "s")
    b = Side(Role.BUYER, tmp_path / "b", settings=keep)
    _connect(a, b)
    for i in range(4):
        a.link.send(f"m{i}".encode())
    _deliver(a, b, 10)
    assert b.got == [b"m0", b"m1", b"m2", b"m3"]
    b.link.consumed(2)  # the application applied m0 and m1, then the process dies
    _drop(a, b)
    b.link.close_store()
    b.open()
    redelivered = []
    while (event := b.link.event_nowait()) is not None:
        assert isinstance(event, Message)
        redelivered.append((event.seq, event.payload, event.redelivered))
    assert redelivered == [(3, b"m2", True), (4, b"m3", True)]
    # From the peer, only what is new: the received point survived the crash.
    b.got.clear()
    _connect(a, b)
    a.link.send(b"m4")
    _deliver(a, b, 10)
    assert b.got == [b"m4"]
    for side in (a, b):
        side.link.close_store()


async def test_sending_beyond_the_outbox_limits_fails_with_a_sentence(tmp_path: Path) -> None:
    tight = replace(SETTINGS, outbox_max_messages=3, outbox_max_bytes=10)
    a = Side(Role.SELLER, tmp_path / "s", settings=tight)
    a.link.send(b"12345")
    a.link.send(b"12345")
    with pytest.raises(OutboxFullError, match="10 bytes"):
        a.link.send(b"1")  # 11 bytes would wait
    b = Side(Role.BUYER, tmp_path / "b")
    _connect(a, b)
    _deliver(a, b, 10)
    _deliver(b, a, 10)  # acknowledged: room again
    a.link.send(b"1")
    assert a.link.unacknowledged == 1
    for side in (a, b):
        side.link.close_store()
