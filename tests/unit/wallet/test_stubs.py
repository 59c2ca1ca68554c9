"""The checked-in LND stubs are exactly what scripts/gen_lnd_protos makes from the
pinned LND module's own protos."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
STUBS = ROOT / "gridnode" / "wallet" / "lnrpc"


def test_stubs_record_the_lnd_version_that_setup_pins() -> None:
    pinned = re.search(r'^LND_VERSION="([^"]+)"', (ROOT / "scripts/setup").read_text(), re.M)
    assert pinned is not None
    source = json.loads((STUBS / "SOURCE.json").read_text())
    assert source["lnd_version"] == pinned.group(1)


def test_regenerating_the_stubs_reproduces_the_checked_in_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_lnd_protos"), "--out", str(tmp_path)],
        check=True,
        timeout=300,
    )
    checked_in = sorted(p.name for p in STUBS.iterdir() if p.is_file())
    regenerated = sorted(p.name for p in tmp_path.iterdir())
    assert regenerated == checked_in
    for name in checked_in:
        assert (tmp_path / name).read_bytes() == (STUBS / name).read_bytes(), name


def test_stubs_have_the_fields_lnd_0_21_needs() -> None:
    from gridnode.wallet.lnrpc import lightning_pb2 as ln

    assert "all_payments" in ln.DeleteAllPaymentsRequest.DESCRIPTOR.fields_by_name
