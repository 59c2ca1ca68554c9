"""An LND node for the demo's configuration writer with no daemon behind it: macaroons
are baked offline (the regtest tests run the real thing)."""

from __future__ import annotations

from pathlib import Path

from gridnode.regtest.daemons import LndNode
from gridnode.regtest.lnd_admin import LndAdmin
from gridnode.regtest.processes import Daemon
from tests.support.macaroons import bake
from tests.support.node_config import peer_certificate_pem


class OfflineAdmin(LndAdmin):
    """LND's macaroon baking, done offline (the channel to LND is never opened)."""

    def bake_macaroon(self, permissions: list[str]) -> bytes:
        return bake(permissions)


class OfflineLnd(LndNode):
    """What the demo's configuration writer asks of an LND node, with no daemon."""

    def admin(self) -> LndAdmin:
        return OfflineAdmin(self.grpc_host, self.tls_cert, self.admin_macaroon)


def offline_lnd(folder: Path) -> OfflineLnd:
    lnddir = folder / "lnd"
    lnddir.mkdir()
    (lnddir / "tls.cert").write_bytes(peer_certificate_pem())
    daemon = Daemon("lnd", 0, (), lnddir / "lnd.log")
    return OfflineLnd("lnd", lnddir, "127.0.0.1:10009", "127.0.0.1:9735", daemon)
