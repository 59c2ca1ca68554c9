"""Pin on first contact: the buyer knows only the seller's address and fingerprint."""

from __future__ import annotations

import stat
from collections.abc import Callable

import pytest

from gridnode.identity import NodeIdentity, Role
from gridnode.peer import LinkUp
from gridnode.peer.errors import FingerprintMismatchError
from gridnode.peer.fetch import pin_on_first_contact
from tests.support.peer.site import Site, expect


async def test_buyer_pins_the_seller_by_fingerprint_alone(site: Site) -> None:
    server = await site.start_seller()
    saved = site.root / "peers" / "seller.crt"
    spoken = site.seller_id.fingerprint.upper()  # as typed from a read-aloud form
    pin = await pin_on_first_contact(
        "seller", site.host, site.port, spoken, saved, identity=site.buyer_ids[0]
    )
    assert pin.fingerprint == site.seller_id.fingerprint
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    client = site.buyer(0, seller=pin)
    await expect(server.link("buyer0"), LinkUp)
    await expect(client.link, LinkUp)
    # Later starts read the saved file; the seller need not even be running.
    again = await pin_on_first_contact("seller", "127.0.0.1", 1, spoken, saved)
    assert again.certificate == pin.certificate


async def test_a_seller_with_another_key_is_not_pinned(
    site: Site, make_identity: Callable[[str, Role], NodeIdentity]
) -> None:
    await site.start_seller()
    saved = site.root / "peers" / "seller.crt"
    expected = make_identity("other-seller", Role.SELLER).fingerprint
    with pytest.raises(FingerprintMismatchError) as caught:
        await pin_on_first_contact("seller", site.host, site.port, expected, saved)
    assert caught.value.presented == site.seller_id.fingerprint
    assert caught.value.expected == [expected]
    assert not saved.exists()
