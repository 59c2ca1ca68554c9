"""The daemons of a regtest network: where their binaries are, how each is started, and
what is recorded of it (so `status` and `down` can find exactly the processes `up` made)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gridnode.regtest.btcd import BtcdRpc
from gridnode.regtest.lnd_admin import LndAdmin
from gridnode.regtest.processes import Daemon, RegtestError, spawn, wait_for

RPC_USER = "gridnode"
RPC_PASS = "regtest"  # loopback-only regtest credentials, never a real network


def cache_dir() -> Path:
    return Path(os.environ.get("GRIDNODE_CACHE", Path.home() / ".cache" / "gridnode"))


def bin_dir() -> Path:
    return Path(os.environ.get("GRIDNODE_BIN", cache_dir() / "bin"))


def _binary(name: str) -> str:
    path = bin_dir() / name
    if not os.access(path, os.X_OK):
        raise RegtestError(
            f"{name} is not built yet (looked for {path}); run 'make setup' first, which "
            "builds btcd and lnd from their Go modules."
        )
    return str(path)


@dataclass
class LndNode:
    name: str
    lnddir: Path
    grpc_host: str
    p2p_host: str
    daemon: Daemon
    pubkey: str = ""

    @property
    def tls_cert(self) -> Path:
        return self.lnddir / "tls.cert"

    @property
    def macaroon_dir(self) -> Path:
        return self.lnddir / "data" / "chain" / "bitcoin" / "regtest"

    @property
    def admin_macaroon(self) -> Path:
        return self.macaroon_dir / "admin.macaroon"

    @property
    def invoice_macaroon(self) -> Path:
        return self.macaroon_dir / "invoice.macaroon"

    @property
    def log_file(self) -> Path:
        return self.lnddir / "logs" / "bitcoin" / "regtest" / "lnd.log"

    def admin(self) -> LndAdmin:
        return LndAdmin(self.grpc_host, self.tls_cert, self.admin_macaroon)

    def lncli_args(self) -> list[str]:
        return [
            f"--rpcserver={self.grpc_host}",
            f"--tlscertpath={self.tls_cert}",
            f"--macaroonpath={self.admin_macaroon}",
            "--network=regtest",
        ]

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "grpc": self.grpc_host,
            "p2p": self.p2p_host,
            "tls_cert": str(self.tls_cert),
            "admin_macaroon": str(self.admin_macaroon),
            "invoice_macaroon": str(self.invoice_macaroon),
            "pubkey": self.pubkey,
            "lnddir": str(self.lnddir),
            "pid": self.daemon.pid,
            "lncli": [_binary_path("lncli"), *self.lncli_args()],
            "daemon": self.daemon.to_json(),
        }


def _binary_path(name: str) -> str:
    return str(bin_dir() / name)


@dataclass
class Btcd:
    rpc: BtcdRpc
    p2p_host: str
    daemon: Daemon

    def to_json(self) -> dict[str, object]:
        return {
            "rpc": self.rpc.host,
            "p2p": self.p2p_host,
            "rpcuser": self.rpc.user,
            "rpcpass": self.rpc.password,
            "rpccert": str(self.rpc.cert),
            "pid": self.daemon.pid,
            "daemon": self.daemon.to_json(),
        }


def btcd_from(doc: dict[str, object]) -> Btcd:
    rpc = BtcdRpc(
        str(doc["rpc"]), str(doc["rpcuser"]), str(doc["rpcpass"]), Path(str(doc["rpccert"]))
    )
    daemon = doc["daemon"]
    assert isinstance(daemon, dict)
    return Btcd(rpc, str(doc["p2p"]), Daemon.from_json(daemon))


def node_from(doc: dict[str, object]) -> LndNode:
    daemon = doc["daemon"]
    assert isinstance(daemon, dict)
    return LndNode(
        name=str(doc["name"]),
        lnddir=Path(str(doc["lnddir"])),
        grpc_host=str(doc["grpc"]),
        p2p_host=str(doc["p2p"]),
        daemon=Daemon.from_json(daemon),
        pubkey=str(doc["pubkey"]),
    )


#: btcd's limits on RPC websockets and clients: room for a few hundred LND nodes.
MAX_RPC_CLIENTS = 1000


def btcd_argv(binary: str, home: Path, rpc_port: int, p2p_host: str, extra: list[str]) -> list[str]:
    """How a regtest btcd is started: in ``home``, listening for peers on ``p2p_host``
    (none if empty), with ``extra`` flags last."""
    argv = [
        binary,
        "--regtest",
        f"--datadir={home / 'data'}",
        f"--logdir={home / 'logs'}",
        f"--rpcuser={RPC_USER}",
        f"--rpcpass={RPC_PASS}",
        f"--rpclisten=127.0.0.1:{rpc_port}",
        f"--rpccert={home / 'rpc.cert'}",
        f"--rpckey={home / 'rpc.key'}",
        "--txindex",
        "--debuglevel=info",
        "--trickleinterval=50ms",  # relay transactions to the miner at once, not every 10 s
        # every LND node holds websockets to btcd; past btcd's defaults (25 websockets,
        # 10 clients) the newest are dropped and reconnect forever, and ten or more
        # nodes never report synced (issue 17)
        f"--rpcmaxwebsockets={MAX_RPC_CLIENTS}",
        f"--rpcmaxclients={MAX_RPC_CLIENTS}",
        f"--rpcmaxconcurrentreqs={MAX_RPC_CLIENTS}",
        # the two btcds are each other's only peer: a ban ends the relay of transactions
        # to the miner for 24 h. The full drill saw one ("10 transactions not found":
        # btcd announced transactions it no longer held when the miner asked for them),
        # and the next block waited for them in vain (the drill stopped at fault 126).
        "--nobanning",
    ]
    if p2p_host:
        argv.append(f"--listen={p2p_host}")
    return argv + extra


def start_btcd(
    home: Path, rpc_port: int, p2p_port: int | None, extra: list[str], tied: bool = False
) -> Btcd:
    home.mkdir(parents=True, exist_ok=True)
    p2p_host = "" if p2p_port is None else f"127.0.0.1:{p2p_port}"
    argv = btcd_argv(_binary("btcd"), home, rpc_port, p2p_host, extra)
    daemon = spawn(home.name, argv, home / "stdout.log", tied=tied)
    rpc = BtcdRpc(f"127.0.0.1:{rpc_port}", RPC_USER, RPC_PASS, home / "rpc.cert")
    wait_for(lambda: rpc.cert.exists(), f"{home.name} to write its RPC certificate", 30.0)
    return Btcd(rpc, p2p_host, daemon)


def start_lnd(
    root: Path, name: str, btcd: Btcd, rpc_port: int, p2p_port: int, tied: bool = False
) -> LndNode:
    lnddir = root / name
    lnddir.mkdir(parents=True, exist_ok=True)
    argv = [
        _binary("lnd"),
        f"--lnddir={lnddir}",
        f"--alias={name}",
        "--bitcoin.regtest",
        "--bitcoin.node=btcd",
        f"--btcd.rpchost={btcd.rpc.host}",
        f"--btcd.rpcuser={RPC_USER}",
        f"--btcd.rpcpass={RPC_PASS}",
        f"--btcd.rpccert={btcd.rpc.cert}",
        f"--rpclisten=127.0.0.1:{rpc_port}",
        f"--listen=127.0.0.1:{p2p_port}",
        "--norest",
        "--noseedbackup",
        "--nobootstrap",
        "--debuglevel=info",
        "--trickledelay=50",
        "--bitcoin.defaultchanconfs=1",
        # gridnode pays in steps of a few hundred msat over a direct channel: accept and
        # send HTLCs from 1 msat (LND's default floor is 1 sat).
        "--bitcoin.minhtlc=1",
        "--bitcoin.minhtlcout=1",
    ]
    daemon = spawn(name, argv, lnddir / "stdout.log", tied=tied)
    return LndNode(name, lnddir, f"127.0.0.1:{rpc_port}", f"127.0.0.1:{p2p_port}", daemon)
