"""What LND says through lnd-grpc-client, the tests' second, independent client.

Run in its own process: its generated protos register the same symbols (lnrpc.*) as
gridnode's, and one Python process cannot hold both. Prints one JSON document.

    python tests/support/regtest/lndgrpc_probe.py invoices GRPC CERT MACAROON
    python tests/support/regtest/lndgrpc_probe.py payments GRPC CERT MACAROON
    python tests/support/regtest/lndgrpc_probe.py balance GRPC CERT MACAROON
"""

from __future__ import annotations

import json
import sys

from lndgrpc import LNDClient


def main() -> None:
    what, host, cert, macaroon = sys.argv[1:5]
    client = LNDClient(host, cert_filepath=cert, macaroon_filepath=macaroon)
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
            }
            for p in reply.payments
        ]
    elif what == "balance":
        reply = client.channel_balance()
        doc = {"local_msat": reply.local_balance.msat, "remote_msat": reply.remote_balance.msat}
    else:
        raise SystemExit(f"unknown probe {what!r}")
    json.dump(doc, sys.stdout)


if __name__ == "__main__":
    main()
