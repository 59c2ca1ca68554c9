"""gridnode's version: the one constant every part may read (the CLI's ``--version``, the
ledger's creation record, the OCMF gateway version ``GV`` of each signed reading).

A module of its own at the bottom of the package, so that the pure core can read it
without reaching up into the package root.
"""

__version__ = "0.1.0"
