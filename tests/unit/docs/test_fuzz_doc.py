"""The fuzz run is checked in (docs/fuzz.json) and quoted in docs/fuzz.md (issue 16,
part 3): every target ran clean (no crash, no hang, within its memory bound), the
document's table shows the JSON's own numbers, and a run that stopped short of the
inputs asked for (``--max-seconds``) says so in the document rather than claiming them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[3] / "docs"
TARGETS = ("frames", "trade", "ocmf", "receipt")


def _run() -> dict[str, Any]:
    run: dict[str, Any] = json.loads((DOCS / "fuzz.json").read_text())
    return run


def test_the_checked_in_run_is_clean_for_every_target() -> None:
    run = _run()
    assert run["ok"] is True
    assert set(run["targets"]) == set(TARGETS)
    for name, result in run["targets"].items():
        assert result["inputs"] > 0, name
        assert result["crashes"] == {}, name
        assert "died" not in result, name
        assert result["rss_peak_mb"] <= run["rss_limit_mb"], name


def test_a_run_short_of_its_inputs_is_said_to_be() -> None:
    run = _run()
    short = [n for n, r in run["targets"].items() if r["inputs"] < run["inputs_per_target"]]
    if not short:
        return
    assert run["max_seconds"], "only a time-boxed run stops short of its inputs"
    text = " ".join((DOCS / "fuzz.md").read_text().split())
    assert f"--max-seconds {run['max_seconds']}" in text
    assert "was not reached" in text


@pytest.mark.parametrize("name", TARGETS)
def test_the_document_quotes_the_runs_numbers(name: str) -> None:
    result = _run()["targets"][name]
    row = next(
        line
        for line in (DOCS / "fuzz.md").read_text().splitlines()
        if line.startswith(f"| `{name}` | {result['inputs']:,}")
    )
    assert f"{result['seconds']:,.0f} s" in row
    for outcome, count in result["outcomes"].items():
        assert f"{outcome} {count:,}" in row
