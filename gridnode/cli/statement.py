"""``gridnode statement``: a month's sessions per tenant, as text, CSV, JSON or PDF."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gridnode.cli.common import emit_json, guarded, say
from gridnode.errors import UsageError

if TYPE_CHECKING:
    from gridnode.statement.model import Statement


@click.command()
@click.option("--month", required=True, metavar="YYYY-MM", help="The month, like 2026-11.")
@click.option(
    "--config",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The node's configuration: its ledger, and its peers' names.",
)
@click.option("--buyer", metavar="NAME", help="Seller: only this tenant ([[buyers]] name).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "csv", "json", "pdf"]),
    default="text",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (needed for pdf) instead of stdout.",
)
@click.option("--btc-price", metavar="PRICE:CUR", help="A fiat column at one price: 97000:EUR.")
@click.option(
    "--btc-prices",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A fiat column at daily prices: a CSV of date,price,currency rows.",
)
@click.option("--zone", default="UTC", show_default=True, help="The time zone the month is cut in.")
@click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="'gridnode ledger prune''s archive (default: LEDGER-archive/ next to the ledger).",
)
@click.option(
    "--receipts",
    "receipts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the receipt file of each session still in the ledger here.",
)
@guarded
def statement(
    month: str,
    config: Path,
    buyer: str | None,
    output_format: str,
    as_json: bool,
    out: Path | None,
    btc_price: str | None,
    btc_prices: Path | None,
    zone: str,
    archive_dir: Path | None,
    receipts_dir: Path | None,
) -> None:
    """A month's statement: per tenant the sessions, the energy by each meter, the amount
    paid (sat; msat exact in CSV and JSON), fees, deposits held and released, breaches,
    the tariffs in force, and each session's receipt (file name and SHA-256), which the
    tenant checks with 'gridnode verify'. Sessions archived by 'gridnode ledger prune'
    are included. A buyer gets its own statement. No network: a fiat column only at
    the prices given.

    \b
    Examples:
      gridnode statement --month 2026-11 --config seller.toml --format csv > nov.csv
      gridnode statement --month 2026-11 --buyer flat-2 --format pdf --out flat-2.pdf \\
          --btc-price 97000:EUR --config seller.toml
    """
    from gridnode.config.settings import SellerSettings, load_settings
    from gridnode.identity import load_identity
    from gridnode.statement.collect import collect
    from gridnode.statement.fiat import Prices, parse_price, read_prices
    from gridnode.statement.model import Month

    chosen = "json" if as_json else output_format
    if chosen == "pdf" and out is None:
        raise UsageError("--format pdf writes a file: add --out statement.pdf.")
    if btc_price and btc_prices:
        raise UsageError("Give --btc-price or --btc-prices, not both.")
    prices: Prices | None = None
    if btc_price:
        prices = parse_price(btc_price)
    elif btc_prices:
        prices = read_prices(btc_prices)
    the_month = Month.parse(month, zone)
    settings = load_settings(config.expanduser())
    if isinstance(settings, SellerSettings):
        names = {b.fingerprint: b.name for b in settings.selling.buyers}
        if buyer is not None and buyer not in names.values():
            raise UsageError(f"--buyer {buyer!r} is no [[buyers]] name of this seller.")
    else:
        names = {s.fingerprint: s.name for s in settings.buying.sellers}
        if buyer is not None:
            raise UsageError("--buyer picks a tenant on a seller's statement; a buyer has one.")
    if not settings.ledger.is_file():
        raise UsageError(f"There is no ledger at {settings.ledger}; has the node run yet?")
    result = collect(
        settings.ledger,
        the_month,
        names=names,
        own_fingerprint=load_identity(settings.identity_dir).fingerprint,
        archive_dir=archive_dir,
        only=buyer,
        prices=prices,
    )
    if receipts_dir is not None:
        _write_receipts(settings.ledger, result, receipts_dir)
    _emit(result, chosen, out)


def _emit(result: Statement, chosen: str, out: Path | None) -> None:
    from gridnode.statement import render
    from gridnode.statement.pdf import to_pdf

    if chosen == "pdf":
        assert out is not None
        out.write_bytes(to_pdf(result))
        say(f"wrote {out}")
        return
    if chosen == "json" and out is None:
        emit_json(render.to_json(result))
        return
    import json

    text = {
        "csv": lambda: render.to_csv(result),
        "json": lambda: json.dumps(render.to_json(result), indent=2) + "\n",
        "text": lambda: render.to_text(result),
    }[chosen]()
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        say(f"wrote {out}")


def _write_receipts(ledger: Path, result: Statement, folder: Path) -> None:
    """Each ledger session's receipt as its file, the bytes the statement hashed (a
    session still running gets the receipt of this moment)."""
    from gridnode.receipt.export import build_receipt
    from gridnode.receipt.files import write_file
    from gridnode.receipt.model import dumps

    for tenant in result.tenants:
        for line in tenant.lines:
            if line.source == "ledger":
                write_file(
                    folder / line.receipt_file, dumps(build_receipt(ledger, line.session_id))
                )
