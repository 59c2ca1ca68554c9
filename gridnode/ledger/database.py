"""The one database object every ledger repository works on.

SQLite in WAL mode with ``synchronous=FULL``: each commit survives a power cut, not only
a killed process (NORMAL may lose the last commits on power loss in WAL mode). One
connection behind a lock, so the calls are thread-safe; every repository method is one
transaction (:meth:`Database.tx`) or one query (:meth:`Database.query`).

Opening takes the ledger's lock file (:mod:`gridnode.ledger.lock`), applies the schema's
migrations in order and claims the file for one node role. :meth:`Database.open_readonly`
is for tools that only read a ledger a node may be writing (receipts, the demo's
summary): no lock, no migration, no write.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gridnode.ledger.errors import (
    LedgerError,
    LedgerMissingError,
    LedgerRoleError,
    LedgerVersionError,
    LedgerWriteError,
)
from gridnode.ledger.lock import LedgerLock
from gridnode.ledger.schema import MIGRATIONS, SCHEMA_VERSION
from gridnode.version import __version__


class Database:
    """One ledger file's connection, its lock and its role."""

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
    def open(cls, path: Path | str, role: str, *, exclusive: bool = False) -> Database:
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
    def open_existing(cls, path: Path | str, *, exclusive: bool = False) -> Database:
        """Open a ledger that must already exist, whatever its role (for tools)."""
        path = Path(path)
        return cls.open(path, _role_of(path), exclusive=exclusive)

    @classmethod
    def open_readonly(cls, path: Path | str) -> Database:
        """Open an existing ledger only to read it, beside a node that may be writing.

        Takes no lock and changes nothing; a ledger from a newer gridnode is refused.
        """
        path = Path(path)
        role = _role_of(path)
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise LedgerError(f"ledger: {path} is not a gridnode ledger ({exc}).") from exc
        if version > SCHEMA_VERSION:
            db.close()
            raise _newer(path, version)
        return cls(db, path, role)

    @classmethod
    def _open_locked(cls, path: Path, role: str, held: LedgerLock) -> Database:
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
            raise _newer(path, version)
        for number in range(version, SCHEMA_VERSION):
            _migrate(db, number)
        database = cls(db, path, role, held)
        try:
            database._claim_role(role)
        except BaseException:
            db.close()
            raise
        return database

    def _claim_role(self, role: str) -> None:
        with self.tx() as db:
            row = db.execute("SELECT role FROM node").fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO node VALUES (?, ?, ?)",
                    (role, time.time_ns() // 1_000_000, f"gridnode {__version__}"),
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
                self._held = None

    # -- using it -------------------------------------------------------------------------
    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): committed when the block ends, rolled
        back on any exception. A write the schema refuses is a :class:`LedgerError`."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except sqlite3.IntegrityError as exc:
                    raise LedgerError(
                        f"ledger: refused a write that breaks its rules ({exc})."
                    ) from exc
                self._db.execute("COMMIT")
            except BaseException as exc:
                # SQLite rolls a transaction back itself on some errors (a full disk
                # among them) and leaves it open on others (a failed COMMIT): either way
                # none of it is kept, and the next write starts afresh
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError) and _write_failed(exc):
                    raise self._write_error(exc) from exc
                raise

    def _write_error(self, exc: sqlite3.OperationalError) -> LedgerWriteError:
        where = f"the disk that holds {self.path}"
        if _error_code(exc) == _SQLITE_FULL:
            return LedgerWriteError(
                f"ledger: {where} is full ({exc}): nothing of this write was kept. Free "
                "space there; until then this node supplies and pays nothing, since "
                "nothing it does could be recorded."
            )
        return LedgerWriteError(
            f"ledger: could not write to {self.path} ({exc}): nothing of this write was "
            f"kept. Check {where} (dmesg, smartctl); until it takes writes this node "
            "supplies and pays nothing."
        )

    def query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """The rows of one read."""
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    def query_named(self, sql: str, args: tuple[object, ...] = ()) -> list[dict[str, Any]]:
        """The rows of one read, each by column name (for tables whose columns grew)."""
        with self._lock:
            cursor = self._db.execute(sql, args)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def vacuum(self) -> None:
        """Give the space of deleted rows back to the file system (VACUUM, then the WAL
        truncated). Needs the file to itself: the archiving prune calls it."""
        with self._lock:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


#: SQLite's primary result codes for a full disk and an I/O error (extended codes keep
#: them in the low byte).
_SQLITE_FULL = 13
_SQLITE_IOERR = 10


def _error_code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0)) & 0xFF


def _write_failed(exc: sqlite3.OperationalError) -> bool:
    """The disk refused the write (full, or an I/O error), not the SQL."""
    return _error_code(exc) in (_SQLITE_FULL, _SQLITE_IOERR)


def _role_of(path: Path) -> str:
    """The role an existing ledger was claimed for."""
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
    return str(row[0])


def _newer(path: Path, version: int) -> LedgerVersionError:
    return LedgerVersionError(
        f"ledger: {path} was written by a newer gridnode (schema {version}, this one "
        f"knows {SCHEMA_VERSION}); upgrade gridnode. The file was not changed."
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
