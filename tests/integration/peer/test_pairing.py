"""The pairing walkthrough of docs/peer-link.md, section 2, end to end: two `gridnode
init`s, certificates swapped, fingerprints compared with `gridnode fingerprint
--certificate`, pins written into gridnode.toml, the node configurations loaded as the
nodes load them, and a link that comes up from their pins."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from gridnode.config.settings import BuyerSettings, SellerSettings, load_settings
from gridnode.identity import load_identity
from gridnode.peer import BuyerClient, LinkUp, Message, SellerServer
from gridnode.peer.tls import PinnedPeer
from tests.support.macaroons import bake_for
from tests.support.node_config import EXAMPLE_TLS_CERT, peer_certificate_pem
from tests.support.peer.site import FAST, expect


def _gridnode(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gridnode.cli.main", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


async def test_pairing_walkthrough_from_init_to_first_message(tmp_path: Path) -> None:
    ana, ben = tmp_path / "ana", tmp_path / "ben"
    ana_fp = json.loads(_gridnode("init", "--role", "seller", "--dir", str(ana), "--json"))
    ben_fp = json.loads(_gridnode("init", "--role", "buyer", "--dir", str(ben), "--json"))
    # 2. They swap certificates by any means.
    shutil.copy(ben / "node.crt", ana / "peers" / "ben.crt")
    shutil.copy(ana / "node.crt", ben / "peers" / "seller.crt")
    # 3. Each reads the received file's fingerprint and compares it with what the other
    #    reads aloud from `gridnode fingerprint`.
    spoken_by_ben = _gridnode("fingerprint", "--dir", str(ben))
    assert _gridnode("fingerprint", "--certificate", str(ana / "peers" / "ben.crt")) == (
        spoken_by_ben
    )
    spoken_by_ana = _gridnode("fingerprint", "--dir", str(ana))
    # 4. Each writes the other into gridnode.toml (fingerprints as read aloud).
    with (ana / "gridnode.toml").open("a") as f:
        f.write(
            '\n[[buyers]]\nname = "ben"\n'
            f'fingerprint = "{" ".join(spoken_by_ben.split())}"\n'
            'certificate = "peers/ben.crt"\nmeter = "flat-2"\n'
            'relay = { kind = "gpio", pin = 17 }\n'
        )
    text = (ben / "gridnode.toml").read_text()
    (ben / "gridnode.toml").write_text(
        text.replace('# address = "192.0.2.10:7878"', 'address = "127.0.0.1:1"')
        .replace(
            '# fingerprint = "<64 hex digits from `gridnode fingerprint` on the seller>"',
            f'fingerprint = "{" ".join(spoken_by_ana.split())}"',
        )
        .replace('# certificate = "peers/seller.crt"', 'certificate = "peers/seller.crt"')
    )
    # 6. Each fills in the rest: LND's certificate and the role's macaroon.
    for folder, role in ((ana, "seller"), (ben, "buyer")):
        (folder / "tls.cert").write_bytes(peer_certificate_pem())  # read offline only
        (folder / f"{role}.macaroon").write_bytes(bake_for(role))
        config = folder / "gridnode.toml"
        config.write_text(config.read_text().replace(EXAMPLE_TLS_CERT, "tls.cert"))
    seller_cfg = load_settings(ana / "gridnode.toml", env={})
    buyer_cfg = load_settings(ben / "gridnode.toml", env={})
    assert isinstance(seller_cfg, SellerSettings)
    assert isinstance(buyer_cfg, BuyerSettings)
    pins = [
        PinnedPeer.from_files(b.name, b.fingerprint, b.certificate)
        for b in seller_cfg.selling.buyers
    ]
    (seller,) = buyer_cfg.buying.sellers
    seller_pin = PinnedPeer.from_files(seller.name, seller.fingerprint, seller.certificate)
    assert [b.fingerprint for b in pins] == [ben_fp["fingerprint"]]
    assert seller_pin.fingerprint == ana_fp["fingerprint"]

    server = SellerServer(load_identity(ana), pins, ana / "links", FAST)
    host, port = await server.start("127.0.0.1", 0)  # a free port, not the file's
    client = BuyerClient(load_identity(ben), seller_pin, host, port, ben / "links", FAST)
    client.start()
    try:
        await expect(server.link("ben"), LinkUp)
        client.link.send(b"hello Ana")
        assert (await expect(server.link("ben"), Message)).payload == b"hello Ana"
    finally:
        await client.close()
        await server.close()
