"""Fixtures for the peer link on loopback: identities, fast timeouts, a seller, buyers.

Every port is chosen by the OS (port 0). A test fails if the link logged an ERROR (an
unexpected exception) while it ran.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from gridnode.identity import NodeIdentity, Role, create_identity
from tests.support.peer.site import FAST, Site

_IDENTITY_CACHE: dict[str, NodeIdentity] = {}


@pytest.fixture(scope="session")
def make_identity(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Role], NodeIdentity]:
    root = tmp_path_factory.mktemp("identities")

    def make(name: str, role: Role) -> NodeIdentity:
        if name not in _IDENTITY_CACHE:
            _IDENTITY_CACHE[name] = create_identity(root / name, role)
        return _IDENTITY_CACHE[name]

    return make


@pytest.fixture
def no_link_errors(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO, logger="gridnode.peer")
    yield caplog
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, f"the peer link logged errors: {[r.getMessage() for r in errors]}"


@pytest.fixture
async def site(
    tmp_path: Path,
    make_identity: Callable[[str, Role], NodeIdentity],
    no_link_errors: pytest.LogCaptureFixture,
) -> AsyncIterator[Site]:
    s = Site(
        root=tmp_path,
        seller_id=make_identity("seller", Role.SELLER),
        buyer_ids=[make_identity(f"buyer{i}", Role.BUYER) for i in range(3)],
        settings=FAST,
    )
    yield s
    for client in s.clients:
        await client.close()
    if s.server is not None:
        await s.server.close()
