"""What LND says through lnd-grpc-client, the tests' second, independent client.

Run in its own process: its generated protos register the same symbols (lnrpc.*) as
gridnode's, and one Python process cannot hold both. Prints one JSON document.

    python tests/support/regtest/lndgrpc_probe.py invoices GRPC CERT MACAROON
    python tests/support/regtest/lndgrpc_probe.py payments GRPC CERT MACAROON
    python tests/support/regtest/lndgrpc_probe.py balance GRPC CERT MACAROON
    python tests/support/regtest/lndgrpc_probe.py serve
        # one request a line ("invoices GRPC CERT MACAROON"), one JSON answer a line
"""

from __future__ import annotations

import json
import sys

from lndgrpc import LNDClient

_CLIENTS: dict[tuple[str, str, str], LNDClient] = {}


def ask(what: str, host: str, cert: str, macaroon: str) -> object:
    key = (host, cert, macaroon)
    if key not in _CLIENTS:  # one channel per node; gRPC reconnects it after a restart
        _CLIENTS[key] = LNDClient(host, cert_filepath=cert, macaroon_filepath=macaroon)
    client = _CLIENTS[key]
    if what == "invoices":
        reply = client.list_invoices(num_max_invoices=100_000)
        doc: object = [
            {
                "payment_hash": inv.r_hash.hex(),
                "state": inv.InvoiceState.Name(inv.state),
                "amt_paid_msat": inv.amt_paid_msat,
                "value_msat": inv.value_msat,
                "settle_index": inv.settle_index,
                "preimage": inv.r_preimage.hex(),
                "settle_date": inv.settle_date,
                "memo": inv.memo,
            }
            for inv in reply.invoices
        ]
    elif what == "payments":
        reply = client.list_payments(include_incomplete=True, max_payments=100_000)
        doc = [
            {
                "payment_hash": p.payment_hash,
                "status": p.PaymentStatus.Name(p.status),
                "value_msat": p.value_msat,
                "preimage": p.payment_preimage,
                "fee_msat": p.fee_msat,
            }
            for p in reply.payments
        ]
    elif what == "balance":
        reply = client.channel_balance()
        doc = {"local_msat": reply.local_balance.msat, "remote_msat": reply.remote_balance.msat}
    else:
        raise SystemExit(f"unknown probe {what!r}")
    return doc


def serve() -> None:
    """Answer requests until stdin closes; an error is answered as {"error": "..."}."""
    for line in sys.stdin:
        try:
            answer = ask(*line.split())
        except Exception as exc:  # the asker decides; this process stays up
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def main() -> None:
    if sys.argv[1:2] == ["serve"]:
        serve()
        return
    json.dump(ask(*sys.argv[1:5]), sys.stdout)


if __name__ == "__main__":
    main()
