"""Liquidity: whether the direct channel that carries a node's sessions can go on
carrying them, as days left at the last day's spending.

Money flows one way, so a buyer's outbound and a seller's inbound run out. The pure
figures are :mod:`gridnode.liquidity.outlook`; the last day's spending per peer is read
from the ledger by :mod:`gridnode.liquidity.spending`.
"""
