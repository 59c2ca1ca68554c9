"""The per-peer delivery store: unacknowledged payloads out, the receive point in.

One SQLite file per peer (``<store dir>/link-<first 16 hex of fingerprint>.sqlite3``),
WAL mode. It holds:

- ``outbox``: every payload sent to the peer and not yet acknowledged, by seq;
- ``state``: this node's outgoing ``stream_id`` and next seq, and how far the peer's
  stream has been received (``peer_stream_id``, ``received_seq``).

- ``inbox`` (only with ``keep_until_consumed``): received payloads the application has
  not yet marked consumed, redelivered after a restart.

A payload is written here before it goes on the wire, so it survives a dropped link and
a kill -9; after a reconnect everything above the peer's ``ack_seq`` is resent. The
receive point is written before a payload is handed to the upper layer, so a resent
payload is never delivered twice. WAL with ``synchronous=NORMAL`` (the default) keeps
all of this through a crash or kill -9; a power cut may roll back the last few commits,
so a consumer that must survive one too dedupes by the payload's seq (see
docs/peer-link.md). Calls are short and synchronous on the event loop.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS inbox (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL);
"""
_ZERO_STREAM = bytes(16)


def outbox_path(store_dir: Path, peer_fingerprint: str) -> Path:
    return store_dir / f"link-{peer_fingerprint[:16]}.sqlite3"


class Outbox:
    """Persistent delivery state for one peer."""

    def __init__(self, path: Path, *, synchronous: str = "NORMAL") -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        os.chmod(path, 0o600)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={synchronous}")
        self._db.executescript(_SCHEMA)
        stream_id = self._get("stream_id")
        if stream_id is None:
            stream_id = os.urandom(16)
            self._put("stream_id", stream_id)
        self.stream_id: bytes = stream_id
        self.peer_stream_id: bytes = self._get("peer_stream_id") or _ZERO_STREAM
        self.received_seq: int = self._get_int("received_seq")
        last = self._db.execute("SELECT MAX(seq) FROM outbox").fetchone()[0]
        self._next_seq = max(self._get_int("next_seq"), (last or 0) + 1, 1)

    def append(self, payload: bytes) -> int:
        """Store a payload for the peer and return its seq."""
        seq = self._next_seq
        with self._tx():
            self._db.execute("INSERT INTO outbox (seq, payload) VALUES (?, ?)", (seq, payload))
            self._put("next_seq", seq + 1)
        self._next_seq = seq + 1
        return seq

    def acknowledge(self, ack_seq: int) -> tuple[int, int]:
        """Drop every payload up to ``ack_seq``; return how many, and their bytes."""
        with self._tx():
            count, size = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(payload)), 0) FROM outbox WHERE seq <= ?",
                (ack_seq,),
            ).fetchone()
            if count:
                self._db.execute("DELETE FROM outbox WHERE seq <= ?", (ack_seq,))
        return int(count), int(size)

    def pending(self) -> list[tuple[int, bytes]]:
        """Unacknowledged payloads, oldest first."""
        rows = self._db.execute("SELECT seq, payload FROM outbox ORDER BY seq").fetchall()
        return [(int(seq), bytes(payload)) for seq, payload in rows]

    def pending_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def pending_bytes(self) -> int:
        row = self._db.execute("SELECT COALESCE(SUM(LENGTH(payload)), 0) FROM outbox").fetchone()
        return int(row[0])

    @property
    def last_seq(self) -> int:
        return self._next_seq - 1

    def received_from(self, peer_stream_id: bytes) -> int:
        """How far ``peer_stream_id`` has been received; a new stream starts at 0."""
        if peer_stream_id != self.peer_stream_id:
            with self._tx():
                self._put("peer_stream_id", peer_stream_id)
                self._put("received_seq", 0)
                # Seqs of the old stream mean nothing in the new one.
                self._db.execute("DELETE FROM inbox")
            self.peer_stream_id = peer_stream_id
            self.received_seq = 0
        return self.received_seq

    def mark_received(self, seq: int, payload: bytes | None = None) -> None:
        """Move the receive point to ``seq``; with ``payload``, also keep it in the inbox
        until :meth:`consumed`, in the same transaction."""
        with self._tx():
            if payload is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO inbox (seq, payload) VALUES (?, ?)", (seq, payload)
                )
            self._put("received_seq", seq)
        self.received_seq = seq

    def consumed(self, seq: int) -> None:
        """The application has durably handled every payload up to ``seq``."""
        self._db.execute("DELETE FROM inbox WHERE seq <= ?", (seq,))

    def unconsumed(self) -> list[tuple[int, bytes]]:
        """Payloads received but not yet marked consumed, oldest first."""
        rows = self._db.execute("SELECT seq, payload FROM inbox ORDER BY seq").fetchall()
        return [(int(seq), bytes(payload)) for seq, payload in rows]

    def close(self) -> None:
        self._db.close()

    def _tx(self) -> _Commit:
        """One transaction (the connection runs in autocommit mode otherwise)."""
        self._db.execute("BEGIN")
        return _Commit(self._db)

    def _get(self, key: str) -> bytes | None:
        row = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def _get_int(self, key: str) -> int:
        raw = self._get(key)
        return 0 if raw is None else int.from_bytes(raw, "big")

    def _put(self, key: str, value: bytes | int) -> None:
        blob = value.to_bytes(8, "big") if isinstance(value, int) else value
        self._db.execute(
            "INSERT INTO state (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, blob),
        )


class _Commit:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")
