"""`gridnode verify` and `gridnode receipt` as a person runs them: exit codes, the
sentences, and the JSON findings."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from gridnode.cli.main import cli

DATA = Path(__file__).parents[1] / "receipt" / "data"
RECEIPT = DATA / "demo-receipt.json"
FPRS: dict[str, str] = json.loads((DATA / "fingerprints.json").read_text())


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_verify_exits_0_on_a_good_receipt_with_both_fingerprints() -> None:
    done = run("verify", str(RECEIPT), "--seller-fpr", FPRS["seller"], "--buyer-fpr", FPRS["buyer"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("OK: session e240ab273ab9c0ccf99e3507d5dcf59a")


def test_verify_without_fingerprints_exits_1_unless_the_keys_are_trusted() -> None:
    done = run("verify", str(RECEIPT))
    assert done.exit_code == 1
    assert "FAILED: 2 problems" in done.output
    assert "--seller-fpr" in done.output
    assert run("verify", str(RECEIPT), "--trust-embedded-keys").exit_code == 0


def test_verify_json_lists_every_problem_with_its_record(tmp_path: Path) -> None:
    receipt = copy.deepcopy(json.loads(RECEIPT.read_text()))
    del receipt["readings"]["buyer"][4]
    receipt["payments"][3]["preimage"] = "11" * 32
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(receipt))
    done = run("verify", str(path), "--trust-embedded-keys", "--json")
    assert done.exit_code == 1
    report = json.loads(done.output)
    assert report["ok"] is False
    found = {(p["code"], p["record"]) for p in report["problems"]}
    assert ("ocmf_pagination_gap", "buyer reading T6") in found
    assert any(code == "bad_preimage" for code, _ in found)
    assert all(set(p) == {"code", "record", "message"} for p in report["problems"])


def test_verify_refuses_a_file_that_is_not_json_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text("OCMF|{")
    done = CliRunner().invoke(cli, ["verify", str(path)])
    assert done.exit_code == 2
    assert "is not a JSON receipt" in done.output
    done = CliRunner().invoke(cli, ["verify", str(tmp_path / "missing.json")])
    assert done.exit_code == 2
    assert "There is no file" in done.output


def test_receipt_needs_a_ledger_and_names_what_is_missing(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["receipt", "abc"])
    assert done.exit_code == 2
    assert "--ledger" in done.output
    done = CliRunner().invoke(cli, ["receipt", "abc", "--ledger", str(tmp_path / "no.sqlite")])
    assert done.exit_code == 1
    assert f"There is no ledger at {tmp_path / 'no.sqlite'}." in done.output


def test_receipt_of_an_unknown_session_says_how_to_list_them(tmp_path: Path) -> None:
    from gridnode.ledger import LedgerStore

    path = tmp_path / "ledger.sqlite"
    LedgerStore.open(path, "seller").close()
    done = CliRunner().invoke(cli, ["receipt", "abc", "--ledger", str(path)])
    assert done.exit_code == 1
    assert "no session 'abc'" in done.output
    assert "--list" in done.output
    done = CliRunner().invoke(cli, ["receipt", "--all", "--ledger", str(path)])
    assert done.exit_code == 2
    assert "--out DIR" in done.output


def test_receipt_refuses_a_file_that_is_not_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    done = CliRunner().invoke(cli, ["receipt", "abc", "--ledger", str(path)])
    assert done.exit_code == 1
    assert "is not a gridnode ledger" in done.output
