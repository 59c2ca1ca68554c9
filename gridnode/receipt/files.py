"""Receipt files: written atomically, one per session, named by the session's id."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from gridnode.receipt.errors import ReceiptError
from gridnode.receipt.export import build_receipt, receipt_sessions
from gridnode.receipt.model import dumps

log = logging.getLogger("gridnode.receipt")


def write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a reader never sees half a receipt)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        # a receipt is for sharing: its preimages prove payments already made
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def receipt_path(folder: Path, protocol_id: str) -> Path:
    return folder / f"receipt-{protocol_id}.json"


def write_receipts(ledger: Path, folder: Path) -> list[Path]:
    """One receipt file per session of the ledger; a session that cannot give one (no
    keys recorded, nothing exchanged) is skipped with a warning."""
    written = []
    for name, protocol_id in receipt_sessions(ledger):
        try:
            receipt = build_receipt(ledger, name)
        except ReceiptError as exc:
            log.warning("no receipt for session %s: %s", name, exc)
            continue
        path = receipt_path(folder, protocol_id)
        write_file(path, dumps(receipt))
        written.append(path)
    return written
