"""The outbox: unacknowledged payloads and the receive point survive a restart."""

from __future__ import annotations

import stat
from pathlib import Path

from gridnode.peer.outbox import Outbox


def test_unacknowledged_payloads_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    box = Outbox(path)
    assert [box.append(p) for p in (b"a", b"b", b"c")] == [1, 2, 3]
    assert box.acknowledge(1) == (1, 1)
    stream = box.stream_id
    box.close()
    again = Outbox(path)
    assert again.stream_id == stream
    assert again.pending() == [(2, b"b"), (3, b"c")]
    assert again.append(b"d") == 4  # seq never goes back
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_seq_keeps_rising_after_everything_is_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    box = Outbox(path)
    box.append(b"a")
    box.append(b"b")
    box.acknowledge(2)
    box.close()
    assert Outbox(path).append(b"c") == 3


def test_receive_point_is_per_peer_stream(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    box = Outbox(path)
    assert box.received_from(b"s" * 16) == 0
    box.mark_received(5)
    box.close()
    again = Outbox(path)
    assert again.received_from(b"s" * 16) == 5
    # The peer lost its store and started a new stream: start counting again.
    assert again.received_from(b"t" * 16) == 0


def test_inbox_keeps_payloads_until_consumed(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    box = Outbox(path)
    box.received_from(b"s" * 16)
    box.mark_received(1, b"one")
    box.mark_received(2, b"two")
    box.mark_received(3)  # not kept
    box.consumed(1)
    box.close()
    again = Outbox(path)
    assert again.received_seq == 3
    assert again.unconsumed() == [(2, b"two")]
    again.received_from(b"t" * 16)  # a new peer stream: the old seqs mean nothing
    assert again.unconsumed() == []


def test_acknowledge_reports_count_and_bytes(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    box.append(b"abc")
    box.append(b"de")
    box.append(b"f")
    assert box.pending_bytes() == 6
    assert box.acknowledge(2) == (2, 5)
    assert box.acknowledge(2) == (0, 0)
    assert box.pending_bytes() == 1
