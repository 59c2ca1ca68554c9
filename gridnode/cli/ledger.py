"""``gridnode ledger prune``: archive closed sessions as receipts, then shrink the ledger."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gridnode.cli.common import emit_json, guarded, say
from gridnode.errors import UsageError

if TYPE_CHECKING:
    from gridnode.ledger import LedgerStore


@click.group()
def ledger() -> None:
    """The node's ledger.

    \b
    Example:
      gridnode ledger prune --before 2026-01-01 --config /etc/gridnode/buyer.toml
    """


@ledger.command()
@click.option(
    "--before",
    required=True,
    metavar="DATE",
    help="Archive sessions closed before this: 2026-01-31, or 2026-01-31T18:00+01:00 "
    "(without a zone: UTC).",
)
@click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The node's ledger (SQLite file).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The node's configuration; its ledger is used.",
)
@click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the receipts go (default: LEDGER-archive/ next to the ledger).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")
@guarded
def prune(
    before: str,
    ledger_path: Path | None,
    config: Path | None,
    archive_dir: Path | None,
    as_json: bool,
) -> None:
    """Archive what receipts already cover, and give the space back.

    Every session closed before DATE is written to the archive folder as its receipt
    (the same JSON 'gridnode receipt' prints), then its rows are deleted and the ledger
    is vacuumed. A session with a payment in flight, a deposit still held, an unpaid
    invoice LND may have settled while the node was down, or a record LND still keeps
    is skipped, with the reason.
    The wallet cursor and the meters' OCMF counters stay, so the node reconciles with
    LND and continues its signed series after the prune. Stop the node first: the prune
    refuses a ledger that is open elsewhere (exit code 2).

    \b
    Example:
      systemctl stop gridnode-buyer
      gridnode ledger prune --before 2026-01-01 --config /etc/gridnode/buyer.toml
      systemctl start gridnode-buyer
    """
    from gridnode.ledger.archive import prune_ledger

    before_ms = parse_before(before)
    path = _ledger_path(ledger_path, config)
    report = prune_ledger(path, before_ms, receipt_of, archive_dir=archive_dir)
    if as_json:
        emit_json(report.to_json())
        return
    say(
        f"archived {len(report.archived)} session(s) into {report.archive_dir}; the ledger "
        f"went from {report.bytes_before / 1e6:.2f} MB to {report.bytes_after / 1e6:.2f} MB"
    )
    for held in report.skipped:
        say(f"kept session {held.session_id}: {held.reason}")


def receipt_of(ledger: LedgerStore, session_id: str) -> Mapping[str, object]:
    """The session's receipt (gridnode.receipt). A session no receipt can be made for
    (nothing exchanged, or written before receipts had keys) is archived as its rows."""
    from gridnode.ledger.archive import rows_receipt
    from gridnode.receipt.errors import ReceiptError
    from gridnode.receipt.export import build_receipt

    try:
        return build_receipt(ledger.path, session_id)
    except ReceiptError as exc:
        dump = rows_receipt(ledger, session_id)
        dump["no_receipt"] = str(exc)
        return dump


def parse_before(text: str) -> int:
    """DATE as Unix milliseconds: an ISO date (midnight UTC) or date and time (UTC
    unless it names a zone)."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            at = datetime(day.year, day.month, day.day, tzinfo=UTC)
        else:
            at = datetime.fromisoformat(text)
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
    except ValueError:
        raise UsageError(
            f"--before: {text!r} is not a date; write it as 2026-01-31 or 2026-01-31T18:00+01:00."
        ) from None
    return int(at.timestamp() * 1000)


def _ledger_path(ledger_path: Path | None, config: Path | None) -> Path:
    if ledger_path is not None and config is not None:
        raise UsageError("Give --ledger or --config, not both.")
    if ledger_path is not None:
        return ledger_path.expanduser()
    if config is not None:
        from gridnode.config.settings import load_settings

        return load_settings(config.expanduser()).ledger
    raise UsageError("Say which ledger: --ledger PATH, or --config FILE of the node.")
