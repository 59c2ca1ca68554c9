"""A runner counts how late its control ticks run and says it in one line at the end."""

from __future__ import annotations

from gridnode.node.tick_lag import PREFIX, TickLag


def test_quantiles_come_from_the_counted_lateness() -> None:
    lag = TickLag()
    for late_ms in [0] * 90 + [3] * 9 + [40]:
        lag.add(late_ms)
    lag.add(-2)  # early (a tick right after a slow one) counts as on time
    assert lag.count == 101
    assert lag.quantile(0.5) == 0
    assert lag.quantile(0.99) == 3
    line = lag.describe()
    assert line.startswith(PREFIX)
    assert "p99 3 ms, max 40 ms" in line
    assert "histogram 0:91,3:9,40:1" in line
