"""``gridnode ledger prune``: one JSON document with --json, sentences and exit code 2 for
bad usage, and a ledger a node holds open is left alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gridnode.cli.ledger import parse_before
from gridnode.cli.main import cli
from gridnode.ledger import LedgerStore
from tests.support.ledger_sessions import DAY_MS, buyer_session


def _ledger(tmp_path: Path) -> Path:
    path = tmp_path / "buyer.sqlite"
    ledger = LedgerStore.open(path, "buyer")
    ledger.payments.mark_pruned(buyer_session(ledger, "old", 0))  # 1970-01-01
    buyer_session(ledger, "live", DAY_MS, closed=False)
    ledger.close()
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["ledger", "prune", *args])
    return result.exit_code, result.stdout, result.stderr


def test_prune_archives_closed_sessions_and_prints_one_json_document(tmp_path: Path) -> None:
    path = _ledger(tmp_path)
    code, out, _ = _run("--before", "1970-01-02", "--ledger", str(path), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["archived"] == ["old"]
    assert report["skipped"] == []
    receipt = json.loads((tmp_path / "buyer-archive" / "receipt-old.json").read_text())
    # these test sessions exchanged no real frames, so no receipt can be made: their rows
    assert "no_receipt" in receipt
    assert len(receipt["payments"]) == 3


def test_prune_says_what_it_did_and_why_it_kept_a_session(tmp_path: Path) -> None:
    path = tmp_path / "buyer.sqlite"
    ledger = LedgerStore.open(path, "buyer")
    buyer_session(ledger, "unpruned", 0)  # LND still keeps its payments
    ledger.close()
    archive = tmp_path / "elsewhere"
    code, _, err = _run("--before", "2026-01-01", "--ledger", str(path), "--archive", str(archive))
    assert code == 0
    assert "archived 0 session(s)" in err
    assert "kept session unpruned: LND still keeps 3" in err


@pytest.mark.parametrize("date", ["yesterday", "2026-13-01", "31/01/2026", ""])
def test_a_bad_date_is_a_sentence_and_exit_code_2(tmp_path: Path, date: str) -> None:
    code, _, err = _run("--before", date, "--ledger", str(_ledger(tmp_path)))
    assert code == 2
    assert "is not a date; write it as 2026-01-31" in err


def test_which_ledger_must_be_said_once(tmp_path: Path) -> None:
    code, _, err = _run("--before", "2026-01-01")
    assert (code, "Say which ledger") == (2, err.split(": ", 1)[1][:16])
    code, _, err = _run("--before", "2026-01-01", "--ledger", "a", "--config", "b")
    assert code == 2
    assert "not both" in err


def test_a_missing_ledger_is_exit_code_2_and_not_created(tmp_path: Path) -> None:
    code, _, err = _run("--before", "2026-01-01", "--ledger", str(tmp_path / "nope.sqlite"))
    assert code == 2
    assert "does not exist" in err
    assert not (tmp_path / "nope.sqlite").exists()


def test_a_ledger_a_running_node_holds_is_refused(tmp_path: Path) -> None:
    path = _ledger(tmp_path)
    node = LedgerStore.open(path, "buyer")
    try:
        code, _, err = _run("--before", "2026-01-01", "--ledger", str(path))
    finally:
        node.close()
    assert code == 2
    assert "stop the node" in err
    assert not (tmp_path / "buyer-archive").exists()


def test_dates_are_utc_unless_they_name_a_zone() -> None:
    assert parse_before("1970-01-02") == DAY_MS
    assert parse_before("1970-01-02T00:00") == DAY_MS
    assert parse_before("1970-01-02T01:00+01:00") == DAY_MS
