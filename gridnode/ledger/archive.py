"""``gridnode ledger prune``: archive what receipts already cover, then give the space back.

For every session closed before the cut-off that nothing holds back (see
:meth:`gridnode.ledger.hygiene.HygieneRepository.archive_candidates`): its receipt is written to
``ARCHIVE/receipt-<session>.json`` (atomically, synced to disk), then the session's rows
are deleted in one transaction, then the file is vacuumed. A crash between the two
leaves the receipt and the rows; the next run writes the receipt again and deletes them.
The receipt comes from an injected ``receipt_of`` (the receipt builder), so this module
stays testable without it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gridnode.ledger.errors import ArchiveError
from gridnode.ledger.hygiene import stored_bytes
from gridnode.ledger.rows import Archived, HeldBack
from gridnode.ledger.store import LedgerStore

#: Builds one session's receipt from the ledger being archived.
ReceiptOf = Callable[[LedgerStore, str], Mapping[str, object]]


@dataclass(frozen=True, slots=True)
class PruneReport:
    """What one prune did (printed by the CLI, ``--json`` as is)."""

    ledger: str
    archive_dir: str
    before_ms: int
    archived: list[str] = field(default_factory=list)
    skipped: list[HeldBack] = field(default_factory=list)
    bytes_before: int = 0
    bytes_after: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "ledger": self.ledger,
            "archive_dir": self.archive_dir,
            "before_ms": self.before_ms,
            "archived": self.archived,
            "skipped": [{"session_id": h.session_id, "reason": h.reason} for h in self.skipped],
            "bytes_before": self.bytes_before,
            "bytes_after": self.bytes_after,
        }


def default_archive_dir(ledger_path: Path) -> Path:
    """Next to the ledger: ``ledger.sqlite`` archives into ``ledger-archive/``."""
    return ledger_path.with_name(f"{ledger_path.stem}-archive")


def prune_ledger(
    ledger_path: Path,
    before_ms: int,
    receipt_of: ReceiptOf,
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
    ledger = LedgerStore.open_existing(ledger_path, exclusive=True)
    try:
        candidates = ledger.hygiene.archive_candidates(before_ms)
        written: list[Archived] = []
        if candidates.ready:
            _make_folder(folder)
        for session_id in candidates.ready:
            receipt = receipt_of(ledger, session_id)
            target = folder / f"receipt-{_safe_name(session_id)}.json"
            write_receipt(target, receipt)
            written.append(Archived(session_id, target.name))
        if written:
            ledger.hygiene.delete_archived(written, now())
            ledger.hygiene.vacuum()
    finally:
        ledger.close()
    return PruneReport(
        ledger=str(ledger_path),
        archive_dir=str(folder),
        before_ms=before_ms,
        archived=[a.session_id for a in written],
        skipped=list(candidates.held_back),
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


def rows_receipt(ledger: LedgerStore, session_id: str) -> dict[str, object]:
    """A stand-in receipt: every row of the session as stored (bytes as hex)."""
    return ledger.hygiene.session_rows(session_id)


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
