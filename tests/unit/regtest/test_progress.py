"""``regtest up`` waits for as long as the network makes progress, and says on what."""

from __future__ import annotations

import pytest

from gridnode.regtest.processes import RegtestError
from gridnode.regtest.progress import Progress, batches, follow


def test_a_slow_wait_that_keeps_moving_is_waited_for_past_the_stall_time() -> None:
    steps = iter(range(40))
    said: list[str] = []

    def measure() -> Progress:
        done = next(steps)
        return Progress(done, 30, f"(node{done} next)")

    follow(measure, "the nodes", said.append, stall_s=0.02, poll_s=0.005)
    # 30 polls of 5 ms is longer than the 20 ms stall time, but each one moved


def test_a_wait_that_stops_moving_gives_up_naming_what_it_waited_for() -> None:
    def measure() -> Progress:
        return Progress(5, 6, "(1 at it, not yet synced to the chain)")

    with pytest.raises(RegtestError) as caught:
        follow(
            measure,
            "6 LND node(s) to sync to height 500",
            lambda _m: None,
            stall_s=0.02,
            poll_s=0.005,
        )
    text = str(caught.value)
    assert "6 LND node(s) to sync to height 500" in text
    assert "5/6" in text
    assert "not yet synced" in text


def test_errors_while_a_node_starts_are_tried_again() -> None:
    calls: list[int] = []

    def measure() -> Progress:
        calls.append(1)
        if len(calls) == 1:
            raise RegtestError("connection refused")
        return Progress(1, 1)

    follow(measure, "node0 to start", lambda _m: None, stall_s=1.0, poll_s=0.001)


def test_channels_open_in_batches() -> None:
    assert batches(list(range(23)), 10) == [list(range(10)), list(range(10, 20)), [20, 21, 22]]
    assert batches([], 10) == []
