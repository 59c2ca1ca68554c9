"""A CI-sized fuzz run of what the node runs on outside bytes (docs/fuzz.md): the link's
frame decoder, the trade codec, the OCMF parser and the receipt verifier each take a few
thousand mutated and random inputs (a thousand receipts: each that parses is verified in
full) and raise nothing but the typed errors they document, each input within the time
bound. The million-input run is ``scripts/fuzz.py``; its JSON is docs/fuzz.json."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from bench.fuzz.corpus import load_corpus
from bench.fuzz.engine import run_builtin
from bench.fuzz.targets import Target, build_targets

ROOT = Path(__file__).resolve().parents[3]
#: Inputs per target here: seconds in all (receipts cost milliseconds each).
CI_INPUTS = {"frames": 3000, "trade": 3000, "ocmf": 3000, "receipt": 1000}
TIME_BOUND_S = 2.0
#: What a run may add to the test process's peak resident memory.
MEMORY_GROWTH_MB = 200


@cache
def targets() -> dict[str, Target]:
    return build_targets(load_corpus())


@pytest.mark.parametrize("name", sorted(CI_INPUTS))
# a guard against a hang of the whole run only: each input's bound is CPU time
# (TIME_BOUND_S), and a run of seconds on a quiet machine takes minutes at a load of 30
@pytest.mark.timeout(900)
def test_mutated_and_random_inputs_raise_only_the_documented_typed_errors(name: str) -> None:
    tally = run_builtin(targets()[name], CI_INPUTS[name], seed=2026, time_bound_s=TIME_BOUND_S)
    report = tally.to_json()
    assert report["crashes"] == {}, json.dumps(report["crash_examples"], indent=1)[:4000]
    assert tally.inputs == CI_INPUTS[name]
    # the seeds pass and mutations reach more than one typed error: the run got past
    # the first check of the format, it did not just bounce off it
    assert tally.outcomes["ok"] >= 1, report["outcomes"]
    assert len([o for o in tally.outcomes if o != "ok"]) >= 1, report["outcomes"]
    assert tally.rss_peak_mb - tally.rss_start_mb < MEMORY_GROWTH_MB


@pytest.mark.parametrize("name", sorted(CI_INPUTS))
def test_each_seed_passes_whole(name: str) -> None:
    """The seeds are valid inputs, so what the fuzzer mutates reaches the deep checks."""
    target = targets()[name]
    for seed in target.seeds:
        target.run(seed)


def test_the_script_writes_one_json_report_per_run(tmp_path: Path) -> None:
    out = tmp_path / "fuzz.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "fuzz.py"),
            "--inputs=40",
            "--engine=builtin",
            "--targets=frames,ocmf",
            f"--artifacts={tmp_path}",
            f"--out={out}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["ok"] is True
    assert report["engine"] == "builtin"
    assert set(report["targets"]) == {"frames", "ocmf"}
    for result in report["targets"].values():
        assert result["inputs"] == 40
        assert result["crashes"] == {}
        assert result["rss_peak_mb"] > 0
