"""The pure parts of the tenants benchmark's helpers (bench.tenants): which process goes
on which CPU, read from the two files a demo writes, and the top functions of a py-spy
profile. Fixtures are trimmed copies of what gridnode.demo and gridnode.regtest write."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench import tenants

FIXTURES = Path(__file__).parent / "fixtures"


def _demo_dir(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "processes.json", tmp_path / "processes.json")
    (tmp_path / "regtest").mkdir()
    shutil.copy(FIXTURES / "network.json", tmp_path / "regtest" / "network.json")
    return tmp_path


def test_the_seller_and_its_lnd_go_on_their_own_cpu_and_the_rest_on_the_other(
    tmp_path: Path,
) -> None:
    files = tenants.demo_files(_demo_dir(tmp_path))
    assert files is not None
    placement = tenants.choose_cpus(*files)
    assert dict(placement.seller) == {"seller": 1102, "node0": 2001}
    assert dict(placement.others) == {
        "demo": 1000,
        "circuit": 1101,
        "buyer-1": 1103,
        "buyer-2": 1104,
        "loads-1": 1105,
        "btcd": 2010,
        "miner": 2011,
        "node1": 2002,
    }
    doc = placement.to_json()
    assert (doc["seller_cpu"], doc["others_cpu"]) == (0, 1)


def test_the_demo_is_not_ready_until_both_files_are_written(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "processes.json", tmp_path / "processes.json")
    assert tenants.demo_files(tmp_path) is None
    (tmp_path / "regtest").mkdir()
    (tmp_path / "regtest" / "network.json").write_text('{"nodes": [')  # half-written
    assert tenants.demo_files(tmp_path) is None


def test_buyers_are_counted_as_the_demo_records_them() -> None:
    processes = json.loads((FIXTURES / "processes.json").read_text())
    assert tenants.buyers_started(processes) == 2


def test_a_demo_whose_seller_has_not_started_is_refused_by_name() -> None:
    processes = json.loads((FIXTURES / "processes.json").read_text())
    processes["daemons"] = [d for d in processes["daemons"] if d["name"] != "seller"]
    network = json.loads((FIXTURES / "network.json").read_text())
    with pytest.raises(ValueError, match="no seller"):
        tenants.choose_cpus(processes, network)


def test_the_profile_ranks_functions_by_own_and_by_total_samples() -> None:
    figures = tenants.top_functions((FIXTURES / "seller.raw").read_text(), top=3)
    assert figures["samples"] == 100
    own = [(f["function"], f["samples"], f["percent"]) for f in figures["own"]]
    # the two lines of pieces count as one function
    assert own == [
        ("select (selectors.py)", 50, 50.0),
        ("pieces (gridnode/market/profile.py)", 40, 40.0),
        ("walk (gridnode/x.py)", 10, 10.0),
    ]
    total = {
        f["function"]: f["samples"]
        for f in tenants.top_functions((FIXTURES / "seller.raw").read_text(), top=20)["total"]
    }
    assert total["tick (gridnode/node/seller.py)"] == 40
    assert total["walk (gridnode/x.py)"] == 10  # a recursion counts once per stack
    # the frames every stack passes through on its way in would all be 100 %: left out
    assert not any(name.startswith(("<module>", "run ", "_run")) for name in total)
    assert [f["function"] for f in figures["total"]] == [
        "select (selectors.py)",
        "pieces (gridnode/market/profile.py)",
        "tick (gridnode/node/seller.py)",
    ]


def test_lines_that_are_not_stacks_are_skipped() -> None:
    figures = tenants.top_functions("\nnot a stack\nf (a.py:1) x\nf (a.py:1) 3\n")
    assert figures["samples"] == 3
    assert figures["own"] == [{"function": "f (a.py)", "samples": 3, "percent": 100.0}]
