"""A demo's ports: each one free and handed out once, however many nodes it writes."""

from __future__ import annotations

import random
import socket

import pytest

from gridnode.demo import ports
from gridnode.demo.ports import free_port


def test_a_demo_never_gets_the_same_port_twice() -> None:
    # a twenty-tenant demo takes about sixty; without memory of the ports already given,
    # two of 600 drawn from 12,000 are the same almost always (the birthday bound)
    ports = [free_port() for _ in range(600)]
    assert len(set(ports)) == len(ports)
    assert all(20_000 <= p < 32_000 for p in ports)


def test_a_port_in_use_is_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        for busy in range(31_000, 32_000):  # one in the range, bound by another
            try:
                taken.bind(("127.0.0.1", busy))
                break
            except OSError:
                continue
        monkeypatch.setattr(ports, "_given", set())
        monkeypatch.setattr(random, "sample", lambda _r, _k: [busy, busy - 1])
        assert ports.free_port() == busy - 1
