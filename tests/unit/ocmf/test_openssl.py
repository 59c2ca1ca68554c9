"""The openssl recipe in docs/ocmf.md verifies our records: a third party needs nothing
of ours, only the record, the public key hex and stock tools."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gridnode.ocmf import MeterSeries, NodeSigner
from tests.support.ocmf.helpers import golden_series, session

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _tools() -> None:
    for tool in ("openssl", "xxd"):
        assert shutil.which(tool), f"{tool} is missing: run scripts/setup_system (make setup)"


def _recipe() -> str:
    """The shell block under 'With openssl' in docs/ocmf.md, as written there."""
    doc = (ROOT / "docs" / "ocmf.md").read_text()
    match = re.search(r"### With openssl\n.*?```sh\n(.*?)```", doc, re.DOTALL)
    assert match, "docs/ocmf.md lost its openssl recipe"
    return match.group(1)


def _run(tmp_path: Path, record: str, key_hex: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "record.txt").write_text(record + "\n")
    (tmp_path / "key.hex").write_text(key_hex + "\n")
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", _recipe()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def public_key_hex(series: MeterSeries) -> str:
    signer = series.signer
    assert isinstance(signer, NodeSigner)
    return signer.public_key_hex


def test_openssl_verifies_a_record_with_the_documented_recipe(tmp_path: Path) -> None:
    series = golden_series()
    record = session(series)[0]
    result = _run(tmp_path, record.text, public_key_hex(series))
    assert result.returncode == 0, result.stderr
    assert "Verified OK" in result.stdout
    assert series.signer.fingerprint in result.stdout  # the fingerprint step


def test_openssl_rejects_a_changed_record(tmp_path: Path) -> None:
    series = golden_series()
    record = session(series)[0]
    changed = record.text.replace('"RV":1.234567', '"RV":1.234568')
    result = _run(tmp_path, changed, public_key_hex(series))
    assert result.returncode != 0
    assert "Verification failure" in result.stdout + result.stderr
