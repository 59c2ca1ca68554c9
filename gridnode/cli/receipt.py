"""``gridnode receipt`` exports a session's receipt; ``gridnode verify`` checks one offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from gridnode.cli.common import emit_json, guarded, say
from gridnode.errors import UsageError


def _ledger_path(ledger: Path | None, config: Path | None) -> Path:
    if ledger is not None:
        return ledger.expanduser()
    if config is not None:
        from gridnode.config.settings import load_settings

        return load_settings(config.expanduser()).ledger
    raise UsageError("Say which ledger: --ledger PATH, or --config FILE of the node.")


@click.command()
@click.argument("session_id", required=False)
@click.option(
    "--ledger",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The node's ledger (SQLite file).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The node's configuration; its ledger is used.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Write here (a file; with --all, a folder) instead of printing.",
)
@click.option("--all", "every", is_flag=True, help="One file per session, into --out DIR.")
@click.option("--list", "listing", is_flag=True, help="List the ledger's sessions.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: the receipt itself; text: a table for a person.",
)
@guarded
def receipt(
    session_id: str | None,
    ledger: Path | None,
    config: Path | None,
    out: Path | None,
    every: bool,
    listing: bool,
    fmt: str,
) -> None:
    """Export a session's receipt: everything a third party needs to check it.

    SESSION_ID is the session's id (32 hex digits, as in its messages and readings) or
    the ledger's own name for it. Hand the file and both nodes' fingerprints to whoever
    checks it: `gridnode verify FILE --seller-fpr ... --buyer-fpr ...`.

    \b
    Example:
      gridnode receipt --list --config seller.toml
      gridnode receipt 6d4c3810d2951c277c0a090064359b85 --config seller.toml --out r.json
      gridnode receipt 6d4c3810d2951c277c0a090064359b85 --ledger ledger.sqlite --format text
      gridnode receipt --all --out receipts/ --config seller.toml
    """
    from gridnode.receipt.export import build_receipt, receipt_sessions
    from gridnode.receipt.files import write_file, write_receipts
    from gridnode.receipt.model import dumps
    from gridnode.receipt.text import receipt_text

    path = _ledger_path(ledger, config)
    if listing:
        for name, protocol_id in receipt_sessions(path):
            click.echo(f"{protocol_id}  {name}")
        return
    if every:
        if out is None:
            raise UsageError("--all writes one file per session: give the folder with --out DIR.")
        written = write_receipts(path, out.expanduser())
        for item in written:
            click.echo(str(item))
        say(f"{len(written)} receipt{'' if len(written) == 1 else 's'} written to {out}")
        return
    if session_id is None:
        raise UsageError("Name a session (see --list), or pass --all --out DIR.")
    document = build_receipt(path, session_id)
    text = receipt_text(document) if fmt == "text" else dumps(document)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_file(out.expanduser(), text)
        say(f"receipt of session {document['session_id']} written to {out}")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--seller-fpr", help="The seller's fingerprint, as exchanged at pairing.")
@click.option("--buyer-fpr", help="The buyer's fingerprint, as exchanged at pairing.")
@click.option(
    "--trust-embedded-keys",
    is_flag=True,
    help="Accept the receipt's own keys without fingerprints (checks integrity, not origin).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as one JSON document.")
@guarded
def verify(
    file: Path,
    seller_fpr: str | None,
    buyer_fpr: str | None,
    trust_embedded_keys: bool,
    as_json: bool,
) -> None:
    """Check a session receipt offline, trusting neither node.

    Every signature (readings, offer, acceptance, renewals, payment notices, BOLT11
    invoices), every preimage, gap-free readings from Begin to End, every payment backed
    by a signed reading, the money against the energy at the agreed rates by each meter,
    and the meters' agreement. Exit 0 when all hold; otherwise 1, with every problem
    named. The keys inside a receipt prove nothing by themselves: give the fingerprints
    you exchanged with the parties (`gridnode fingerprint` on each node).

    \b
    Example:
      gridnode verify receipt.json --seller-fpr 56d99d4f... --buyer-fpr b091c43c...
      gridnode verify receipt.json --trust-embedded-keys --json
    """
    from gridnode.receipt.errors import ReceiptError
    from gridnode.receipt.verify import VerifyOptions, parse_receipt, verify_receipt

    try:
        document: Any = parse_receipt(file.expanduser().read_bytes())
    except FileNotFoundError:
        raise UsageError(f"There is no file {file}.") from None
    except OSError as exc:
        raise UsageError(f"{file} cannot be read: {exc.strerror}.") from None
    except ReceiptError as exc:
        raise UsageError(f"{file}: {exc}") from None
    options = VerifyOptions(seller_fpr, buyer_fpr, trust_embedded_keys)
    report = verify_receipt(document, options)
    if as_json:
        emit_json(
            {
                "ok": report.ok,
                "problems": [p.to_json() for p in report.problems],
                "checked": report.checked,
            }
        )
    elif report.ok:
        checked = report.checked
        energy = checked.get("energy_mwh", {})
        metered = (
            "single-metered: the buyer paid on the seller's meter alone, as both signed"
            if checked.get("metering") == "single"
            else f"{energy.get('buyer', 0) / 1000:.3f} Wh (buyer's meter)"
        )
        click.echo(
            f"OK: session {checked.get('session_id')}: {checked['readings']['seller']} seller "
            f"and {checked['readings']['buyer']} buyer readings, {checked['payments']} "
            f"payments, {checked.get('paid_msat')} msat paid for "
            f"{energy.get('seller', 0) / 1000:.3f} Wh (seller's meter) / {metered}; every "
            "signature, preimage and amount holds."
        )
    else:
        click.echo(f"FAILED: {len(report.problems)} problems")
        for problem in report.problems:
            click.echo(f"  {problem}")
    raise SystemExit(0 if report.ok else 1)
