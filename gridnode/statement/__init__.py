"""``gridnode statement``: a month's sessions per tenant, from the ledger and its archive.

Every figure comes from the sessions' receipts (:mod:`gridnode.receipt`): built from the
ledger for the sessions it still holds, read from ``gridnode ledger prune``'s archive for
the ones it gave away. So a statement line is exactly what a tenant can check with
``gridnode verify`` on the receipt it names (file name and SHA-256).
"""
