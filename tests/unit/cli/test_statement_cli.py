"""``gridnode statement`` from a node's configuration: its ledger and archive, its
buyers' names; every format, and the usage mistakes said with their fix (exit 2)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from gridnode.cli.main import cli
from tests.support.node_config import SELLER, write
from tests.support.statement import FINGERPRINTS, MONTH, PAID_MSAT, archived_ledger

#: The seller's configuration with the demo session's buyer as its tenant "flat-2".
CONFIG = SELLER.replace('name = "tenant-1"', 'name = "flat-2"')


def _node(tmp_path: Path) -> Path:
    config = write(tmp_path, CONFIG, "seller.toml")
    archived_ledger(tmp_path)
    return config


def test_csv_json_and_pdf_from_the_config(tmp_path: Path) -> None:
    config = _node(tmp_path)
    runner = CliRunner()
    done = runner.invoke(
        cli, ["statement", "--month", MONTH, "--config", str(config), "--format", "csv"]
    )
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    tenant = next(r for r in rows if r["row"] == "tenant")
    # the config pins another key for flat-2, so the demo's buyer shows by fingerprint
    assert tenant["tenant"] == FINGERPRINTS["buyer"][:16]
    assert tenant["paid_msat"] == str(PAID_MSAT)

    done = runner.invoke(cli, ["statement", "--month", MONTH, "--config", str(config), "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["totals"]["paid_msat"] == PAID_MSAT

    out = tmp_path / "statement.pdf"
    done = runner.invoke(
        cli,
        [
            *("statement", "--month", MONTH, "--config", str(config), "--format", "pdf"),
            *("--out", str(out), "--btc-price", "97000:EUR"),
        ],
    )
    assert done.exit_code == 0, done.output
    text = PdfReader(out).pages[0].extract_text()
    assert "Electricity statement 2026-12" in text
    assert "EUR" in text


def test_usage_mistakes_exit_2_with_the_fix(tmp_path: Path) -> None:
    config = _node(tmp_path)
    runner = CliRunner()
    base = ["statement", "--config", str(config)]
    for args, words in (
        (["--month", MONTH, "--format", "pdf"], "add --out"),
        (["--month", "2026-13"], "write it as 2026-11"),
        (["--month", MONTH, "--buyer", "flat-9"], "no [[buyers]] name"),
        (["--month", MONTH, "--btc-price", "lots"], "like 97000:EUR"),
    ):
        done = runner.invoke(cli, [*base, *args])
        assert done.exit_code == 2, (args, done.output)
        assert words in done.output, (args, done.output)
