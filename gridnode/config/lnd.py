"""The ``[lnd]`` table: how the node reaches its own LND, checked offline at load.

Everything that can be known before connecting is checked here, so a node never starts
its hardware or its link only to stop when LND answers: LND's certificate is read, and
the macaroon's permissions are read from the macaroon itself and held against the
role's least privilege (:func:`gridnode.wallet.macaroon.check_role`).

.. code-block:: toml

    [lnd]
    host = "127.0.0.1:10009"
    tls_cert = "/home/gridnode/.lnd/tls.cert"
    macaroon = "seller.macaroon"       # baked with the role's permissions (README)
    # lndconnect = "lndconnect://..."  # instead of host, tls_cert and macaroon
    # allow_broad_macaroon = true      # start even if the macaroon allows more
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gridnode.config.checks import warn_if_shared
from gridnode.config.reader import Table
from gridnode.errors import UsageError
from gridnode.wallet import macaroon
from gridnode.wallet.lnd_connect import LndConnection


@dataclass(frozen=True, slots=True)
class LndSettings:
    """How the node reaches its own LND."""

    #: host:port of LND's gRPC interface.
    host: str
    #: LND's tls.cert (pinned; no certificate authority is trusted for it).
    tls_cert: Path | None
    #: The macaroon baked for this role (README, "Least privilege").
    macaroon: Path | None
    #: An lndconnect:// URI, instead of host, tls_cert and macaroon.
    lndconnect: str | None = None
    #: Start even if the macaroon allows more than the role needs.
    allow_broad_macaroon: bool = False

    def connection(self) -> LndConnection:
        """The connection's parts, read from the files (or the URI)."""
        if self.lndconnect:
            return LndConnection.from_lndconnect(self.lndconnect)
        assert self.tls_cert is not None
        assert self.macaroon is not None
        return LndConnection.from_files(self.host, self.tls_cert, self.macaroon)


def read_lnd(table: Table, base: Path, role: str | None) -> LndSettings:
    """The ``[lnd]`` table; its files are read and the macaroon checked against ``role``
    (not when the role itself is a mistake)."""
    before = len(table.problems.items)
    allow_broad = table.get("allow_broad_macaroon", bool, False)
    if table.has("lndconnect"):
        settings = LndSettings("", None, None, table.get("lndconnect", str), allow_broad)
        table.unknown_keys(of="an lndconnect connection (lndconnect, allow_broad_macaroon)")
    else:
        host = table.get("host", str, hint='like "127.0.0.1:10009"')
        tls_cert = table.path_value("tls_cert", base)
        mac = table.path_value("macaroon", base)
        if table.has("tls_cert") and not tls_cert.is_file():
            table.problems.add(f"lnd.tls_cert: {tls_cert} does not exist (LND's tls.cert)")
        if table.has("macaroon") and not mac.is_file():
            table.problems.add(f"lnd.macaroon: {mac} does not exist; bake it as the README says")
        elif table.has("macaroon"):
            risk = "use LND with this node's rights (a buyer's macaroon pays)"
            warn_if_shared(mac, "lnd.macaroon", risk, table.problems)
        table.unknown_keys()
        settings = LndSettings(host, tls_cert, mac, None, allow_broad)
    if role is not None and len(table.problems.items) == before:
        _check_offline(table, settings, role)
    return settings


def _check_offline(table: Table, settings: LndSettings, role: str) -> None:
    """Read the connection's files and hold the macaroon against the role."""
    try:
        connection = settings.connection()
        macaroon.check_role(
            macaroon.parse(connection.macaroon),
            role,
            allow_excess=settings.allow_broad_macaroon,
        )
    except UsageError as exc:  # LndConfigError and MacaroonError name the key first
        text = str(exc).rstrip(".")
        if settings.lndconnect and not text.startswith("lndconnect:"):
            text = f"lndconnect: {text}"  # the macaroon came inside the URI
        table.problems.add(f"lnd.{text}")
