"""Session receipts: one JSON file per session that anyone can check offline.

A receipt carries what a third party needs to check a session without trusting either
node: both parties' public keys, both meters' signed OCMF series, the signed offer,
acceptance, renewals and payment notices verbatim, and each invoice and payment with its
BOLT11, payment hash and preimage. See docs/receipts.md.

- :func:`gridnode.receipt.export.build_receipt` exports one session from a node's ledger
  (it reads SQLite, so it is not imported here);
- :func:`gridnode.receipt.verify.verify_receipt` checks one (pure computation);
- :func:`gridnode.receipt.text.receipt_text` renders one for a person.
"""
