"""Administrative calls the regtest set-up makes to LND (addresses, peers, channels).

Blocking gRPC over the generated stubs with the admin macaroon; used only to build the
test network, never by a trading node (which holds least-privilege macaroons).
"""

from __future__ import annotations

import time
from pathlib import Path

import grpc

from gridnode.regtest.processes import RegtestError
from gridnode.wallet.lnrpc import lightning_pb2 as ln
from gridnode.wallet.lnrpc import lightning_pb2_grpc as ln_grpc
from gridnode.wallet.lnrpc import router_pb2 as router
from gridnode.wallet.lnrpc import router_pb2_grpc as router_grpc


class LndAdmin:
    def __init__(self, host: str, tls_cert: Path, macaroon: Path) -> None:
        self.host = host
        self._tls_cert = tls_cert
        self._macaroon = macaroon
        self._channel: grpc.Channel | None = None

    def _stubs(self) -> tuple[ln_grpc.LightningStub, router_grpc.RouterStub, list[tuple[str, str]]]:
        if self._channel is None:
            creds = grpc.ssl_channel_credentials(self._tls_cert.read_bytes())
            self._channel = grpc.secure_channel(self.host, creds)
        metadata = [("macaroon", self._macaroon.read_bytes().hex())]
        return ln_grpc.LightningStub(self._channel), router_grpc.RouterStub(self._channel), metadata

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def _call(self, name: str, request: object, timeout_s: float = 30.0) -> object:
        lightning, _, metadata = self._stubs()
        try:
            return getattr(lightning, name)(request, metadata=metadata, timeout=timeout_s)
        except grpc.RpcError as exc:
            raise RegtestError(f"lnd {self.host} {name}: {_details(exc)}") from exc

    def wait_ready(self, timeout_s: float = 60.0) -> ln.GetInfoResponse:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if self._macaroon.exists() and self._tls_cert.exists():
                    return self.get_info()
            except RegtestError:
                self.close()  # the certificate may have been rewritten at start-up
            if time.monotonic() > deadline:
                raise RegtestError(f"lnd at {self.host} did not become ready in {timeout_s} s")
            time.sleep(0.2)

    def get_info(self) -> ln.GetInfoResponse:
        reply = self._call("GetInfo", ln.GetInfoRequest(), timeout_s=5.0)
        assert isinstance(reply, ln.GetInfoResponse)
        return reply

    def new_address(self) -> str:
        reply = self._call("NewAddress", ln.NewAddressRequest(type=ln.WITNESS_PUBKEY_HASH))
        assert isinstance(reply, ln.NewAddressResponse)
        return reply.address

    def confirmed_balance_sat(self) -> int:
        reply = self._call("WalletBalance", ln.WalletBalanceRequest())
        assert isinstance(reply, ln.WalletBalanceResponse)
        return reply.confirmed_balance

    def connect(self, pubkey: str, p2p_host: str) -> None:
        request = ln.ConnectPeerRequest(
            addr=ln.LightningAddress(pubkey=pubkey, host=p2p_host), timeout=20
        )
        try:
            self._call("ConnectPeer", request)
        except RegtestError as exc:
            if "already connected" not in str(exc):
                raise

    def open_channel(self, pubkey: str, capacity_sat: int, push_sat: int) -> None:
        request = ln.OpenChannelRequest(
            node_pubkey=bytes.fromhex(pubkey),
            local_funding_amount=capacity_sat,
            push_sat=push_sat,
            sat_per_vbyte=2,
            min_htlc_msat=1,
        )
        self._call("OpenChannelSync", request, timeout_s=60.0)

    def open_channels(self, pubkeys: list[str], capacity_sat: int, push_sat: int) -> None:
        """One funding transaction for a channel to each of ``pubkeys`` (connected peers)."""
        request = ln.BatchOpenChannelRequest(
            channels=[
                ln.BatchOpenChannel(
                    node_pubkey=bytes.fromhex(pubkey),
                    local_funding_amount=capacity_sat,
                    push_sat=push_sat,
                    min_htlc_msat=1,
                )
                for pubkey in pubkeys
            ],
            sat_per_vbyte=2,
        )
        self._call("BatchOpenChannel", request, timeout_s=60.0 + 5.0 * len(pubkeys))

    def active_channels(self) -> list[ln.Channel]:
        reply = self._call("ListChannels", ln.ListChannelsRequest(active_only=True))
        assert isinstance(reply, ln.ListChannelsResponse)
        return list(reply.channels)

    def channels(self) -> list[ln.Channel]:
        """Every open channel, active or not."""
        reply = self._call("ListChannels", ln.ListChannelsRequest())
        assert isinstance(reply, ln.ListChannelsResponse)
        return list(reply.channels)

    def peers(self) -> list[str]:
        """The public keys of the connected peers."""
        reply = self._call("ListPeers", ln.ListPeersRequest())
        assert isinstance(reply, ln.ListPeersResponse)
        return [peer.pub_key for peer in reply.peers]

    def force_close(self, channel_point: str, timeout_s: float = 30.0) -> str:
        """Force-close the channel at ``channel_point`` ("txid:index"): its closing
        transaction's id, once LND broadcast it."""
        lightning, _, metadata = self._stubs()
        txid, _, index = channel_point.partition(":")
        request = ln.CloseChannelRequest(
            channel_point=ln.ChannelPoint(funding_txid_str=txid, output_index=int(index)),
            force=True,
        )
        try:
            for update in lightning.CloseChannel(request, metadata=metadata, timeout=timeout_s):
                if update.HasField("close_pending"):
                    closing: bytes = update.close_pending.txid
                    return closing[::-1].hex()
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.DEADLINE_EXCEEDED:
                raise RegtestError(f"lnd {self.host} CloseChannel: {_details(exc)}") from exc
        raise RegtestError(f"lnd {self.host} did not broadcast the close of {channel_point}")

    def bake_macaroon(self, permissions: list[str]) -> bytes:
        """A macaroon allowing exactly ``permissions`` ("entity:action" or "uri:/...")."""
        request = ln.BakeMacaroonRequest(
            permissions=[
                ln.MacaroonPermission(entity=p.split(":", 1)[0], action=p.split(":", 1)[1])
                for p in permissions
            ]
        )
        reply = self._call("BakeMacaroon", request)
        assert isinstance(reply, ln.BakeMacaroonResponse)
        return bytes.fromhex(reply.macaroon)

    def add_invoice(self, amount_sat: int, memo: str) -> tuple[str, str]:
        """A new invoice: (BOLT11, payment hash in hex)."""
        reply = self._call("AddInvoice", ln.Invoice(value=amount_sat, memo=memo))
        assert isinstance(reply, ln.AddInvoiceResponse)
        return reply.payment_request, reply.r_hash.hex()

    def pay(self, bolt11: str, timeout_s: int = 10) -> tuple[bool, str]:
        """Pay and wait for the result: (succeeded, failure reason or preimage hex)."""
        _, routing, metadata = self._stubs()
        request = router.SendPaymentRequest(
            payment_request=bolt11, timeout_seconds=timeout_s, fee_limit_msat=10_000
        )
        try:
            for update in routing.SendPaymentV2(request, metadata=metadata, timeout=timeout_s + 5):
                if update.status == ln.Payment.SUCCEEDED:
                    return True, update.payment_preimage
                if update.status == ln.Payment.FAILED:
                    return False, ln.PaymentFailureReason.Name(update.failure_reason)
        except grpc.RpcError as exc:
            return False, _details(exc)
        return False, "payment stream ended without a result"


def _details(exc: grpc.RpcError) -> str:
    details = getattr(exc, "details", None)
    return str(details() if callable(details) else exc)
