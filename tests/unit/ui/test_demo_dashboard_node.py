"""Which node the demo's dashboard attaches to: the seller, in the estate demo
(``--sellers``) the first buyer, whose view has a row per seller with its market place,
and in the estate day (``--estate``) the battery node, which sells and buys."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import cast

from gridnode.demo import configs
from gridnode.demo.dashboard import dashboard_node
from gridnode.demo.estate import EstateParts
from gridnode.demo.estate_day import DayParts
from gridnode.demo.run import Parts
from gridnode.regtest.network import RegtestNetwork


def _files(name: str) -> configs.NodeFiles:
    class Files:
        status_socket = Path(f"/run/{name}/status.sock")

    return cast(configs.NodeFiles, Files())


def _parts(kind: type[Parts]) -> Parts:
    return kind(
        network=cast(RegtestNetwork, None),
        circuit=cast(subprocess.Popen[str], None),
        circuit_info={},
        seller=_files("seller"),
        buyers=[_files("buyer-1"), _files("buyer-2")],
    )


def test_the_demo_dashboard_shows_the_seller() -> None:
    assert dashboard_node(_parts(Parts)) == Path("/run/seller/status.sock")


def test_the_estate_demo_dashboard_shows_the_first_buyer() -> None:
    assert dashboard_node(_parts(EstateParts)) == Path("/run/buyer-1/status.sock")


def test_the_estate_day_dashboard_shows_the_battery() -> None:
    parts = _parts(DayParts)
    assert isinstance(parts, DayParts)
    parts.battery = _files("battery")
    assert dashboard_node(parts) == Path("/run/battery/status.sock")
