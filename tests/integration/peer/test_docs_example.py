"""The code example in docs/peer-link.md runs and does what it says (STYLE.md rule 13)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "peer-link.md"


def test_peer_link_example_runs() -> None:
    text = DOC.read_text()
    match = re.search(r"<!-- example: peer-link -->\n```python\n(.*?)```", text, re.DOTALL)
    assert match, "the example block is missing from docs/peer-link.md"
    done = subprocess.run(
        [sys.executable, "-c", match.group(1)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "an encoded trade message"
