"""The short fault drill (issue 16 §2): a trading demo on regtest takes 10 kills of the
seller, a buyer or both, 3 LND restarts and a 30 s partition at seeded random moments,
and nothing is lost (docs/drill.md; the full drill is scripts/drill.py --full)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.drill.drill import DrillPlan, run_drill
from tests.support.drill.faults import SHORT_DRILL, FaultKind

pytestmark = pytest.mark.regtest

#: The seed is fixed so a failure can be replayed
#: (scripts/drill.py --short --seed 16 --gap-s 5).
SEED = 16

#: The most the drill waits before a fault: half the full drill's, to keep the suite
#: short (each fault still waits for the recovery before the next).
GAP_S = (0.0, 5.0)


@pytest.mark.timeout(1_800)
def test_the_short_drill_loses_nothing(tmp_path: Path) -> None:
    said: list[str] = []
    doc = run_drill(DrillPlan(faults=SHORT_DRILL, seed=SEED, gap_s=GAP_S), tmp_path, said.append)
    kinds = [fault["kind"] for fault in doc["faults"]]
    assert sum(FaultKind(k).is_kill for k in kinds) == 10
    assert sum(k.startswith("lnd_restart") for k in kinds) == 3
    assert kinds.count(FaultKind.LINK_PARTITION.value) == 1
    assert doc["nothing_lost"], "\n".join(
        [f"{p['when']}: {p['check']}: {p['text']}" for p in doc["problems"]] + said[-40:]
    )
    assert doc["end"]["receipts"]["verified"] > 0
    assert doc["end"]["money"]["invoices_settled"] > 0
