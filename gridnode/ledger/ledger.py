"""The node's ledger: SQLite in WAL mode, every write durable before it is acted on.

``synchronous=FULL`` makes each commit survive a power cut, not only a killed process
(NORMAL may lose the last commits on power loss in WAL mode). Every method is one
transaction. Methods are synchronous and thread-safe (one connection behind a lock): the
asyncio runtime calls them through ``asyncio.to_thread`` so a slow SD card never stalls
another session's control tick.

Money rules the schema and the methods hold (DESIGN.md invariants 4 and 5):

- a payment row exists, ``in_flight``, before the payment is attempted, and a payment
  hash can be attempted once only (:class:`DuplicatePaymentError`);
- a settlement is credited once: the invoice's settle index and the wallet cursor
  advance in the same transaction, and a settlement seen again changes nothing.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gridnode import __version__
from gridnode.ledger.evidence import EvidenceMixin
from gridnode.ledger.hygiene import HygieneMixin
from gridnode.ledger.lock import LedgerLock
from gridnode.ledger.rows import (
    DuplicatePaymentError,
    InvoiceRow,
    LedgerError,
    LedgerMissingError,
    LedgerRoleError,
    LedgerVersionError,
    PaymentRow,
)
from gridnode.ledger.schema import MIGRATIONS, SCHEMA_VERSION
from gridnode.money import Msat


class Ledger(EvidenceMixin, HygieneMixin):
    """One node's ledger file."""

    def __init__(
        self, db: sqlite3.Connection, path: Path, role: str, held: LedgerLock | None = None
    ) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._held = held
        self.path = path
        self.role = role

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str, role: str, *, exclusive: bool = False) -> Ledger:
        """Open (creating or migrating) the ledger at ``path`` for a node of ``role``.

        Every opener shares the ledger's lock; ``exclusive`` (the archiving prune) refuses
        to open while anyone else has it open, and keeps everyone else out until closed.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        held = LedgerLock.take(path, exclusive=exclusive)
        try:
            return cls._open_locked(path, role, held)
        except BaseException:
            held.release()
            raise

    @classmethod
    def open_existing(cls, path: Path | str, *, exclusive: bool = False) -> Ledger:
        """Open a ledger that must already exist, whatever its role (for tools)."""
        path = Path(path)
        if not path.is_file():
            raise LedgerMissingError(
                f"ledger: {path} does not exist; give the node's ledger file (the 'ledger' "
                "field of its configuration)."
            )
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                row = db.execute("SELECT role FROM node").fetchone()
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"ledger: {path} is not a gridnode ledger ({exc}).") from exc
        if row is None:
            raise LedgerError(f"ledger: {path} is not a gridnode ledger (no node role in it).")
        return cls.open(path, str(row[0]), exclusive=exclusive)

    @classmethod
    def _open_locked(cls, path: Path, role: str, held: LedgerLock) -> Ledger:
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA busy_timeout = 5000")
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"ledger: {path} is not a gridnode ledger ({exc}).") from exc
        if version > SCHEMA_VERSION:
            db.close()
            raise LedgerVersionError(
                f"ledger: {path} was written by a newer gridnode (schema {version}, this one "
                f"knows {SCHEMA_VERSION}); upgrade gridnode. The file was not changed."
            )
        for number in range(version, SCHEMA_VERSION):
            _migrate(db, number)
        ledger = cls(db, path, role, held)
        try:
            ledger._claim_role(role)
        except BaseException:
            db.close()
            raise
        return ledger

    def _claim_role(self, role: str) -> None:
        with self._tx() as db:
            row = db.execute("SELECT role FROM node").fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO node VALUES (?, ?, ?)",
                    (role, _now_ms(), f"gridnode {__version__}"),
                )
                db.execute("INSERT INTO wallet_cursor VALUES (1, 0)")
            elif row[0] != role:
                raise LedgerRoleError(
                    f"ledger: {self.path} belongs to a {row[0]}, not a {role}; point "
                    "ledger_path at this node's own ledger."
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._held is not None:
                self._held.release()

    def vacuum(self) -> None:
        """Give the space of deleted rows back to the file system (VACUUM, then the WAL
        truncated). Needs the file to itself: the archiving prune calls it."""
        with self._lock:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _rows_of(self, table: str, session_id: str) -> list[dict[str, object]]:
        if table not in (
            "sessions",
            "readings",
            "journal",
            "breaches",
            "relay_switches",
            "payments",
            "invoices",
        ):
            raise ValueError(table)
        with self._lock:
            # ``table`` is one of the fixed names checked above
            cursor = self._db.execute(f"SELECT * FROM {table} WHERE session_id = ?", (session_id,))
            names = [d[0] for d in cursor.description]
            return [
                {n: v.hex() if isinstance(v, bytes) else v for n, v in zip(names, row, strict=True)}
                for row in cursor.fetchall()
            ]

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except sqlite3.IntegrityError as exc:
                self._db.execute("ROLLBACK")
                raise LedgerError(
                    f"ledger: refused a write that breaks its rules ({exc})."
                ) from exc
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    # -- sessions and the journal ------------------------------------------------------------
    def open_session(
        self, session_id: str, peer_fingerprint: str, meter_id: str, at_ms: int
    ) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO sessions (session_id, peer_fingerprint, meter_id, state,"
                " opened_at_ms) VALUES (?, ?, ?, 'opened', ?)",
                (session_id, peer_fingerprint, meter_id, at_ms),
            )

    def session_state(self, session_id: str, state: str, at_ms: int, closed: bool = False) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE sessions SET state = ?,"
                " closed_at_ms = CASE WHEN ? THEN ? ELSE closed_at_ms END WHERE session_id = ?",
                (state, closed, at_ms, session_id),
            )

    def open_sessions(self) -> list[str]:
        """Sessions not closed (after a restart: the ones the crash cut short)."""
        return [
            str(r[0])
            for r in self._query("SELECT session_id FROM sessions WHERE closed_at_ms IS NULL")
        ]

    def journal(
        self,
        session_id: str,
        kind: str,
        at_ms: int,
        text: str,
        data: bytes = b"",
        amount: Msat | None = None,
        payment_hash: bytes = b"",
    ) -> int:
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO journal (session_id, kind, at_ms, text, data, amount_msat,"
                " payment_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    kind,
                    at_ms,
                    text,
                    data,
                    None if amount is None else amount.msat,
                    payment_hash or None,
                ),
            )
            return int(cursor.lastrowid or 0)

    def journal_entries(self, session_id: str) -> list[tuple[str, int, str, bytes]]:
        rows = self._query(
            "SELECT kind, at_ms, text, data FROM journal WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return [(str(k), int(t), str(x), bytes(d)) for k, t, x, d in rows]

    # -- invoices (seller) ----------------------------------------------------------------------
    def invoice_created(
        self,
        session_id: str,
        payment_hash: bytes,
        bolt11: str,
        amount: Msat,
        purpose: str,
        hold: bool,
        at_ms: int,
        preimage: bytes | None = None,
    ) -> None:
        """An invoice this node issued. A hold invoice is written twice: first with its
        preimage and no BOLT11 (:meth:`hold_invoice_planned`, before the wallet knows
        it), then with the BOLT11 the wallet returned."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO invoices (payment_hash, session_id, purpose, hold, bolt11,"
                " amount_msat, state, created_at_ms, preimage)"
                " VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)"
                " ON CONFLICT (payment_hash) DO UPDATE SET bolt11 = excluded.bolt11"
                " WHERE invoices.bolt11 = ''",
                (payment_hash, session_id, purpose, hold, bolt11, amount.msat, at_ms, preimage),
            )

    def hold_invoice_planned(
        self,
        session_id: str,
        payment_hash: bytes,
        preimage: bytes,
        amount: Msat,
        purpose: str,
        at_ms: int,
    ) -> None:
        """Keep a hold invoice's preimage before the invoice exists, so a crash between
        the two can never leave a payment we cannot settle."""
        self.invoice_created(session_id, payment_hash, "", amount, purpose, True, at_ms, preimage)

    def hold_preimage(self, payment_hash: bytes) -> bytes | None:
        rows = self._query(
            "SELECT preimage FROM invoices WHERE payment_hash = ? AND hold", (payment_hash,)
        )
        return bytes(rows[0][0]) if rows and rows[0][0] is not None else None

    def invoice_session(self, payment_hash: bytes) -> str | None:
        rows = self._query(
            "SELECT session_id FROM invoices WHERE payment_hash = ?", (payment_hash,)
        )
        return str(rows[0][0]) if rows else None

    def invoice_settled(
        self,
        payment_hash: bytes,
        settle_index: int,
        amount_paid: Msat,
        preimage: bytes | None,
        at_ms: int,
        *,
        advance_cursor: bool = True,
    ) -> bool:
        """Credit a settlement once. Returns False if it was credited before (or unknown).

        The wallet cursor advances in the same transaction, so a restart resumes the
        wallet's settled-invoice stream exactly after the last credited settlement. A
        settlement found out of order (by looking an invoice up) must not advance it:
        ``advance_cursor=False``, or earlier ones still to come would be skipped.
        """
        with self._tx() as db:
            if advance_cursor:
                db.execute(
                    "UPDATE wallet_cursor SET settle_index = max(settle_index, ?) WHERE id = 1",
                    (settle_index,),
                )
            cursor = db.execute(
                "UPDATE invoices SET state = 'settled', settle_index = ?, amount_paid_msat = ?,"
                " preimage = coalesce(?, preimage), settled_at_ms = ?"
                " WHERE payment_hash = ? AND state != 'settled'",
                (settle_index, amount_paid.msat, preimage, at_ms, payment_hash),
            )
            return cursor.rowcount == 1

    def invoice_state(self, payment_hash: bytes, state: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE invoices SET state = ? WHERE payment_hash = ? AND state != 'settled'",
                (state, payment_hash),
            )

    def settle_index(self) -> int:
        return int(self._query("SELECT settle_index FROM wallet_cursor")[0][0])

    def invoices(self, session_id: str | None = None, state: str | None = None) -> list[InvoiceRow]:
        rows = self._query(
            "SELECT payment_hash, session_id, purpose, hold, bolt11, amount_msat, state,"
            " settle_index, preimage FROM invoices"
            " WHERE (?1 IS NULL OR session_id = ?1) AND (?2 IS NULL OR state = ?2)"
            " ORDER BY created_at_ms, rowid",
            (session_id, state),
        )
        return [
            InvoiceRow(
                bytes(h),
                str(s),
                str(p),
                bool(hd),
                str(b),
                Msat(a),
                str(st),
                si,
                None if pi is None else bytes(pi),
            )
            for h, s, p, hd, b, a, st, si, pi in rows
        ]

    # -- payments (buyer) -----------------------------------------------------------------------
    def payment_started(
        self, session_id: str, payment_hash: bytes, bolt11: str, amount: Msat, at_ms: int
    ) -> None:
        """Write the attempt before paying; a hash already attempted is refused."""
        with self._tx() as db:
            seen = db.execute(
                "SELECT status FROM payments WHERE payment_hash = ?", (payment_hash,)
            ).fetchone()
            if seen is not None:
                raise DuplicatePaymentError(
                    f"payment {payment_hash.hex()} was attempted before ({seen[0]}); "
                    "it is never paid twice."
                )
            db.execute(
                "INSERT INTO payments (payment_hash, session_id, bolt11, amount_msat, status,"
                " attempted_at_ms) VALUES (?, ?, ?, ?, 'in_flight', ?)",
                (payment_hash, session_id, bolt11, amount.msat, at_ms),
            )

    def payment_resolved(
        self,
        payment_hash: bytes,
        status: str,
        at_ms: int,
        preimage: bytes | None = None,
        fee: Msat | None = None,
        failure: str | None = None,
    ) -> None:
        if status not in ("succeeded", "failed"):
            raise ValueError(f"a payment resolves to succeeded or failed, not {status}")
        with self._tx() as db:
            db.execute(
                "UPDATE payments SET status = ?, preimage = ?, fee_msat = ?, failure = ?,"
                " resolved_at_ms = ? WHERE payment_hash = ? AND status = 'in_flight'",
                (status, preimage, fee.msat if fee else 0, failure, at_ms, payment_hash),
            )

    def payments(
        self, session_id: str | None = None, status: str | None = None
    ) -> list[PaymentRow]:
        rows = self._query(
            "SELECT payment_hash, session_id, bolt11, amount_msat, status, fee_msat, preimage,"
            " attempted_at_ms FROM payments"
            " WHERE (?1 IS NULL OR session_id = ?1) AND (?2 IS NULL OR status = ?2)"
            " ORDER BY attempted_at_ms, rowid",
            (session_id, status),
        )
        return [
            PaymentRow(
                bytes(h),
                str(s),
                str(b),
                Msat(a),
                str(st),
                Msat(f),
                None if p is None else bytes(p),
                int(t),
            )
            for h, s, b, a, st, f, p, t in rows
        ]

    def unpruned_payments(self, limit: int) -> list[bytes]:
        """Resolved payments whose LND record has not been deleted yet, oldest first."""
        rows = self._query(
            "SELECT payment_hash FROM payments WHERE status != 'in_flight' AND NOT pruned"
            " ORDER BY attempted_at_ms, rowid LIMIT ?",
            (limit,),
        )
        return [bytes(r[0]) for r in rows]

    def unpruned_canceled_invoices(self) -> list[bytes]:
        rows = self._query(
            "SELECT payment_hash FROM invoices WHERE state = 'canceled' AND NOT pruned"
            " AND bolt11 != ''"
        )
        return [bytes(r[0]) for r in rows]

    def mark_pruned(self, table: str, payment_hashes: list[bytes]) -> None:
        """Note that LND's own record of these was deleted (the proof stays here)."""
        if table not in ("payments", "invoices"):
            raise ValueError(table)
        with self._tx() as db:
            # ``table`` is one of the two fixed names checked above
            db.executemany(
                f"UPDATE {table} SET pruned = 1 WHERE payment_hash = ?",
                [(h,) for h in payment_hashes],
            )


def _migrate(db: sqlite3.Connection, number: int) -> None:
    """Apply migration ``number`` and record it, in one transaction."""
    script = f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]}\nPRAGMA user_version = {number + 1};\nCOMMIT;"
    try:
        db.executescript(script)
    except sqlite3.Error:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _now_ms() -> int:
    return time.time_ns() // 1_000_000
