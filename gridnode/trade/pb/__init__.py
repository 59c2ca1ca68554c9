"""Generated protobuf modules of the trade protocol; do not edit.

Regenerate with ``scripts/gen_protos`` from ``protos/gridnode/trade/v1/trade.proto``.
Only :mod:`gridnode.trade.codec` imports these.
"""
