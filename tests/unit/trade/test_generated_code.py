"""The checked-in protobuf modules are exactly what scripts/gen_protos makes from the
.proto sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_checked_in_trade_protobuf_is_what_the_script_regenerates(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_protos"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    generated = sorted(tmp_path.rglob("*_pb2.py*"))
    assert generated, "the script generated nothing"
    for path in generated:
        checked_in = ROOT / path.relative_to(tmp_path)
        assert checked_in.read_bytes() == path.read_bytes(), (
            f"{checked_in.relative_to(ROOT)} is stale: run scripts/gen_protos"
        )
