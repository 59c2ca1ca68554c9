"""``gridnode ledger prune``: archive what receipts already cover, then give the space back.

For every session closed before the cut-off that nothing holds back (see
:meth:`HygieneMixin.archive_candidates`): its receipt is written to
``ARCHIVE/receipt-<session>.json`` (atomically, synced to disk), then the session's rows
are deleted in one transaction, then the file is vacuumed. A crash between the two
leaves the receipt and the rows; the next run writes the receipt again and deletes them.
The receipt comes from an injected ``receipt_of`` (the receipt builder), so this module
stays testable without it.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.ledger.ledger import Ledger
from gridnode.ledger.rows import ArchiveError

ReceiptOf = Callable[[str], Mapping[str, object]]


@dataclass(frozen=True, slots=True)
class PruneReport:
    """What one prune did (printed by the CLI, ``--json`` as is)."""

    ledger: str
    archive_dir: str
    before_ms: int
    archived: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    bytes_before: int = 0
    bytes_after: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "ledger": self.ledger,
            "archive_dir": self.archive_dir,
            "before_ms": self.before_ms,
            "archived": self.archived,
            "skipped": [{"session_id": s, "reason": r} for s, r in self.skipped],
            "bytes_before": self.bytes_before,
            "bytes_after": self.bytes_after,
        }


def default_archive_dir(ledger_path: Path) -> Path:
    """Next to the ledger: ``ledger.sqlite`` archives into ``ledger-archive/``."""
    return ledger_path.with_name(f"{ledger_path.stem}-archive")


def prune_ledger(
    ledger_path: Path,
    before_ms: int,
    receipt_of: Callable[[Ledger, str], Mapping[str, object]],
    *,
    archive_dir: Path | None = None,
    clock_ms: Callable[[], int] | None = None,
) -> PruneReport:
    """Archive every closed session before ``before_ms`` that may go; vacuum if any went.

    Opens the ledger exclusively: refused (:class:`LedgerInUseError`) while a node or
    anyone else has it open.
    """
    now = clock_ms or _now_ms
    folder = archive_dir or default_archive_dir(ledger_path)
    bytes_before = stored_bytes(ledger_path)
    ledger = Ledger.open_existing(ledger_path, exclusive=True)
    try:
        ready, skipped = ledger.archive_candidates(before_ms)
        written: list[tuple[str, str]] = []
        if ready:
            _make_folder(folder)
        for session_id in ready:
            receipt = receipt_of(ledger, session_id)
            target = folder / f"receipt-{_safe_name(session_id)}.json"
            write_receipt(target, receipt)
            written.append((session_id, target.name))
        if written:
            ledger.delete_archived(written, now())
            ledger.vacuum()
    finally:
        ledger.close()
    return PruneReport(
        ledger=str(ledger_path),
        archive_dir=str(folder),
        before_ms=before_ms,
        archived=[s for s, _ in written],
        skipped=skipped,
        bytes_before=bytes_before,
        bytes_after=stored_bytes(ledger_path),
    )


def write_receipt(target: Path, receipt: Mapping[str, object]) -> None:
    """Write one receipt atomically and durably (temporary file, fsync, rename, fsync of
    the folder): the session's rows are deleted only after this returns."""
    try:
        text = json.dumps(receipt, indent=1, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ArchiveError(
            f"ledger: the receipt for {target.stem} is not JSON ({exc}); nothing was deleted."
        ) from exc
    temporary = target.with_name(target.name + ".tmp")
    try:
        with temporary.open("w", encoding="utf-8") as out:
            out.write(text + "\n")  # as 'gridnode receipt' writes it
            out.flush()
            os.fsync(out.fileno())
        temporary.replace(target)
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as exc:
        raise ArchiveError(
            f"ledger: could not write the receipt {target} ({exc.strerror}); free some space "
            "or give --archive a writable folder. Nothing was deleted."
        ) from exc


def stored_bytes(ledger_path: Path) -> int:
    """The ledger's size on disk: the database and its WAL."""
    total = 0
    for path in (ledger_path, ledger_path.with_name(ledger_path.name + "-wal")):
        with contextlib.suppress(FileNotFoundError):
            total += path.stat().st_size
    return total


def rows_receipt(ledger: Ledger, session_id: str) -> dict[str, object]:
    """A stand-in receipt: every row of the session as stored (bytes as hex)."""
    return ledger.session_rows(session_id)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(
            f"ledger: could not create the archive folder {folder} ({exc.strerror}); give "
            "--archive a writable folder. Nothing was deleted."
        ) from exc


def _safe_name(session_id: str) -> str:
    if not session_id or any(c in session_id for c in "/\\\0") or session_id.startswith("."):
        raise ArchiveError(
            f"ledger: session id {session_id!r} cannot name a receipt file; nothing was deleted."
        )
    return session_id


def _now_ms() -> int:
    return time.time_ns() // 1_000_000
