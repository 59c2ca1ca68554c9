"""The pairing walkthrough of docs/peer-link.md, section 2, end to end: two `gridnode
init`s, certificates swapped, fingerprints compared with `gridnode fingerprint
--certificate`, pins written into gridnode.toml, and a link that comes up from them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from gridnode.identity import load_identity
from gridnode.peer import BuyerClient, LinkUp, Message, SellerServer
from gridnode.peer.config import BuyerPeerConfig, SellerPeerConfig, load_peer_config

from .conftest import FAST, expect


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
            'certificate = "peers/ben.crt"\n'
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
    seller_cfg = load_peer_config(ana)
    buyer_cfg = load_peer_config(ben)
    assert isinstance(seller_cfg, SellerPeerConfig)
    assert isinstance(buyer_cfg, BuyerPeerConfig)
    assert [b.fingerprint for b in seller_cfg.buyers] == [ben_fp["fingerprint"]]
    assert buyer_cfg.seller.fingerprint == ana_fp["fingerprint"]

    server = SellerServer(load_identity(ana), seller_cfg.buyers, ana / "links", FAST)
    host, port = await server.start("127.0.0.1", 0)  # a free port, not the file's
    client = BuyerClient(load_identity(ben), buyer_cfg.seller, host, port, ben / "links", FAST)
    client.start()
    try:
        await expect(server.link("ben"), LinkUp)
        client.link.send(b"hello Ana")
        assert (await expect(server.link("ben"), Message)).payload == b"hello Ana"
    finally:
        await client.close()
        await server.close()
