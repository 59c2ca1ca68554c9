"""The metrics endpoint of a node trading in real time (issue 23), scraped over HTTP as
Prometheus does and parsed with prometheus_client's own parser; a port already taken is
reported by the node's task group while the node trades on."""

from __future__ import annotations

import asyncio
import urllib.request
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from gridnode.metrics.observer import MetricsObserver
from gridnode.metrics.service import MetricsService
from gridnode.node.runtime import NodeRuntime, ServiceFactory
from tests.support.node import NodeExtras, realtime_pair

TRADING_WITHIN_S = 30.0


def _metrics(listen: str, made: list[MetricsService]) -> NodeExtras:
    registry = CollectorRegistry()

    def make(runtime: NodeRuntime) -> MetricsService:
        service = MetricsService(listen, runtime.snapshot, runtime.ctx.clock, registry=registry)
        made.append(service)
        return service

    factory: ServiceFactory = make
    return NodeExtras(observer=MetricsObserver(registry), services=[factory])


def _scrape(address: tuple[str, int]) -> dict[str, float]:
    """Every sample, by name and labels, as Prometheus would store it."""
    url = f"http://{address[0]}:{address[1]}/metrics"
    with urllib.request.urlopen(url, timeout=5) as answer:
        assert answer.status == 200
        text = answer.read().decode()
    values: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}"] = sample.value
    return values


async def _until(condition: object, timeout_s: float, what: str) -> None:
    assert callable(condition)
    for _ in range(int(timeout_s / 0.1)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"waited {timeout_s:g} s for {what}")


async def test_both_nodes_metrics_are_scraped_and_parsed(tmp_path: Path) -> None:
    made: list[MetricsService] = []
    pair = await realtime_pair(
        tmp_path,
        seller_extras=_metrics("127.0.0.1:0", made),
        buyer_extras=_metrics("127.0.0.1:0", made),
    )
    async with pair.trading():
        await _until(lambda: pair.wire.relay_on, TRADING_WITHIN_S, "trading")
        seller, buyer = made
        await _until(
            lambda: seller.address is not None and buyer.address is not None, 10, "serving"
        )
        await asyncio.sleep(3)  # a few payments
        assert seller.address is not None
        assert buyer.address is not None
        sold = await asyncio.to_thread(_scrape, seller.address)
        bought = await asyncio.to_thread(_scrape, buyer.address)
    assert sold["gridnode_relay_on{partner=buyer-1}"] == 1
    assert sold["gridnode_session_state{partner=buyer-1,state=supplying}"] == 1
    assert sold["gridnode_invoices_total{outcome=settled}"] >= 1
    assert sold["gridnode_relay_switches_total{cause=conditions_met,state=on}"] == 1
    assert bought["gridnode_payments_total{outcome=succeeded}"] >= 1
    assert bought["gridnode_payment_duration_seconds_count{}"] >= 1
    assert bought["gridnode_control_tick_gap_seconds_count{}"] > 0
    assert bought["gridnode_lnd_up{}"] == 1
    assert bought["gridnode_meter_power_watts{meter=buyer-meter,partner=seller}"] > 0


async def test_a_port_in_use_is_reported_and_the_node_trades_on(tmp_path: Path) -> None:
    made: list[MetricsService] = []
    pair = await realtime_pair(tmp_path, seller_extras=_metrics("127.0.0.1:0", made))
    async with pair.trading():
        (first,) = made
        await _until(lambda: first.address is not None, 10, "the first to serve")
        assert first.address is not None
        taken = f"127.0.0.1:{first.address[1]}"
        second = MetricsService(taken, pair.buyer.snapshot, pair.buyer.ctx.clock)
        pair.buyer.ctx.tasks.keep_running(second.run, name="metrics", sleep=asyncio.sleep)
        await _until(
            lambda: any("metrics_listen" in w for w in pair.buyer.snapshot().warnings),
            10,
            "the warning",
        )
        await _until(lambda: pair.wire.relay_on, TRADING_WITHIN_S, "trading all the same")
        await second.close()
