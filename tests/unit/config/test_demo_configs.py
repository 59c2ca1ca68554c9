"""The demo's configurations are real ones: what `gridnode demo` writes for its seller,
its buyers and the first buyer's load agent loads with every check the nodes make at
start-up (here with a stand-in for LND's macaroon baking; the regtest tests run the
real thing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridnode.config.loads import load_loads_settings
from gridnode.config.settings import BuyerSettings, SellerSettings, load_settings
from gridnode.demo import configs
from gridnode.demo.bus import seller_buses
from gridnode.demo.circuit import RELAY_BASE
from tests.support.lnd_offline import offline_lnd


@pytest.mark.parametrize("buyers", [1, 3])
def test_the_demos_seller_buyers_and_loads_load(tmp_path: Path, buyers: int) -> None:
    lnd = offline_lnd(tmp_path)
    circuit: dict[str, object] = {
        "seller_port": "/dev/pts/90",
        "buyer_ports": [f"/dev/pts/{91 + i}" for i in range(buyers)],
    }
    files = [configs.prepare_buyer(tmp_path, i) for i in range(1, buyers + 1)]
    seller, listen = configs.write_seller(tmp_path, lnd, circuit, files, configs.DemoTerms())
    feeds = [
        configs.write_buyer(f, i, lnd, circuit, seller, listen)
        for i, f in enumerate(files, start=1)
    ]
    selling = load_settings(seller.config, env={})
    assert isinstance(selling, SellerSettings)
    assert [b.name for b in selling.selling.buyers] == [f.name for f in files]
    assert selling.hardware.watchdog.address == RELAY_BASE + 1
    for buyer in files:
        assert isinstance(load_settings(buyer.config, env={}), BuyerSettings)
    board = {
        "port": "/dev/pts/99",
        "address": 7,
        "loads": [{"name": "kettle", "coil": 0, "watts": 2000}],
    }
    loads = load_loads_settings(configs.write_loads(files[0], feeds[0], board), env={})
    assert [e.spec.name for e in loads.loads] == ["kettle"]


def test_the_demo_with_mqtt_and_metrics_writes_both_into_every_node(tmp_path: Path) -> None:
    """`gridnode demo --mqtt URL --metrics`: every node publishes to the broker (a buyer
    with its pause switch) and serves metrics on a port of its own."""
    lnd = offline_lnd(tmp_path)
    circuit: dict[str, object] = {"seller_port": "/dev/pts/90", "buyer_ports": ["/dev/pts/91"]}
    outside = configs.Outside(mqtt="mqtt://127.0.0.1:1883", metrics=True)
    (buyer,) = [configs.prepare_buyer(tmp_path, 1)]
    seller, listen = configs.write_seller(
        tmp_path, lnd, circuit, [buyer], configs.DemoTerms(), outside
    )
    configs.write_buyer(buyer, 1, lnd, circuit, seller, listen, None, outside)
    selling, buying = load_settings(seller.config, env={}), load_settings(buyer.config, env={})
    assert seller.metrics is not None
    assert buyer.metrics is not None
    assert seller.metrics != buyer.metrics
    for files, settings in ((seller, selling), (buyer, buying)):
        assert settings.metrics_listen == files.metrics
        assert settings.mqtt is not None
        assert (settings.mqtt.host, settings.mqtt.port) == ("127.0.0.1", 1883)
        assert settings.mqtt.name == f"demo {files.name}"
    assert buying.mqtt is not None
    assert buying.mqtt.pause_switch


def test_the_demo_with_seller_metered_buyers_writes_no_meter_and_an_lndconnect_uri(
    tmp_path: Path,
) -> None:
    """`gridnode demo --buyers 2 --seller-metered 1`: the last buyer has no [hardware],
    reaches its LND by an lndconnect URI, and the seller's entry for it says so."""
    lnd = offline_lnd(tmp_path)
    circuit: dict[str, object] = {
        "seller_port": "/dev/pts/90",
        "buyer_ports": ["/dev/pts/91", "/dev/pts/92"],
    }
    files = [
        configs.prepare_buyer(tmp_path, 1),
        configs.prepare_buyer(tmp_path, 2, seller_metered=True),
    ]
    seller, listen = configs.write_seller(tmp_path, lnd, circuit, files, configs.DemoTerms())
    for i, f in enumerate(files, start=1):
        configs.write_buyer(f, i, lnd, circuit, seller, listen)
    selling = load_settings(seller.config, env={})
    assert isinstance(selling, SellerSettings)
    assert [b.seller_metered for b in selling.selling.buyers] == [False, True]
    dual, alone = (load_settings(f.config, env={}) for f in files)
    assert isinstance(dual, BuyerSettings)
    assert isinstance(alone, BuyerSettings)
    assert not dual.buying.limits.seller_metered
    assert dual.hardware.meters
    assert alone.buying.limits.seller_metered
    assert not alone.hardware.meters
    assert alone.lnd.lndconnect is not None
    assert alone.lnd.connection().host == "127.0.0.1:10009"
    assert "[hardware" not in files[1].config.read_text()


def test_the_demo_seller_on_two_buses_loads_each_buyer_on_its_bus(tmp_path: Path) -> None:
    """`gridnode demo --buyers 3 --bus-baud 9600`: the seller's meters dealt over the
    buses the budget needs, each buyer's relay board on its meter's bus (issue 17)."""
    lnd = offline_lnd(tmp_path)
    circuit: dict[str, object] = {
        "seller_port": "/dev/pts/90",
        "seller_ports": ["/dev/pts/90", "/dev/pts/89"],
        "buyer_ports": [f"/dev/pts/{91 + i}" for i in range(3)],
    }
    files = [configs.prepare_buyer(tmp_path, i) for i in range(1, 4)]
    plan = seller_buses(3, baud=9600)  # 0.35 s for two meters, 0.52 s for three
    assert plan.count == 2
    seller, _ = configs.write_seller(tmp_path, lnd, circuit, files, configs.DemoTerms(), buses=plan)
    selling = load_settings(seller.config, env={})
    assert isinstance(selling, SellerSettings)
    hardware = selling.hardware
    assert [(b.port, b.baud) for b in hardware.buses] == [
        ("/dev/pts/90", 9600),
        ("/dev/pts/89", 9600),
    ]
    on_buses = [[m.id for m in hardware.meters_on(b)] for b in hardware.buses]
    assert on_buses == [["seller-meter-1", "seller-meter-3"], ["seller-meter-2"]]
    relays = [b.relay.bus for b in selling.selling.buyers]
    assert relays == ["/dev/pts/90", "/dev/pts/89", "/dev/pts/90"]
